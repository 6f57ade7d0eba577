"""Every kind of bad input through a real pipeline run: none stops the run, none vanishes.

One seeds folder holds the project's seed document and every bad input at once: each file either
becomes a document, decoded correctly ("Україна" survives whatever its encoding), or a row of the
published `rejected_documents` with its reason, named in the run's log. A sidecar that cannot be
used is rejected while its document is kept. Above the configured share of rejected files the
release gate fails instead, with one line naming the share. Names and sidecar values shaped like
paths or shell commands are data: the run writes nothing outside its outputs folder. (Hidden
files, whose names start with a dot, are skipped by design: editor and system files.)
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq
import pytest

from pipelines.commands import run as run_command
from pipelines.lib.documents import list_seed_files
from tests.conftest import SEEDS
from tests.dagster.test_pipeline import latest, run

pytestmark = pytest.mark.slow

UKRAINIAN = "Україна і Польща підписали угоду про безпеку.\nДокумент підписано у Варшаві.\n"
CAN_BE_UNREADABLE_BY_MODE = os.geteuid() != 0  # root reads a file whatever its mode bits say


def bad_seeds(folder: Path, outside: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Fill `folder` with every bad input; (documents expected: path -> text they must contain,
    rejections expected: path -> reason)."""
    shutil.copytree(SEEDS, folder)
    [seed] = os.listdir(SEEDS)
    kept = {seed: "Ukraine"}
    rejected = {}

    def doc(name: str, data: bytes, must_contain: str) -> None:
        (folder / name).write_bytes(data)
        kept[name] = must_contain

    def bad(name: str, data: bytes, reason: str) -> None:
        (folder / name).write_bytes(data)
        rejected[name] = reason

    # Encodings and line endings that must decode, keeping the Cyrillic intact.
    doc("utf8 with bom.txt", b"\xef\xbb\xbf" + UKRAINIAN.encode(), "Україна")
    doc("utf16 with bom.txt", UKRAINIAN.encode("utf-16"), "Україна")
    doc("utf32 with bom.txt", UKRAINIAN.encode("utf-32"), "Україна")
    doc("cp1251.txt", UKRAINIAN.encode("cp1251"), "Україна")
    doc("latin1.txt", "Zürich und Genève begrüßen die Vereinbarung.\n".encode("latin-1"), "Zürich")
    doc("crlf.txt", b"Poland and Ukraine\r\nsigned an agreement.\r\n", "Poland and Ukraine\nsigned")
    doc("cr.txt", b"Poland and Ukraine\rsigned an agreement.\r", "Poland and Ukraine\nsigned")
    # Names with spaces, in Cyrillic, and in a legacy 8-bit encoding (shown with \xNN escapes).
    doc("name with  spaces.txt", b"France supports the declaration.\n", "France")
    doc("Заява МЗС України.txt", UKRAINIAN.encode(), "Україна")
    (folder / os.fsdecode(b"Z\xfcrich notes.txt")).write_bytes(b"Switzerland joined the talks.\n")
    kept["Z\\xfcrich notes.txt"] = "Switzerland"
    # Sidecars that cannot be used: the document stays, the sidecar is rejected.
    doc("with broken sidecar.txt", b"Italy is negotiating.\n", "Italy")
    bad("with broken sidecar.txt.meta.json", b'{"published": "2024-07-', "sidecar")
    doc("with impossible date.txt", b"Canada is negotiating.\n", "Canada")
    bad("with impossible date.txt.meta.json", b'{"published": "2024-02-30"}', "sidecar")
    # Files that are not documents.
    bad("empty.txt", b"", "empty")
    bad("whitespace.txt", b" \r\n\t \n", "empty")
    bad("nul bytes.txt", b"Ukraine\x00\x00\x01binary", "binary")
    bad("image.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "binary")
    bad("undecodable.txt", b"\x81\x8d\x8f\x90\x9d" * 40, "encoding")
    bad("copy of the seed.txt", (SEEDS / seed).read_bytes(), "duplicate")
    with open(folder / "fifty megabytes.txt", "wb") as fh:  # sparse: 50 MB by its size, nothing on disk
        fh.truncate(50 * 1024 * 1024)
    rejected["fifty megabytes.txt"] = "too_large"
    bad("ten megabyte line.txt", b"a" * (10 * 1024 * 1024), "too_large")
    bad("one megabyte line.txt", b"Ukraine " * 131_072, "line_too_long")
    # Files that cannot be read, and links that must not be.
    os.mkfifo(folder / "named pipe.txt")
    rejected["named pipe.txt"] = "unreadable"
    os.symlink(folder / "missing.txt", folder / "dangling link.txt")
    rejected["dangling link.txt"] = "unreadable"
    os.symlink(folder / "loop b.txt", folder / "loop a.txt")
    os.symlink(folder / "loop a.txt", folder / "loop b.txt")
    rejected |= {"loop a.txt": "unreadable", "loop b.txt": "unreadable"}
    (outside / "secret.txt").write_text("not a seed")
    os.symlink(outside / "secret.txt", folder / "link outside.txt")
    rejected["link outside.txt"] = "outside_seeds"
    # Names and sidecar values shaped like paths or commands: data, never used to write anything.
    for i, name in enumerate(("-rf .txt", "$(touch pwned).txt", "a..b.txt", "%2e%2e%2fescape.txt", "line\nbreak.txt")):
        doc(name, f"Germany supports the declaration ({i}).\n".encode(), "Germany")
    doc("path-like sidecar.txt", b"Spain is negotiating.\n", "Spain")
    (folder / "path-like sidecar.txt.meta.json").write_text(json.dumps(
        {"published": "2024-07-09", "source_url": "file:///etc/passwd", "language": "en-GB"}))
    doc("bad language.txt", b"Norway is negotiating.\n", "Norway")
    bad("bad language.txt.meta.json", b'{"language": "../../x"}', "sidecar")
    os.symlink(outside, folder / "linked folder")  # a folder link: neither followed nor a document
    if CAN_BE_UNREADABLE_BY_MODE:
        bad("no permission.txt", b"Ukraine", "unreadable")
        os.chmod(folder / "no permission.txt", 0)
    return kept, rejected


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("bad_inputs")
    (base / "outside").mkdir()
    seeds, outputs = base / "seeds", base / "outputs"
    kept, rejected = bad_seeds(seeds, base / "outside")
    outputs.mkdir()
    before = tree(base, outputs)
    with pytest.MonkeyPatch.context() as mp, dg.instance_for_test() as instance:
        mp.setenv("GUARANTEES_MAX_REJECTED_SHARE", "0.9")
        result = run(seeds, outputs, instance=instance)
        logs = [e.user_message for e in instance.all_logs(result.run_id)]
    assert tree(base, outputs) == before, "the run wrote outside its outputs folder"
    return seeds, outputs, kept, rejected, result, logs


def tree(base: Path, outputs: Path) -> dict[str, bytes | str]:
    """Every entry under `base` but the outputs folder: file bytes, link targets."""
    out = {}
    for path in sorted(base.rglob("*")):
        if path == outputs or outputs in path.parents:
            continue
        rel = os.fsencode(path.relative_to(base)).decode("utf-8", "backslashreplace")
        out[rel] = os.readlink(path) if path.is_symlink() else path.read_bytes() if path.is_file() else "dir"
    return out


def test_bad_inputs_do_not_stop_the_run(bad_run):
    _, outputs, _, _, result, _ = bad_run
    assert result.success
    assert latest(outputs).is_dir()


def test_every_rejected_file_is_a_published_row_with_its_reason_and_in_the_log(bad_run):
    _, outputs, _, rejected, _, logs = bad_run
    rows = pq.read_table(latest(outputs) / "rejected_documents.parquet").to_pylist()
    assert {r["source_path"]: r["reason"] for r in rows} == rejected
    for row in rows:
        assert row["detail"].strip(), row
        assert f"rejected {row['source_path']}: {row['reason']}: {row['detail']}" in logs
    by_path = {r["source_path"]: r for r in rows}
    assert "50 MB" in by_path["fifty megabytes.txt"]["detail"] or "52,428,800 bytes" in by_path["fifty megabytes.txt"]["detail"]
    assert "1,048,576 characters" in by_path["one megabyte line.txt"]["detail"]
    assert "named pipe" in by_path["named pipe.txt"]["detail"]
    assert "copy of the seed.txt" not in {r for r in by_path if by_path[r]["sha256"] is None}  # its bytes were read


def test_every_other_file_is_a_document_decoded_correctly(bad_run):
    _, outputs, kept, _, _, _ = bad_run
    docs = {d["source_path"]: d for d in pq.read_table(latest(outputs) / "documents.parquet").to_pylist()}
    assert set(docs) == set(kept)
    for path, text in kept.items():
        assert text in docs[path]["text"], path
        assert "\r" not in docs[path]["text"] and "\ufeff" not in docs[path]["text"]


def test_a_sidecar_language_tag_is_cut_to_its_language_code(bad_run):
    _, outputs, _, _, _, _ = bad_run
    docs = {d["source_path"]: d for d in pq.read_table(latest(outputs) / "documents.parquet").to_pylist()}
    assert docs["path-like sidecar.txt"]["language"] == "en"
    assert docs["path-like sidecar.txt"]["source_url"] == "file:///etc/passwd"  # data, shown, never opened


def test_nothing_is_lost(bad_run):
    """Every candidate file in the folder is accounted for: a document, or a rejection."""
    seeds, outputs, _, _, _, _ = bad_run
    docs = {d["source_path"] for d in pq.read_table(latest(outputs) / "documents.parquet").to_pylist()}
    rejected = {r["source_path"] for r in pq.read_table(latest(outputs) / "rejected_documents.parquet").to_pylist()
                if r["reason"] != "sidecar"}
    listed = {os.fsencode(p).decode("utf-8", "backslashreplace") for p in list_seed_files(seeds)}
    assert docs | rejected == listed and not docs & rejected
    sidecars = {p.name for p in seeds.iterdir() if p.name.endswith(".meta.json")}
    sidecar_rows = {r["source_path"] for r in pq.read_table(latest(outputs) / "rejected_documents.parquet").to_pylist()
                    if r["reason"] == "sidecar"}
    assert sidecars == sidecar_rows | {"path-like sidecar.txt.meta.json"}  # the one usable sidecar


def test_above_the_rejected_share_the_gate_fails_with_one_line(bad_run, tmp_path, capsys, monkeypatch):
    seeds, _, kept, rejected, _, _ = bad_run
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    monkeypatch.setenv("GUARANTEES_MAX_REJECTED_SHARE", "0.3")
    code = run_command.run(argparse.Namespace(seeds_dir=str(seeds), outputs_dir=str(outputs), quiet=True))
    err = capsys.readouterr().err
    assert code == 1
    files = len(kept) + sum(1 for r in rejected.values() if r != "sidecar")
    bad = files - len(kept)
    line = err.strip().splitlines()[-1]
    assert line.startswith(f"error: step release_candidate failed: dataset assertions failed: rejected_documents: "
                           f"{bad} of {files} seed files rejected ({bad / files:.0%})")
    assert "(expected: at most 30% of the seed files rejected)" in line and "nothing was published" in line
    assert not (outputs / "releases" / "latest.json").exists()
