from hypothesis import given, strategies as st

from pipelines.lib.sentences import split_sentences


def texts(doc):
    return [(s.kind, s.text) for s in split_sentences(doc)]


def test_title_subtitle_and_paragraph_sentences():
    doc = "Sweden signs pact\nA second deal in a week\n\nThe deal was signed. It runs for ten years."
    assert texts(doc) == [("title", "Sweden signs pact"), ("subtitle", "A second deal in a week"),
                          ("paragraph", "The deal was signed."), ("paragraph", "It runs for ten years.")]


def test_abbreviations_do_not_split():
    doc = "T\nDr. Smith met Gen. Jones at No. 10 on Jan. 5 with the U.S. envoy. Then they left."
    assert [t for _, t in texts(doc)][1:] == ["Dr. Smith met Gen. Jones at No. 10 on Jan. 5 with the U.S. envoy.",
                                              "Then they left."]


def test_dotted_acronym_ends_a_sentence_before_a_sentence_starter():
    doc = "T\nThe deal was signed with the U.S. The talks went on."
    assert [t for _, t in texts(doc)][1:] == ["The deal was signed with the U.S.", "The talks went on."]


def test_bullets_lose_their_marker_and_table_rows_are_one_sentence():
    doc = "T\nSigned so far:\n- Norway, in May.\n* Spain\n| Country | Date |\n|---|---|\n| Spain | 27 May |"
    got = texts(doc)
    assert ("list_item", "Norway, in May.") in got and ("list_item", "Spain") in got
    assert ("table_row", "Country | Date") in got and ("table_row", "Spain | 27 May") in got
    assert not any("---" in t for _, t in got)


def test_quotes_close_a_sentence():
    doc = 'T\nHe said: "We will sign." Then the ceremony began.'
    assert [t for _, t in texts(doc)][1:] == ['He said: "We will sign."', "Then the ceremony began."]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_offsets_always_index_the_text(doc):
    for s in split_sentences(doc):
        assert doc[s.char_start:s.char_end] == s.text and s.text.strip() == s.text and s.text


def test_columns_aligned_with_spaces_are_table_rows():
    got = texts("T\nCountry    Signed\nSpain      27 May\nThe end.  Really.")
    assert got[1:] == [("table_row", "Country    Signed"), ("table_row", "Spain      27 May"),
                       ("paragraph", "The end."), ("paragraph", "Really.")]
