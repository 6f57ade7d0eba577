"""Everything extracted from one document, as rows of the published tables.

`extract_document` is a pure function of a decoded document (and its sidecar): the same bytes give
the same rows, which is what lets the pipeline cache results by content hash and run documents in
parallel. The order of work matters: people first (so a surname such as Montenegro is not taken
for a country), then country mentions, then a first pass over commitments without dates (which
events the text reports), then the publication date, and only then every date and commitment.
"""
from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from functools import lru_cache

from pipelines.countries import key as country_key
from pipelines.lib import commitments as cm
from pipelines.lib.dates import DateExpr, ResolvedDate, find_dates, resolve
from pipelines.lib.documents import RawDocument, title_of
from pipelines.lib.language import detect_language
from pipelines.lib.mentions import Mention, default_gazetteer, find_country_mentions
from pipelines.lib.people import Person, find_people, known_people
from pipelines.lib.pubdate import Claim, PublicationDate, infer_published
from pipelines.lib.sentences import Sentence, split_sentences
from pipelines.lib.vocab import EU_CODE
from pipelines.lib.unresolved import find_unresolved


@dataclass
class DocumentExtraction:
    """Rows for each table, for one document (dicts keyed by column name)."""

    document: dict
    sentences: list[dict] = field(default_factory=list)
    country_mentions: list[dict] = field(default_factory=list)
    date_mentions: list[dict] = field(default_factory=list)
    people: list[dict] = field(default_factory=list)
    commitments: list[dict] = field(default_factory=list)
    unresolved_names: list[dict] = field(default_factory=list)


@lru_cache(maxsize=1)
def _country_words() -> dict[str, str]:
    """Country names and demonyms as written -> code, for reading roles ("Danish Prime Minister")."""
    return {e.surface: e.code for e in default_gazetteer().entries
            if e.code and e.code != EU_CODE and e.method in ("name", "demonym")}


@lru_cache(maxsize=1)
def _country_keys() -> frozenset[str]:
    from pipelines.countries import alias_rows

    return frozenset(row["key"] for row in alias_rows())


@lru_cache(maxsize=65536)
def _is_country_name(text: str) -> bool:
    """Exactly a known name of a country (no fuzzy matching: 'Romana' is a given name here)."""
    return text in _country_words() or country_key(text) in _country_keys()


_WARM_UP_TEXT = ("Warm-up\n\nOn Monday, 12 January 2024, Prime Minister Jan Kowalski of Poland signed a security "
                 "agreement with Ukraine in Kyiv, and Germnay joined the declaration.\n")


def warm_up() -> None:
    """Load everything `extract_document` builds on first use (the gazetteer, the name and event
    tables, the fuzzy matcher), so that worker processes forked afterwards share it rather than
    each building its own."""
    extract_document(RawDocument("warm-up.txt", "0" * 64, _WARM_UP_TEXT, "utf-8", len(_WARM_UP_TEXT)))


def extract_document(raw: RawDocument) -> DocumentExtraction:
    text = raw.text
    doc_id = raw.doc_id
    sentences = split_sentences(text)
    people = find_people(text, _country_words(), _is_country_name)
    person_spans = [span for p in people for span in p.spans]
    mentions = find_country_mentions(text, excluded=person_spans)
    exprs = find_dates(text)
    party_refs = _party_refs(mentions, people)

    refs_of = _BySentence(party_refs, [a for a, _, _, _ in party_refs])
    undated = [_facts_for(s, refs_of(s)) for s in sentences]
    pairs = _pairs(undated)
    claims = _claims(sentences, pairs)
    published = _published(raw, text, exprs, claims)
    resolved = _resolve_all(exprs, published.date, sentences)
    facts = _sentence_facts(sentences, undated, exprs, resolved)
    declaration = _declaration_date(sentences, exprs, resolved)
    commitments = _commitments(facts, pairs, declaration)

    out = DocumentExtraction(document=_document_row(raw, published))
    sent_of = _sentence_lookup(sentences)
    out.sentences = [dict(doc_id=doc_id, sentence_no=s.sentence_no, char_start=s.char_start, char_end=s.char_end,
                          text=s.text, kind=s.kind, line_no=s.line_no) for s in sentences]
    out.country_mentions = [dict(doc_id=doc_id, sentence_no=sent_of(m.char_start), char_start=m.char_start,
                                 char_end=m.char_end, surface=m.surface, iso2=m.iso2, method=m.method)
                            for m in mentions if m.iso2 != EU_CODE]
    out.date_mentions = [dict(doc_id=doc_id, sentence_no=sent_of(e.char_start), char_start=e.char_start,
                              char_end=e.char_end, surface=e.surface, kind=e.kind, date_start=r.date_start,
                              date_end=r.date_end, precision=r.precision, resolved_by=r.resolved_by)
                         for e, r in zip(exprs, resolved)]
    out.people = [dict(doc_id=doc_id, canonical_name=p.canonical_name, variants=p.variants, role=p.role,
                       country_iso2=p.country_iso2 if p.country_iso2 != EU_CODE else None,
                       n_mentions=p.n_mentions, first_char_start=p.first_char_start) for p in people]
    out.commitments = [dict(doc_id=doc_id, country_iso2=c.party, status=c.status, date_start=c.date_start,
                            date_end=c.date_end, date_precision=c.precision, evidence=c.evidence,
                            sentence_no=c.sentence_no, trigger=c.trigger) for c in commitments]
    out.unresolved_names = [dict(doc_id=doc_id, **row) for row in find_unresolved(text, mentions, person_spans)]
    return out


