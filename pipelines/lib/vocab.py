"""Controlled vocabularies and ranges shared by the extraction code and the pandera schemas.

One definition each, so that a value the code can emit is a value the schema accepts.
"""
from __future__ import annotations

import datetime as dt

# Commitment statuses (eval guidelines, section 2), strongest first within each family.
AGREEMENT_STATUSES = ("signed", "negotiating")
DECLARATION_STATUSES = ("declaration_founder", "declaration_joined", "supporter")
STATUSES = AGREEMENT_STATUSES + DECLARATION_STATUSES

# A party of a commitment is a country code or the European Union.
EU_CODE = "EU"

# How precisely a resolved date is known.
PRECISIONS = ("day", "month", "year")

# Reason codes for rejected_documents.reason.
REJECTION_REASONS = (
    "empty",          # no bytes, or only whitespace once decoded
    "binary",         # NUL bytes or a known binary signature: not a text document
    "encoding",       # bytes that decode to no text we can trust
    "too_large",      # over the configured size limit
    "line_too_long",  # a single line over the configured limit
    "unreadable",     # the file could not be opened or read
    "outside_seeds",  # a symbolic link that resolves outside the seeds folder
    "duplicate",      # same bytes as another document already kept
    "sidecar",        # the document is kept, but its .meta.json sidecar was not usable
)

# Dates of events and publications: from Ukraine's independence to the end of the century.
EARLIEST_EVENT_DATE = dt.date(1991, 8, 24)
LATEST_DATE = dt.date(2099, 12, 31)
# Dates merely mentioned in text may be historical ("the 1945 settlement").
EARLIEST_MENTIONED_DATE = dt.date(1800, 1, 1)
