"""Downloading a release from a static HTTP server (python's http.server: no Range support)."""
from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.lib.download import DownloadError, download_release
from pipelines.lib.verify import verify_release


@pytest.fixture
def served(seed_release, tmp_path) -> Path:
    """A copy of the seed run's releases folder, to serve (and tamper with)."""
    target = tmp_path / "served"
    shutil.copytree(seed_release.parent, target)
    return target


@contextlib.contextmanager
def http_server_process(directory: Path):
    """`python -m http.server` on 127.0.0.1 and a free port; stopped by its own pid."""
    proc = subprocess.Popen([sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
                             "--directory", str(directory)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    try:
        line = proc.stdout.readline()  # "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
        port = int(line.split(" port ")[1].split()[0])
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # once seen on a machine loaded by other jobs: do not fail the test on it
            proc.kill()
            proc.wait(timeout=10)


class CuttingHandler(http.server.SimpleHTTPRequestHandler):
    """Sends the full Content-Length but only half the body, the first time each .parquet file is asked for."""
    cut: set = set()

    def copyfile(self, source, outputfile):
        if self.path.endswith(".parquet") and self.path not in self.cut:
            self.cut.add(self.path)
            data = source.read()
            outputfile.write(data[: len(data) // 2])
            self.close_connection = True
            return
        super().copyfile(source, outputfile)

    def log_message(self, *args):
        pass


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def http_server_thread(directory: Path, handler=QuietHandler):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def release_id(served: Path) -> str:
    return json.loads((served / "latest.json").read_text())["release_id"]


def flip_a_bit(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.slow
def test_download_from_python_http_server_then_verify(served, tmp_path, capsys):
    dest = tmp_path / "dest"
    rid = release_id(served)
    with http_server_process(served) as url:
        assert main(["releases", "download", "--base-url", url, "--dest", str(dest)]) == 0
        out = capsys.readouterr().out
        assert out.startswith(f"ok: release {rid} in {dest / rid}: 17 file(s) downloaded")
        # Again: every file is already there and checked, nothing is fetched.
        assert main(["releases", "download", "--base-url", url, "--dest", str(dest), "--release", rid]) == 0
        assert "0 file(s) downloaded (0 bytes), 17 already present" in capsys.readouterr().out
    local = dest / rid
    assert verify_release(local) == []
    assert sorted(p.name for p in local.iterdir()) == sorted(p.name for p in (served / rid).iterdir())
    for path in (served / rid).iterdir():
        assert (local / path.name).read_bytes() == path.read_bytes()
    assert main(["releases", "verify", rid, "--releases-dir", str(dest)]) == 0


def test_a_tampered_or_truncated_file_on_the_server_is_refused_by_name(served, tmp_path, capsys):
    rid = release_id(served)
    manifest = json.loads((served / rid / "manifest.json").read_text())
    flip_a_bit(served / rid / "commitments.parquet")
    with open(served / rid / "people.parquet", "r+b") as fh:
        fh.truncate(100)
    dest = tmp_path / "dest"
    with http_server_thread(served) as url:
        with pytest.raises(DownloadError) as info:
            download_release(url, dest, retries=1, backoff=0)
        code = main(["releases", "download", "--base-url", url, "--dest", str(dest), "--retries", "0"])
    bad_sha = hashlib.sha256((served / rid / "commitments.parquet").read_bytes()).hexdigest()
    assert info.value.problems == [
        f"commitments.parquet: sha256 {bad_sha}, manifest says {manifest['files']['commitments.parquet']['sha256']} "
        f"(after 2 attempts)",
        f"people.parquet: 100 bytes, manifest says {manifest['files']['people.parquet']['bytes']} (after 2 attempts)",
    ]
    local = dest / rid
    assert not (local / "commitments.parquet").exists() and not (local / "people.parquet").exists()
    assert not list(local.glob("*.part")) and not (local / "manifest.json").exists()
    assert (local / "countries.parquet").exists()  # the good files did arrive
    err = capsys.readouterr().err
    assert code == 1 and "error: commitments.parquet: sha256" in err and "error: people.parquet: 100 bytes" in err


def test_a_connection_cut_mid_file_is_retried(served, tmp_path):
    CuttingHandler.cut = set()
    messages = []
    with http_server_thread(served, CuttingHandler) as url:
        result = download_release(url, tmp_path / "dest", retries=2, backoff=0, log=messages.append)
    assert verify_release(result.path) == []
    assert len(CuttingHandler.cut) == 10
    size = (served / release_id(served) / "commitments.parquet").stat().st_size
    assert f"  commitments.parquet: {size // 2} bytes, manifest says {size} (attempt 1 of 3)" in messages


def test_a_manifest_that_does_not_match_the_index_is_refused(served, tmp_path):
    rid = release_id(served)
    path = served / rid / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["files"]["commitments.parquet"]["sha256"] = "0" * 64
    path.write_text(json.dumps(manifest))
    with http_server_thread(served) as url, pytest.raises(DownloadError, match="manifest.json: sha256 .* the server's index says"):
        download_release(url, tmp_path / "dest", backoff=0)
    assert not (tmp_path / "dest").exists()


@pytest.mark.parametrize("name", ["../../evil.txt", "/tmp/evil.txt", "sub/evil.txt", ".hidden", "manifest.json"])
def test_manifest_paths_that_would_leave_the_destination_are_refused(tmp_path, name):
    rid = "20240710T120000Z-abcdef"
    served = tmp_path / "served"
    (served / rid).mkdir(parents=True)
    (served / rid / "manifest.json").write_text(json.dumps({"release_id": rid, "files": {
        name: {"bytes": 4, "sha256": hashlib.sha256(b"evil").hexdigest()}}}))
    (served / "latest.json").write_text(json.dumps({"release_id": rid}))
    dest = tmp_path / "deep" / "dest"
    with http_server_thread(served) as url, pytest.raises(DownloadError, match="refuses file name"):
        download_release(url, dest, backoff=0)
    assert not (tmp_path / "deep").exists() and not (tmp_path / "evil.txt").exists()


@pytest.mark.parametrize("pointer", [{"release_id": "../outside"}, {"release_id": ""}, {}])
def test_a_bad_release_id_from_the_server_is_refused(tmp_path, pointer):
    served = tmp_path / "served"
    served.mkdir()
    (served / "latest.json").write_text(json.dumps(pointer))
    with http_server_thread(served) as url, pytest.raises(DownloadError, match="is not a release id"):
        download_release(url, tmp_path / "dest", backoff=0)


def test_a_missing_release_is_a_clear_error(served, tmp_path):
    with http_server_thread(served) as url, pytest.raises(DownloadError, match="manifest.json: HTTP 404"):
        download_release(url, tmp_path / "dest", "20240101T000000Z-000000", retries=0)
