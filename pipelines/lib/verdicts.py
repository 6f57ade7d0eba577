"""Validation verdicts: a record that a stored table passed its pandera model, so that a later step
reading the same bytes does not validate them a second time.

The ingest and extraction steps validate every table before they store it; the release audit then
loads each table and used to validate it again (2.65 s of the 17 s audit of a run that adds one
document to 10,000). A verdict is a small JSON file beside the stored Parquet file. It names the
table, the validator version (`fingerprint.validator_version`: the models, their checks, the
reference data they check against, pandera's version) and the sha256 of the file's bytes. A
reader that finds one hashes the bytes it reads, and the verdict holds only when the table, the
validator and the hash all match: an edited file, an edited model or another pandera version means
validating again. The writer removes a verdict before it replaces the file it vouches for, so a
crash between the two leaves no verdict rather than a stale one (which the hash would catch too).

The verdict travels with the loader (`StoredTable`), not with the frame: a frame can be changed
after it is read, the bytes the loader hashed cannot.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.lib import storage
from pipelines.lib.fingerprint import links_version, validator_version
from pipelines.lib.storage import Location

SUFFIX = ".verdict.json"
# The output metadata entry by which a step that validated a frame names the validator version, and
# so asks the IO manager to store a verdict with it.
METADATA_KEY = "validator_version"
# The output metadata entry by which a step names the frame's content hash when it knows it without
# hashing the rows (the extraction cache's sums); the verdict keeps it for the release audit.
CONTENT_HASH_KEY = "content_hash"
# The output metadata entry by which the extraction step says the per-document links between its
# tables (`audit.document_links`) passed on the rows it stores: a token (`links_token`) that every
# table of one read of the corpus shares; the verdict keeps it for the release audit.
LINKS_KEY = "links_checked"


@dataclass(frozen=True)
class Verdict:
    table: str
    validator: str
    sha256: str
    form: str | None = None  # how the writer wrote the file, when it says (`release.table_file_form`)
    content_hash: str | None = None  # the rows' content hash, when the step that stored them knew it
    links: str | None = None  # the links token, when the step that stored them checked the links


def record(verdict_file: Location, table: str, validator: str, sha256: str, form: str | None = None,
           content_hash: str | None = None, links: str | None = None) -> Verdict:
    """Write the verdict that the file whose bytes hash to `sha256` (as `storage.write_parquet`
    returns it) passed `table`'s model under `validator`; `form` names how it was written,
    `content_hash` the rows' content hash and `links` the links token when the writer was told them."""
    verdict = Verdict(table, validator, sha256, form, content_hash, links)
    text = json.dumps(verdict.__dict__, indent=2, sort_keys=True)
    storage.write_replacing(verdict_file, lambda target: target.write_text(text, encoding="utf-8"))
    return verdict


def read(parquet: Location, verdict_file: Location) -> tuple[bytes | None, Verdict | None]:
    """The file's bytes and its verdict if the verdict matches them; (None, None) when there is no
    verdict (nothing to check the bytes against: the file is best read as a file, memory-mapped
    when local). The bytes are read once, hashed, and are what the reader then decodes, so the
    bytes checked are the bytes used."""
    verdict = _read_verdict(verdict_file)
    if verdict is None:
        return None, None
    data = parquet.read_bytes()
    return data, verdict if hashlib.sha256(data).hexdigest() == verdict.sha256 else None


def _decoded(parquet: Location, data: bytes | None) -> pa.Table:
    return storage.read_parquet(parquet) if data is None else pq.read_table(pa.BufferReader(data))


def _read_verdict(verdict_file: Location) -> Verdict | None:
    """The verdict in the file; None when there is none or it cannot be read (then the table is
    simply validated again: a verdict only ever saves work)."""
    try:
        values = json.loads(verdict_file.read_text(encoding="utf-8"))
        form, content_hash, links = (values.get(key) for key in ("form", "content_hash", "links"))
        return Verdict(str(values["table"]), str(values["validator"]), str(values["sha256"]),
                       *(value if isinstance(value, str) else None for value in (form, content_hash, links)))
    except (OSError, ValueError, KeyError, TypeError):
        return None


class StoredTable:
    """A stored table, read when called (a deferred input: the consumer decides when to hold it).
    After the read, `verdict` is the file's verdict if one held for the bytes read, else None.

    `read()` gives the bytes themselves, with that verdict, for a consumer that can use the file as
    it is (the release audit publishes a validated file stored in the release's form without
    decoding it); a call after it decodes those same bytes rather than reading the file again."""

    def __init__(self, parquet: Location, verdict_file: Location, to_frame: Callable[[pa.Table], pd.DataFrame]):
        self.parquet, self.verdict_file, self._to_frame = parquet, verdict_file, to_frame
        self.verdict: Verdict | None = None
        self._read: tuple[bytes | None, Verdict | None] | None = None

    def read(self) -> tuple[bytes | None, Verdict | None]:
        """The file's bytes and the verdict that holds for them (`verdicts.read`), read once."""
        if self._read is None:
            self._read = read(self.parquet, self.verdict_file)
            self.verdict = self._read[1]
        return self._read

    def __call__(self) -> pd.DataFrame:
        data, self.verdict = self.read()
        self._read = None  # decoded once: another call reads and checks the file again
        return self._to_frame(_decoded(self.parquet, data))


def holds(verdict: Verdict | None, table: str) -> bool:
    """Whether a verdict says the bytes it was checked against passed `table`'s model under the
    current validator."""
    return verdict is not None and verdict.table == table and verdict.validator == validator_version()


def links_token(plan_digest: str) -> str:
    """What the extraction step's tables carry when every row it stores passed the per-document
    links: the links code's version and the digest of the cache read they all come from
    (`doc_cache.ReadPlan.digest`), so that tables of two different reads never vouch together."""
    return f"{links_version()}:{plan_digest}"


def links_vouched(found: Mapping[str, Verdict | None], names: Iterable[str]) -> bool:
    """Whether the verdicts of `names` (each holding for the bytes read) all carry one links token
    under the current links code: then those tables passed the per-document links together."""
    tokens = {getattr(found.get(name), "links", None) for name in names}
    if len(tokens) != 1:
        return False
    (token,) = tokens
    return token is not None and token.startswith(f"{links_version()}:")