def _sentence_lookup(sentences: list[Sentence]):
    starts = [s.char_start for s in sentences]

    def sentence_of(pos: int) -> int:
        i = bisect_right(starts, pos) - 1
        return sentences[i if i > 0 else 0].sentence_no
    return sentence_of


class _BySentence:
    """Items sorted by their start offset, taken sentence by sentence with a binary search: a
    filter over every item for every sentence is quadratic in the length of a document."""

    def __init__(self, items: list, starts: list[int]):
        self.items, self.starts = items, starts

    def __call__(self, sentence: Sentence) -> list:
        lo = bisect_left(self.starts, sentence.char_start)
        return self.items[lo:bisect_left(self.starts, sentence.char_end, lo)]


@lru_cache(maxsize=1)
def _known_countries() -> dict[str, str | None]:
    """Canonical name -> country of the reviewed well-known people."""
    return {p.canonical_name: p.country_iso2 for p in known_people().values()}


def _party_refs(mentions: list[Mention], people: list[Person]) -> list[tuple[int, int, str, str]]:
    """Every place a party is named (sorted by offset): countries and the EU, and persons the text ties to one."""
    refs = [(m.char_start, m.char_end, m.iso2, m.method) for m in mentions]
    known = _known_countries()
    for person in people:
        code = person.country_iso2 or known.get(person.canonical_name)
        if code:
            refs += [(a, b, code, "person") for a, b in person.spans if not _possessive_at(person, b)]
    return sorted(refs)


def _possessive_at(person: Person, end: int) -> bool:
    """'Tusk's trip': a person in the possessive modifies a noun and is not an actor."""
    return end in person.possessive_ends


def _facts_for(sentence: Sentence, party_refs) -> cm.SentenceFacts:
    """`party_refs`: the references that start inside the sentence; no dates yet (`_sentence_facts`)."""
    base = sentence.char_start
    parties = tuple(cm.PartyRef(a - base, b - base, code, via) for a, b, code, via in party_refs)
    return cm.SentenceFacts(sentence.sentence_no, sentence.line_no, sentence.text, parties, (), sentence.kind)


def _walk(facts: list[cm.SentenceFacts]):
    """Each sentence with the one before it and, for list items and table rows, the line that
    introduces them (the nearest sentence before that is not itself an item)."""
    previous = intro = None
    for f in facts:
        if f.kind not in ("list_item", "table_row"):
            intro = None
        yield f, previous, intro
        if f.kind not in ("list_item", "table_row"):
            intro = f
        previous = f


def _claims(sentences: list[Sentence], pairs_by_sentence) -> list[Claim]:
    """Which (party, status) each sentence states, before any date is known."""
    claims = []
    by_no = {s.sentence_no: s for s in sentences}
    walk = _walk([cm.SentenceFacts(s.sentence_no, s.line_no, s.text, (), (), s.kind) for s in sentences])
    for (facts, previous, intro), pairs in zip(walk, pairs_by_sentence):
        sentence = by_no[facts.sentence_no]
        context = by_no[intro.sentence_no] if intro is not None and facts.kind in ("list_item", "table_row") else (
            by_no[previous.sentence_no] if previous is not None and previous.line_no == facts.line_no else None)
        span = (context.char_start, context.char_end) if context is not None else None
        for party, trigger in pairs:
            if not trigger.negated:
                claims.append(Claim(party.code, trigger.status, sentence.char_start, sentence.char_end, span))
    return claims


def _pairs(facts: list[cm.SentenceFacts]) -> list[tuple]:
    """(party, trigger) pairs of every sentence; dates do not change them, so they are found once."""
    topic = cm.about_agreements(" ".join(f.text for f in facts if f.kind in ("title", "subtitle")))
    return [cm.sentence_pairs(f, previous, intro, earlier=facts[i - 2] if i >= 2 else None, topic=topic)
            for i, (f, previous, intro) in enumerate(_walk(facts))]


