"""Commitment rules, one family at a time, on sentences written for these tests."""
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.lib.documents import RawDocument, Sidecar
from pipelines.lib.extract import extract_document

PUB = dt.date(2024, 6, 20)


def commitments(body: str, published=PUB):
    text = "Headline\n" + body
    raw = RawDocument("t.txt", "0" * 64, text, "utf-8", len(text), Sidecar(published=published))
    return {(c["country_iso2"], c["status"]): c for c in extract_document(raw).commitments}


def pairs(body, published=PUB):
    return set(commitments(body, published))


@pytest.mark.parametrize("sentence,expected", [
    ("Sweden and Ukraine signed a security agreement on June 3.", {("SE", "signed")}),
    ("Ukraine inked a ten-year pact with Spain.", {("ES", "signed")}),
    ("Oslo put its name to a bilateral security accord.", {("NO", "signed")}),
    ("Ukraine is negotiating security agreements with Austria and Malta.", {("AT", "negotiating"), ("MT", "negotiating")}),
    ("Talks with Greece on a bilateral agreement are continuing.", {("GR", "negotiating")}),
    ("Ireland intends to sign soon.", {("IE", "negotiating")}),
    ("Slovakia joined the Joint Declaration of Support for Ukraine.", {("SK", "declaration_joined")}),
    ("Albania acceded to the declaration.", {("AL", "declaration_joined")}),
    ("Bulgaria expressed its support for the declaration.", {("BG", "supporter")}),
    ("The founders of the initiative were Canada and Japan.", {("CA", "declaration_founder"), ("JP", "declaration_founder")}),
])
def test_status_triggers(sentence, expected):
    assert pairs(sentence) == expected


@pytest.mark.parametrize("sentence", [
    "Hungary has not joined the declaration.",
    "No security agreement was signed with Serbia.",
    "Ukraine and Moldova signed a friendship treaty.",
    "Poland and Ukraine signed a memorandum on grain transit.",
])
def test_negations_and_other_documents_give_nothing(sentence):
    assert pairs(sentence) == set()


def test_signed_supersedes_negotiating_and_founder_beats_supporter():
    got = pairs("Ukraine is in talks with Spain on a security agreement. Later Spain signed the security agreement. "
                "The founders of the initiative included Canada. Canada also expressed its support for the declaration.")
    assert got == {("ES", "signed"), ("CA", "declaration_founder")}


def test_group_phrases_do_not_expand_but_listed_members_do():
    assert pairs("All Nordic states have signed security agreements.") == set()
    assert pairs("The Baltic states, namely Latvia and Estonia, signed security agreements.") == {("LV", "signed"), ("EE", "signed")}


def test_places_and_comparisons_are_not_parties():
    assert pairs("Ukraine signed an agreement with Japan at a summit in southern Italy.") == {("JP", "signed")}
    assert pairs("Ukraine is negotiating with Norway on a deal akin to the one with Britain.") == {("NO", "negotiating")}


def test_relative_clause_attaches_to_the_list_before_it():
    got = pairs("The deal follows those of Finland and Latvia, which both signed earlier.")
    assert got == {("FI", "signed"), ("LV", "signed")}


def test_each_party_takes_the_nearest_trigger_of_its_clause():
    got = pairs("Finland signed a security agreement, while Norway is still negotiating one.")
    assert got == {("FI", "signed"), ("NO", "negotiating")}


def test_demonym_and_capital_as_actors():
    assert pairs("The Dutch prime minister signed a security agreement.") == {("NL", "signed")}
    assert pairs("Warsaw has signed up to the framework.") == {("PL", "declaration_joined")}


def test_commitment_dates():
    got = commitments("On June 3, Sweden signed a security agreement. A day later, Norway signed one too.")
    assert got[("SE", "signed")]["date_start"] == dt.date(2024, 6, 3)
    assert got[("NO", "signed")]["date_start"] == dt.date(2024, 6, 4)


def test_planned_signing_date_is_not_a_negotiating_date():
    got = commitments("Ukraine and Austria will sign a security agreement on June 28.")
    assert got[("AT", "negotiating")]["date_start"] is None


