"""Commitments: which party the text says signed, is negotiating, founded, joined or supports.

The rules follow the annotation guidelines (sections 2 and 4.2) and are about English, not about
any one document:

* a *trigger* is a phrase that states a status ("signed", "in talks with", "joined the
  declaration", "expressed their support"); agreement triggers need a security-agreement word in
  the sentence (or in the line introducing a list or table) and an object that is not an excluded
  document type (a friendship treaty, a memorandum ...); negated or hypothetical triggers ("has not
  joined", "discussed joining") state nothing;
* a *party* is a country or the EU named in the same clause by name, demonym, capital-as-actor,
  or through a person the text ties to a country acting in the clause; places ("in southern
  Italy") and comparisons ("akin to the one with the UK") are not parties; group phrases never
  expand;
* each party takes the nearest trigger of its clause; a relative clause ("..., which all signed")
  attaches to the list before it; list items and table rows take the status of the line that
  introduces them unless they state their own; a sentence whose subject is "the two leaders" takes
  its parties from the sentence before;
* supersession keeps `signed` over `negotiating` and the strongest declaration status, and the
  earliest date the document gives for the event.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import lru_cache

import ahocorasick_rs

from pipelines.lib.vocab import AGREEMENT_STATUSES, DECLARATION_STATUSES


@dataclass(frozen=True)
class PartyRef:
    start: int  # offsets relative to the sentence text
    end: int
    code: str
    via: str = "name"  # name | demonym | capital | seat | person (a person counts only while acting)


@dataclass(frozen=True)
class DatedSpan:
    start: int  # relative to the sentence
    end: int
    date_start: dt.date
    date_end: dt.date | None
    precision: str
    future: bool = False


@dataclass(frozen=True)
class SentenceFacts:
    """What commitment extraction needs to know about one sentence."""

    sentence_no: int
    line_no: int
    text: str
    parties: tuple[PartyRef, ...]
    dates: tuple[DatedSpan, ...]
    kind: str = "paragraph"


@dataclass(frozen=True)
class Trigger:
    start: int
    end: int
    status: str
    family: str  # agreement | declaration
    takes: str  # any | after (parties must follow the trigger: "talks with", "agreed by")
    negated: bool
    phrase: str = ""  # the words of the trigger as written


@dataclass(frozen=True)
class Commitment:
    party: str
    status: str
    date_start: dt.date | None
    date_end: dt.date | None
    precision: str | None
    sentence_no: int
    evidence: str
    trigger: str


# ------------------------------------------------------------------------------- vocabulary
_AGREEMENT_NOUN = re.compile(
    r"\b(?:agreements?|pacts?|deals?|accords?|documents?|treat(?:y|ies)|security commitments|guarantees|"
    r"arrangements?|texts?|one|signatures?)\b", re.I)
_EXCLUDED_DOCUMENT = re.compile(
    r"\b(?:friendship|good[- ]neighbou?r\w*|memorand\w+|100-year|hundred-year|century-long|trade|grain|gas|"
    r"transit|free[- ]trade|visa|loan|aid package|association agreement|partnership and cooperation|"
    r"(?:double )?taxation|tax (?:treaty|convention|agreement)|peace (?:treaty|agreement|deal|accord|plan)|"
    r"(?:security and defen[cs]e|defen[cs]e|security|strategic) partnership)\b", re.I)

# (status, family, takes, pattern): earlier patterns win where matches overlap.
_TRIGGERS: list[tuple[str, str, str, re.Pattern]] = [(s, f, t, re.compile(p, re.I)) for s, f, t, p in [
    ("declaration_joined", "declaration", "any", r"\bsign(?:ed|s|ing)? up\b|\bsign-ups?\b"),
    ("declaration_founder", "declaration", "any",
     r"\b(?:founders?|founding (?:members?|signatories|states)|initial signatories|original signatories|first signatories)\b"),
    ("declaration_founder", "declaration", "after",
     # "issued on 12 July on the margins of the NATO summit in Vilnius by the Group of Seven"
     r"\b(?:(?:issued|agreed|endorsed|adopted|unveiled|launched|drawn up)(?:\s+(?:on|in|at|during)\s+[^,;.()]{1,80}?)?"
     r"|signed)\s+by\b"),
    ("declaration_joined", "declaration", "any",
     r"\b(?:join(?:ed|s|ing)?|to join|acced(?:ed|es|ing)|accession to|adher(?:ed|es|ing)|associated (?:itself|themselves) with)"
     r"(?=\s+(?:to\s+)?(?:it\b|them\b|the\s+(?:\w+\s+){0,3}(?:declaration|framework|initiative|G7|group|signatories|list)\b|G7\b))"
     # in a sentence about the declaration, "which Poland joined in January" needs no object
     r"|\bjoin(?:ed|s)\b(?=\s*(?:[,.;]|$|(?:in|on|at|last|this|early|late|later|earlier|too|also|as well)\b))"
     # acceding needs no object in this domain, unless it is to another body ("acceded to NATO")
     r"|\bacced(?:ed|es|ing)\b(?!\s+to\s+(?:the\s+)?(?:EU|European Union|NATO|WTO|OECD|Council|Schengen|eurozone|euro)\b)"),
    ("declaration_joined", "declaration", "any",
     r"\b(?:add(?:ed|s|ing)?|put(?:s|ting)?) (?:their|its|his|her) names? to (?:the )?(?:[\w-]+ ){0,3}(?:declaration|framework)\b"
     r"|\bbec(?:ame|omes|oming) (?:a |an |the \w+ )?signator(?:y|ies)\b|\bsign(?:ed|s)? (?:the|onto|on to) (?:\w+\s+){0,3}declaration\b"),
    ("supporter", "declaration", "any",
     r"\b(?:expressed|declared|voiced|announced|pledged|confirmed|offered|gave) (?:their |its |his |her )?(?:full |formal |strong )?support\b"
     r"|\bsupporting (?:nations|countries|states)\b|\bamong the (?:\w+ )?supporters\b|\bsupporters of\b"
     r"|\b(?:welcomed|backed|supported|endorsed|welcomes|backs|supports|endorses|adopted|issued|unveiled|launched"
     r"|(?<=to )(?:back|support|endorse|welcome))"
     r"(?= (?:it|the (?:\w+ ){0,3}(?:declaration|framework|initiative))\b)"),
    ("negotiating", "agreement", "any",
     r"\b(?:will|would|shall|(?:intends?|intended|plans?|planned|expects?|expected|is set|are set|is due|are due|"
     r"is ready|are ready|hopes?|wants?|aims?|is to|are to|preparing|prepares) to|is going to|are going to)"
     r"\s+(?!not\b|never\b)(?:\w+\s+)?(?:sign|conclude|ink|seal)\b"
     # the passive: "the Polish agreement will be signed before the summit"
     r"|\b(?:will|would|shall|(?:is|are) (?:to|due to|expected to|set to|scheduled to))\s+(?!not\b|never\b)(?:\w+\s+)?"
     r"be\s+(?:signed|concluded|inked|sealed)\b"),
    ("signed", "agreement", "any",
     r"\b(?:sign(?:ed|s|ing)?|signatures?|conclud(?:ed|es|e|ing)|ink(?:ed|s)?|seal(?:ed|s)?|"
     r"put (?:their|his|her|its) names? to|add(?:ed|s)? (?:their|its|his|her) names?)\b"
     r"|\b(?:agreement|pact|deal|accord)\s+(?:dates|dated)\s+(?:from|back to)\b"),
    ("signed", "agreement", "any",
     r"\b(?:now )?ha(?:s|ve) (?:a|an|its|their|such an?) (?:[\w-]+ ){0,4}agreement with\b"
     r"|\b(?:now )?ha(?:s|ve) (?:[\w-]+ ){1,2}(?:such |similar |bilateral |security )*(?:agreements|pacts|deals)\b"
     r"|\bthe (?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th)) "
     r"(?:country|partner|state|nation|leader|member|ally|of its kind|such (?:agreement|deal|pact|document))\b"
     # "the 14th country to back the declaration" counts declaration events, not agreements
     r"(?!\s+to\s+(?:back|join|support|endorse|sign up|adhere|accede)\b)"),
    ("negotiating", "agreement", "after",
     r"\b(?:in talks|talks|negotiations?|consultations) (?:with|between)\b"),
    ("negotiating", "agreement", "any",
     r"\b(?:in talks|negotiat\w+|opens? talks|opened talks|held talks|working on|work on|drafting|draft|preparing|"
     r"(?:start(?:ed|s)?|begun|began|launch(?:ed|es)?|enter(?:ed|s)?|resum(?:ed|es)) (?:formal |official )?(?:talks|negotiations)|"
     r"to prepare|close to (?:final|finalising|finalizing|signing|agreement)|under way|underway|"
     r"in progress|planned agreement|future agreement|agreed to start|ready to start|begin preparing|"
     r"talks (?:are|were) (?:continuing|ongoing|under way)|"
     # "in the final stage of talks", "the agreement was practically ready"
     r"(?:final|last|advanced|late) (?:stage|phase|round)s? of (?:the )?(?:talks|negotiations)|"
     r"(?:practically|almost|nearly|virtually) ready|ready for signature|ready to be signed|"
     # "agreed the final text of the Latvian agreement", "is also working with us on a text"
     r"agreed (?:on )?the (?:final )?text|finali[sz]ed the text|finishing touches|"
     r"work(?:ing|s)? (?:with [\w ]{1,20}? )?on (?:a|an|the|its|their) (?:[\w-]+ )?(?:text|agreement|document|deal))\b"),
]]
# A table row's status column may hold a bare word ("Joined", "Supporter", "Founder").
_TABLE_TRIGGERS: list[tuple[str, str, str, re.Pattern]] = [(s, f, "any", re.compile(p, re.I)) for s, f, p in [
    ("declaration_founder", "declaration", r"(?<![\w-])(?:founders?|founding (?:member|signatory))(?![\w-])"),
    ("declaration_joined", "declaration", r"(?<![\w-])(?:joined|acceded|signatory)(?![\w-])"),
    ("supporter", "declaration", r"(?<![\w-])(?:supporters?|supports|supported)(?![\w-])"),
]]
_NEGATION = re.compile(
    # "declined to join": the trigger may have taken the "to", so the verb alone counts when it ends the text.
    r"\b(?:not|n't|never|no(?=\s+\w)|without|yet to|refused to|declined to|failed to|neither|nor)\b(?:\W+\w+){0,3}\W*$"
    r"|\b(?:yet|refus(?:ed|es|ing)|declin(?:ed|es|ing)|fail(?:ed|s|ing))\s*$", re.I)
# Triggers reported as a possibility, not a fact: "discussed joining", "could sign".
_HYPOTHETICAL = re.compile(
    r"\b(?:discuss\w*|consider\w*|weigh\w*|mull\w*|debat\w*|propos\w*|whether|if|could|might|(?-i:may)|should|"
    r"wants?|wanted|hopes?|hoped)"
    r"(?:\W+\w+){0,2}\W*$", re.I)
# "would join the declaration only if parliament backed it": a condition after the act.
_CONDITION_AFTER = re.compile(r"^[^.;:]{0,60}?\b(?:only if|unless|on (?:the )?condition|provided that)\b", re.I)
_WOULD_BEFORE = re.compile(r"\bwould(?:\W+\w+){0,2}\W*$", re.I)
_IF_AFTER = re.compile(r"^[^.;:]{0,60}?\bif\b", re.I)


def _conditional(text: str, end: int, before: str) -> bool:
    after = text[end:end + 80]
    return bool(_CONDITION_AFTER.match(after) or _WOULD_BEFORE.search(before) and _IF_AFTER.match(after))


# "a motion urging the government to sign up": a demand, not an act.
_DEMAND = re.compile(r"\b(?:urg(?:e|es|ed|ing)|call(?:s|ed|ing)? on|ask(?:s|ed|ing)?|press(?:es|ed|ing)|"
                     r"push(?:es|ed|ing))(?:\W+\w+){0,3}?\W+to\s*$", re.I)
_FOUNDING_SUBJECT = re.compile(r"\b(?:G7|G-7|Group of Seven)\b")
_ADOPTION_VERB = re.compile(r"^(?:endorsed|adopted|issued|agreed|unveiled|launched)", re.I)
# Negotiation phrases that are about an agreement by themselves, or talks described as a process.
_SELF_EVIDENT_NEGOTIATION = re.compile(
    r"^(?:negotiat\w+|in talks|will|would|shall|intend|plan|expect|is |are |hope|want|aim|prepar|start|begun|began|"
    r"launch|enter|resum|open)", re.I)
_PROCESS = re.compile(r"\b(?:continu\w+|ongoing|under ?way|in progress|progressing|advanc\w+|resum\w+|started|began|"
                      r"begun|opened|going well|expected to (?:end|conclude|finish)|close to final\w*|nearly (?:done|finished|final)|"
                      r"near(?:ing)? completion|almost (?:ready|final)|well advanced)\b", re.I)
_OTHER_TOPIC = re.compile(r"\b(?:ceasefire|cease-fire|peace talks|grain|gas|trade|accession|membership|border|"
                          r"agricultur\w+|prisoners?|exchange)\b", re.I)

_CLAUSE_BREAK = re.compile(
    r";|,\s+(?:while|whereas|although|though|but|however)\b|\s+(?:while|whereas|although|but)\s+"
    r"|\s+as\s+(?!well\b)(?=[A-Z])"
    # ", and" starts a new clause when a time phrase or a pronoun follows; otherwise a list goes on.
    r"|,\s+and\s+(?=(?:last|next|on|in|at|by|then|later|earlier|meanwhile|now|since|after|before|yesterday|today|"
    r"this|that|he|she|they|it|we)\b)"
    # ... or a new subject with its verb: ", and Austria is still weighing its position"
    r"|,\s+and\s+(?=(?:the\s+)?[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?\s+(?:is|are|was|were|has|have|had|will|would|"
    r"said|says|did|does|remains?|still)\b)")
_RELATIVE = re.compile(r",\s+(?:(?:all|both|each|none|most|some) of (?:which|whom)|which|who|whose)\b")
_PLACE_BEFORE = re.compile(
    r"\b(?:in|at|near|inside|outside|across|throughout|(?:travel+ed|flew|came|went|returned|headed|trip|arrived) to)\s+"
    r"(?:(?:southern|northern|eastern|western|central|neighbou?ring|front-line|frontline)\s+)?(?:the\s+)?$", re.I)
# "in Almaty, Kazakhstan": the country after a city is where something happened.
_CITY_COUNTRY_BEFORE = re.compile(r"\b(?:in|at|near)\s+[A-Z][\w'\u2019-]+(?:\s+[A-Z][\w'\u2019-]+)?,\s+$")
_COMPARISON = re.compile(r"\b(?:akin to|similar to|like|mirroring|modell?ed on|on the model of|comparable to|as with)\b", re.I)
_ANAPHORIC_SUBJECT = re.compile(
    r"^(?:the two (?:leaders|sides|countries|governments|presidents|prime ministers|men|women|capitals|states)"
    r"|both (?:sides|leaders|countries|governments|capitals|states)?|they|he|she)\b", re.I)
# Verbs that repeat the act of the sentence before without naming it.
_FOLLOWED = re.compile(r"\b(?:followed(?: suit)?|did (?:the same|likewise|so too)|did so|joined them)\b", re.I)
# Plural anaphors that may reach back over a paragraph break ("Both capitals joined ...").
_PLURAL_ANAPHOR = re.compile(r"^(?:the two|both) (?:countries|governments|capitals|states)\b", re.I)
# A sentence that starts elsewhere in time does not inherit the date of the sentence before it.
_TIME_SHIFT = re.compile(r"^(?:earlier|previously|before that|before then|later|meanwhile|since then|at the time|"
                         r"in the past|back in|last year|this year|next|separately|in (?:19|20)\d\d)\b", re.I)
_REPORTING_AFTER = re.compile(r"^\s+(?:said|says|told|added|noted|stressed|argued|insisted|wrote|recalled)\b")
_LIST_KINDS = ("list_item", "table_row")
# "Russia's invasion" names no actor; "Canada's Justin Trudeau" or "Spain's government" does.
_POSSESSIVE = re.compile(r"^(?:'s|\u2019s|')(?!\w)")
_ACTING_POSSESSIVE = re.compile(
    r"^(?:'s|\u2019s|')\s+(?:(?:newly\s+)?(?:appointed|elected|new|own|current|outgoing|incoming|former)\s+)?"
    r"(?:[A-Z]\w+|government|cabinet|parliament|prime|president|leader|chancellor|ministers?|foreign|defen[cs]e|"
    r"ambassador|envoy|delegation|officials?|agreement|deal|pact|accord|document|signature|accession|support|"
    r"decision|premier|head|king|queen|taoiseach)\b"
    # elliptical: "twenty agreements, the EU's included"
    r"|^(?:'s|\u2019s|')(?:\s+(?:included|too|as well|also)\b|\s*[,.;)])")
# A demonym names a party when it stands for the state acting ("the Danish Prime Minister", "the
# Dutch agreement", "the Dutch signed"), not for a thing ("Russian missiles", "the Polish press").
_ACTOR_NOUNS = frozenset("""prime minister ministers president chancellor premier government leader leaders officials
official delegation side authorities parliament cabinet foreign defence defense agreement agreements deal pact
accord document text signature negotiators team counterpart ambassador envoy king queen taoiseach head
administration state commitments texts documents deals pacts accords sides governments""".split())
_DEMONYM_TAIL = re.compile(r"^((?:-[A-Z][\w]+)*)((?:\s+[\w'\u2019-]+){0,3})")
_VERB_AFTER = re.compile(r"^\s+(?:has|have|had|will|would|signed|said|agreed|joined|are|were|is|was|also)\b|^\s*[,.;:)]")


def _demonym_acts(text: str, party: PartyRef) -> bool:
    tail = _DEMONYM_TAIL.match(text[party.end:party.end + 60])
    rest = text[party.end + len(tail.group(1)):]
    if _VERB_AFTER.match(rest):
        return True
    words = [w.lower().strip("'\u2019") for w in tail.group(2).split()]
    return any(w in _ACTOR_NOUNS for w in words if not w.endswith("'s"))
# "the EU summit", "EU member states": the EU names an event or a group here, not a party.
_ATTRIBUTIVE_EU = re.compile(r"^\s+(?:summit|member|members|leaders|level|countries|states|membership|accession|integration|"
                             r"funds?|money|sanctions|law|rules|presidency|ambassadors|foreign|capitals|candidate|path|"
                             r"institutions|partners|allies|budget|facility)\b", re.I)


@lru_cache(maxsize=8192)
def _clauses(text: str) -> "_Clauses":
    return _Clauses(text)


class _Clauses:
    """Clause boundaries of one sentence (built once per sentence text, see `_clauses`)."""

    def __init__(self, text: str):
        self.breaks = [(m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(text)]
        self.length = len(text)

    def bounds(self, pos: int) -> tuple[int, int]:
        start, end = 0, self.length
        for a, b in self.breaks:
            if b <= pos:
                start = b
            elif a >= pos:
                end = a
                break
        return start, end

    def id(self, pos: int) -> int:
        return sum(1 for _, b in self.breaks if b <= pos)


# ------------------------------------------------------------------------------- triggers
# Words (lower case) that every match of the pattern at the same index of _TRIGGERS and
# _TABLE_TRIGGERS contains. In an ASCII sentence, where re.I folds only ASCII letters, a pattern
# none of whose words occurs in the lower-cased sentence cannot match and is not run: most
# sentences that name a party state no status, and the case-insensitive scans are the costly part.
# A sentence with any other character runs every pattern. tests/unit/test_commitments.py checks
# the words against every pattern on the evaluation documents and the benchmark corpus.
_TRIGGER_WORDS: list[tuple[str, ...]] = [
    ("sign",),
    ("found", "signatories"),
    (" by",),
    ("join", "acced", "accession", "adher", "associated"),
    ("name", "sign"),
    ("support", "welcome", "back", "endorse", "adopted", "issued", "unveiled", "launched"),
    ("sign", "conclude", "ink", "seal"),
    ("sign", "conclud", "ink", "seal", "name", "dates", "dated"),
    ("agreement", "pacts", "deals", "country", "partner", "state", "nation", "leader", "member", "ally", "kind",
     "such"),
    (" with", " between"),
    ("talks", "negotiat", "work", "draft", "prepar", "close to", "under", "progress", "agreement", "start", "ready",
     "text", "finishing"),
]
_TABLE_TRIGGER_WORDS: list[tuple[str, ...]] = [("found",), ("joined", "acceded", "signatory"), ("support",)]
assert len(_TRIGGER_WORDS) == len(_TRIGGERS) and len(_TABLE_TRIGGER_WORDS) == len(_TABLE_TRIGGERS)


def _folded(pattern: re.Pattern) -> re.Pattern:
    """A case-insensitive pattern as a case-sensitive one for lower-cased text.

    On an ASCII text, `_folded(p).finditer(text.lower())` finds the spans `p.finditer(text)` finds
    (lower-casing ASCII keeps every offset, and re.I compares ASCII letters by their lower case),
    about three times faster: Python's regex engine skips quickly over positions where no literal
    of an alternation fits only when it does not fold case. Escapes (\\W, \\u2019) are kept as written.
    """
    assert pattern.flags & re.I and "(?-i" not in pattern.pattern and "\\N{" not in pattern.pattern
    source = re.sub(r"\\.|[A-Z]", lambda m: m.group() if m.group().startswith("\\") else m.group().lower(),
                    pattern.pattern)
    return re.compile(source, pattern.flags & ~re.I)


_WORDED = [t + (frozenset(w), _folded(t[3])) for t, w in zip(_TRIGGERS, _TRIGGER_WORDS)]
_TABLE_WORDED = [t + (frozenset(w), _folded(t[3])) for t, w in zip(_TABLE_TRIGGERS, _TABLE_TRIGGER_WORDS)]
_ALL_WORDS = sorted({w for words in _TRIGGER_WORDS + _TABLE_TRIGGER_WORDS for w in words})
# Every trigger word in a sentence, overlapping ones included, in one automaton pass rather than
# one substring search per word.
_WORD_SCAN = ahocorasick_rs.AhoCorasick(_ALL_WORDS)


@lru_cache(maxsize=8192)
def find_triggers(text: str, context: str = "", table: bool = False, topic: bool = False) -> tuple[Trigger, ...]:
    """Status phrases in one sentence, non-overlapping (earlier patterns win).

    `context` is the line that introduces a list or table item; a table row needs no agreement
    word of its own (its header and caption give it). `topic`: the document's title is about
    agreements, so a bare "which signed on the same day" signs one.
    """
    return scan_triggers(text, context, table, topic=topic)


def scan_triggers(text: str, context: str = "", table: bool = False, skip_by_words: bool = True,
                  topic: bool = False) -> tuple[Trigger, ...]:
    """`find_triggers` without its cache; `skip_by_words=False` runs every pattern as written,
    case-insensitively on the text itself (for tests)."""
    clauses = _clauses(text)
    found: list[Trigger] = []
    taken: list[tuple[int, int]] = []
    present = None
    if skip_by_words and text.isascii():
        lowered = text.lower()
        present = set(_WORD_SCAN.find_matches_as_strings(lowered, overlapping=True))
    patterns = _TABLE_WORDED + _WORDED if table else _WORDED
    for status, family, takes, pattern, words, folded in patterns:
        if present is not None and words.isdisjoint(present):
            continue
        for m in pattern.finditer(text) if present is None else _lowered_matches(pattern, folded, text, lowered):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            if status == "signed" and _UKRAINE_COUNT.match(m.group()) and _UKRAINE_SUBJECT.search(text, 0, m.start()) \
                    and not _COUNT_INCLUDES.search(text):
                continue  # "Ukraine now has seven agreements": Ukraine's count, not a partner's signing
            if family == "agreement" and not (table or _agreement_context(text, m.start(), m.end(), clauses, context)
                                              or topic and _bare_signing(text, m, clauses)):
                continue
            if family == "declaration" and not table and not _declaration_context(text, m, status, takes, clauses,
                                                                                  context):
                continue
            before = text[max(0, m.start() - 40):m.start()]
            negated = bool(_NEGATION.search(before) or status != "negotiating" and (
                _HYPOTHETICAL.search(before) or _DEMAND.search(before) or _conditional(text, m.end(), before)))
            if status == "supporter" and _founding_act(text, m.start(), clauses):
                status = "declaration_founder"
            found.append(Trigger(m.start(), m.end(), status, family, takes, negated, m.group()))
            taken.append((m.start(), m.end()))
    return tuple(sorted(found, key=lambda t: t.start))


def _lowered_matches(pattern: re.Pattern, folded: re.Pattern, text: str, lowered: str):
    """`pattern.finditer(text)` for an ASCII text, found by `_folded(pattern)` in `lowered`; each
    hit is matched again on `text` at the same offset, so that it reads as written."""
    for hit in folded.finditer(lowered):
        yield pattern.match(text, hit.start())


_UKRAINE_COUNT = re.compile(r"(?:now )?ha(?:s|ve)\b", re.I)
_COUNT_INCLUDES = re.compile(r"\b(?:included|including|among them|among which)\b", re.I)
# "Ukraine (now) has ...": Ukraine as the subject right before the act.
_UKRAINE_SUBJECT = re.compile(r"\b(?:Ukraine|Kyiv|Kiev)\s+(?:(?:now|already|so far)\s+)?(?:(?:has|have|had)\s+)?$")
_DECLARATION_WORD = re.compile(r"\b(?:declaration|framework|initiative|guarantees|G7|G-7|Group of Seven)\b", re.I)
_SUPPORT_OBJECT = re.compile(r"^\s+(?:for|to)\s+([^.;]{0,80})", re.I)


def _declaration_context(text: str, m: re.Match, status: str, takes: str, clauses: _Clauses,
                         context: str = "") -> bool:
    """Declaration triggers about something else state nothing: 'signed by' a memorandum's parties
    founds no declaration; 'expressed support for Ukraine's NATO bid' supports no declaration."""
    if takes == "after":  # "issued/agreed/signed by": only when the sentence is about the declaration
        a, b = clauses.bounds(m.start())
        return bool(_DECLARATION_WORD.search(text)) and not _EXCLUDED_DOCUMENT.search(text[a:b])
    if status == "supporter" and m.group().lower().endswith("support"):
        obj = _SUPPORT_OBJECT.match(text[m.end():])
        if obj is not None and re.match(r"(?:it|them)\b", obj.group(1)):  # "declared their support for it"
            return bool(_DECLARATION_WORD.search(text) or _DECLARATION_WORD.search(context))
        return obj is None or bool(_DECLARATION_WORD.search(obj.group(1)))
    if status == "supporter" and re.match(r"\s+(?:it|them)\b", text[m.end():]):
        # "welcomed it": only when this sentence or the one before names the declaration
        return bool(_DECLARATION_WORD.search(text) or _DECLARATION_WORD.search(context))
    if status == "declaration_joined" and m.group().lower() in ("joined", "joins"):
        return bool(_DECLARATION_WORD.search(text))  # a bare "joined" needs the declaration in the sentence
    return True


