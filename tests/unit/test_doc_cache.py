"""The extraction cache: only new or changed documents are extracted, and the tables are the same."""
import dataclasses
import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from filelock import Timeout

from pipelines.lib import corpus, doc_cache
from pipelines.lib.corpus import EXTRACTED_TABLES, extract_corpus, extract_incremental
from pipelines.lib.documents import RawDocument, Sidecar, sha256_hex
from pipelines.lib.extract import DocumentExtraction
from tests.conftest import SEEDS

SEED_TEXT = next(SEEDS.glob("*.txt")).read_text(encoding="utf-8")


def doc(path: str, text: str, sidecar: Sidecar = Sidecar()) -> RawDocument:
    data = text.encode()
    return RawDocument(path, sha256_hex(data), text, "utf-8", len(data), sidecar)


def variant(i: int) -> RawDocument:
    """A distinct news document: the seed with one more paragraph."""
    return doc(f"doc_{i:03d}.txt", SEED_TEXT + f"\nUpdate {i}: talks with Poland continued on {i % 27 + 1} March 2024.\n")


@pytest.fixture
def calls(monkeypatch) -> list[str]:
    """Source paths that went through the real extractor, in order."""
    seen: list[str] = []
    real = corpus.extract_document

    def spy(raw):
        seen.append(raw.source_path)
        return real(raw)
    monkeypatch.setattr(corpus, "extract_document", spy)
    return seen


@pytest.fixture
def fake_extractor(monkeypatch) -> list[str]:
    """A trivial extractor (one document row, one sentence) for tests about the cache itself."""
    seen: list[str] = []

    def fake(raw):
        seen.append(raw.source_path)
        return DocumentExtraction(
            document={"doc_id": raw.doc_id, "source_path": raw.source_path, "text": raw.text},
            sentences=[{"doc_id": raw.doc_id, "sentence_no": 1, "char_start": 0, "char_end": len(raw.text),
                        "text": raw.text}])
    monkeypatch.setattr(corpus, "extract_document", fake)
    return seen


def as_rows(result) -> dict[str, list[dict]]:
    return {name: result.tables[name].to_pylist() for name in EXTRACTED_TABLES}


def expected_rows(docs) -> dict[str, list[dict]]:
    """What extracting every document afresh gives, through the same Arrow types."""
    schemas = corpus.cache_schemas()
    return {name: corpus.rows_to_arrow(name, rows, schemas[name]).to_pylist()
            for name, rows in extract_corpus(docs).items()}


def test_a_second_run_extracts_nothing_and_gives_the_same_tables(tmp_path, calls):
    docs = [variant(i) for i in range(3)]
    first = extract_incremental(docs, tmp_path)
    assert sorted(calls) == [d.source_path for d in docs]
    calls.clear()
    second = extract_incremental(docs, tmp_path)
    assert calls == []
    assert [r["source_path"] for r in second.report.reused] == [d.source_path for d in docs]
    assert as_rows(second) == as_rows(first) == expected_rows(docs)


def test_one_new_document_is_the_only_one_extracted(tmp_path, calls):
    docs = [variant(i) for i in range(3)]
    extract_incremental(docs, tmp_path)
    calls.clear()
    new = variant(3)
    result = extract_incremental(docs[:2] + [new] + docs[2:], tmp_path)
    assert calls == [new.source_path]
    assert result.report.processed == [{"source_path": new.source_path, "doc_id": new.doc_id, "reason": "new"}]
    assert len(result.report.reused) == 3 and result.report.dropped == []
    assert as_rows(result) == expected_rows(docs[:2] + [new] + docs[2:])