def test_month_span_dates():
    got = commitments("Spain and Portugal concluded security agreements in April and May.")
    c = got[("ES", "signed")]
    assert (c["date_start"], c["date_end"], c["date_precision"]) == (dt.date(2024, 4, 1), dt.date(2024, 5, 31), "month")


def test_anaphoric_subject_takes_the_parties_of_the_sentence_before():
    got = commitments("On June 5 the president spoke with Austria's chancellor, Karl Nehammer. "
                      "The two leaders instructed their teams to begin preparing a security agreement.")
    assert got[("AT", "negotiating")]["date_start"] == dt.date(2024, 6, 5)


def test_evidence_is_the_sentence():
    got = commitments("Belgium signed a security agreement. Nothing else happened.")
    assert got[("BE", "signed")]["evidence"] == "Belgium signed a security agreement."


def test_list_items_take_the_status_of_the_line_introducing_them():
    got = pairs("Ukraine has concluded these bilateral security agreements:\n- Austria, in Vienna;\n- Malta and Cyprus.")
    assert got == {("AT", "signed"), ("MT", "signed"), ("CY", "signed")}


def test_table_rows_state_their_own_status():
    got = commitments("Where the agreements stand:\n| Country | Status | Date |\n|---|---|---|\n"
                      "| Croatia | signed | June 2 |\n| Greece | negotiating | |")
    assert set(got) == {("HR", "signed"), ("GR", "negotiating")}
    assert got[("HR", "signed")]["date_start"] == dt.date(2024, 6, 2)


def test_a_sentence_opening_elsewhere_in_time_does_not_inherit_the_date():
    got = commitments("On June 4 the ministers met in Rome. Earlier, Italy had signed up to the G7 declaration.")
    assert got[("IT", "declaration_joined")]["date_start"] is None


def test_hypothetical_triggers_state_nothing():
    assert pairs("Serbia discussed joining the Joint Declaration.") == set()
    assert pairs("Officials said Armenia could sign a security agreement.") == set()


def test_the_eu_as_a_modifier_is_not_a_party():
    assert pairs("Talks with Vilnius on a security agreement should end before the EU summit.") == {("LT", "negotiating")}


def test_a_new_clause_after_and_takes_its_own_trigger():
    got = pairs("Austria signed a security agreement, and last week the Maltese premier said Malta was drafting one.")
    assert got == {("AT", "signed"), ("MT", "negotiating")}


def test_a_person_reported_as_speaking_is_not_a_party():
    got = pairs("The Belgian agreement, signed in May, is a model, Prime Minister Petr Fiala said.")
    assert got == {("BE", "signed")}


def test_declaration_triggers_about_other_things_state_nothing():
    assert pairs("The Budapest Memorandum, signed by the US and Britain, failed Ukraine.") == set()
    assert pairs("Spain expressed its support for Ukraine's NATO membership.") == set()
    assert pairs("Spain and Italy also expressed their support.") == {("ES", "supporter"), ("IT", "supporter")}


def test_day_first_numeric_and_polish_dates():
    got = commitments("Umowę podpisano 12.06.2024. Spain signed a security agreement on 12.06.2024.")
    assert got[("ES", "signed")]["date_start"] == dt.date(2024, 6, 12)


def test_a_demonym_on_a_news_source_is_not_a_party():
    assert pairs("Germany, as the Polish press reports, signed a security agreement.") == {("DE", "signed")}


def test_only_a_scene_setting_day_carries_to_the_next_sentence():
    got = commitments("Latvia, whose agreement dates from April, sent a minister. Talks with Malta are continuing.")
    assert got[("MT", "negotiating")]["date_start"] is None


def test_adding_names_to_the_declaration_is_joining():
    assert pairs("Bucharest and Sofia add their names to the G7 framework.") == {("RO", "declaration_joined"),
                                                                                 ("BG", "declaration_joined")}


def test_a_possessive_country_on_a_thing_is_not_an_actor():
    assert pairs("Three countries concluded security agreements as Russia's invasion entered its third year.") == set()
    assert pairs("Canada's prime minister signed a security agreement.") == {("CA", "signed")}


def test_a_party_can_hold_a_status_in_each_family():
    got = pairs("Malta and Cyprus, both supporters of the declaration, are negotiating security agreements.")
    assert got == {("MT", "supporter"), ("CY", "supporter"), ("MT", "negotiating"), ("CY", "negotiating")}


