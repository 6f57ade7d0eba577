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
