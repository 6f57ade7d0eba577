"""Runs of the whole job after the seeds folder changed: only new or changed documents are extracted."""
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import pipelines.assets.extract as extract_assets
import pipelines.lib.seeds as seeds
from pipelines.lib import corpus
from tests.dagster.test_pipeline import latest, run


def add_document(seeds: Path, i: int) -> Path:
    """A distinct news document: the seed with one more paragraph."""
    seed = next(p for p in sorted(seeds.iterdir()) if p.name.startswith("000_"))
    path = seeds / f"update_{i:02d}.txt"
    path.write_text(seed.read_text(encoding="utf-8") + f"\nUpdate {i}: talks with Poland continued on {i + 1} March 2024.\n",
                    encoding="utf-8")
    return path


def corpus_metadata(result) -> dict:
    (documents,) = [m for m in result.asset_materializations_for_node("extracted_tables")
                    if m.asset_key.path == ["documents"]]
    return {k: v.value for k, v in documents.metadata.items()
            if k in ("documents_processed", "documents_reused", "documents_dropped", "processed", "dropped")}


@pytest.fixture
def extracted(monkeypatch) -> list[str]:
    seen: list[str] = []
    real = corpus.extract_document
    monkeypatch.setattr(corpus, "extract_document", lambda raw: seen.append(raw.source_path) or real(raw))
    return seen


def released_paths(outputs: Path) -> list[str]:
    return sorted(pq.read_table(latest(outputs) / "documents.parquet")["source_path"].to_pylist())


def test_one_new_document_is_extracted_alone_and_published_with_the_rest(seeds_dir, outputs_dir, extracted):
    add_document(seeds_dir, 1)
    add_document(seeds_dir, 2)
    first = run(seeds_dir, outputs_dir)
    assert first.success
    assert corpus_metadata(first)["documents_processed"] == 3
    extracted.clear()

    new = add_document(seeds_dir, 3)
    second = run(seeds_dir, outputs_dir)
    assert second.success
    meta = corpus_metadata(second)
    assert extracted == [new.name]
    assert (meta["documents_processed"], meta["documents_reused"], meta["documents_dropped"]) == (1, 3, 0)
    assert f"| {new.name} |" in meta["processed"] and "| new |" in meta["processed"]
    assert new.name in released_paths(outputs_dir) and len(released_paths(outputs_dir)) == 4

    extracted.clear()
    (seeds_dir / "update_01.txt").unlink()
    third = run(seeds_dir, outputs_dir)
    assert third.success and extracted == []
    meta = corpus_metadata(third)
    assert (meta["documents_processed"], meta["documents_reused"], meta["documents_dropped"]) == (0, 3, 1)
    assert "| update_01.txt |" in meta["dropped"]
    assert "update_01.txt" not in released_paths(outputs_dir)


def test_unchanged_files_are_not_read_again_and_a_lost_cache_reads_them_back(seeds_dir, outputs_dir, monkeypatch):
    """The ingest step reads only new or changed files; when the extraction cache cannot supply an
    unread document (deleted here, as after an extractor upgrade), the extract step reads its text."""
    add_document(seeds_dir, 1)
    assert run(seeds_dir, outputs_dir).success
    reads: list[str] = []
    real = seeds.read_document
    monkeypatch.setattr(seeds, "read_document", lambda d, rel, limits: reads.append(rel) or real(d, rel, limits))
    new = add_document(seeds_dir, 2)
    assert run(seeds_dir, outputs_dir).success
    assert reads == [new.name]

    shutil.rmtree(outputs_dir / "cache" / "extract")
    reads.clear()
    loaded: list[str] = []
    real_load = extract_assets.load_text
    monkeypatch.setattr(extract_assets, "load_text", lambda d, doc, limits: loaded.append(doc.source_path)
                        or real_load(d, doc, limits=limits))
    third = run(seeds_dir, outputs_dir)
    assert third.success and corpus_metadata(third)["documents_processed"] == 3
    assert len(loaded) == len(reads) == 3  # every read was the extract step's
    published = pq.read_table(latest(outputs_dir) / "documents.parquet").to_pylist()
    assert {d["source_path"]: d["text"] for d in published} == {
        p.name: p.read_text(encoding="utf-8") for p in seeds_dir.iterdir() if p.suffix == ".txt"}