def test_acceding_needs_no_object_unless_it_is_another_body():
    assert pairs("The declaration now includes Albania, which acceded in August.") == {("AL", "declaration_joined")}
    assert pairs("Croatia acceded to the EU in 2013.") == set()


def test_the_eus_included_in_a_count_of_agreements():
    assert pairs("Ukraine now has twenty-five such agreements, the EU's included.") == {("EU", "signed")}


def test_aligned_columns_and_bare_status_words_in_tables():
    got = commitments("Status of the declaration:\nCountry      Status       Date\nMalta        Joined       June 3\n"
                      "Cyprus       Supporter\nIceland      Founder")
    assert set(got) == {("MT", "declaration_joined"), ("CY", "supporter"), ("IS", "declaration_founder")}
    assert got[("MT", "declaration_joined")]["date_start"] == dt.date(2024, 6, 3)


def test_a_status_noun_introduces_a_list():
    got = pairs("Last month's signings:\n- Malta, in Valletta;\n- Cyprus.\nStill in talks:\n- Austria.")
    assert got == {("MT", "signed"), ("CY", "signed"), ("AT", "negotiating")}


def test_talks_between_and_talks_close_to_final():
    assert pairs("Talks between Vienna and Kyiv resumed this week.") == {("AT", "negotiating")}
    assert pairs("Talks with Malta are close to final, officials said.") == {("MT", "negotiating")}


def test_a_bare_joined_in_a_sentence_about_the_declaration():
    assert pairs("The pact builds on the G7 declaration, which Austria joined in March.") == {("AT", "declaration_joined")}
    assert pairs("Holland joins Austria and Malta, which concluded agreements earlier.") == {("AT", "signed"), ("MT", "signed")}


def test_a_demonym_is_a_party_only_when_it_stands_for_the_state():
    assert pairs("The Austrian chancellor signed a security agreement after a Russian missile attack.") == {("AT", "signed")}
    assert pairs("The Maltese signed a security agreement.") == {("MT", "signed")}


def test_last_month_is_the_previous_calendar_month():
    got = commitments("Malta signed its security agreement last month.")
    c = got[("MT", "signed")]
    assert (c["date_start"], c["date_end"], c["date_precision"]) == (dt.date(2024, 5, 1), dt.date(2024, 5, 31), "month")


def test_a_negated_table_row_does_not_take_the_caption_status():
    got = pairs("Where the sign-ups stand:\n| Country | Status |\n|---|---|\n| Malta | joined |\n| Austria | not yet joined |")
    assert got == {("MT", "declaration_joined")}


def test_a_new_subject_after_and_opens_a_clause():
    assert pairs("Malta has expressed support, and Austria is still weighing its position.") == {("MT", "supporter")}


def test_the_agreement_named_in_the_sentence_before():
    got = pairs("Malta and Ukraine were negotiating a security agreement. On Friday the Maltese premier signed it.")
    assert got == {("MT", "signed")}


def test_the_nth_of_its_kind_after_a_list():
    got = pairs("The Maltese agreement is the ninth of its kind, after those of Austria and Cyprus.")
    assert got == {("MT", "signed"), ("AT", "signed"), ("CY", "signed")}


def test_a_date_between_a_party_and_the_next_belongs_to_it():
    got = commitments("Austria, which signed in April, and Malta, whose agreement dates from February, stayed away.")
    assert got[("AT", "signed")]["date_start"] == dt.date(2024, 4, 1)
    assert got[("MT", "signed")]["date_start"] == dt.date(2024, 2, 1)


def test_would_not_sign_is_a_negation_and_started_talks_is_negotiation():
    assert pairs("The Austrian chancellor said his country would not sign such a document.") == set()
    assert pairs("Malta will sign next week, and Austria has started talks.") == {("MT", "negotiating"), ("AT", "negotiating")}


def test_still_in_talks_before_a_list():
    assert pairs("Still in talks: Austria, Malta and Cyprus.") == {("AT", "negotiating"), ("MT", "negotiating"),
                                                                    ("CY", "negotiating")}


def test_both_capitals_refers_back_over_a_paragraph_break():
    got = pairs("Vienna and Valletta are drafting security agreements.\nBoth capitals joined the G7 declaration in July.")
    assert {("AT", "declaration_joined"), ("MT", "declaration_joined")} <= got