def test_changed_deleted_renamed_and_sidecar_changed_documents(tmp_path, fake_extractor):
    a, b, c, d = (variant(i) for i in range(4))
    extract_incremental([a, b, c, d], tmp_path)
    fake_extractor.clear()
    edited = doc(a.source_path, a.text + "Edited.\n")
    dated = dataclasses.replace(b, sidecar=Sidecar(published=dt.date(2024, 1, 12)))
    renamed = dataclasses.replace(d, source_path="renamed.txt")
    report = extract_incremental([edited, dated, renamed], tmp_path).report
    assert sorted(fake_extractor) == ["doc_000.txt", "doc_001.txt", "renamed.txt"]
    assert {r["source_path"]: r["reason"] for r in report.processed} == {
        "doc_000.txt": "content changed", "doc_001.txt": "sidecar changed", "renamed.txt": "new"}
    assert [r["source_path"] for r in report.dropped] == ["doc_002.txt", "doc_003.txt"]


def test_a_new_extractor_version_extracts_everything_and_removes_the_old_cache(tmp_path, fake_extractor):
    docs = [variant(i) for i in range(2)]
    extract_incremental(docs, tmp_path, version="v1")
    fake_extractor.clear()
    result = extract_incremental(docs, tmp_path, version="v2")
    assert len(fake_extractor) == 2
    assert {r["reason"] for r in result.report.processed} == {"extractor changed"}
    assert result.report.cache.removed_versions == ["v1"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == ["v2"]


def test_segments_stay_few_however_many_runs_add_documents(tmp_path, fake_extractor):
    docs = []
    for i in range(3 * doc_cache.MAX_SEGMENTS):
        docs.append(variant(i))
        result = extract_incremental(docs, tmp_path, version="v")
        assert result.report.cache.segments <= doc_cache.MAX_SEGMENTS
    assert len(fake_extractor) == len(docs)  # every document was extracted once, merging re-extracts nothing
    assert as_rows(result) == expected_rows(docs)
    on_disk = list((tmp_path / "v" / "segments").iterdir())
    assert len(on_disk) == result.report.cache.segments


def test_a_corpus_grown_at_its_end_is_read_without_a_reordering_copy(tmp_path, fake_extractor, monkeypatch):
    """Segments, merged ones too, hold their documents in the corpus's order and are read in that
    order, so that reading a corpus that grows at its end (new documents sort after the old)
    never copies a table to reorder its rows, before or after merges."""
    reordered = []
    in_order = doc_cache._in_order

    def spy(table, order):
        out = in_order(table, order)
        if out is not table:
            reordered.append(table.num_rows)
        return out
    monkeypatch.setattr(doc_cache, "_in_order", spy)
    docs = [variant(i) for i in range(2 * doc_cache.MAX_SEGMENTS + 3)]
    merged = 0
    for n in range(1, len(docs) + 1):  # one new document a run: past MAX_SEGMENTS runs, segments merge
        result = extract_incremental(docs[:n], tmp_path, version="v")
        merged += result.report.cache.merged_segments
        assert as_rows(result) == expected_rows(docs[:n])
    assert merged > 0
    assert reordered == []


def test_a_mostly_dead_segment_is_rewritten_with_its_live_rows(tmp_path, fake_extractor):
    docs = [variant(i) for i in range(4)]
    extract_incremental(docs, tmp_path, version="v")
    (old,) = list((tmp_path / "v" / "segments").iterdir())
    result = extract_incremental(docs[:1], tmp_path, version="v")
    (new,) = list((tmp_path / "v" / "segments").iterdir())
    assert new.name != old.name and result.report.cache.merged_segments == 1
    assert pq.read_table(new / "documents.parquet").num_rows == 1
    assert as_rows(result) == expected_rows(docs[:1])


def test_an_interrupted_extraction_leaves_a_usable_cache(tmp_path, fake_extractor, monkeypatch):
    docs = [variant(i) for i in range(3)]
    extract_incremental(docs[:1], tmp_path, version="v")
    working = corpus.extract_document

    def failing(raw):
        if raw.source_path == docs[2].source_path:
            raise RuntimeError("out of memory")
        return working(raw)
    monkeypatch.setattr(corpus, "extract_document", failing)
    with pytest.raises(RuntimeError):
        extract_incremental(docs, tmp_path, version="v", batch_size=1)
    monkeypatch.setattr(corpus, "extract_document", working)
    fake_extractor.clear()
    result = extract_incremental(docs, tmp_path, version="v")
    assert sorted(fake_extractor) == [d.source_path for d in docs[1:]]
    assert as_rows(result) == expected_rows(docs)


def test_rows_follow_the_order_of_the_documents(tmp_path, fake_extractor):
    docs = [variant(i) for i in range(4)]
    extract_incremental(docs[2:], tmp_path, version="v")
    result = extract_incremental(list(reversed(docs)), tmp_path, version="v")
    assert [r["source_path"] for r in result.tables["documents"].to_pylist()] == \
        [d.source_path for d in reversed(docs)]


def test_a_value_that_does_not_fit_its_column_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "extract_document", lambda raw: DocumentExtraction(
        document={"doc_id": raw.doc_id, "n_chars": "many"}))
    with pytest.raises(ValueError, match=r"documents\.n_chars"):
        extract_incremental([variant(0)], tmp_path, version="v")


