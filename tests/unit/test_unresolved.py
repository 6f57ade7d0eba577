from pipelines.lib.unresolved import find_unresolved


def test_state_like_names_and_misspellings_are_listed_not_coded():
    text = "Officials from the Republic of Elbonia met envoys from Germnay. Marta Kowalska said so."
    rows = {r["surface"]: r for r in find_unresolved(text, [], [])}
    assert set(rows) == {"Republic of Elbonia", "Germnay"}
    assert rows["Germnay"]["best_candidate"] == "DE" and rows["Germnay"]["reason"].startswith("possible misspelling")
    assert rows["Republic of Elbonia"]["best_candidate"] is None


def test_known_countries_and_covered_spans_are_not_listed():
    text = "The Republic of Poland and Germnay agreed."
    assert [r["surface"] for r in find_unresolved(text, [], [(0, 22), (27, 34)])] == []


def test_state_like_names_are_found_line_by_line_as_in_the_whole_text():
    from pipelines.lib.unresolved import _STATE_LIKE, _state_like
    from tests.unit.test_commitments import corpus_texts

    texts = corpus_texts() + ["Republic of Foo\nthe Kingdom of\nBar Islands, the Federation of Baz Qux and Foo Republic"]
    for text in texts:
        assert [m.span() for m in _state_like(text)] == [m.span() for m in _STATE_LIKE.finditer(text)], text[:80]


def test_lone_capitalised_words_are_those_of_the_lookbehind_first_pattern():
    import re

    from pipelines.lib.unresolved import _LONE_CAPITALISED
    from tests.unit.test_commitments import corpus_texts

    written = re.compile(r"(?<![\w'\u2019-])[A-Z\u00c0-\u00de\u0100-\u017f][^\W\d_]{5,}(?![\w-])(?! [A-Z])")
    for text in corpus_texts() + ["Germnay\nRomana, x-Indira's Ōsakaa _Abcdef 'Abcdefg"]:
        assert [m.span() for m in _LONE_CAPITALISED.finditer(text)] == [m.span() for m in written.finditer(text)]