def test_a_run_after_one_new_document_validates_that_documents_rows_only(seeds_dir, outputs_dir, monkeypatch):
    """The cache's verdicts spare the extraction step the rows it validated before, and the stored
    tables' verdicts spare the release audit all of them; the release is the same."""
    from pipelines.lib import tables

    add_document(seeds_dir, 1)
    assert run(seeds_dir, outputs_dir).success
    validated: list[tuple[str, int]] = []
    real = tables.validate
    monkeypatch.setattr(tables, "validate", lambda name, frame: validated.append((name, len(frame))) or real(name, frame))
    new = add_document(seeds_dir, 2)
    assert run(seeds_dir, outputs_dir).success
    release = latest(outputs_dir)
    documents = pq.read_table(release / "documents.parquet").to_pandas()
    (doc_id,) = documents.loc[documents["source_path"] == new.name, "doc_id"]
    new_rows = {name: int((pq.read_table(release / f"{name}.parquet", columns=["doc_id"]).to_pandas()["doc_id"]
                           == doc_id).sum()) for name in corpus.EXTRACTED_TABLES}
    assert [(name, rows) for name, rows in validated if name in corpus.EXTRACTED_TABLES] == list(new_rows.items())
    assert new_rows["documents"] == 1 and new_rows["sentences"] > 1

    fresh = outputs_dir.parent / "fresh_outputs"  # everything extracted and validated afresh
    assert run(seeds_dir, fresh).success
    for name in corpus.EXTRACTED_TABLES:
        assert (latest(fresh) / f"{name}.parquet").read_bytes() == (release / f"{name}.parquet").read_bytes(), name


def test_a_run_after_one_new_document_hashes_no_extracted_table_again(seeds_dir, outputs_dir, monkeypatch):
    """The extraction step knows each table's content hash from the cache's sums and the release
    audit takes it from the stored table's verdict, so the audit hashes no extracted table's file;
    the manifest's hashes are those of the published files, and the DuckDB check confirms them."""
    import duckdb

    from pipelines.lib import content_hash, release_build, tables

    add_document(seeds_dir, 1)
    assert run(seeds_dir, outputs_dir).success
    hashed: list[str] = []
    real = release_build.parquet_hashes
    monkeypatch.setattr(release_build, "parquet_hashes", lambda paths, columns: hashed.extend(paths) or real(paths, columns))
    add_document(seeds_dir, 2)
    assert run(seeds_dir, outputs_dir).success
    assert set(hashed).isdisjoint(corpus.EXTRACTED_TABLES) and "countries" in hashed
    release = latest(outputs_dir)
    manifest = __import__("json").loads((release / "manifest.json").read_text())
    with duckdb.connect() as con:
        for name in corpus.EXTRACTED_TABLES:
            _, digest = content_hash.relation_hash(con, "read_parquet(?)", tables.columns(name),
                                                   [str(release / f"{name}.parquet")])
            assert manifest["tables"][name]["content_hash"] == digest, name


def _doc_id(release: Path, source_path: str) -> str:
    documents = pq.read_table(release / "documents.parquet", columns=["doc_id", "source_path"]).to_pandas()
    (doc_id,) = documents.loc[documents["source_path"] == source_path, "doc_id"]
    return doc_id


def test_a_run_after_one_new_document_checks_the_links_of_that_documents_rows_only(seeds_dir, outputs_dir, monkeypatch):
    """The extraction step checks the links within documents on the new document's rows alone, its
    stored tables name one links token, and the release audit, finding it in every verdict, does not
    check those links again; the countries of the mentions it still checks."""
    import json

    from pipelines.lib import release_build

    add_document(seeds_dir, 1)
    assert run(seeds_dir, outputs_dir).success
    read: set[str] = set()
    real_links = corpus.document_links

    def spy(reader):
        return real_links(lambda name, columns: (lambda t: read.update(t["doc_id"].to_pylist()) or t)(reader(name, columns)))
    monkeypatch.setattr(corpus, "document_links", spy)
    audited: list[bool] = []
    real_audit = release_build.audit
    monkeypatch.setattr(release_build, "audit", lambda files, documents_checked=False:
                        audited.append(documents_checked) or real_audit(files, documents_checked=documents_checked))
    new = add_document(seeds_dir, 2)
    assert run(seeds_dir, outputs_dir).success
    assert read == {_doc_id(latest(outputs_dir), new.name)}
    assert audited == [True]
    tokens = {json.loads((outputs_dir / "intermediate" / f"{name}.verdict.json").read_text())["links"]
              for name in corpus.EXTRACTED_TABLES}
    assert len(tokens) == 1 and None not in tokens


def test_a_new_document_whose_rows_break_a_link_fails_the_release_audit(seeds_dir, outputs_dir, monkeypatch):
    """When the new rows fail the links the extraction step checks, its tables carry no token and
    the release audit checks every row: the faulty mention is reported and nothing is published."""
    add_document(seeds_dir, 1)
    assert run(seeds_dir, outputs_dir).success
    before = latest(outputs_dir)
    bad = add_document(seeds_dir, 2)
    real = corpus.extract_document

    def faulty(raw):
        extraction = real(raw)
        if raw.source_path == bad.name:
            mention = extraction.country_mentions[0]  # a surface of the right length the text does not hold
            extraction.country_mentions[0] = {**mention, "surface": "X" * len(mention["surface"])}
        return extraction
    monkeypatch.setattr(corpus, "extract_document", faulty)
    result = run(seeds_dir, outputs_dir)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert failure.step_key == "release_candidate"
    description = failure.step_failure_data.user_failure_data.description
    assert description.startswith("cross-table audit failed: country_mentions") and "nothing was published" in description
    assert latest(outputs_dir) == before
