"""Releases on a store at an fsspec URL (s3://, gs://, memory://, a folder): push to it, pull from it.

A release is built and published in the local releases folder as before (`release.py`: staging,
one rename, the pointers, under the publish lock), because that is where the rename, the file
lock and fsync that make a publish atomic exist. The store (`GUARANTEES_RELEASE_STORE`) is the
releases folder readers and other machines use, laid out the same: `<release_id>/<files>`,
`index.json`, `latest.json`; served over HTTP it is what `guarantees releases download` reads.

An object store has no rename and no transaction over several objects, but it replaces one object
atomically (a reader gets the old object or the new one). So a push writes the pointer last:

1. every file of the release except its manifest, under `<release_id>/` (an id is never used
   twice and no pointer names it yet), each file's size read back against the manifest;
2. `manifest.json`: a folder without one is not a release;
3. `index.json`, then `latest.json`, one object each.

A reader that starts from `latest.json` sees the previous release or the new one, never half of
one. A push that dies leaves at most a folder without a manifest, which the next push writes
again: the local release is still there, so the next run pushes what this one could not.

A push carries every release the store lacks, oldest first, along the chain of
`previous_release_id` from the local latest back to the store's latest. When the store's latest is
not on that chain, another machine has published since this one last pulled, and nothing is
pushed (PushError).

A pull goes the other way, at the start of a build: when the store's latest release is not in the
local folder, it is downloaded (each file checked against the manifest, the manifest against
the store's `index.json`: `download.py`) and made the local latest, so that the build compares against it
and the release it publishes follows it. A machine that starts with an empty outputs folder (a
Kubernetes pod) so continues the store's chain.

Two machines publishing at once: just before `latest.json` is written, the store's pointer must
still name the release the push started from. Between that read and the write is a window that
only a conditional write (S3 If-Match, GCS ifGenerationMatch) closes, and fsspec's interface has
none; until then the guarantee is the deployment's one publishing run at a time
(`docs/scaling.md`, the run queue).
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import fsspec
from fsspec.implementations.local import LocalFileSystem

from pipelines.lib import fsio
from pipelines.lib import staging as staging_folders
from pipelines.lib.download import DownloadError, download_release
from pipelines.lib.publish_lock import ProcessRecord, publish_lock
from pipelines.lib.release import INDEX, LATEST, LOCK, json_text, pointed_release, pointer, write_pointers
from pipelines.lib.release_index import manifest_entry
from pipelines.lib.staging import STAGING
from pipelines.lib.verify import (MANIFEST, RELEASE_ID, ManifestError, check_files, parse_manifest, read_manifest,
                                  verify_release)

log = logging.getLogger(__name__)


class StoreError(RuntimeError):
    """The store cannot be read, or it and the local releases folder disagree; nothing was changed."""


class PushError(StoreError):
    """A push stopped; the message says what the store's readers see now."""


@dataclass(frozen=True)
class Store:
    """A releases folder at an fsspec URL."""
    url: str
    fs: fsspec.AbstractFileSystem
    root: str

    @classmethod
    def at(cls, url: str | os.PathLike) -> "Store":
        fs, root = fsspec.core.url_to_fs(os.fspath(url))
        return cls(os.fspath(url).rstrip("/"), fs, root.rstrip("/"))

    def path(self, *parts: str) -> str:
        return "/".join([self.root, *parts])

    def where(self, *parts: str) -> str:
        """A file's URL, for messages."""
        return "/".join([self.url, *parts])

    @property
    def is_folder(self) -> bool:
        return isinstance(self.fs, LocalFileSystem)

    def read(self, *parts: str) -> bytes | None:
        """A file's bytes, or None when there is no such file."""
        try:
            return self.fs.cat_file(self.path(*parts))
        except FileNotFoundError:
            return None

    def size(self, *parts: str) -> int | None:
        """A file's size as the store reports it now, not from a listing an fsspec filesystem
        cached before the upload (object-store filesystems may answer `info` from one)."""
        path = self.path(*parts)
        self.fs.invalidate_cache(path)
        try:
            return int(self.fs.info(path)["size"])
        except FileNotFoundError:
            return None

    def write(self, data: bytes, *parts: str) -> None:
        """One file, replaced as a whole: an object store replaces an object atomically; a folder
        gets a temporary file renamed over the old one."""
        path = self.path(*parts)
        if self.is_folder:
            fsio.makedirs(os.path.dirname(path))
            fsio.write_atomic(path, data)
        else:
            self.fs.pipe_file(path, data)

    def upload(self, source: Path, *parts: str) -> None:
        path = self.path(*parts)
        if self.is_folder:
            fsio.makedirs(os.path.dirname(path))
            fsio.copy_file(source, path, durable=True)
        else:
            self.fs.put_file(os.fspath(source), path)