def test_in_order_sorts_by_document_keeping_each_documents_rows_and_leaves_ordered_rows_alone():
    import pyarrow as pa
    rows = pa.table({"doc_id": ["b", "a", "b", "c", "a"], "n": [0, 1, 2, 3, 4]})
    order = pa.array(["a", "b", "c"])
    assert doc_cache._in_order(rows, order).to_pydict() == {"doc_id": ["a", "a", "b", "b", "c"], "n": [1, 4, 0, 2, 3]}
    ordered = pa.table({"doc_id": ["a", "a", "b", "c"], "n": [1, 4, 0, 3]})
    assert doc_cache._in_order(ordered, order) is ordered  # no copy of a table already in order
    assert doc_cache._in_order(ordered, pa.array(["c", "b", "a"])).to_pydict() == \
        {"doc_id": ["c", "b", "a", "a"], "n": [3, 0, 1, 4]}


def test_tables_are_read_one_at_a_time_while_the_cache_stays_locked(tmp_path, fake_extractor, monkeypatch):
    """The pipeline reads the corpus's tables one by one (to hold one in memory), inside the block
    that holds the cache's lock: another run cannot compact the segments away in between."""
    docs = [variant(i) for i in range(4)]
    extract_incremental(docs[:2], tmp_path, version="v")  # two segments: the rows come from both
    read: list[str] = []
    real = doc_cache.DocCache.read_table
    monkeypatch.setattr(doc_cache.DocCache, "read_table",
                        lambda self, name, plan, *columns: read.append(name) or real(self, name, plan, *columns))
    monkeypatch.setattr(doc_cache, "LOCK_TIMEOUT_S", 0.2)
    with corpus.incremental_extraction(list(reversed(docs)), tmp_path, version="v") as extracted:
        assert read == []  # nothing is read before it is asked for
        tables = {}
        for name in EXTRACTED_TABLES:
            tables[name] = extracted.table(name).to_pylist()
            with pytest.raises(Timeout):
                extract_incremental(docs, tmp_path, version="v")
    assert read == list(EXTRACTED_TABLES)
    assert tables == expected_rows(list(reversed(docs)))
    assert extracted.report.seconds["read"] > 0
    assert as_rows(extract_incremental(docs, tmp_path, version="v")) == expected_rows(docs)  # released


def _unverified_paths(extracted, validator: str) -> list[str] | None:
    table = extracted.unverified("documents", validator)
    return None if table is None else table["source_path"].to_pylist()