def test_followed_repeats_the_act_of_the_sentence_before():
    got = commitments("On 3 June 2024 Malta signed a security agreement. Austria and Cyprus followed on 5 June 2024.")
    assert set(got) == {("MT", "signed"), ("AT", "signed"), ("CY", "signed")}
    assert got[("AT", "signed")]["date_start"] == dt.date(2024, 6, 5)


def test_adopting_the_declaration_with_the_g7_is_founding_it():
    assert pairs("The leaders of the G7 and of the European Union adopted the Joint Declaration.") == {
        ("EU", "declaration_founder")}


# --- the trigger words that let ASCII sentences skip patterns must never change what is found ---

def corpus_texts() -> list[str]:
    """The benchmark corpus's first 150 documents, the seeds and the evaluation documents."""
    import importlib.util
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("bench_corpus", repo / "bench" / "scale" / "corpus.py")
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    texts = [corpus.document(7, i) for i in range(150)]
    texts += [p.read_text(encoding="utf-8") for p in sorted((repo / "seeds").glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((repo.parent / "shared" / "eval" / "docs").glob("*/*.txt"))]
    return texts


def _sentences_of_corpora() -> list[str]:
    from pipelines.lib.sentences import split_sentences

    return [s.text for text in corpus_texts() for s in split_sentences(text)]


def test_trigger_words_skip_nothing_that_matches_on_real_sentences():
    from pipelines.lib.commitments import scan_triggers

    sentences = _sentences_of_corpora()
    assert len(sentences) > 3000
    for text in sentences:
        for table in (False, True):
            assert scan_triggers(text, table=table) == scan_triggers(text, table=table, skip_by_words=False), text


_TRIGGER_VOCABULARY = ("signed up sign-ups founders founding members initial signatories issued by drawn up "
                       "joined to join acceded accession to adhered associated itself with added their names to "
                       "the declaration framework became a signatory signed onto expressed full support "
                       "supporting nations among the supporters welcomed backs endorses it will sign intends to "
                       "conclude inked sealed put his name to has an agreement with have two similar pacts the "
                       "third country in talks with negotiations with opened talks working on drafting preparing "
                       "close to signing under way underway in progress planned agreement agreed to start "
                       "talks are continuing founder supporter Poland Ukraine the G7 security guarantees , "
                       "which joins joined in last adopted unveiled launched issued the Joint Declaration "
                       "agreement dates from deal dated back to ninth of its kind such document talks between "
                       "started formal negotiations resumed talks would not sign .").split()


@given(st.lists(st.tuples(st.sampled_from(_TRIGGER_VOCABULARY), st.sampled_from(["lower", "upper", "title"])),
                min_size=1, max_size=25), st.booleans())
@settings(max_examples=400, deadline=None)
def test_trigger_words_skip_nothing_that_matches_in_any_case(words, table):
    from pipelines.lib.commitments import scan_triggers

    text = " ".join(getattr(w, case)() for w, case in words)
    assert scan_triggers(text, table=table) == scan_triggers(text, table=table, skip_by_words=False)


def _worded_patterns():
    from pipelines.lib import commitments as cm

    return [pytest.param(t[3], w, id=f"{kind}{i}-{t[0]}")
            for kind, triggers, words in (("", cm._TRIGGERS, cm._TRIGGER_WORDS), ("table", cm._TABLE_TRIGGERS, cm._TABLE_TRIGGER_WORDS))
            for i, (t, w) in enumerate(zip(triggers, words))]


@pytest.mark.parametrize("pattern,words", _worded_patterns())
def test_every_string_a_trigger_pattern_matches_contains_one_of_its_words(pattern, words):
    """Strings generated from each pattern itself, so that a pattern changed without its words fails here."""
    @given(st.from_regex(pattern, alphabet=st.characters(min_codepoint=32, max_codepoint=126)))
    @settings(max_examples=300, deadline=None, database=None)
    def check(text):
        if pattern.search(text):
            assert any(w in text.lower() for w in words), text

    check()


def test_declined_to_join_is_a_refusal():
    assert pairs("Slovakia declined to join the G7 declaration.") == set()
    assert pairs("Serbia refuses to join the declaration.") == set()


def test_a_condition_after_the_act_makes_it_hypothetical():
    assert pairs("Moldova would join the declaration only if parliament approved it.") == set()
    assert pairs("Moldova joined the declaration in August.") == {("MD", "declaration_joined")}


def test_a_future_passive_signing_is_negotiating():
    got = commitments("Warsaw says the Polish security agreement will be signed before the summit.")
    assert set(got) == {("PL", "negotiating")}


def test_the_month_may_is_not_the_modal_may():
    assert pairs("On 28 May Sweden signed a security agreement.") == {("SE", "signed")}
    assert pairs("Sweden may sign a security agreement.") == set()


def test_an_it_clause_after_a_semicolon_continues_the_party_before():
    got = commitments("Lisbon and Kyiv began drafting the Portuguese security agreement in April; "
                      "on 28 May it was signed in Lisbon.")
    assert got[("PT", "signed")]["date_start"] == dt.date(2024, 5, 28)


def test_parties_joined_by_and_share_the_date_after_them():
    got = commitments("Latvia signed its security agreement in April, and Lithuania and Estonia in June.")
    assert got[("LV", "signed")]["date_start"] == dt.date(2024, 4, 1)
    assert got[("LT", "signed")]["date_start"] == got[("EE", "signed")]["date_start"] == dt.date(2024, 6, 1)


def test_a_sentence_with_only_a_year_continues_the_day_before():
    got = commitments("The tour began on Monday in Madrid. There Spain signed a security agreement "
                      "under which it will provide 1 billion euros in 2024.")
    assert got[("ES", "signed")]["date_start"] == dt.date(2024, 6, 17)
    got = commitments("The tour began on Monday in Madrid. Spain signed a security agreement in 2023.")
    assert got[("ES", "signed")]["date_start"] is None


def test_issued_on_a_date_by_the_g7_and_the_eu_founds_the_declaration():
    got = commitments("The declaration was issued on 12 July 2023 on the margins of the NATO summit in Vilnius "
                      "by the Group of Seven together with the presidents of the European Council.")
    assert set(got) == {("EU", "declaration_founder")}
    assert got[("EU", "declaration_founder")]["date_start"] == dt.date(2023, 7, 12)


def test_a_plural_anaphor_reaches_back_when_the_sentence_before_names_one_party():
    got = pairs("Estonia is negotiating a security agreement. Lithuania is drafting a similar agreement.\n"
                "Both countries joined the G7 declaration in July 2023.")
    assert {("EE", "declaration_joined"), ("LT", "declaration_joined")} <= got
    got = pairs("Finland and Sweden are negotiating security agreements. Norway is drafting one.\n"
                "Both countries joined the G7 declaration in July 2023.")
    assert ("NO", "declaration_joined") in got and ("FI", "declaration_joined") not in got


def test_a_chronology_takes_the_status_its_introduction_gives():
    got = commitments("Unless an entry says otherwise, it marks the signing of a bilateral security agreement.\n\n"
                      "12 January \u2013 United Kingdom signs the first agreement, in Kyiv.\n"
                      "23 February \u2014 Denmark, in Lviv.\n"
                      "19 February: Japan and Ukraine sign a convention on the avoidance of double taxation.\n"
                      "3 April \u2013 Finland, in Kyiv; that evening Portugal began drafting an agreement.\n"
                      "12 August 2023 \u2013 Greece becomes the 14th country to back the declaration.")
    assert set(got) == {("GB", "signed"), ("DK", "signed"), ("FI", "signed"), ("PT", "negotiating"), ("GR", "supporter")}
    assert got[("DK", "signed")]["date_start"] == dt.date(2024, 2, 23)


def test_list_items_shaped_like_table_rows():
    got = commitments("Where the capitals stand:\n\n\u2022 Spain \u2013 signed, 27 May\n\u2022 Poland \u2013 in negotiation\n"
                      "\u2022 Hungary \u2013 no\n")
    assert set(got) == {("ES", "signed"), ("PL", "negotiating")}


def test_a_day_inside_the_month_given_elsewhere_dates_the_event():
    got = commitments("22 January \u2013 Poland joins the Joint Declaration.\n\nWarsaw joined the declaration in January.")
    assert got[("PL", "declaration_joined")]["date_start"] == dt.date(2024, 1, 22)


def test_the_two_governments_after_a_semicolon_continue_the_party():
    got = pairs("Poland joins the Joint Declaration; the two governments agree to start work on a bilateral agreement.")
    assert got == {("PL", "declaration_joined"), ("PL", "negotiating")}


def test_a_date_right_after_the_act_and_dates_taken_respectively():
    got = commitments("An agreement with Iceland was approved on Wednesday and signed two days later.")
    assert got[("IS", "signed")]["date_start"] == dt.date(2024, 6, 21)
    got = commitments("Denmark and Finland signed their security agreements in February and April respectively.")
    assert got[("DK", "signed")]["date_end"] == dt.date(2024, 2, 29)
    assert got[("FI", "signed")]["date_start"] == dt.date(2024, 4, 1)


@pytest.mark.parametrize("sentence,expected", [
    ("Kallas said that Tallinn's agreement was practically ready.", {("EE", "negotiating")}),
    ("Vilnius is in the final stage of talks on its security agreement.", {("LT", "negotiating")}),
    ("Washington was the first to open talks, on August 2.", {("US", "negotiating")}),
    ("The Polish text is modelled on the British agreement, which Rishi Sunak signed on 12 January.",
     {("GB", "signed")}),
    ("Slovakia's parliament rejected a motion urging the government to sign up to the declaration.", set()),
    ("Armenia and Azerbaijan are still negotiating a peace treaty.", set()),
    ("Czech Prime Minister Petr Fiala signed the security agreement at Blenheim Palace near Oxford, England, at a "
     "summit hosted by British Prime Minister Keir Starmer.", {("CZ", "signed")}),
    ("The document, signed in Brussels by EU foreign policy chief Josep Borrell and Moldovan Foreign Minister "
     "Mihai Popșoi, covers cyber defence.", set()),
    ("Ukraine now has seven bilateral security agreements under the framework that the G7 and the European "
     "Union launched.", set()),
    ("Ihor Zhovkva said the American and Japanese texts were finished and would be signed at the G7 summit.",
     {("US", "negotiating"), ("JP", "negotiating")}),
])
def test_rules_from_the_seventh_and_eighth_blind_batches(sentence, expected):
    assert pairs(sentence) == expected


def test_support_for_it_needs_the_declaration_nearby():
    assert pairs("Latvia decided to join the declaration. The Estonian government declared its support for it.") \
        >= {("EE", "supporter")}
    assert pairs("Moldova and the EU signed a defence partnership. The Estonian government welcomed it.") == set()


def test_a_planned_signing_does_not_inherit_the_day_before():
    got = commitments("The EU commitments were signed in Brussels on 27 June. Romania is expected to sign its own "
                      "agreement at the Washington summit.")
    assert got[("RO", "negotiating")]["date_start"] is None


def test_a_bare_signing_counts_when_the_title_is_about_agreements():
    text = "Security agreements: who signed\nBelgium and Portugal, which signed on the same day, are missing."
    raw = RawDocument("t.txt", "0" * 64, text, "utf-8", len(text), Sidecar(published=PUB))
    assert {(c["country_iso2"], c["status"]) for c in extract_document(raw).commitments} == {
        ("BE", "signed"), ("PT", "signed")}
    assert pairs("Belgium and Portugal, which signed on the same day, are missing.") == set()


def test_a_party_included_in_ukraines_count_takes_no_date():
    got = commitments("Ukraine has signed more than 20 such agreements since January, the European Union's included.")
    assert got[("EU", "signed")]["date_start"] is None


@pytest.mark.parametrize("sentence,expected", [
    ("We agreed the final text of the Latvian agreement with President Edgars Rinkēvičs.", {("LV", "negotiating")}),
    ("Japan is also working with us on a text, but the drafting is at an earlier stage.", {("JP", "negotiating")}),
    ("Poland says it is putting the finishing touches to its text.", {("PL", "negotiating")}),
])
def test_rules_from_the_ninth_blind_batch(sentence, expected):
    assert pairs(sentence) == expected


def test_a_year_next_to_the_act_keeps_another_clauses_month_away():
    got = commitments("North Macedonia signed up to the declaration in 2023 but is now absorbed by elections in "
                      "April and May.")
    assert got[("MK", "declaration_joined")]["date_start"] is None