def _founding_act(text: str, start: int, clauses: _Clauses) -> bool:
    """'The presidents of the European Council ... and the G7 endorsed the Joint Declaration':
    adopting the declaration together with the G7 is founding it, not merely supporting it."""
    a, _ = clauses.bounds(start)
    return bool(_ADOPTION_VERB.match(text[start:start + 12]) and _FOUNDING_SUBJECT.search(text, a, start))


# "which signed on the same day", "Ottawa signed in Kyiv": a signing with no object of its own.
_NO_OBJECT = re.compile(r"\s*(?:$|[,.;:)\u2013\u2014]|(?:on|in|at|last|yesterday|today|earlier|later|this|that|during|"
                        r"too|also|as well|first|separately|alongside|together)\b)", re.I)


def about_agreements(headline: str) -> bool:
    """Is a document's title or subtitle about (security) agreements?"""
    return bool(_AGREEMENT_NOUN.search(headline))


def _bare_signing(text: str, m: re.Match, clauses: _Clauses) -> bool:
    a, b = clauses.bounds(m.start())
    clause = text[a:b]
    return (m.group().lower().startswith(("sign", "conclud", "ink", "seal")) and bool(_NO_OBJECT.match(text, m.end()))
            and not _EXCLUDED_DOCUMENT.search(clause) and not re.search(r"\bdeclaration\b", clause, re.I))


