import datetime as dt
import json
import os

import pytest

from pipelines.lib.documents import decode_text, list_seed_files, read_document, read_sidecar, title_of
from pipelines.lib.documents import Rejection, RawDocument, ReadLimits
from pipelines.lib.seeds import read_seeds


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_utf8_document_is_read_with_hash_and_id(tmp_path):
    write(tmp_path / "a.txt", "Title\nBody text.".encode())
    doc = read_document(tmp_path, "a.txt")
    assert isinstance(doc, RawDocument)
    assert doc.text == "Title\nBody text."
    assert doc.doc_id == doc.sha256[:16] and len(doc.sha256) == 64


def test_crlf_and_cr_become_lf(tmp_path):
    write(tmp_path / "a.txt", b"One\r\nTwo\rThree")
    assert read_document(tmp_path, "a.txt").text == "One\nTwo\nThree"


@pytest.mark.parametrize("data,encoding", [
    ("\ufeffUkraine".encode("utf-8"), "utf-8-sig"),
    ("Україна і Польща".encode("utf-16"), "utf-16"),
    ("Україна і Польща підписали угоду".encode("cp1251"), "cp1251"),
    ("Zürich and Kraków".encode("latin-1"), "cp1250"),
])
def test_declared_and_single_byte_encodings_decode(data, encoding):
    text, used = decode_text(data)
    assert used == encoding
    assert "Україна" in text or "Ukraine" in text or "Zürich" in text


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"), (b"  \n\t ", "empty"), (b"abc\x00def", "binary"), (b"\x89PNG\r\n\x1a\n....", "binary"),
    (b"\x81\x8d\x8f\x90\x9d" * 20, "encoding"),
])
def test_bad_files_are_rejected_with_a_reason(tmp_path, data, reason):
    write(tmp_path / "bad.txt", data)
    result = read_document(tmp_path, "bad.txt")
    assert isinstance(result, Rejection)
    assert result.reason == reason and result.source_path == "bad.txt"


def test_size_and_line_limits(tmp_path):
    write(tmp_path / "big.txt", b"x" * 2000)
    assert read_document(tmp_path, "big.txt", ReadLimits(max_bytes=1000)).reason == "too_large"
    assert read_document(tmp_path, "big.txt", ReadLimits(max_line_chars=500)).reason == "line_too_long"


def test_symlink_outside_seeds_is_rejected(tmp_path):
    outside = write(tmp_path / "secret.txt", b"secret")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    os.symlink(outside, seeds / "link.txt")
    assert read_document(seeds, "link.txt").reason == "outside_seeds"


def test_listing_skips_hidden_files_and_sidecars(tmp_path):
    for name in ["b.txt", "a b ü.txt", ".hidden.txt", "b.txt.meta.json", "sub/c.txt", ".git/x.txt"]:
        write(tmp_path / name, b"x")
    assert list_seed_files(tmp_path) == ["a b ü.txt", "b.txt", "sub/c.txt"]


def test_sidecar_gives_date_url_language(tmp_path):
    write(tmp_path / "a.txt.meta.json", json.dumps({"published": "2024-03-02", "source_url": "https://x", "language": "EN"}).encode())
    sidecar = read_sidecar(tmp_path, "a.txt")
    assert sidecar.published == dt.date(2024, 3, 2) and sidecar.language == "en" and sidecar.source_url == "https://x"


@pytest.mark.parametrize("content", [b"{not json", b'{"published": "2024-02-30"}', b'{"published": "1700-01-01"}', b"[1, 2]"])
def test_broken_sidecar_is_rejected_but_document_kept(tmp_path, content):
    write(tmp_path / "a.txt", b"Title\nText.")
    write(tmp_path / "a.txt.meta.json", content)
    result = read_seeds(tmp_path)
    assert [d.source_path for d in result.documents] == ["a.txt"]
    assert [(r.source_path, r.reason) for r in result.rejected] == [("a.txt.meta.json", "sidecar")]
    assert result.documents[0].sidecar.published is None


