"""Property tests on parsing and normalising: any Unicode text in, no crash out, offsets that index it.

Documents are scraped news: anything can be in them. Hypothesis feeds each stage arbitrary text
(every Unicode category but lone surrogates, which strict decoding never produces) and text built
from the words the rules look for (country names, months, dates, roles, Cyrillic, punctuation), so
that the deep branches run too. The properties are the contracts the published tables rely on:
every span's text is exactly `text[char_start:char_end]` (the audit checks this on every release),
a resolved country is a code of the countries table, and name folding is idempotent. The country
key is not a fixed point for every text (see KNOWN_NOT_FIXED), which is recorded here rather than
hidden by a narrower strategy.
"""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pipelines import countries
from pipelines.countries import key, resolve, to_iso2
from pipelines.countries.keys import compact, fold
from pipelines.lib.dates import find_dates, resolve as resolve_date
from pipelines.lib.documents import RawDocument, normalise_newlines, sha256_hex
from pipelines.lib.extract import extract_document
from pipelines.lib.mentions import find_country_mentions
from pipelines.lib.sentences import split_sentences
from pipelines.lib.vocab import EU_CODE

UNICODE = st.characters(blacklist_categories=("Cs",))
WORDS = ["Ukraine", "Poland", "the United Kingdom", "U.K.", "USA", "Korea, Rep.", "Côte d’Ivoire", "Türkiye",
         "Україна", "Польща", "Німеччина", "EU", "European Union", "NATO", "Georgia", "Jordan", "Chad",
         "Prime Minister", "President", "Zelensky", "Donald Tusk", "signed", "negotiating", "agreement", "security",
         "on", "in", "July", "8", "July 8, 2024", "12 January 2024", "2024-07-09", "yesterday", "last Friday",
         "Jan.", "Dr.", "No.", "Mr.", "-", "|", "*", ":", ";", ",", ".", "!", "?", '"', "(", ")", "\n", "\n\n",
         "\t", "  ", "\r\n", "&", "'", "’", "st.", "Rep.", "Dem.", "of", "and", "the"]
PLAIN = st.text(alphabet=UNICODE, max_size=300)
WORDY = st.lists(st.one_of(st.sampled_from(WORDS), st.text(alphabet=UNICODE, max_size=4)), max_size=60) \
    .map(" ".join)
TEXT = st.one_of(PLAIN, WORDY)
CODES = {row["iso2"] for row in countries.country_rows()} | {EU_CODE}
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(TEXT)
def test_sentences_index_the_text(text):
    for s in split_sentences(text):
        assert text[s.char_start:s.char_end] == s.text and s.text and s.text == s.text.strip()


@FAST
@given(TEXT)
def test_country_mentions_index_the_text_and_name_known_codes(text):
    mentions = find_country_mentions(text)
    for m in mentions:
        assert 0 <= m.char_start < m.char_end <= len(text)
        assert text[m.char_start:m.char_end] == m.surface
        assert m.iso2 in CODES
    spans = [(m.char_start, m.char_end) for m in mentions]
    assert spans == sorted(spans) and all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


@FAST
@given(TEXT, st.dates(dt.date(1991, 8, 24), dt.date(2099, 12, 31)))
def test_dates_index_the_text_and_resolve_to_ordered_days(text, published):
    exprs = find_dates(text)
    for e in exprs:
        assert text[e.char_start:e.char_end] == e.surface
        resolved = resolve_date(e, published)
        if resolved.date_start and resolved.date_end:
            assert resolved.date_start <= resolved.date_end
    spans = [(e.char_start, e.char_end) for e in exprs]
    assert spans == sorted(spans) and all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


@FAST
@given(TEXT)
def test_country_names_of_any_text_resolve_without_crashing(text):
    assert to_iso2(text) in CODES | {None}
    assert resolve(text).iso2 == to_iso2(text)
    key(text)


@FAST
@given(TEXT)
def test_folding_is_idempotent_on_any_text(text):
    assert fold(fold(text)) == fold(text)
    assert compact(compact(text)) == compact(text)


# keys.key is NOT a fixed point when single letters end up next to each other only once a stopword
# or a punctuation-only word is gone: the letters are joined on the second pass ("B&H" -> "b h" ->
# "bh", and "b h" resolves to Bahrain). The lookup keys raw names, so it does not rely on this, but
# tests/countries/test_keys.py states idempotence as a property; reported to the owner of keys.py.
KNOWN_NOT_FIXED = [("B&H", "b h"),
                   ("Yuzhnaya Georgiya i Yuzhnye Sandvichevy o-va", "georgiya i o sandvichevy va yuzhnaya yuzhnye"),
                   ("Yuzhnaya Georgiya i Yuzhnyye Sandvichevy o-va",
                    "georgiya i o sandvichevy va yuzhnaya yuzhnyye")]


def test_the_key_of_every_alias_is_a_fixed_point_but_the_known_three():
    broken = [(row["alias"], row["key"]) for row in countries.alias_rows() if key(row["key"]) != row["key"]]
    assert broken == KNOWN_NOT_FIXED


@pytest.mark.xfail(strict=True, reason="keys.key joins single letters only on a second pass (see KNOWN_NOT_FIXED)")
@pytest.mark.parametrize("text", ["a the b", "A:0:A", "B&H"])
def test_the_key_of_any_text_is_a_fixed_point(text):
    assert key(key(text)) == key(text)


@SLOW
@given(TEXT, st.one_of(st.none(), st.dates(dt.date(1991, 8, 24), dt.date(2099, 12, 31))))
def test_extract_document_never_crashes_and_every_span_indexes_the_text(text, published):
    from pipelines.lib.documents import Sidecar

    text = normalise_newlines(text)
    raw = RawDocument("doc.txt", sha256_hex(text.encode()), text, "utf-8", len(text.encode()), Sidecar(published))
    out = extract_document(raw)
    assert out.document["text"] == text and out.document["n_chars"] == len(text)
    sentences = {s["sentence_no"]: s for s in out.sentences}
    for s in out.sentences:
        assert text[s["char_start"]:s["char_end"]] == s["text"]
    for table in (out.country_mentions, out.date_mentions):
        for row in table:
            assert text[row["char_start"]:row["char_end"]] == row["surface"]
            assert row["sentence_no"] in sentences
    for row in out.country_mentions:
        assert row["iso2"] in CODES
    for row in out.commitments:
        assert row["evidence"] == sentences[row["sentence_no"]]["text"]
        assert row["country_iso2"] in CODES