def _agreement_context(text: str, start: int, end: int, clauses: _Clauses, context: str) -> bool:
    """An agreement trigger counts only in a sentence about a (security) agreement of the right kind.

    Negotiation phrases also count without an agreement word when they are about agreements by
    themselves ("intends to sign") or describe the talks as a process ("talks with X are
    continuing"), unless the clause names another topic (a ceasefire, trade, membership).
    """
    a, b = clauses.bounds(start)
    clause = text[a:b]
    trigger_text = text[start:end]
    if not (_AGREEMENT_NOUN.search(text) or _AGREEMENT_NOUN.search(context)):
        negotiation = any(p.search(trigger_text) for s, _, _, p in _TRIGGERS if s == "negotiating")
        if not negotiation or _OTHER_TOPIC.search(clause):
            return False
        if not (_SELF_EVIDENT_NEGOTIATION.match(trigger_text) or _PROCESS.search(clause)):
            return False
    if _EXCLUDED_DOCUMENT.search(_object_window(text, start, end, a, b)):
        return False
    lowered = trigger_text.lower()
    if lowered.startswith(("sign", "conclud", "ink", "seal")) and re.search(r"\bdeclaration\b", clause, re.I) \
            and not re.search(r"\b(?:agreement|pact|deal|accord)\b", clause, re.I):
        return False  # signing the Joint Declaration is joining it, handled as a declaration trigger
    return True


