"""Sentence splitting with exact character offsets.

News text comes as lines: a title, an optional subtitle, paragraphs, bullet lists and table rows.
Each non-empty line is a block; a paragraph is split into sentences, while a title, a list item
(without its bullet) or a table row is one sentence, because that is the unit the guidelines cite
as evidence. Offsets are 0-based and half-open, so `text[char_start:char_end] == sentence.text`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.lib.dates import MONTH_ALT

KINDS = ("title", "subtitle", "heading", "paragraph", "list_item", "table_row")


@dataclass(frozen=True)
class Sentence:
    sentence_no: int  # 1-based, in document order
    char_start: int
    char_end: int
    text: str
    kind: str
    line_no: int  # 1-based line of the document: sentences of one paragraph share it


# Tokens that end with a period without ending the sentence.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen lt col capt cmdr sgt maj adm gov sen rep rev hon st mt ft jr sr pres amb
    messrs mme mlle no nos vs approx dept est fig jan feb mar apr jun jul aug sep sept oct nov dec
    inc ltd corp co bros ave blvd sq al cf""".split()
)
# After a dotted acronym ("U.S.") a new sentence starts only with one of these words.
_SENTENCE_STARTERS = frozenset(
    """the a an it he she they we i this that these those there in on at but and however meanwhile
    yet so his her their its our after before when while what why how if as for one two three""".split()
)

_BULLET = re.compile(r"^(\s*)(?:[-*\u2022\u2023\u25aa\u25e6\u00b7\u2013\u2014\u2219]|\d{1,3}[.)]|[a-zA-Z][.)])\s+")
# A chronology's entry: a date, then a dash or a colon ("12 January \u2013 ...", "Feb. 16, 2024: ...").
_MONTH = f"(?:{MONTH_ALT})"
_DATED_ENTRY = re.compile(r"^\s*(?:\d{1,2}\s+" + _MONTH + r"|" + _MONTH + r"\s+\d{1,2})(?:,?\s+\d{4})?"
                          r"\s*(?:[\u2013\u2014:]|\s-)\s+\S")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s+)")
_NEXT_START = re.compile(r"\s+([\"'\u201c\u2018(\[]?)(\S)")


def split_sentences(text: str) -> list[Sentence]:
    """Split a whole document into sentences, numbered from 1 in document order."""
    out: list[Sentence] = []
    pos = 0
    seen_lines = 0
    for line_no, line in enumerate(text.split("\n"), start=1):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        seen_lines += 1
        kind, spans = _line_spans(line, seen_lines)
        for a, b in spans:
            out.append(Sentence(len(out) + 1, start + a, start + b, text[start + a:start + b], kind, line_no))
    return out


def _line_spans(line: str, nth_line: int) -> tuple[str, list[tuple[int, int]]]:
    """Classify one non-empty line and return its sentence spans relative to the line."""
    if nth_line == 1:
        return "title", [_trim(line, 0, len(line))]
    if _is_table_row(line):
        if _TABLE_SEPARATOR.match(line):
            return "table_row", []
        return "table_row", [_trim(line, 0, len(line), strip="|")]
    bullet = _BULLET.match(line)
    if bullet:
        return "list_item", _split_paragraph(line, bullet.end())
    if _DATED_ENTRY.match(line):  # a chronology's entry keeps its date: it is part of the item
        return "list_item", _split_paragraph(line, 0)
    if nth_line == 2 and _looks_like_heading(line):
        return "subtitle", [_trim(line, 0, len(line))]
    if _looks_like_heading(line) and len(line.split()) <= 8:
        return "heading", [_trim(line, 0, len(line))]
    return "paragraph", _split_paragraph(line, 0)


# A run of spaces or tabs between two cells, not after the end of a sentence ("done.  Next").
_COLUMN_GAP = re.compile(r"[^\s.!?:;,](?:\t+| {2,})(?=\S)")


def _is_table_row(line: str) -> bool:
    """Pipes, tabs, or columns aligned with runs of spaces ("Spain    signed    27 May")."""
    if line.count("|") >= 2 or line.count("\t") >= 2:
        return True
    if "\t" not in line and "  " not in line:
        return False  # a column gap is a tab or two spaces: most lines are spared the scan for one
    gaps = len(_COLUMN_GAP.findall(line.strip()))
    return gaps >= 2 or (gaps == 1 and len(line.split()) <= 8 and not re.search(r"[.!?]$", line.strip()))


def _looks_like_heading(line: str) -> bool:
    """A short line without terminal punctuation: a subtitle or section heading."""
    stripped = line.strip()
    return len(stripped) <= 200 and not re.search(r"[.!?:;\u2026][\"'\u201d\u2019)]*$", stripped)


def _trim(line: str, a: int, b: int, strip: str = "") -> tuple[int, int]:
    """Narrow [a, b) past whitespace (any Unicode space) and the extra characters in `strip`."""
    while a < b and (line[a].isspace() or line[a] in strip):
        a += 1
    while b > a and (line[b - 1].isspace() or line[b - 1] in strip):
        b -= 1
    return a, b


def _split_paragraph(line: str, offset: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = offset
    for m in _BOUNDARY.finditer(line, offset):
        if _is_boundary(line, m):
            spans.append(_trim(line, start, m.end()))
            start = m.end()
    if line[start:].strip():
        spans.append(_trim(line, start, len(line)))
    return [s for s in spans if s[1] > s[0]]


def _word_before(line: str, end: int) -> str:
    """The run of non-space characters that ends at `end` ('' after a space). A backward scan: the
    regex `(\\S+)$` searched in line[:end] gives the same word but rescans the line from its start
    at every candidate boundary, quadratic in the length of a paragraph."""
    start = end
    while start > 0 and not line[start - 1].isspace():
        start -= 1
    return line[start:end]


def _is_boundary(line: str, m: re.Match) -> bool:
    """Decide whether the punctuation in `m` ends a sentence."""
    nxt = _NEXT_START.match(line, m.end())
    if not nxt:
        return False
    first = nxt.group(2)
    if not (first.isupper() or first.isdigit() or nxt.group(1)):
        return False
    if not m.group().startswith("."):
        return True
    before = _word_before(line, m.start())
    if not before:
        return True
    word = before.lstrip("\"'(\u201c\u2018[")
    bare = word.rstrip(".").lower()
    if "." in word or (len(word) == 1 and word.isupper()):  # "U.S", "e.g", or an initial "J"
        if len(word) == 1:
            return False
        next_word = re.match(r"[\w'-]+", line[nxt.start(2):])
        return bool(next_word) and next_word.group().lower() in _SENTENCE_STARTERS
    if bare in _ABBREVIATIONS:
        return False
    return True
