"""Download a release from any static HTTP server that serves the `releases/` folder, or from a
release store at an fsspec URL (s3://, gs://, memory://, a folder; `release_store.py`), and check it.

The chain of trust is the one a reader can check offline: `latest.json` (or `index.json`) gives
the manifest's sha256, the manifest gives every file's size and sha256. Each file is written to
`<name>.part`, hashed while it streams, and renamed to its name only when its size and sha256
match; a mismatch or a broken connection is retried, then reported by name. The manifest itself is
written last, so a destination folder with a manifest is a complete release. Files already present
with the right checksum are kept, so an interrupted download resumes.

Over HTTP the standard library only (urllib): no Range requests are needed, so `python -m
http.server` will do. Any other URL is opened with fsspec.
A manifest naming a path that would land outside the destination is refused before anything is
written.
"""
from __future__ import annotations

import hashlib
import http.client
import json
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pipelines.lib.verify import (INDEX, LATEST, MANIFEST, RELEASE_ID, ManifestError, is_safe_name, parse_manifest,
                                  sha256_file)

CHUNK = 1 << 20
_RETRYABLE = (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError, OSError)


class DownloadError(Exception):
    """The release could not be downloaded intact; `problems` names every file that failed."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or [message]


@dataclass
class DownloadResult:
    release_id: str
    path: Path
    downloaded: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    bytes: int = 0


@dataclass(frozen=True)
class Client:
    base_url: str
    retries: int = 3
    timeout: float = 30.0
    backoff: float = 0.5
    log: Callable[[str], None] = lambda message: None

    def url(self, *parts: str) -> str:
        return self.base_url.rstrip("/") + "/" + "/".join(parts)

    def get(self, *parts: str, missing_ok: bool = False) -> bytes | None:
        """A small file's bytes, retried; None for a 404 when `missing_ok`."""
        url = self.url(*parts)
        last = None
        for attempt in range(1, self.retries + 2):
            try:
                with self._open(url) as response:
                    return response.read()
            except FileNotFoundError:
                if missing_ok:
                    return None
                last = "not found"
                break
            except urllib.error.HTTPError as exc:
                if exc.code == 404 and missing_ok:
                    return None
                last = f"HTTP {exc.code}"
                if exc.code < 500:
                    break
            except _RETRYABLE as exc:
                last = _reason(exc)
            self._pause(attempt)
        raise DownloadError(f"{url}: {last}")

    def fetch_file(self, parts: tuple[str, ...], target: Path, size: int, sha256: str) -> str | None:
        """Stream one file to `<target>.part`, check it, rename it; the failure reason, or None."""
        part = target.with_name(target.name + ".part")
        reason = None
        for attempt in range(1, self.retries + 2):
            try:
                reason = self._stream(self.url(*parts), part, size, sha256)
            except FileNotFoundError:
                reason = "not found"
            except urllib.error.HTTPError as exc:
                reason = f"HTTP {exc.code}"
            except _RETRYABLE as exc:
                reason = _reason(exc)
            if reason is None:
                os.replace(part, target)
                return None
            part.unlink(missing_ok=True)
            self.log(f"  {target.name}: {reason} (attempt {attempt} of {self.retries + 1})")
            self._pause(attempt)
        return f"{reason} (after {self.retries + 1} attempts)"

    def _stream(self, url: str, part: Path, size: int, sha256: str) -> str | None:
        digest, received = hashlib.sha256(), 0
        with self._open(url) as response, open(part, "wb") as out:
            while block := response.read(CHUNK):
                received += len(block)
                if received > size:
                    return f"more than the {size} bytes the manifest gives"
                digest.update(block)
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if received != size:
            return f"{received} bytes, manifest says {size}"
        if digest.hexdigest() != sha256:
            return f"sha256 {digest.hexdigest()}, manifest says {sha256}"
        return None

    def _open(self, url: str):
        """A readable stream: urllib for http(s), fsspec for anything else (s3://, gs://, memory://, a
        local path). A missing file is HTTPError 404 from urllib, FileNotFoundError from fsspec."""
        if url.startswith(("http://", "https://")):
            return urllib.request.urlopen(url, timeout=self.timeout)
        import fsspec  # only for store URLs: served releases need nothing beyond the standard library

        return fsspec.open(url, "rb").open()

    def _pause(self, attempt: int) -> None:
        if attempt <= self.retries:
            time.sleep(self.backoff * attempt)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, http.client.IncompleteRead):
        return f"connection closed after {len(exc.partial)} bytes"
    text = str(getattr(exc, "reason", None) or exc) or type(exc).__name__
    return text.splitlines()[0]