def _object_window(text: str, start: int, end: int, clause_start: int, clause_end: int) -> str:
    """The words naming what was signed: the noun phrase before a participle ("the friendship
    treaty, signed in 1997") and the object after the verb, up to the next comma."""
    after = re.match(r"[^,;:]*", text[end:clause_end]).group()
    return text[max(clause_start, start - 50):start] + text[start:end] + after[:90]


# ------------------------------------------------------------------------------- parties
def eligible_parties(facts: SentenceFacts, triggers: list[Trigger]) -> list[PartyRef]:
    """Parties that can take a status: not Ukraine, not a place, not inside a comparison,
    not a person who is only reported as speaking."""
    text = facts.text
    clauses = _clauses(text)
    out = []
    for party in facts.parties:
        if party.code == "UA":
            continue
        if _PLACE_BEFORE.search(text[max(0, party.start - 40):party.start]) \
                or _CITY_COUNTRY_BEFORE.search(text[max(0, party.start - 40):party.start]):
            continue
        if _in_comparison(text, party, triggers, clauses):
            continue
        if party.via == "person" and _REPORTING_AFTER.match(text[party.end:party.end + 20]):
            continue
        if party.code == "EU" and _ATTRIBUTIVE_EU.match(text[party.end:party.end + 30]):
            continue
        if party.via == "demonym" and not _demonym_acts(text, party):
            continue
        if _POSSESSIVE.match(text[party.end:party.end + 3]) and not _ACTING_POSSESSIVE.match(text[party.end:party.end + 40]):
            continue
        out.append(party)
    return out


