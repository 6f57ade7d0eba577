"""Staging folders: where a release is built, who is building it, and removing what dead runs left.

A release is written into a folder under `releases/.staging/` before it is audited and renamed
into place. A run that fails removes its own folder; a run that is killed (or loses power) cannot,
and its folder would stay, holding for instance the partial `.duckdb` of a full disk. So the
folder's name says who builds it, `<release_id>@<host>@<pid>@<process start>`, and the next run
removes every staging folder whose builder is gone: a dead process on this host, or a name that
does not say (a folder no current code made). The owner is in the name rather than in a file
beside it, so it exists exactly when the folder does: no window in which another run could see a
folder without its owner, and no extra write to fail.

While a run writes and re-reads its folder it holds an exclusive `flock` on it (`create` takes it,
`release` drops it, and so does the death of the process); a folder so claimed is never removed,
whatever else is true of it. A folder whose builder is still running is left alone too: it may be
another run at work. A folder of an id older than a published release can never be published
(publish refuses a build whose previous release is no longer the latest), so publishing removes
those whatever their owner, once no build holds them.
"""
from __future__ import annotations

import fcntl
import os
import re
import socket
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from pipelines.lib import fsio
from pipelines.lib.publish_lock import ProcessRecord

STAGING = ".staging"
SEP = "@"
_TEMP = re.compile(r"\..+\.([0-9]+)\.tmp")
_claims: dict[str, int] = {}  # folder -> the descriptor holding this process's flock on it


def folder_name(release_id: str, owner: ProcessRecord) -> str:
    return SEP.join([release_id, owner.host, str(owner.pid), str(owner.proc_start or 0)])


def parse_name(name: str) -> tuple[str, ProcessRecord | None]:
    """(release id, owner) of a staging folder name; the owner is None when the name does not say."""
    parts = name.split(SEP)
    if len(parts) != 4 or not parts[2].isdigit() or not parts[3].isdigit():
        return parts[0], None
    return parts[0], ProcessRecord(int(parts[2]), parts[1], "", int(parts[3]) or None)


def create(staging_root: Path, release_id: str) -> Path:
    """A fresh, empty staging folder for `release_id`, named after this process and claimed by it
    until `release` (or `discard`)."""
    fsio.makedirs(staging_root)
    folder = Path(staging_root) / folder_name(release_id, ProcessRecord.current())
    fsio.makedirs(folder)
    fd = os.open(folder, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    _claims[str(folder)] = fd
    return folder


def release(folder: Path) -> None:
    """The build is done writing and checking `folder`: another run's clean-up may now judge it."""
    fd = _claims.pop(str(folder), None)
    if fd is not None:
        os.close(fd)


def discard(folder: Path) -> None:
    """Remove a staging folder (after a failure)."""
    try:
        fsio.remove_tree(folder)
    finally:
        release(folder)


def try_discard(folder: Path) -> str | None:
    """`discard`, for clean-up after a failure: returns the error instead of raising it over the
    failure being reported (the next run removes the folder, its builder being gone by then)."""
    try:
        discard(folder)
        return None
    except OSError as exc:
        return f"could not remove staging folder {folder}: {fsio.os_error_text(exc)}"


def abandoned(name: str) -> str | None:
    """Why the staging folder `name` can be removed, or None when its builder may still be at work."""
    _, owner = parse_name(name)
    if owner is None:
        return "its name does not say who builds it"
    if owner.alive() is False:
        return f"its builder, pid {owner.pid} on host {owner.host}, is gone"
    return None


def remove_abandoned(staging_root: Path, *, older_than: str | None = None) -> list[str]:
    """Remove the staging folders no run will finish; one line per folder.

    Those whose builder is gone, and, with `older_than` (the id just published), every folder of
    an earlier id. A failure to remove is reported in the lines, never raised: a leftover costs
    disk space, not correctness, and the next run tries again."""
    staging_root = Path(staging_root)
    if not staging_root.is_dir():
        return []
    lines = []
    for folder in sorted(p for p in staging_root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        release_id, _ = parse_name(folder.name)
        why = (f"older than the published release {older_than}" if older_than and release_id < older_than
               else abandoned(folder.name))
        if why is None:
            continue
        try:
            with _unclaimed(folder) as free:
                if free:
                    fsio.remove_tree(folder)
                    lines.append(f"removed staging folder {folder.name} ({why})")
        except OSError as exc:
            lines.append(f"could not remove staging folder {folder}: {fsio.os_error_text(exc)}")
    return lines


@contextmanager
def _unclaimed(folder: Path) -> Iterator[bool]:
    """Claim `folder` for removal if no build holds it; yields whether it is ours to remove."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except FileNotFoundError:  # removed meanwhile by its builder
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def remove_stale_temp_files(folder: Path, *, any_owner: bool = False) -> list[str]:
    """Remove the hidden `.<name>.<pid>.tmp` files (fsio.temp_path) a killed writer left in `folder`.

    Only those of dead processes, unless `any_owner` (for a folder only the publish lock's holder
    writes to: while holding it, every temporary file there is a leftover)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    lines = []
    for path in sorted(folder.iterdir()):
        match = _TEMP.fullmatch(path.name)
        if not match or not path.is_file():
            continue
        owner = ProcessRecord(int(match.group(1)), socket.gethostname(), "")
        if not any_owner and owner.alive() is not False:
            continue
        try:
            fsio.remove(path)
            lines.append(f"removed temporary file {path.name} left by a writer that did not finish")
        except OSError as exc:
            lines.append(f"could not remove temporary file {path}: {exc}")
    return lines