def test_only_rows_no_run_validated_are_handed_over_for_validating(tmp_path, fake_extractor):
    """A segment whose rows passed the models keeps that verdict: the next run validates the new
    documents' rows only, and everything again under another validator."""
    docs = [variant(i) for i in range(3)]
    with corpus.incremental_extraction(docs[:2], tmp_path, version="v") as extracted:
        assert _unverified_paths(extracted, "models-1") is None  # nothing vouched for: validate the table itself
        extracted.record_verdict("models-1")
    with corpus.incremental_extraction(docs, tmp_path, version="v") as extracted:
        assert _unverified_paths(extracted, "models-1") == [docs[2].source_path]
        assert _unverified_paths(extracted, "models-2") is None
        assert [r["source_path"] for r in extracted.table("documents").to_pylist()] == [d.source_path for d in docs]
    # Not recorded in that run (as when a table failed): the new document's rows are still unverified.
    with corpus.incremental_extraction(docs, tmp_path, version="v") as extracted:
        assert _unverified_paths(extracted, "models-1") == [docs[2].source_path]
        extracted.record_verdict("models-1")
    with corpus.incremental_extraction(docs, tmp_path, version="v") as extracted:
        assert _unverified_paths(extracted, "models-1") == []


def test_a_merged_segment_keeps_a_verdict_only_its_parts_shared(tmp_path, fake_extractor):
    docs = [variant(i) for i in range(6)]
    with corpus.incremental_extraction(docs[:3], tmp_path, version="v") as extracted:
        extracted.record_verdict("models-1")
    with corpus.incremental_extraction(docs[:1], tmp_path, version="v") as extracted:
        assert extracted.report.cache.merged_segments == 1  # two of three dead: rewritten
        assert _unverified_paths(extracted, "models-1") == []


def test_a_segment_merged_from_validated_and_unvalidated_rows_has_no_verdict(tmp_path, fake_extractor):
    docs = [variant(i) for i in range(6)]
    with corpus.incremental_extraction(docs[:3], tmp_path, version="v") as extracted:
        extracted.record_verdict("models-1")
    extract_incremental(docs, tmp_path, version="v")  # a second segment, without a verdict
    with corpus.incremental_extraction([docs[0], docs[3]], tmp_path, version="v") as extracted:
        assert extracted.report.cache.merged_segments == 2  # both two-thirds dead: merged into one
        assert _unverified_paths(extracted, "models-1") is None


def _hash_of(table) -> str:
    import duckdb

    from pipelines.lib import content_hash

    with duckdb.connect() as con:
        return content_hash.arrow_hash(con, table, table.schema.names)[1]


def test_the_content_hash_from_the_segments_sums_is_the_hash_of_the_rows_read(tmp_path, fake_extractor):
    """Through new segments, merges and a segment that lost documents: whenever the cache gives a
    table's content hash without hashing its rows, it is the hash of the rows it reads."""
    docs = [variant(i) for i in range(doc_cache.MAX_SEGMENTS + 3)]
    answered = 0
    for corpus_docs in [docs[:n] for n in range(1, len(docs) + 1)] + [docs[2:], docs[2:-1]]:
        with corpus.incremental_extraction(corpus_docs, tmp_path, version="v") as extracted:
            for name in EXTRACTED_TABLES:
                table = extracted.table(name)
                digest = extracted.content_hash(name)
                if digest is not None:
                    answered += 1
                    assert digest == _hash_of(table), name
    assert answered > len(docs) * len(EXTRACTED_TABLES)


def test_a_segment_read_in_part_gives_no_content_hash(tmp_path, fake_extractor):
    docs = [variant(i) for i in range(4)]
    extract_incremental(docs, tmp_path, version="v")
    with corpus.incremental_extraction(docs[:3], tmp_path, version="v") as extracted:  # one of four gone: not merged
        assert extracted.table("sentences").num_rows == 3
        assert extracted.content_hash("sentences") is None


def test_segments_written_before_the_sums_get_them_when_read_whole(tmp_path, fake_extractor):
    """A cache written by an older version has no sums: the first read of a whole segment adds
    them, and they are kept for the next run."""
    import json

    import pyarrow.parquet as pq_

    docs = [variant(i) for i in range(3)]
    extract_incremental(docs, tmp_path, version="v")
    index = tmp_path / "v" / "index.parquet"
    table = pq_.read_table(index)
    meta = {k: v for k, v in table.schema.metadata.items() if k != b"sums"}
    pq_.write_table(table.replace_schema_metadata(meta), index)
    with corpus.incremental_extraction(docs, tmp_path, version="v") as extracted:
        assert extracted.content_hash("sentences") is None  # not read yet
        digest = _hash_of(extracted.table("sentences"))
        assert extracted.content_hash("sentences") == digest
        extracted.record_verdict("models-1")
    assert "sentences" in next(iter(json.loads(pq_.read_table(index).schema.metadata[b"sums"]).values()))
    with corpus.incremental_extraction(docs, tmp_path, version="v") as extracted:
        assert extracted.content_hash("sentences") == digest  # before any read: kept from the run before