def _in_comparison(text: str, party: PartyRef, triggers: list[Trigger], clauses: _Clauses) -> bool:
    clause_start, _ = clauses.bounds(party.start)
    comparisons = list(_COMPARISON.finditer(text, clause_start, party.start))
    if not comparisons:
        return False
    last = comparisons[-1].end()
    if any(last <= m.start() < party.start for m in _RELATIVE.finditer(text, last, party.start)):
        return False  # "modelled on the British agreement, which Rishi Sunak signed": the relative clause states a fact
    return not any(last <= t.start < party.start for t in triggers)


def assign(facts: SentenceFacts, triggers: list[Trigger], parties: list[PartyRef]) -> list[tuple[PartyRef, Trigger]]:
    """Give each party the trigger that governs it (or none)."""
    text = facts.text
    clauses = _clauses(text)
    relatives = list(_RELATIVE.finditer(text))
    pairs = []
    for party in parties:
        trigger = _governing(text, party, triggers, relatives, parties, clauses)
        if trigger is not None:
            pairs.append((party, trigger))
            other = _other_family(text, party, trigger, triggers, parties, clauses)
            if other is not None:
                pairs.append((party, other))
    return pairs + _passive_it_pairs(text, triggers, parties, clauses, pairs)


# "...drafting the Portuguese text; on Tuesday night it was signed": a clause whose subject is "it"
# or "the text" and whose verb is the trigger, in the passive, continues the clause before it.
_CLAUSE_TIME = r"(?:(?:on|by|in|at|later|then|the same|that|this)\b[^,;]{0,30}?,?\s+)?"  # "on Tuesday night"
_PASSIVE_IT = re.compile(
    _CLAUSE_TIME + r"(?:it|the (?:text|agreement|document|deal|pact))\s+(?:was|were|has been|had been|is)\s+(?:\w+ly\s+)?",
    re.I)
# "Poland joins the declaration; the two governments agree to start work on an agreement".
_BOTH_SIDES = re.compile(
    _CLAUSE_TIME + r"(?:the two|both) (?:governments|sides|countries|leaders|capitals)\s+(?:[\w-]+\s+){0,4}", re.I)


def _passive_it_pairs(text: str, triggers: list[Trigger], parties: list[PartyRef], clauses: _Clauses,
                      pairs: list[tuple[PartyRef, Trigger]]) -> list[tuple[PartyRef, Trigger]]:
    out = []
    for trigger in triggers:
        start, _ = clauses.bounds(trigger.start)
        if start == 0 or any(start <= p.start < trigger.start for p in parties):
            continue
        head = text[start:trigger.start]
        lead = start + len(head) - len(head.lstrip())
        if not (_PASSIVE_IT.fullmatch(text, lead, trigger.start) or _BOTH_SIDES.fullmatch(text, lead, trigger.start)):
            continue
        before = [p for p in parties if p.end <= start and clauses.id(p.start) == clauses.id(start - 1)]
        if before and (before[-1], trigger) not in pairs:
            out.append((before[-1], trigger))
    return out


