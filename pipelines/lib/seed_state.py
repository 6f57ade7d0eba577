"""What the seeds folder holds, by content hash, and what changed since the last look.

A document is its file plus its optional `.meta.json` sidecar (a new publication date changes the
extraction as much as new text does), so both hashes identify it. Hashing every file on every look
would cost O(corpus bytes); like git's index, a scan reuses the previous hash of a file whose size
and modification time are unchanged, and re-reads only the others. A file modified within
`RACY_NS` before the previous scan is re-read anyway, because a second edit in the same clock tick
would leave size and mtime unchanged.

The state is saved as Parquet (one row per document) next to the pipeline's outputs: the ingest
step records what it read, and the sensor compares the folder against that record.
"""
from __future__ import annotations

import hashlib
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.lib.documents import SIDECAR_SUFFIX, display_path
from pipelines.lib.storage import write_parquet

RACY_NS = 2_000_000_000
_COLUMNS = pa.schema([("path", pa.string()), ("size", pa.int64()), ("mtime_ns", pa.int64()),
                      ("sha256", pa.string()), ("sidecar_size", pa.int64()), ("sidecar_mtime_ns", pa.int64()),
                      ("sidecar_sha256", pa.string())])


@dataclass(frozen=True)
class SeedEntry:
    """One candidate document: its file and its sidecar (None fields when there is no sidecar)."""

    path: str
    size: int
    mtime_ns: int
    sha256: str | None  # None when the file could not be read
    sidecar_size: int | None = None
    sidecar_mtime_ns: int | None = None
    sidecar_sha256: str | None = None

    @property
    def content(self) -> tuple[str | None, str | None]:
        """What identifies this version of the document: the hashes of its file and sidecar."""
        return self.sha256, self.sidecar_sha256


@dataclass(frozen=True)
class SeedState:
    seeds_dir: str
    scanned_at_ns: int
    entries: dict[str, SeedEntry] = field(default_factory=dict)
    # Documents whose file or sidecar was a symbolic link when scanned (not saved: a scan's own
    # finding, which `seeds.read_seeds` uses to read links again without a syscall per file).
    links: frozenset[str] = frozenset()

    @property
    def digest(self) -> str:
        """Hash of every (path, content hash) pair: equal digests mean equal folders."""
        h = hashlib.sha256()
        for path in sorted(self.entries):
            sha, sidecar = self.entries[path].content
            h.update(f"{path}\0{sha or '-'}\0{sidecar or '-'}\n".encode())
        return h.hexdigest()


@dataclass(frozen=True)
class Changes:
    added: list[SeedEntry]
    changed: list[SeedEntry]
    deleted: list[str]

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.deleted)

    def summary(self) -> str:
        return f"{len(self.added)} new, {len(self.changed)} changed, {len(self.deleted)} deleted"


Found = tuple[os.stat_result | None, os.stat_result | None, bool]


def walk(seeds_dir: Path) -> dict[str, Found]:
    """Every candidate document (same rules as `documents.list_seed_files`) with its stat, its
    sidecar's, and whether either is a symbolic link (from the folder listing: no extra syscall)."""
    found: dict[str, Found] = {}
    stack = [(seeds_dir, "")]
    while stack:
        folder, prefix = stack.pop()
        files: dict[str, os.DirEntry] = {}
        with os.scandir(folder) as it:
            for entry in it:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append((Path(entry.path), f"{prefix}{entry.name}/"))
                elif not _is_dir(entry):  # a link to a folder is neither followed nor a document
                    files[entry.name] = entry
        for name, entry in files.items():
            if name.endswith(SIDECAR_SUFFIX):
                continue
            sidecar = files.get(name + SIDECAR_SUFFIX)
            linked = _is_link(entry) or (sidecar is not None and _is_link(sidecar))
            found[prefix + name] = (_stat(entry), _stat(sidecar) if sidecar is not None else None, linked)
    return found


