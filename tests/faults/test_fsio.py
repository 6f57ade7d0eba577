"""fsio: the counted I/O calls of the publish path and the faults they can be told to inject."""
from __future__ import annotations

import errno
import os

import pytest

from pipelines.lib import fsio


@pytest.fixture(autouse=True)
def _counting_from_one(monkeypatch):
    for name in (fsio.FAULT_AT, fsio.FAULT_MODE, fsio.FAULT_TRACE):
        monkeypatch.delenv(name, raising=False)
    fsio.reset()
    yield
    fsio.reset()


def test_the_nth_call_fails_with_enospc_naming_the_file_and_the_others_succeed(tmp_path, monkeypatch):
    monkeypatch.setenv(fsio.FAULT_AT, "4")
    fsio.makedirs(tmp_path / "a")  # call 1
    fsio.write_bytes(tmp_path / "a" / "one", b"1")  # 2: open, 3: write
    with pytest.raises(OSError) as info:
        fsio.write_bytes(tmp_path / "a" / "two", b"2")  # 4: open fails
    assert info.value.errno == errno.ENOSPC and info.value.filename == str(tmp_path / "a" / "two")
    assert "No space left on device" in str(info.value) and "call 4, open" in str(info.value)
    assert (tmp_path / "a" / "one").read_bytes() == b"1" and not (tmp_path / "a" / "two").exists()
    fsio.write_bytes(tmp_path / "a" / "three", b"3")  # 5, 6: only the Nth call fails
    assert fsio.calls() == 6


def test_a_full_disk_at_the_end_of_a_write_leaves_a_short_file(tmp_path, monkeypatch):
    monkeypatch.setenv(fsio.FAULT_AT, "2")  # 1 = open, 2 = the end of the write
    with pytest.raises(OSError) as info:
        fsio.write_bytes(tmp_path / "f", b"x" * 1000)
    assert info.value.errno == errno.ENOSPC and info.value.filename == str(tmp_path / "f")
    assert (tmp_path / "f").stat().st_size == 500
    assert fsio.calls() == 2


def test_write_atomic_keeps_the_old_content_and_no_temporary_file_when_it_fails(tmp_path, monkeypatch):
    target = tmp_path / "latest.json"
    fsio.write_atomic(target, '{"release_id": "old"}')
    for n in (1, 2, 3):  # open, write, replace of the temporary file
        fsio.reset()
        monkeypatch.setenv(fsio.FAULT_AT, str(n))
        with pytest.raises(OSError):
            fsio.write_atomic(target, '{"release_id": "new"}')
        assert target.read_text() == '{"release_id": "old"}'
        assert sorted(p.name for p in tmp_path.iterdir()) == ["latest.json"]
    fsio.reset()
    monkeypatch.setenv(fsio.FAULT_AT, "4")  # the folder's fsync: the new content is in place, not yet durable
    with pytest.raises(OSError):
        fsio.write_atomic(target, '{"release_id": "new"}')
    assert target.read_text() == '{"release_id": "new"}'


def test_kill_mode_ends_the_process_at_once_with_status_137(tmp_path):
    pid = os.fork()
    if pid == 0:  # the child: no pytest clean-up may run here
        try:
            os.environ[fsio.FAULT_AT], os.environ[fsio.FAULT_MODE] = "2", "kill"
            fsio.reset()
            fsio.write_bytes(tmp_path / "first", b"written")
            fsio.write_bytes(tmp_path / "second", b"never")
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == fsio.KILL_STATUS
    assert (tmp_path / "first").read_bytes() == b""  # opened, killed before its bytes left the buffer
    assert not (tmp_path / "second").exists()


def test_the_trace_lists_every_call_in_order(tmp_path, monkeypatch):
    trace = tmp_path / "trace.tsv"
    monkeypatch.setenv(fsio.FAULT_TRACE, str(trace))
    folder = tmp_path / "out"
    fsio.makedirs(folder)
    fsio.write_atomic(folder / "x.json", "{}")
    fsio.rename(folder / "x.json", folder / "y.json")
    fsio.remove(folder / "y.json")
    fsio.remove_tree(folder)
    rows = [line.split("\t") for line in trace.read_text().splitlines()]
    assert [(int(n), op) for n, op, _ in rows] == [(1, "mkdir"), (2, "open"), (3, "write"), (4, "replace"),
                                                   (5, "fsync_dir"), (6, "rename"), (7, "remove"), (8, "rmtree")]
    assert rows[1][2].endswith(f".x.json.{os.getpid()}.tmp") and rows[3][2] == str(folder / "x.json")


def test_rename_never_replaces_an_existing_target(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with pytest.raises(FileExistsError):
        fsio.rename(tmp_path / "a", tmp_path / "b")
    assert (tmp_path / "a").is_dir()


def test_a_library_written_file_is_bracketed_by_two_points(tmp_path, monkeypatch):
    monkeypatch.setenv(fsio.FAULT_AT, "2")
    with pytest.raises(OSError):
        with fsio.written_by_library(tmp_path / "db") as local:
            open(local, "wb").close()
    assert (tmp_path / "db").exists()  # the library finished; the fault came after it


def test_an_unknown_mode_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv(fsio.FAULT_AT, "1")
    monkeypatch.setenv(fsio.FAULT_MODE, "sigterm")
    with pytest.raises(ValueError, match="GUARANTEES_FAULT_MODE='sigterm'"):
        fsio.makedirs(tmp_path / "x")


def test_error_text_names_the_cause_and_the_file():
    exc = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/data/releases/latest.json")
    assert fsio.os_error_text(exc) == "No space left on device: /data/releases/latest.json"
