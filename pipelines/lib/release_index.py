"""`releases/index.json`: every published release, rebuilt from the release folders themselves.

The folders are the truth (a release exists when its folder holds a manifest); the index is a
convenience for readers of a static server, which cannot list directories, and it records each
manifest's sha256 so that a download can check the manifest before trusting the checksums in it.
It is rewritten on every publish, so a stale or damaged index is repaired by the next release.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pipelines.lib.verify import MANIFEST

INDEX = "index.json"


def release_folders(root: Path) -> list[Path]:
    """Published release folders under `root`, oldest first (ids sort by time)."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir()
                  if p.is_dir() and not p.name.startswith(".") and (p / MANIFEST).is_file())


def index_entry(folder: Path) -> dict:
    return manifest_entry((folder / MANIFEST).read_bytes())


def manifest_entry(raw: bytes) -> dict:
    """A release's line in the index, from its manifest's bytes (hashed as they are)."""
    manifest = json.loads(raw)
    return {
        "release_id": manifest["release_id"],
        "created_at": manifest.get("created_at"),
        "schema_version": manifest.get("schema_version"),
        "code_version": manifest.get("code_version"),
        "previous_release_id": manifest.get("previous_release_id"),
        "content_hash": manifest.get("content_hash"),
        "manifest_sha256": hashlib.sha256(raw).hexdigest(),
        "rows": {name: info["rows"] for name, info in manifest.get("tables", {}).items()},
    }


def build_index(root: Path, latest: str | None) -> dict:
    return {"latest": latest, "releases": [index_entry(folder) for folder in release_folders(root)]}
