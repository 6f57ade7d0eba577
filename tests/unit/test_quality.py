"""The rules behind the blocking asset checks, on small frames."""
import pandas as pd

from pipelines.lib import quality

COUNTRIES = pd.DataFrame({"iso2": ["PL", "GB", "XK"]})


def test_unknown_countries_are_the_mentions_outside_the_countries_table():
    mentions = pd.DataFrame({"doc_id": ["d1", "d1", "d2"], "sentence_no": [1, 2, 1], "char_start": [0, 5, 9],
                             "surface": ["Poland", "Atlantis", "Kosovo"], "iso2": ["PL", "AT_", "XK"],
                             "method": ["name"] * 3})
    bad = quality.unknown_countries(mentions, COUNTRIES)
    assert bad.to_dict("records") == [{"doc_id": "d1", "sentence_no": 2, "char_start": 5, "surface": "Atlantis",
                                       "iso2": "AT_"}]


def test_commitments_without_evidence_name_the_problem():
    sentences = pd.DataFrame({"doc_id": ["d1", "d1"], "sentence_no": [1, 2],
                              "text": ["Poland signed.", "Britain is negotiating."]})
    commitments = pd.DataFrame({
        "doc_id": ["d1", "d1", "d1", "d1"], "country_iso2": ["PL", "GB", "FR", "DE"],
        "status": ["signed", "negotiating", "signed", "signed"], "sentence_no": [1, 2, 3, 1],
        "evidence": ["Poland signed.", " ", "France signed.", "Germany signed."]})
    bad = quality.commitments_without_evidence(commitments, sentences)
    assert dict(zip(bad["country_iso2"], bad["problem"])) == {
        "GB": "no evidence", "FR": "sentence 3 does not exist", "DE": "evidence differs from sentence 1"}


def test_unresolved_share_counts_occurrences_against_all_country_references():
    unresolved = pd.DataFrame({"doc_id": ["d1", "d2"], "surface": ["Westeros", "Atlantis"], "n_mentions": [3, 1],
                               "reason": ["unresolved", "unresolved"], "best_candidate": [None, "AT"]})
    mentions = pd.DataFrame({"iso2": ["PL"] * 16})
    share = quality.unresolved_share(unresolved, mentions, threshold=0.2)
    assert (share.unresolved, share.resolved, share.share, share.ok) == (4, 16, 0.2, True)
    assert not quality.unresolved_share(unresolved, mentions, threshold=0.19).ok
    assert quality.worst_unresolved(unresolved, 1)["surface"].tolist() == ["Westeros"]


def test_no_country_reference_at_all_is_a_zero_share():
    empty = pd.DataFrame({"n_mentions": pd.Series([], dtype=int)})
    assert quality.unresolved_share(empty, pd.DataFrame({"iso2": []}), 0.0).ok