def _is_link(entry: os.DirEntry) -> bool:
    """A link, or an entry that cannot tell (then it is treated as one, and read again)."""
    try:
        return entry.is_symlink()
    except OSError:
        return True


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _stat(entry: os.DirEntry) -> os.stat_result | None:
    try:
        return entry.stat()
    except OSError:
        return None


def _sha256(path: Path) -> str | None:
    """The file's hash; None when it cannot be read. Opened without blocking and only if it is a
    regular file: a named pipe in the folder must not hang the sensor waiting for a writer."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        digest = hashlib.sha256()
        while block := os.read(fd, 1 << 20):
            digest.update(block)
        return digest.hexdigest()
    except OSError:
        return None
    finally:
        os.close(fd)


def _reusable(old_size, old_mtime, old_sha, st: os.stat_result | None, trusted_before_ns: int) -> bool:
    return (st is not None and old_sha is not None and old_size == st.st_size and old_mtime == st.st_mtime_ns
            and st.st_mtime_ns < trusted_before_ns)


def scan(seeds_dir: Path, previous: SeedState | None = None) -> SeedState:
    """The folder's documents by content hash, re-reading only files that look changed."""
    started = time.time_ns()
    old = previous.entries if previous is not None and previous.seeds_dir == str(seeds_dir) else {}
    trusted_before = (previous.scanned_at_ns - RACY_NS) if old else 0
    entries: dict[str, SeedEntry] = {}
    links: set[str] = set()
    for rel, (st, side, linked) in walk(seeds_dir).items():
        prev = old.get(display_path(rel))
        if prev is not None and _reusable(prev.size, prev.mtime_ns, prev.sha256, st, trusted_before):
            sha = prev.sha256
        else:
            sha = _sha256(seeds_dir / rel) if st is not None else None
        if side is None:
            side_sha = None
        elif prev is not None and _reusable(prev.sidecar_size, prev.sidecar_mtime_ns, prev.sidecar_sha256, side,
                                            trusted_before):
            side_sha = prev.sidecar_sha256
        else:
            side_sha = _sha256(seeds_dir / (rel + SIDECAR_SUFFIX))
        name = display_path(rel)  # what the documents table calls it, and what Parquet can store
        if linked:
            links.add(name)
        entries[name] = SeedEntry(name, st.st_size if st else -1, st.st_mtime_ns if st else -1, sha,
                                  side.st_size if side else None, side.st_mtime_ns if side else None, side_sha)
    return SeedState(str(seeds_dir), started, entries, frozenset(links))


def diff(old: SeedState | None, new: SeedState) -> Changes:
    before = old.entries if old is not None else {}
    added = [e for p, e in sorted(new.entries.items()) if p not in before]
    changed = [e for p, e in sorted(new.entries.items()) if p in before and before[p].content != e.content]
    deleted = sorted(p for p in before if p not in new.entries)
    return Changes(added, changed, deleted)


def save(state: SeedState, path: Path) -> None:
    """Write atomically (temporary file, then rename), so a reader never sees half a state."""
    rows = [vars(e) for e in state.entries.values()]
    table = pa.Table.from_pylist(rows, schema=_COLUMNS).replace_schema_metadata(
        {"seeds_dir": state.seeds_dir, "scanned_at_ns": str(state.scanned_at_ns)})
    path.parent.mkdir(parents=True, exist_ok=True)
    write_parquet(table, path)


def load(path: Path) -> SeedState | None:
    """The saved state, or None when there is none or it cannot be read (then everything is new)."""
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException):
        return None
    meta = table.schema.metadata or {}
    if b"seeds_dir" not in meta or table.schema.remove_metadata() != _COLUMNS:
        return None
    cols = table.to_pydict()
    entries = {row[0]: SeedEntry(*row) for row in zip(*(cols[name] for name in _COLUMNS.names))}
    return SeedState(meta[b"seeds_dir"].decode(), int(meta[b"scanned_at_ns"]), entries)