def _other_family(text: str, party: PartyRef, chosen: Trigger, triggers: list[Trigger], parties: list[PartyRef],
                  clauses: _Clauses) -> Trigger | None:
    """A party can hold a status in each family: "Greece and Cyprus, both supporters of the
    declaration, are negotiating bilateral texts". The other family's trigger counts when it is
    close and no other party stands between it and this one."""
    clause = clauses.id(party.start)
    others = [t for t in triggers if t.family != chosen.family and clauses.id(t.start) == clause
              and (t.takes == "any" or t.end <= party.start) and _distance(t, party) <= 80]
    same_list = _list_of(text, party, parties)
    for trigger in sorted(others, key=lambda t: _distance(t, party)):
        lo, hi = (party.end, trigger.start) if party.end <= trigger.start else (trigger.end, party.start)
        if not any(lo <= p.start < hi for p in parties if p not in same_list):
            return trigger
    return None


def _list_of(text: str, party: PartyRef, parties: list[PartyRef]) -> set[PartyRef]:
    """The coordinated list a party belongs to ("Greece and Cyprus"): neighbours joined by list glue."""
    ordered = sorted(parties, key=lambda p: p.start)
    i = ordered.index(party)
    group = {party}
    for step in (-1, 1):
        j = i
        while 0 <= j + step < len(ordered):
            a, b = (ordered[j + step], ordered[j]) if step < 0 else (ordered[j], ordered[j + step])
            if not _LIST_GLUE.match(text[a.end:b.start]):
                break
            j += step
            group.add(ordered[j])
    return group


# "signed the document ... at a summit hosted by British Prime Minister Keir Starmer": the agent
# of another participle is not a signatory.
_OTHER_AGENT = re.compile(r"\b(?!signed\b|concluded\b|inked\b|sealed\b|issued\b|adopted\b|endorsed\b|launched\b)"
                          r"[a-z]+ed by\b")


def _governing(text: str, party: PartyRef, triggers: list[Trigger], relatives: list[re.Match],
               parties: list[PartyRef], clauses: _Clauses) -> Trigger | None:
    # A relative clause right after the party's list ("X, Y and Z, which all signed") governs it.
    for rel in relatives:
        if rel.start() >= party.end and _list_reaches(text, party.end, rel.start(), parties):
            rel_end = clauses.bounds(rel.end())[1]
            inside = [t for t in triggers if rel.end() <= t.start < rel_end]
            if inside:
                return inside[0]
    clause = clauses.id(party.start)
    candidates = [t for t in triggers if clauses.id(t.start) == clause
                  and (t.takes == "any" or t.end <= party.start)
                  and not _inside_relative(t, relatives, party, clauses)
                  and not (t.end <= party.start and _OTHER_AGENT.search(text, t.end, party.start))]
    if party.via == "person":  # a person is a party only as the subject or partner of the act
        candidates = [t for t in candidates if _distance(t, party) <= 60]
    if not candidates:
        return None
    return min(candidates, key=lambda t: _distance(t, party))


_LIST_GLUE = re.compile(r"^(?:[\s,;:()\u2013\u2014-]|\band\b|\bor\b|\bthe\b|\bas well as\b|\bpartially recogni[sz]ed\b)*$", re.I)


_HEAD_NOUN = re.compile(r"(?<![\w-])(?:side|government|governments|authorities|cabinet|leadership|administration|"
                        r"prime minister|president|chancellor|leaders?)(?![\w-])", re.I)


def _list_reaches(text: str, pos: int, rel_start: int, parties: list[PartyRef]) -> bool:
    """Is the text between a party and a relative pronoun only more list items ("X, Y and Z, which")?"""
    pieces, cursor = [], pos
    for other in sorted(parties, key=lambda p: p.start):
        if pos <= other.start and other.end <= rel_start:
            pieces.append(text[cursor:other.start])
            cursor = other.end
    pieces.append(text[cursor:rel_start])
    # the party's head noun may stand before the pronoun: "the Finnish side, which signed"
    return all(_LIST_GLUE.match(_HEAD_NOUN.sub(" ", piece)) for piece in pieces)


def _inside_relative(trigger: Trigger, relatives: list[re.Match], party: PartyRef, clauses: _Clauses) -> bool:
    """A trigger inside a relative clause does not govern parties outside it (except via its list)."""
    for rel in relatives:
        rel_end = clauses.bounds(rel.end())[1]
        if rel.end() <= trigger.start < rel_end and not (rel.end() <= party.start < rel_end):
            return True
    return False


def _distance(trigger: Trigger, party: PartyRef) -> int:
    if party.end <= trigger.start:
        return trigger.start - party.end
    if trigger.end <= party.start:
        return party.start - trigger.end
    return 0


# ------------------------------------------------------------------------------- sentences
def sentence_pairs(facts: SentenceFacts, previous: SentenceFacts | None,
                   intro: SentenceFacts | None = None,
                   earlier: SentenceFacts | None = None, topic: bool = False) -> tuple[tuple[PartyRef, Trigger], ...]:
    """(party, trigger) pairs one sentence states, before any date is attached.

    `previous` is the sentence before (its parties serve "the two leaders ..."), `earlier` the one
    before that ("Both capitals ..." when the sentence before names only one); `intro` is the
    line introducing a list or table when `facts` is one of its items; `topic` says that the
    document's title is about agreements. A sentence that names no
    party and does not refer back to the parties of the sentence before states nothing, and is
    not searched for triggers at all.
    """
    anaphoric = (not facts.parties and previous is not None and previous.parties
                 and _ANAPHORIC_SUBJECT.match(facts.text)
                 and (previous.line_no == facts.line_no or _PLURAL_ANAPHOR.match(facts.text)))
    if not facts.parties and not anaphoric:
        return ()
    is_item = facts.kind in _LIST_KINDS and intro is not None
    # The agreement may be named in the line introducing a list, or in the sentence before ("...
    # negotiating a security agreement. On Friday ... signed it").
    context = intro.text if is_item else (previous.text if previous is not None and previous.line_no == facts.line_no else "")
    table = facts.kind == "table_row" or (is_item and bool(_STATUS_ITEM.match(facts.text)))
    triggers = find_triggers(facts.text, context=context, table=table, topic=topic)
    if anaphoric:
        first = next((t for t in triggers if not t.negated), None)
        return tuple((p, first) for p in _antecedents(facts, previous, earlier)) if first else ()
    if not triggers and previous is not None and previous.line_no == facts.line_no and _FOLLOWED.search(facts.text):
        # "Germany and France followed on 16 February": the status of the sentence before, elided
        earlier = next((t for t in find_triggers(previous.text) if not t.negated), None)
        if earlier is not None:
            follow = _FOLLOWED.search(facts.text)
            trigger = replace(earlier, start=follow.start(), end=follow.end(), phrase=follow.group())
            return tuple((p, trigger) for p in eligible_parties(facts, [trigger]))
    if not triggers and not is_item:
        return ()  # no status phrase, so no party takes one: eligibility need not be decided
    parties = eligible_parties(facts, list(triggers))
    if is_item and parties and not triggers:
        # an item about another kind of document ("a convention on double taxation") or stating a
        # refusal ("Hungary \u2013 no") does not take the introducing line's status
        if _EXCLUDED_DOCUMENT.search(facts.text) or _ITEM_REFUSAL.search(facts.text):
            return ()
        return tuple(_from_intro(intro, parties))
    pairs = _without_third_party_signings(facts, assign(facts, list(triggers), parties))
    if is_item and triggers:
        pairs += _from_intro(intro, _leading_ungoverned(facts, triggers, parties, pairs))
    return tuple(pairs)