def store_latest(store: Store) -> str | None:
    """The release the store's `latest.json` names; None for a store without releases."""
    raw = store.read(LATEST)
    if raw is None:
        return None
    try:
        release_id = json.loads(raw)["release_id"]
    except (ValueError, TypeError, KeyError) as exc:
        raise StoreError(f"{store.where(LATEST)}: not a release pointer ({exc})") from None
    if not RELEASE_ID.fullmatch(str(release_id)):
        raise StoreError(f"{store.where(LATEST)}: {release_id!r} is not a release id")
    return release_id


def push(root: Path, store: Store, *, lock_timeout_s: float,
         on_wait: Callable[[ProcessRecord | None], None] | None = None) -> list[str]:
    """Bring the store up to the local releases folder `root`; one line per release pushed.

    Holds the local publish lock, so that two runs of this machine do not push at once."""
    root = Path(root)
    if not root.is_dir():
        return []
    with publish_lock(root / LOCK, lock_timeout_s, on_wait):
        target = pointed_release(root)
        start = store_latest(store)
        if target is None or target == start:
            return []
        chain = _chain(root, target, start)
        index, lines = _store_index(store), []  # the index is read once; each release pushed joins it
        for folder in chain:
            lines.append(_push_release(folder, store, after=start, index=index))
            start = folder.name
        return lines


def _chain(root: Path, latest: str, stop: str | None) -> list[Path]:
    """The local release folders from the one after `stop` to `latest`, oldest first."""
    chain, release_id = [], latest
    while release_id != stop:
        if release_id is None:
            raise PushError(f"the store's latest release {stop} is not one this folder's releases were built on: "
                            f"another machine published it; nothing was pushed (the next run pulls it first)")
        folder = root / release_id
        try:
            previous = read_manifest(folder).get("previous_release_id")
        except ManifestError as exc:
            raise PushError(f"cannot push release {release_id}: {exc}; nothing was pushed") from None
        chain.append(folder)
        release_id = previous
    return chain[::-1]


def _push_release(folder: Path, store: Store, *, after: str | None, index: dict[str, dict]) -> str:
    """Files, manifest, then the pointers; `after` is the store's latest the release must follow,
    `index` the store's index entries, to which the release is added."""
    release_id = folder.name
    raw = (folder / MANIFEST).read_bytes()
    present = store.read(release_id, MANIFEST)
    if present is not None and present != raw:
        raise PushError(f"{store.where(release_id, MANIFEST)} differs from the local release's manifest: a release "
                        f"id is never used twice; nothing was pushed")
    if present is None:
        _push_files(folder, store, parse_manifest(raw.decode("utf-8"), str(folder / MANIFEST)))
        store.write(raw, release_id, MANIFEST)
    index[release_id] = manifest_entry(raw)
    now = store_latest(store)
    if now != after:
        raise PushError(f"the store's latest.json changed to {now} while release {release_id} was pushed: another "
                        f"machine published; the release's files are on the store but latest.json still names {now}")
    store.write(json_text({"latest": release_id, "releases": [index[k] for k in sorted(index)]}).encode(), INDEX)
    store.write(json_text(pointer(folder.parent, release_id)).encode(), LATEST)
    return f"pushed release {release_id} to {store.url}"


def _push_files(folder: Path, store: Store, manifest: dict) -> None:
    """Every file but the manifest, after checking that the local files are still the published
    bytes (a store must not receive a release its own manifest would fail)."""
    problems = check_files(folder, manifest)
    if problems:
        raise PushError(f"local release {folder.name} does not match its manifest: {problems[0]}; nothing was pushed")
    for name, info in sorted(manifest["files"].items()):
        store.upload(folder / name, folder.name, name)
        size = store.size(folder.name, name)
        if size != info["bytes"]:
            raise PushError(f"{store.where(folder.name, name)}: {size} bytes after the upload, the manifest says "
                            f"{info['bytes']}; latest.json was not changed")


