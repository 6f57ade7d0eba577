"""Check a release folder against its manifest: every file's size and sha256, nothing missing or extra.

This module uses the standard library only, because a copy of it ships inside every release as
`verify.py`: anyone can run `python verify.py` in a downloaded release, with no DuckDB, no
extension and no network, and learn which file (if any) is not the one that was published.
Checksums are the only dependable check: a flipped bit in a zstd Parquet file is read by DuckDB
and pyarrow without an error most of the time.

When the folder sits in a releases folder that has `index.json` (or `latest.json`) recording the
manifest's own sha256, the manifest is checked too, so that editing a file *and* its manifest
entry is caught as well.
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

MANIFEST = "manifest.json"
INDEX = "index.json"
LATEST = "latest.json"
# A file a manifest may name: one plain file name, nothing that could climb out of the folder.
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
# A release id: UTC time to the second and a random tag (pipelines/lib/release.py:new_release_id).
RELEASE_ID = re.compile(r"[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}")


class ManifestError(Exception):
    """The manifest is missing, unreadable or names a file it must not."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_safe_name(name: str) -> bool:
    return bool(SAFE_NAME.fullmatch(name)) and name not in {MANIFEST} and ".." not in name


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError(f"{path}: missing; a folder without its manifest is not a release") from None
    except OSError as exc:
        raise ManifestError(f"{path}: unreadable: {exc}") from None
    return parse_manifest(text, str(path))


def parse_manifest(text: str, source: str) -> dict:
    """A manifest's JSON, checked: every file entry a plain name with integer bytes and a hex sha256."""
    try:
        manifest = json.loads(text)
    except ValueError as exc:
        raise ManifestError(f"{source}: not valid JSON: {exc}") from None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict):
        raise ManifestError(f"{source}: has no 'files' mapping")
    for name, info in files.items():
        if not is_safe_name(name):
            raise ManifestError(f"{source}: refuses file name {name!r}: not a plain file name inside the release")
        if not isinstance(info, dict) or not isinstance(info.get("bytes"), int) or \
                not re.fullmatch(r"[0-9a-f]{64}", str(info.get("sha256", ""))):
            raise ManifestError(f"{source}: entry for {name!r} needs integer 'bytes' and a hex 'sha256'")
    tables = manifest.get("tables", {})
    for table, info in (tables.items() if isinstance(tables, dict) else []):
        file = info.get("file") if isinstance(info, dict) else None
        if file not in files:  # so every file a reader of the manifest opens is one of its checked files
            raise ManifestError(f"{source}: table {table!r} names file {file!r}, which is not among its files")
    return manifest


def check_files(folder: Path, manifest: dict) -> list[str]:
    """One line per file that is missing, extra, or whose size or sha256 differs from the manifest."""
    folder = Path(folder)
    problems = []
    for name, info in sorted(manifest["files"].items()):
        path = folder / name
        if not path.is_file():
            problems.append(f"{name}: missing")
            continue
        size = path.stat().st_size
        if size != info["bytes"]:
            problems.append(f"{name}: {size} bytes, manifest says {info['bytes']}")
            continue
        actual = sha256_file(path)
        if actual != info["sha256"]:
            problems.append(f"{name}: sha256 {actual}, manifest says {info['sha256']}")
    listed = set(manifest["files"]) | {MANIFEST}
    for path in sorted(folder.iterdir()):
        if path.name not in listed:
            problems.append(f"{path.name}: not in the manifest")
    return problems


def recorded_manifest_sha256(folder: Path) -> str | None:
    """The manifest's sha256 as the enclosing releases folder records it (index.json, else latest.json)."""
    folder = Path(folder).resolve()
    index = folder.parent / INDEX
    if index.is_file():
        try:
            for entry in json.loads(index.read_text(encoding="utf-8")).get("releases", []):
                if entry.get("release_id") == folder.name:
                    return entry.get("manifest_sha256")
        except (OSError, ValueError, AttributeError):
            return None
    latest = folder.parent / LATEST
    if latest.is_file():
        try:
            pointer = json.loads(latest.read_text(encoding="utf-8"))
            if pointer.get("release_id") == folder.name:
                return pointer.get("manifest_sha256")
        except (OSError, ValueError, AttributeError):
            return None
    return None


def verify_release(folder: Path, expected_manifest_sha256: str | None = None) -> list[str]:
    """Every problem with a release folder, one line each; an empty list means it is intact."""
    folder = Path(folder)
    try:
        manifest = read_manifest(folder)
    except ManifestError as exc:
        return [str(exc)]
    expected = expected_manifest_sha256 or recorded_manifest_sha256(folder)
    problems = []
    if expected:
        actual = sha256_file(folder / MANIFEST)
        if actual != expected:
            problems.append(f"{MANIFEST}: sha256 {actual}, the releases index says {expected}")
    return problems + check_files(folder, manifest)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else Path(__file__).resolve().parent
    problems = verify_release(folder)
    for line in problems:
        print(f"{folder.name}: {line}", file=sys.stderr)
    if problems:
        print(f"FAILED: {len(problems)} problem(s) in {folder}", file=sys.stderr)
        return 1
    n = len(read_manifest(folder)["files"])
    print(f"ok: {folder} matches its manifest ({n} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