_ITEM_REFUSAL = re.compile(r"\b(?:no|not|never|none|neither|nor|declined|refused|rejected|rejects|refuses|declines)\b",
                           re.I)


# A list item shaped like a table row: a short name, a dash or colon, then the status
# ("Spain \u2013 signed, 27 May", "Poland: in negotiation").
_STATUS_ITEM = re.compile(r"^[^\u2013\u2014:;,.]{2,40}?\s*(?:[\u2013\u2014:]|\s-)\s+(?:[\w-]+\s+){0,2}[\w-]+(?:[,;.]|\s*$)")


_SIGNED_BY = re.compile(r"(?:\s+(?:in|at|on)\s+[^,;.]{1,40}?)?\s+by\b")
_UKRAINE_NAMED = re.compile(r"\b(?:Ukrain\w*|Kyiv|Kiev|Zelensk\w*|Zełensk\w*|Selenskyj)\b")


def _without_third_party_signings(facts: SentenceFacts, pairs: list) -> list:
    """"The document, signed in Brussels by the EU's Josep Borrell and Moldovan Foreign Minister
    Mihai Popșoi": two signatories, neither of them Ukraine, signed with each other."""
    out = []
    for party, trigger in pairs:
        if trigger.end and _SIGNED_BY.match(facts.text, trigger.end) and not _UKRAINE_NAMED.search(facts.text):
            agents = {p.code for p in facts.parties if p.start >= trigger.end}
            if len(agents) >= 2 and "UA" not in agents:
                continue
        out.append((party, trigger))
    return out


def _leading_ungoverned(facts: SentenceFacts, triggers, parties: list[PartyRef], pairs) -> list[PartyRef]:
    """Parties of an item named before the clause of its first status phrase and governed by none:
    "3 April \u2013 Finland, in Kyiv; that evening ... began drafting an agreement with Portugal"
    lists Finland under the introducing line's status."""
    clauses = _clauses(facts.text)
    first = clauses.id(triggers[0].start)
    governed = {(p.start, p.end) for p, _ in pairs}
    return [p for p in parties if (p.start, p.end) not in governed and clauses.id(p.start) < first]


def _antecedents(facts: SentenceFacts, previous: SentenceFacts, earlier: SentenceFacts | None) -> list[PartyRef]:
    """The parties an anaphoric subject stands for: those of the sentence before, and for a plural
    ("both capitals", "the two countries") also those of the sentence before it in the same
    paragraph, when the sentence before names one and the two together name exactly two."""
    parties = eligible_parties(previous, [])
    if (_PLURAL_ANAPHOR.match(facts.text) and len({p.code for p in parties}) < 2 and earlier is not None
            and earlier.line_no == previous.line_no):
        known = {p.code for p in parties}
        before = [p for p in eligible_parties(earlier, []) if p.code not in known]
        if len(known | {p.code for p in before}) == 2:  # "both", "the two": exactly two parties
            parties = before + parties
    return parties


def commitments_from_pairs(facts: SentenceFacts, pairs, previous: SentenceFacts | None,
                           declaration_date: DatedSpan | None, intro: SentenceFacts | None = None) -> list[Commitment]:
    """Attach dates to a sentence's pairs and drop negated ones."""
    is_item = facts.kind in _LIST_KINDS and intro is not None
    datable = any(d.precision in ("day", "month") for d in facts.dates)
    inherited = () if datable else _inherited_dates(facts, previous, intro if is_item else None)
    out = []
    respective = _respectively(facts, pairs) if datable else {}
    for party, trigger in pairs:
        if trigger.negated:
            continue
        date = respective.get(party.code) or _date_of(facts, party, trigger, inherited, datable, declaration_date)
        out.append(Commitment(party.code, trigger.status,
                              date.date_start if date else None,
                              date.date_end if date and date.date_end != date.date_start else None,
                              date.precision if date else None,
                              facts.sentence_no, facts.text, trigger.phrase))
    return out


def _date_of(facts: SentenceFacts, party: PartyRef, trigger: Trigger, inherited: tuple[DatedSpan, ...],
             datable: bool, declaration_date: DatedSpan | None) -> DatedSpan | None:
    # A sentence whose only dates are years ("1 billion euros in military aid in 2024") still
    # continues the day of the sentence before, unless a year dates the act itself ("signed in 2023").
    own = datable or (bool(facts.dates) and (not inherited or _year_of_act(facts, trigger)))
    dates = _usable_dates(facts, trigger, own, datable, inherited)
    return (own and _date_of_party(facts, party, dates, trigger)) or _date_for(trigger, dates, declaration_date, own)


def _usable_dates(facts: SentenceFacts, trigger: Trigger, own: bool, datable: bool,
                  inherited: tuple[DatedSpan, ...]) -> tuple[DatedSpan, ...]:
    """The dates that may date this act: the sentence's own or the scene's, minus those that cannot."""
    if trigger.end and _UKRAINE_SUBJECT.search(facts.text, 0, trigger.start) and _COUNT_INCLUDES.search(facts.text):
        return ()  # "Ukraine has signed 20 agreements since January, the EU's included": a count, no one's date
    if not own:
        if trigger.status == "negotiating" and _PLANNED_SIGNING.search(trigger.phrase):
            return ()  # "is expected to sign": a plan, not a continuation of the scene before
        return inherited
    if datable and trigger.end and _year_of_act(facts, trigger) and not _dated_in_clause(facts, trigger):
        return ()  # "signed up to the declaration in 2023 but ... elections in April": a year dates the act
    return facts.dates


def _respectively(facts: SentenceFacts, pairs) -> dict[str, DatedSpan]:
    """"Denmark and Finland signed in February and April respectively": the n-th party takes the
    n-th date, when the sentence says "respectively" and the counts agree."""
    if "respectively" not in facts.text.lower():
        return {}
    codes = list(dict.fromkeys(p.code for p, t in sorted(pairs, key=lambda pt: pt[0].start) if not t.negated))
    dates = [d for d in facts.dates if d.precision in ("day", "month")]
    if len(dates) == 1 and len(codes) == 2 and dates[0].precision == "month" and dates[0].date_end \
            and " and " in facts.text[dates[0].start:dates[0].end]:
        dates = _two_months(dates[0])  # "in February and April respectively"
    return dict(zip(codes, dates)) if len(codes) == len(dates) > 1 else {}


def _two_months(span: DatedSpan) -> list[DatedSpan]:
    first = span.date_start
    first_end = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return [replace(span, date_end=first_end), replace(span, date_start=span.date_end.replace(day=1))]


_PLANNED_SIGNING = re.compile(r"\b(?:sign|conclude|ink|seal|signed|concluded|inked|sealed)\b", re.I)
_ACT_YEAR_REACH = 25  # characters after a trigger within which a year dates the act