def _store_index(store: Store) -> dict[str, dict]:
    """The store's index entries by release id: from `index.json`, or, when it is missing or
    unreadable, from the manifests in the store (the folders are the truth, as locally)."""
    raw = store.read(INDEX)
    try:
        entries = json.loads(raw)["releases"] if raw is not None else None
        return {e["release_id"]: e for e in entries} if entries is not None else _listed_entries(store)
    except (ValueError, TypeError, KeyError):
        log.warning(f"{store.where(INDEX)} is unreadable; rebuilding it from the release folders")
        return _listed_entries(store)


def _listed_entries(store: Store) -> dict[str, dict]:
    entries = {}
    for path in sorted(store.fs.glob(store.path("*", MANIFEST))):
        release_id = path.rstrip("/").split("/")[-2]
        if RELEASE_ID.fullmatch(release_id):
            entries[release_id] = manifest_entry(store.fs.cat_file(path))
    return entries


def pull(root: Path, store: Store, *, lock_timeout_s: float,
         on_wait: Callable[[ProcessRecord | None], None] | None = None) -> list[str]:
    """Make the store's latest release the local latest unless the local latest is it or follows
    it; one line per release pulled. StoreError when the local latest was never pushed and the
    store has moved on (two machines published on the same release): nothing is changed then."""
    root = Path(root)
    wanted, here = store_latest(store), pointed_release(root)
    if wanted is None or _built_on(root, here, wanted):
        return []
    if here is not None and store.read(here, MANIFEST) is None:
        raise StoreError(f"the store's latest release is {wanted}, and this folder's latest, {here}, was never pushed "
                         f"to it: two machines published; nothing was pulled or published. To continue from the "
                         f"store's release, run this machine with an empty outputs folder")
    if (root / wanted / MANIFEST).is_file():  # pulled by a run that died before pointing latest.json at it
        return _point_at(root, wanted, here, lock_timeout_s, on_wait)
    fsio.makedirs(root / STAGING)
    staging = staging_folders.create(root / STAGING, wanted)
    try:
        try:
            got = download_release(store.url, staging, wanted)
        except DownloadError as exc:
            raise StoreError(f"could not pull release {wanted} from {store.url}: {'; '.join(exc.problems)}") from None
        with publish_lock(root / LOCK, lock_timeout_s, on_wait):
            _still_latest(root, here, wanted)
            fsio.rename(got.path, root / wanted)
            fsio.fsync_dir(root)
            write_pointers(root, wanted)
    finally:
        problem = staging_folders.try_discard(staging)
        if problem:
            log.warning(problem)
    return [f"pulled release {wanted} from {store.url}: the store's latest, which this folder did not have"]


def _built_on(root: Path, release_id: str | None, ancestor: str) -> bool:
    """Is `ancestor` the local release `release_id` or one it was built on (as far as the folder
    has them)? The chain is walked back only until `ancestor` turns up: at once, on most runs."""
    seen = set()
    while release_id and release_id not in seen:
        if release_id == ancestor:
            return True
        seen.add(release_id)
        try:
            release_id = read_manifest(root / release_id).get("previous_release_id")
        except ManifestError:
            return False
    return False


def _point_at(root: Path, wanted: str, here: str | None, lock_timeout_s: float, on_wait) -> list[str]:
    """Finish a pull that died after moving the release into place: check it, then the pointers."""
    problems = verify_release(root / wanted, expected_manifest_sha256=None)
    if problems:
        raise StoreError(f"release folder {root / wanted}, pulled from the store before, does not match its manifest: "
                         f"{problems[0]}; nothing was published")
    with publish_lock(root / LOCK, lock_timeout_s, on_wait):
        _still_latest(root, here, wanted)
        write_pointers(root, wanted)
    return [f"made release {wanted}, the store's latest, the latest here: a pull had stopped before doing it"]


def _still_latest(root: Path, here: str | None, wanted: str) -> None:
    if pointed_release(root) != here:
        raise StoreError(f"another run published in {root} while release {wanted} was pulled; run again")