def _published(raw: RawDocument, text: str, exprs: list[DateExpr], claims: list[Claim]) -> PublicationDate:
    if raw.sidecar.published is not None:
        return PublicationDate(raw.sidecar.published, "sidecar")
    return infer_published(text, exprs, claims)


_DECLARATION_DAY = re.compile(r"very day (?:it|that|the declaration|the document) was", re.I)


def _resolve_all(exprs: list[DateExpr], published: dt.date | None, sentences: list[Sentence]) -> list[ResolvedDate]:
    """Resolve in text order, so that 'the same evening' counts from the event dated before it."""
    out: list[ResolvedDate] = []
    reference: dt.date | None = None
    for expr in exprs:
        r = resolve(expr, published, reference)
        out.append(r)
        if r.precision == "day" and expr.kind in ("absolute", "yearless", "weekday", "relative_day", "anaphoric"):
            reference = r.date_start
    return out


def _sentence_facts(sentences, undated: list[cm.SentenceFacts], exprs, resolved) -> list[cm.SentenceFacts]:
    """`undated` (the facts without dates, one a sentence) with the resolved dates of each
    sentence; their parties are kept, not built again."""
    facts = []
    dates_of = _BySentence(list(zip(exprs, resolved)), [e.char_start for e in exprs])  # exprs are in text order
    for sentence, f in zip(sentences, undated):
        base = sentence.char_start
        dated = [cm.DatedSpan(e.char_start - base, e.char_end - base, r.date_start, r.date_end, r.precision, e.future)
                 for e, r in dates_of(sentence)
                 if r.date_start is not None and not _DECLARATION_DAY.search(e.surface)]
        # replace() costs about 10 us a call: only where the sentence gains a date
        facts.append(replace(f, dates=tuple(dated)) if dated else f)
    return facts


_ADOPTION = re.compile(r"\b(?:endorsed|adopted|unveiled|agreed|issued|launched|signed|convened|summit)\b", re.I)
_DECLARATION_WORD = re.compile(r"\b(?:declaration|framework)\b", re.I)


def _declaration_date(sentences: list[Sentence], exprs, resolved) -> cm.DatedSpan | None:
    """The adoption date of the Joint Declaration as the text gives it (for founders and
    'the very day it was unveiled')."""
    for sentence in sentences:
        if not (_DECLARATION_WORD.search(sentence.text) and _ADOPTION.search(sentence.text)):
            continue
        verb = _ADOPTION.search(sentence.text)
        candidates = [(e, r) for e, r in zip(exprs, resolved)
                      if sentence.char_start <= e.char_start < sentence.char_end and r.precision in ("day", "month")]
        if not candidates:
            continue
        pos = sentence.char_start + verb.start()
        e, r = min(candidates, key=lambda er: (er[1].precision != "day", abs(er[0].char_start - pos)))
        return cm.DatedSpan(0, 0, r.date_start, r.date_end, r.precision)
    return None


def _commitments(facts: list[cm.SentenceFacts], pairs, declaration: cm.DatedSpan | None) -> list[cm.Commitment]:
    if declaration is not None:
        facts = [_with_declaration_day(f, declaration) for f in facts]
    rows = []
    for (f, previous, intro), sentence_pairs in zip(_walk(facts), pairs):
        if sentence_pairs:
            rows += cm.commitments_from_pairs(f, sentence_pairs, previous, declaration, intro)
    return cm.supersede(rows)


def _with_declaration_day(facts: cm.SentenceFacts, declaration: cm.DatedSpan) -> cm.SentenceFacts:
    """'On the very day it was unveiled' dates an event with the declaration's adoption date."""
    m = _DECLARATION_DAY.search(facts.text)
    if not m:
        return facts
    span = cm.DatedSpan(m.start(), m.end(), declaration.date_start, declaration.date_start, "day")
    return replace(facts, dates=facts.dates + (span,))


def _document_row(raw: RawDocument, published: PublicationDate) -> dict:
    return dict(doc_id=raw.doc_id, source_path=raw.source_path, title=title_of(raw.text),
                published_date=published.date, published_date_inferred=published.method != "sidecar",
                published_date_method=published.method,
                language=raw.sidecar.language or detect_language(raw.text),
                source_url=raw.sidecar.source_url, sha256=raw.sha256, encoding=raw.encoding,
                n_bytes=raw.n_bytes, n_chars=len(raw.text), text=raw.text)