def _json(data: bytes, what: str) -> dict:
    try:
        value = json.loads(data)
    except ValueError as exc:
        raise DownloadError(f"{what}: not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise DownloadError(f"{what}: not a JSON object")
    return value


def expected_manifest_sha256(client: Client, release_id: str, pointer: dict | None) -> str | None:
    """The manifest's sha256 as the server's latest.json or index.json records it (None if neither does)."""
    if pointer and pointer.get("release_id") == release_id and pointer.get("manifest_sha256"):
        return pointer["manifest_sha256"]
    index = client.get(INDEX, missing_ok=True)
    if index is None:
        return None
    for entry in _json(index, client.url(INDEX)).get("releases", []):
        if isinstance(entry, dict) and entry.get("release_id") == release_id:
            return entry.get("manifest_sha256")
    return None


def _destination(target: Path, name: str) -> Path:
    """Where a manifest entry lands; refuses anything that would not be a plain file inside `target`."""
    path = (target / name).resolve()
    if not is_safe_name(name) or path.parent != target.resolve():
        raise DownloadError(f"refusing manifest entry {name!r}: it would land outside {target}")
    return path


def download_release(base_url: str, dest: Path, release_id: str | None = None, *, retries: int = 3,
                     timeout: float = 30.0, backoff: float = 0.5,
                     log: Callable[[str], None] = lambda message: None) -> DownloadResult:
    """Download release `release_id` (default: the server's latest) into `dest/<release_id>/`."""
    client = Client(base_url, retries=retries, timeout=timeout, backoff=backoff, log=log)
    pointer = None
    if release_id is None:
        pointer = _json(client.get(LATEST), client.url(LATEST))
        release_id = str(pointer.get("release_id", ""))
    if not RELEASE_ID.fullmatch(release_id or ""):
        raise DownloadError(f"{release_id!r} is not a release id (expected e.g. 20240710T120000Z-1a2b3c)")
    raw = client.get(release_id, MANIFEST)
    expected = expected_manifest_sha256(client, release_id, pointer)
    actual = hashlib.sha256(raw).hexdigest()
    if expected and actual != expected:
        raise DownloadError(f"{MANIFEST}: sha256 {actual}, the server's index says {expected}")
    if not expected:
        log(f"  note: the server records no sha256 for {release_id}'s manifest; trusting it as served")
    try:
        manifest = parse_manifest(raw.decode("utf-8"), client.url(release_id, MANIFEST))
    except (ManifestError, UnicodeDecodeError) as exc:
        raise DownloadError(str(exc)) from None
    if manifest.get("release_id") != release_id:
        raise DownloadError(f"{MANIFEST}: describes release {manifest.get('release_id')!r}, not {release_id}")
    target = Path(dest) / release_id
    targets = {name: _destination(target, name) for name in manifest["files"]}  # refuse before writing
    target.mkdir(parents=True, exist_ok=True)
    result = DownloadResult(release_id, target)
    problems = []
    for name, info in sorted(manifest["files"].items()):
        path = targets[name]
        if path.is_file() and path.stat().st_size == info["bytes"] and sha256_file(path) == info["sha256"]:
            result.kept.append(name)
            continue
        log(f"  {name} ({info['bytes']:,} bytes)")
        reason = client.fetch_file((release_id, name), path, info["bytes"], info["sha256"])
        if reason:
            problems.append(f"{name}: {reason}")
        else:
            result.downloaded.append(name)
            result.bytes += info["bytes"]
    if problems:
        raise DownloadError(f"{len(problems)} file(s) of {release_id} failed their check", problems)
    tmp = target / f".{MANIFEST}.part"
    tmp.write_bytes(raw)
    os.replace(tmp, target / MANIFEST)
    return result