@pytest.fixture
def linked_extractor(monkeypatch) -> set[str]:
    """A trivial extractor whose one sentence spans its document, or one character past its end for
    the source paths put in the returned set (a fault the per-document links catch)."""
    faulty: set[str] = set()

    def fake(raw):
        end = len(raw.text) + (raw.source_path in faulty)
        return DocumentExtraction(
            document={"doc_id": raw.doc_id, "source_path": raw.source_path, "text": raw.text, "n_chars": len(raw.text)},
            sentences=[{"doc_id": raw.doc_id, "sentence_no": 1, "char_start": 0, "char_end": end,
                        "text": raw.text}])
    monkeypatch.setattr(corpus, "extract_document", fake)
    return faulty


def test_links_are_checked_on_the_rows_of_segments_without_a_verdict_only(tmp_path, linked_extractor, monkeypatch):
    """`links_token` runs the per-document links on the new segments' rows and no others; the token
    names the read, so another corpus gets another; a failing row gives no token, and without a
    recorded verdict its segment is checked again by the next run."""
    docs = [variant(i) for i in range(4)]
    read: set[str] = set()  # the documents whose rows the checks read
    real = corpus.document_links

    def spy(reader):
        def reading(name, columns):
            table = reader(name, columns)
            read.update(table["doc_id"].to_pylist())
            return table
        return real(reading)
    monkeypatch.setattr(corpus, "document_links", spy)
    with corpus.incremental_extraction(docs[:2], tmp_path, version="v") as extracted:
        first = extracted.links_token("checks-1")
        assert first is not None and read == {d.doc_id for d in docs[:2]}
        extracted.record_verdict("checks-1")
    read.clear()
    with corpus.incremental_extraction(docs[:2], tmp_path, version="v") as extracted:
        assert extracted.links_token("checks-1") == first and read == set()  # the same read: the same token
        assert extracted.links_token("checks-2") == first and read == {d.doc_id for d in docs[:2]}
    read.clear()
    linked_extractor.add(docs[3].source_path)
    with corpus.incremental_extraction(docs, tmp_path, version="v") as extracted:
        assert extracted.links_token("checks-1") is None
        assert read == {d.doc_id for d in docs[2:]}
    read.clear()
    with corpus.incremental_extraction(docs[:3], tmp_path, version="v") as extracted:
        second = extracted.links_token("checks-1")
        assert second not in (None, first) and read == {docs[2].doc_id}


# -- document batches: caches extracted apart, adopted by the publishing run ------------------------

def _batches(tmp_path: Path, docs: list, version: str = "v") -> list[Path]:
    """Each document's bucket extracted into the bucket's own cache, as `extraction_batches` does."""
    from pipelines.lib.batches import batch_cache, by_bucket

    roots = by_bucket(docs, lambda d: d.source_path)
    for bucket, members in roots.items():
        extract_incremental(members, batch_cache(tmp_path / "cache", bucket), version=version)
    return [batch_cache(tmp_path / "cache", bucket) for bucket in roots]


def test_documents_extracted_in_batches_are_adopted_and_not_extracted_again(tmp_path, calls):
    docs = [variant(i) for i in range(6)]
    batches = _batches(tmp_path, docs[:4])
    assert len(batches) > 1
    calls.clear()
    result = extract_incremental(docs, tmp_path / "cache" / "extract", version="v", adopt_from=batches)
    assert sorted(calls) == [d.source_path for d in docs[4:]]  # only what no batch held
    assert result.report.adopted == 4 and result.report.skipped_batches == []
    assert as_rows(result) == expected_rows(docs)
    calls.clear()
    again = extract_incremental(docs, tmp_path / "cache" / "extract", version="v", adopt_from=batches)
    assert calls == [] and again.report.adopted == 0 and as_rows(again) == as_rows(result)


