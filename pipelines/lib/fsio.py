"""The one door for every write of the publish path: directories, files, fsync, rename, replace, remove.

Two reasons for a single door:

1. **Fault injection.** Storage systems prove their crash safety by failing the Nth I/O call for
   every N (SQLite's test harness); so do we. Every function here first passes a numbered fault
   point. With `GUARANTEES_FAULT_AT=N` in the environment the Nth point of the process fails:
   `GUARANTEES_FAULT_MODE=enospc` (the default) raises `OSError(ENOSPC)`, as a full disk does, and
   at the end of a file write it first cuts the file in half, as a full disk leaves it;
   `GUARANTEES_FAULT_MODE=kill` ends the process at once with `os._exit(137)`, as `kill -9` or a
   power cut does. `GUARANTEES_FAULT_TRACE=FILE` appends one line per point (`N<TAB>op<TAB>path`),
   so a test can list a run's points before sweeping them. The variables are read at each call, so
   a child process (or a test with `reset()`) can be given a fault without re-importing anything.
2. **One place to change storage.** The functions take `str | Path` and nothing in the publish
   path calls `open()` for writing, `os.replace` or `shutil` itself. (Releases reach an object
   store by a push after the local publish, `release_store.py`, whose writes to a store that is
   a local folder come through here too.)

Reads stay ordinary `open()`/`Path.read_*` calls: a failed read changes nothing on disk.
"""
from __future__ import annotations

import errno
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

FAULT_AT = "GUARANTEES_FAULT_AT"
FAULT_MODE = "GUARANTEES_FAULT_MODE"
FAULT_TRACE = "GUARANTEES_FAULT_TRACE"
MODES = ("enospc", "kill")
KILL_STATUS = 137  # what a shell reports for a process killed by SIGKILL (128 + 9)
COPY_CHUNK = 1 << 20

PathLike = str | os.PathLike

_calls = 0


class InjectedFault(OSError):
    """The ENOSPC raised by a fault point (an OSError like a real one, so callers cannot tell)."""


def reset() -> None:
    """Start counting fault points from 1 again (for tests that run several publishes in one process)."""
    global _calls
    _calls = 0


def calls() -> int:
    """How many fault points this process has passed."""
    return _calls


def _point(op: str, path: PathLike, fh: IO | None = None) -> None:
    """Count one I/O call; fail it when it is the configured one."""
    global _calls
    _calls += 1
    trace = os.environ.get(FAULT_TRACE)
    if trace:
        fd = os.open(trace, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            os.write(fd, f"{_calls}\t{op}\t{os.fspath(path)}\n".encode("utf-8", "backslashreplace"))
        finally:
            os.close(fd)
    at = os.environ.get(FAULT_AT)
    if not at or int(at) != _calls:
        return
    mode = os.environ.get(FAULT_MODE) or "enospc"
    if mode == "kill":
        os._exit(KILL_STATUS)
    if mode != "enospc":
        raise ValueError(f"{FAULT_MODE}={mode!r}: expected one of {', '.join(MODES)}")
    if fh is not None:  # a full disk leaves a short file behind
        fh.flush()
        size = os.fstat(fh.fileno()).st_size
        os.ftruncate(fh.fileno(), size // 2)
    raise InjectedFault(errno.ENOSPC, f"{os.strerror(errno.ENOSPC)} (injected at I/O call {_calls}, {op})",
                        os.fspath(path))


def makedirs(path: PathLike) -> None:
    """Create a folder and its parents; an existing folder is fine."""
    _point("mkdir", path)
    os.makedirs(path, exist_ok=True)


@contextmanager
def open_write(path: PathLike, *, text: bool = False, durable: bool = False) -> Iterator[IO]:
    """A new file to write (truncating any old one); `durable` fsyncs it before closing.

    Two fault points: before opening, and after the body has written everything but before the
    flush and fsync (a crash there loses what is still buffered; a full disk truncates the file)."""
    _point("open", path)
    fh = open(path, "w" if text else "wb", **({"encoding": "utf-8", "newline": "\n"} if text else {}))
    try:
        try:
            yield fh
            _point("write", path, fh)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        finally:
            fh.close()
    except OSError as exc:
        if exc.filename is None:  # write() errors name no file; the caller's message should
            raise OSError(exc.errno, exc.strerror or str(exc), os.fspath(path)) from exc
        raise


def write_bytes(path: PathLike, data: bytes, *, durable: bool = False) -> None:
    with open_write(path, durable=durable) as fh:
        fh.write(data)


def write_text(path: PathLike, text: str, *, durable: bool = False) -> None:
    write_bytes(path, text.encode("utf-8"), durable=durable)


def temp_path(path: PathLike) -> Path:
    """The temporary name a file is written under before it is renamed: hidden, and owned by this process."""
    path = Path(path)
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_atomic(path: PathLike, data: bytes | str, *, durable: bool = True) -> None:
    """Replace `path` as a whole: write a hidden temporary file, (fsync,) rename it over `path`,
    (fsync the folder). A reader sees the old content or the new one, never a mix or a short file."""
    path = Path(path)
    tmp = temp_path(path)
    try:
        write_bytes(tmp, data.encode("utf-8") if isinstance(data, str) else data, durable=durable)
        replace(tmp, path)
    except BaseException:
        _discard(tmp)
        raise
    if durable:
        fsync_dir(path.parent)


def copy_file(src: PathLike, dst: PathLike, *, durable: bool = False) -> None:
    """Copy a file's bytes, a megabyte at a time (the audited Parquet files can be large): the same
    two fault points as any written file."""
    with open(src, "rb") as source, open_write(dst, durable=durable) as target:
        shutil.copyfileobj(source, target, COPY_CHUNK)


@contextmanager
def written_by_library(path: PathLike) -> Iterator[str]:
    """For a file that a library writes itself from a path (DuckDB): the local path to give it,
    between a fault point before the library starts and one after it has finished."""
    _point("open", path)
    yield os.fspath(path)
    _point("write", path)


def rename(src: PathLike, dst: PathLike) -> None:
    """Rename a file or a folder; refuses to replace an existing `dst` (a published folder is never replaced)."""
    _point("rename", dst)
    if os.path.lexists(dst):
        raise FileExistsError(errno.EEXIST, "already exists; refusing to replace it", os.fspath(dst))
    os.rename(src, dst)


def replace(src: PathLike, dst: PathLike) -> None:
    """Rename a file over another, atomically (POSIX rename)."""
    _point("replace", dst)
    os.replace(src, dst)


def fsync_dir(path: PathLike) -> None:
    """Make a folder's entries (a rename, a new file) durable."""
    _point("fsync_dir", path)
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove(path: PathLike) -> None:
    """Remove a file if it exists."""
    _point("remove", path)
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def remove_tree(path: PathLike) -> None:
    """Remove a folder and everything in it, if it exists."""
    _point("rmtree", path)
    if os.path.lexists(path):
        shutil.rmtree(path)


def os_error_text(exc: OSError) -> str:
    """`No space left on device: /path` rather than `[Errno 28] No space left on device: '/path'`."""
    where = f": {exc.filename}" if exc.filename else ""
    return f"{exc.strerror or exc}{where}"


def _discard(path: Path) -> None:
    """Best-effort removal of a temporary file after a failure (not a fault point: it changes no outcome)."""
    try:
        os.unlink(path)
    except OSError:
        pass
