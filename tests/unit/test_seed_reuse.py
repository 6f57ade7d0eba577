"""A read of the seeds folder after a previous one: unchanged documents are not read again, and
every change (file, sidecar, limits) is read and reported exactly as a first read would."""
import dataclasses
import os
from pathlib import Path

import pytest

import pipelines.lib.seeds as seeds
from pipelines.lib.documents import ReadLimits
from pipelines.lib.seed_state import scan
from pipelines.lib.seeds import SeedChanged, load_record, load_text, read_seeds, save_record

OLD = 1_600_000_000_000_000_000  # long before any scan: size and mtime are trusted


def _write(path: Path, data: str, mtime_ns: int = OLD) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data, encoding="utf-8")
    os.utime(path, ns=(mtime_ns, mtime_ns))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "seeds"
    _write(root / "a.txt", "Alpha\nPoland signed.")
    _write(root / "b.txt", "Bravo\nFrance signed.")
    _write(root / "b.txt.meta.json", '{"published": "2024-01-12", "language": "en-GB"}')
    _write(root / "sub" / "c.txt", "Charlie\nItaly signed.")
    return root


@pytest.fixture
def record(tmp_path: Path) -> Path:
    return tmp_path / "state" / "record.parquet"


def _read(folder: Path, record: Path, limits: ReadLimits = ReadLimits(), reads: list | None = None):
    """One ingest: scan, read with the record, save the record (what the seed_files asset does)."""
    result = read_seeds(folder, limits, state=scan(folder), known=load_record(record, folder, limits))
    save_record(record, folder, limits, result.documents)
    return result


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    seen: list[str] = []
    real = seeds.read_document
    monkeypatch.setattr(seeds, "read_document", lambda d, rel, limits=ReadLimits(): seen.append(rel) or real(d, rel, limits))
    return seen


def _without_text(result):
    return [dataclasses.replace(d, text=None) for d in result.documents], result.rejected


def test_a_second_read_reuses_every_unchanged_document_with_its_sidecar(folder, record, reads):
    first = _read(folder, record)
    assert sorted(reads) == ["a.txt", "b.txt", "sub/c.txt"] and first.reused == 0
    reads.clear()
    second = _read(folder, record)
    assert reads == [] and second.reused == 3
    assert all(d.text is None for d in second.documents)
    assert _without_text(second) == _without_text(first)
    assert second.documents[1].sidecar.published.isoformat() == "2024-01-12"
    assert second.documents[1].sidecar.language == "en"


@pytest.mark.parametrize("change", [
    lambda f: _write(f / "a.txt", "Alpha\nPoland signed again."),  # same mtime, new content: the scan rehashes
    lambda f: _write(f / "b.txt.meta.json", '{"published": "2024-01-13"}'),
    lambda f: _write(f / "a.txt.meta.json", '{"published": "2024-01-13"}'),  # a sidecar appears
    lambda f: (f / "b.txt.meta.json").unlink(),
])
def test_a_changed_file_or_sidecar_is_read_again(folder, record, reads, change):
    _read(folder, record)
    change(folder)
    reads.clear()
    second = _read(folder, record)
    assert len(reads) == 1 and second.reused == 2
    fresh = read_seeds(folder)
    assert _without_text(second) == _without_text(fresh)


def test_a_sidecar_that_was_rejected_is_rejected_again(folder, record):
    _write(folder / "a.txt.meta.json", "{not json")
    first = _read(folder, record)
    second = _read(folder, record)
    assert [r.source_path for r in second.rejected] == [r.source_path for r in first.rejected] == ["a.txt.meta.json"]


def test_a_new_copy_of_an_unread_document_is_a_duplicate(folder, record):
    _read(folder, record)
    _write(folder / "z.txt", "Alpha\nPoland signed.")
    second = _read(folder, record)
    assert [(r.source_path, r.reason) for r in second.rejected] == [("z.txt", "duplicate")]
    assert "a.txt" in second.rejected[0].detail


def test_other_read_limits_read_everything_again(folder, record, reads):
    _read(folder, record)
    reads.clear()
    second = _read(folder, record, ReadLimits(max_bytes=15))
    assert sorted(reads) == ["a.txt", "b.txt", "sub/c.txt"]
    assert {r.reason for r in second.rejected} == {"too_large"}


def test_a_symbolic_link_is_always_read_again(folder, record, tmp_path):
    """Where a link points is checked on every read: one moved outside the folder is rejected,
    even when its new target has the old one's size and modification time."""
    _write(folder / ".drafts" / "d.txt", "Delta\nSpain signed.")
    os.symlink(folder / ".drafts" / "d.txt", folder / "link.txt")
    assert "link.txt" in [d.source_path for d in _read(folder, record).documents]
    _write(tmp_path / "outside.txt", "Delta\nSpain signed.")
    (folder / "link.txt").unlink()
    os.symlink(tmp_path / "outside.txt", folder / "link.txt")
    second = _read(folder, record)
    assert [(r.source_path, r.reason) for r in second.rejected] == [("link.txt", "outside_seeds")]


def test_a_sidecar_that_appears_unreadable_is_reported(folder, record):
    _read(folder, record)
    os.mkfifo(folder / "a.txt.meta.json")
    second = _read(folder, record)
    assert [(r.source_path, r.reason) for r in second.rejected] == [("a.txt.meta.json", "sidecar")]


def test_load_text_reads_the_recorded_bytes_or_says_the_file_changed(folder, record):
    _read(folder, record)
    doc = load_record(record, folder, ReadLimits())["a.txt"]
    assert doc.text is None
    assert load_text(folder, doc, ReadLimits()).text == "Alpha\nPoland signed."
    _write(folder / "a.txt", "Alpha\nchanged")
    with pytest.raises(SeedChanged, match="a.txt changed after this run listed it"):
        load_text(folder, doc, ReadLimits())


def test_an_unreadable_record_means_reading_everything(folder, record, reads):
    _read(folder, record)
    record.write_bytes(b"not parquet")
    reads.clear()
    assert _read(folder, record).reused == 0 and len(reads) == 3