def test_duplicate_content_is_rejected_naming_the_kept_file(tmp_path):
    write(tmp_path / "a.txt", b"Same text")
    write(tmp_path / "b.txt", b"Same text")
    result = read_seeds(tmp_path)
    assert [d.source_path for d in result.documents] == ["a.txt"]
    assert result.rejected[0].reason == "duplicate" and "a.txt" in result.rejected[0].detail


def test_missing_seeds_folder_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere"):
        read_seeds(tmp_path / "nowhere")


def test_title_is_first_non_empty_line():
    assert title_of("\n\n  Headline here \nbody") == "Headline here"


def test_a_named_pipe_is_rejected_at_once_rather_than_waited_on(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    result = read_document(tmp_path, "pipe.txt")
    assert result.reason == "unreadable" and "named pipe" in result.detail


def test_a_file_larger_than_its_size_says_is_still_cut_off(tmp_path, monkeypatch):
    """A file that grows after stat (a scraper still writing) is read no further than the limit."""
    write(tmp_path / "growing.txt", b"x" * 100)
    import pipelines.lib.documents as documents
    real_fstat = documents.os.fstat
    monkeypatch.setattr(documents.os, "fstat", lambda fd: os.stat_result((*real_fstat(fd)[:6], 10, *real_fstat(fd)[7:])))
    result = read_document(tmp_path, "growing.txt", ReadLimits(max_bytes=50))
    assert result.reason == "too_large" and result.detail.startswith("more than 50 bytes")


def test_utf32_and_a_bom_before_binary(tmp_path):
    assert decode_text("Україна".encode("utf-32")) == ("Україна", "utf-32")
    assert decode_text(b"\xff\xfe" + b"\x89PNG\x00\x00") == (None, "binary")


def test_a_symlink_loop_is_unreadable_not_a_crash(tmp_path):
    os.symlink(tmp_path / "b.txt", tmp_path / "a.txt")
    os.symlink(tmp_path / "a.txt", tmp_path / "b.txt")
    result = read_document(tmp_path, "a.txt")
    assert result.reason == "unreadable" and "cannot be resolved" in result.detail


def test_a_name_that_is_not_utf8_is_read_and_shown_with_escapes(tmp_path):
    name = os.fsdecode(b"Z\xfcrich.txt")
    write(tmp_path / name, b"Text.")
    doc = read_document(tmp_path, name)
    assert isinstance(doc, RawDocument) and doc.source_path == "Z\\xfcrich.txt"
    doc.source_path.encode("utf-8")  # storable in Parquet


def test_an_oversized_sidecar_is_rejected_and_the_document_kept(tmp_path):
    write(tmp_path / "a.txt", b"Title\nText.")
    write(tmp_path / "a.txt.meta.json", b'{"language": "en", "x": "' + b"y" * 100_000 + b'"}')
    result = read_seeds(tmp_path)
    assert [d.source_path for d in result.documents] == ["a.txt"]
    assert [(r.source_path, r.reason) for r in result.rejected] == [("a.txt.meta.json", "sidecar")]
    assert "a sidecar may hold" in result.rejected[0].detail


@pytest.mark.parametrize("tag,code", [("en", "en"), ("EN-gb", "en"), ("zh_Hant_TW", "zh"), ("ukr", "ukr")])
def test_a_sidecar_language_tag_becomes_its_language_code(tmp_path, tag, code):
    write(tmp_path / "a.txt.meta.json", json.dumps({"language": tag}).encode())
    assert read_sidecar(tmp_path, "a.txt").language == code


@pytest.mark.parametrize("tag", ["../../x", "e", "english", "en-", 12])
def test_a_sidecar_language_that_is_no_tag_is_rejected(tmp_path, tag):
    write(tmp_path / "a.txt.meta.json", json.dumps({"language": tag}).encode())
    result = read_sidecar(tmp_path, "a.txt")
    assert isinstance(result, Rejection) and result.reason == "sidecar" and "'language'" in result.detail
