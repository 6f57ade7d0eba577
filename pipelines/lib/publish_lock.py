"""Who is publishing: the publish lock, and records naming a process (pid, host, start time).

Only one run at a time may change the releases folder (rename a release into place, rewrite
`index.json` and `latest.json`, clean staging). `publish_lock` takes an exclusive `flock` on
`releases/.publish.lock`, waiting up to a timeout; the holder writes its `ProcessRecord` into the
lock file, so a run that gives up can say who holds it ("pid 4242 on host build-1 since
2024-07-10T12:00:00Z"), and the next holder can say who published before it. The kernel drops a
`flock` when its process dies, so a crashed run never leaves the lock held: no stale-lock timeout
and no manual clean-up.

The same record marks who is building a staging folder (`staging.py`), so that a later run removes
only the folders whose builder is gone.

The lock file is local coordination state, not part of a release, so its record is written with
plain `os` calls rather than through `fsio`: a failure there cannot leave a release partial, and a
remote store (fsspec) has no `flock` to offer anyway.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterator

POLL_S = 0.05


@dataclass(frozen=True)
class ProcessRecord:
    """A process, named well enough to find it (pid, host) and to tell it from a later one with the
    same pid (its start time in clock ticks, read from /proc where there is one)."""

    pid: int
    host: str
    since: str
    proc_start: int | None = None

    @classmethod
    def current(cls) -> "ProcessRecord":
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
        return cls(os.getpid(), socket.gethostname(), now, _proc_start(os.getpid()))

    @classmethod
    def parse(cls, text: str | bytes) -> "ProcessRecord | None":
        """The record, or None when the text is empty or not a record (a half-written one, say)."""
        try:
            data = json.loads(text)
            return cls(int(data["pid"]), str(data["host"]), str(data["since"]),
                       None if data.get("proc_start") is None else int(data["proc_start"]))
        except (ValueError, KeyError, TypeError):
            return None

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    def alive(self) -> bool | None:
        """Is the process still running? None when it ran on another host (we cannot tell)."""
        if self.host != socket.gethostname():
            return None
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass  # it exists, under another user
        start = _proc_start(self.pid)
        return self.proc_start is None or start is None or start == self.proc_start

    def describe(self) -> str:
        return f"pid {self.pid} on host {self.host} since {self.since}"


def _proc_start(pid: int) -> int | None:
    """Field 22 of /proc/<pid>/stat: when the process started, in clock ticks after boot."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return int(stat.rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


class LockHeld(Exception):
    """Another run held the publish lock for the whole wait; names that run."""

    def __init__(self, path: Path, holder: ProcessRecord | None, waited_s: float):
        who = holder.describe() if holder else "a process that has not recorded itself"
        super().__init__(f"the publish lock {path} is held by {who}; gave up after waiting {waited_s:g} s, "
                         f"nothing was published")
        self.path, self.holder, self.waited_s = path, holder, waited_s


@contextmanager
def publish_lock(path: str | os.PathLike, timeout_s: float,
                 on_wait: Callable[[ProcessRecord | None], None] | None = None) -> Iterator[ProcessRecord | None]:
    """Hold the exclusive lock at `path`, waiting up to `timeout_s` (LockHeld after that).

    Yields the previous holder's record: the run that last changed the releases folder. `on_wait`
    is called once, with the holder's record, when the lock is busy on the first try."""
    path = Path(path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout_s
        waited = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _read(fd)
                if not waited and on_wait is not None:
                    on_wait(holder)
                waited = True
                if time.monotonic() >= deadline:
                    raise LockHeld(path, holder, timeout_s) from None
                time.sleep(POLL_S)
        previous = _read(fd)
        record = ProcessRecord.current().to_json().encode()
        os.ftruncate(fd, 0)
        os.pwrite(fd, record, 0)
        yield previous
    finally:
        os.close(fd)  # closing the only descriptor releases the flock


def _read(fd: int) -> ProcessRecord | None:
    return ProcessRecord.parse(os.pread(fd, 4096, 0))