def test_adopted_segments_give_the_content_hash_of_the_rows_read(tmp_path, fake_extractor):
    docs = [variant(i) for i in range(5)]
    batches = _batches(tmp_path, docs)
    with corpus.incremental_extraction(docs, tmp_path / "main", version="v", adopt_from=batches) as extracted:
        for name in EXTRACTED_TABLES:
            digest = extracted.content_hash(name)
            assert digest is None or digest == _hash_of(extracted.table(name)), name


def test_more_batches_than_segments_merge_into_the_rows_and_content_hash_of_one_run(tmp_path, fake_extractor):
    """Adopted whole, the batches' segments outnumber MAX_SEGMENTS and are merged: the merged
    segment's sums are the batches' sums added up, and must be the hash of the rows it holds."""
    docs = [variant(i) for i in range(3 * doc_cache.MAX_SEGMENTS)]
    batches = _batches(tmp_path, docs)
    assert len(batches) > doc_cache.MAX_SEGMENTS + 1
    with corpus.incremental_extraction(docs, tmp_path / "main", version="v", adopt_from=batches) as extracted:
        assert extracted.report.cache.merged_segments > 1 and extracted.report.cache.segments <= doc_cache.MAX_SEGMENTS
        for name in EXTRACTED_TABLES:
            table = extracted.table(name)
            assert extracted.content_hash(name) == _hash_of(table), name
    assert as_rows(extract_incremental(docs, tmp_path / "main", version="v")) == expected_rows(docs)


def test_adopted_rows_outlive_the_batch_caches_they_came_from(tmp_path, fake_extractor):
    """The batches' segment files are shared (hard links) or copied, never borrowed: removing the
    batch caches, or a batch's own run compacting them, leaves the adopting cache whole."""
    from pipelines.lib import storage

    docs = [variant(i) for i in range(5)]
    batches = _batches(tmp_path, docs)
    adopted = extract_incremental(docs, tmp_path / "main", version="v", adopt_from=batches)
    for batch in batches:
        storage.remove_tree(batch)
    fake_extractor.clear()
    again = extract_incremental(docs, tmp_path / "main", version="v")
    assert fake_extractor == [] and as_rows(again) == as_rows(adopted) == expected_rows(docs)


def test_a_batch_of_another_extractor_version_is_not_adopted(tmp_path, fake_extractor):
    docs = [variant(i) for i in range(3)]
    batches = _batches(tmp_path, docs, version="old")
    fake_extractor.clear()
    result = extract_incremental(docs, tmp_path / "main", version="new", adopt_from=batches)
    assert result.report.adopted == 0 and sorted(fake_extractor) == [d.source_path for d in docs]


def test_a_batch_cache_that_cannot_be_read_is_named_and_its_documents_extracted(tmp_path, fake_extractor):
    docs = [variant(i) for i in range(4)]
    batches = _batches(tmp_path, docs)
    broken = batches[0]
    segment = next((broken / "v" / "segments").iterdir())
    (segment / "sentences.parquet").unlink()  # as if the batch's own run had compacted it away meanwhile
    fake_extractor.clear()
    main = tmp_path / "main"
    result = extract_incremental(docs, main, version="v", adopt_from=batches)
    assert len(result.report.skipped_batches) == 1 and str(broken) in result.report.skipped_batches[0]
    assert fake_extractor and result.report.adopted == len(docs) - len(fake_extractor)
    assert sorted((main / "v" / "segments").iterdir()) == sorted(
        p for p in (main / "v" / "segments").iterdir() if (p / "sentences.parquet").exists())  # no partial copy
    assert as_rows(result) == as_rows(extract_incremental(docs, tmp_path / "fresh", version="v"))