def _dated_in_clause(facts: SentenceFacts, trigger: Trigger) -> bool:
    clauses = _clauses(facts.text)
    return any(d.precision in ("day", "month") and clauses.id(d.start) == clauses.id(trigger.start) for d in facts.dates)


def _year_of_act(facts: SentenceFacts, trigger: Trigger) -> bool:
    return any(trigger.end <= d.start <= trigger.end + _ACT_YEAR_REACH or d.end <= trigger.start <= d.end + 5
               for d in facts.dates)


def sentence_commitments(facts: SentenceFacts, previous: SentenceFacts | None,
                         declaration_date: DatedSpan | None, intro: SentenceFacts | None = None) -> list[Commitment]:
    """Commitments stated by one sentence (before document-level supersession)."""
    return commitments_from_pairs(facts, sentence_pairs(facts, previous, intro), previous, declaration_date, intro)


# Status nouns that make a line introduce a list of parties ("The week's signings:", "Still in talks:").
_INTRO_NOUNS = [(s, re.compile(p, re.I)) for s, p in [
    ("signed", r"\b(?:signings|signatures|signatories of (?:bilateral|security) agreements)\b"),
    ("negotiating", r"\b(?:negotiations|talks|negotiating partners)\b"),
    ("declaration_joined", r"\b(?:sign-ups|accessions|new signatories)\b"),
    ("supporter", r"\b(?:supporters|supporting (?:nations|countries|states))\b"),
]]


def _intro_trigger(intro: SentenceFacts) -> Trigger | None:
    trigger = next((t for t in find_triggers(intro.text) if not t.negated), None)
    if trigger is not None:
        return trigger
    for status, pattern in _INTRO_NOUNS:
        m = pattern.search(intro.text)
        if m:
            family = "agreement" if status in AGREEMENT_STATUSES else "declaration"
            return Trigger(m.start(), m.end(), status, family, "any", False, m.group())
    return None


def _from_intro(intro: SentenceFacts, parties: list[PartyRef]) -> list[tuple[PartyRef, Trigger]]:
    """List items without a status phrase of their own take the introducing line's status."""
    trigger = _intro_trigger(intro)
    if trigger is None:
        return []
    # Offsets of the trigger refer to the intro; its phrase is kept, the evidence stays the item.
    return [(p, replace(trigger, start=0, end=0)) for p in parties]


def _inherited_dates(facts: SentenceFacts, previous: SentenceFacts | None,
                     intro: SentenceFacts | None) -> tuple[DatedSpan, ...]:
    """A sentence without a date of its own continues the scene of the sentence before it in the
    same paragraph, unless it opens elsewhere in time ("Earlier, ...")."""
    if intro is not None:
        return intro.dates
    if previous is None or previous.line_no != facts.line_no or _TIME_SHIFT.match(facts.text):
        return ()
    # Only a day carries over ("On Monday ...", "... said on Tuesday, 11 June"); a month such as
    # "whose agreement dates from April" belongs to whatever that sentence was about.
    return tuple(d for d in previous.dates if d.precision == "day")


_PARTY_DATE_REACH = 60  # characters after a party within which its own date may stand


def _date_of_party(facts: SentenceFacts, party: PartyRef, dates: tuple[DatedSpan, ...], trigger: Trigger) -> DatedSpan | None:
    """A date standing between a party and the next party belongs to that party ("Finland, which
    signed in April, and Denmark, whose agreement dates from February")."""
    if trigger.status == "declaration_founder":
        return None
    end = _group_end(facts, party)
    following = [p.start for p in facts.parties if p.start >= end and p.code != party.code]
    if trigger.end and trigger.start >= end:
        # "approved on Wednesday and signed two days later": a date right after the act dates it
        right_after = [d for d in dates if trigger.end <= d.start <= trigger.end + 4 and d.precision in ("day", "month")
                       and d.start < min(following + [len(facts.text)])]
        if right_after:
            return right_after[0]
    limit = min(following + [end + _PARTY_DATE_REACH, len(facts.text)])
    mine = [d for d in dates if end <= d.start < limit and d.precision in ("day", "month")
            and not (trigger.status == "negotiating" and d.future)]
    clauses = _clauses(facts.text)
    if trigger.end and clauses.id(party.start) != clauses.id(trigger.start):
        # the act is told in another clause ("drafting the Portuguese text in April; on 28 May it
        # was signed"): only a date of that clause dates it
        mine = [d for d in mine if clauses.id(d.start) == clauses.id(trigger.start)]
    return mine[0] if mine else None


_CONJOINED = re.compile(r"\s*(?:,\s*(?:and\s+|&\s+)?|and\s+|&\s+)(?:the\s+)?")


def _group_end(facts: SentenceFacts, party: PartyRef) -> int:
    """The end of the parties joined to `party` by "and" or a comma alone ("Lithuania and Estonia at
    the end of June"): a date after the group belongs to each of its members."""
    end = party.end
    for other in sorted((p for p in facts.parties if p.start >= party.end), key=lambda p: p.start):
        if not _CONJOINED.fullmatch(facts.text, end, other.start):
            break
        end = other.end
    return end


def _date_for(trigger: Trigger, dates: tuple[DatedSpan, ...], declaration_date: DatedSpan | None,
              own: bool) -> DatedSpan | None:
    if trigger.status == "declaration_founder" and declaration_date is not None:
        return declaration_date
    usable = [d for d in dates if d.precision in ("day", "month")]
    if trigger.status == "negotiating":
        usable = [d for d in usable if not d.future]
    if not usable:
        return None
    if not own:
        return usable[0]  # an inherited date: the one that sets the scene of the sentence before
    return min(usable, key=lambda d: abs((d.start + d.end) / 2 - (trigger.start + trigger.end) / 2))


def supersede(rows: list[Commitment]) -> list[Commitment]:
    """One row per (party, status), then the supersession rules of the guidelines (section 2)."""
    best: dict[tuple[str, str], Commitment] = {}
    for row in rows:
        key = (row.party, row.status)
        if key not in best or _better(row, best[key]):
            best[key] = row
    kept = []
    for (party, status), row in best.items():
        family = AGREEMENT_STATUSES if status in AGREEMENT_STATUSES else DECLARATION_STATUSES
        stronger = family[:family.index(status)]
        if any((party, s) in best for s in stronger):
            continue
        kept.append(row)
    return sorted(kept, key=lambda r: (r.sentence_no, r.party, r.status))


def _day_within(day: Commitment, month: Commitment) -> bool:
    return (day.precision == "day" and month.precision == "month" and day.date_start is not None
            and month.date_start <= day.date_start <= (month.date_end or month.date_start))


def _better(new: Commitment, old: Commitment) -> bool:
    """Prefer a dated row, then a day inside the other row's month ("in January" and "22 January"
    are one event told twice), then the earliest date the document gives for the event."""
    if (new.date_start is None) != (old.date_start is None):
        return new.date_start is not None
    if _day_within(new, old) or _day_within(old, new):
        return _day_within(new, old)
    if new.date_start is not None and new.date_start != old.date_start:
        return new.date_start < old.date_start
    return False
