"""The invariants a releases folder must keep after any fault (releases_reliability.md, section 7).

I1 latest.json parses and names a release whose files all match its manifest.
I2 every earlier release is byte-identical to what it was.
I3 no public path holds a partial release (staging leftovers are hidden, and gone after a re-run).
I4 the failed run exits non-zero with one error line naming the cause.
I5 a re-run without the fault gives what an uninterrupted run gives.

Each function returns a list of problems (empty: the invariant holds), so that a sweep can report
every broken point at once rather than stop at the first.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from pipelines.lib.verify import verify_release

POINTERS = ("index.json", "latest.json")


def releases(outputs: Path) -> Path:
    return Path(outputs) / "releases"


def published_ids(outputs: Path) -> list[str]:
    root = releases(outputs)
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")) if root.is_dir() else []


def latest_id(outputs: Path) -> str | None:
    path = releases(outputs) / "latest.json"
    return json.loads(path.read_text())["release_id"] if path.exists() else None


def file_hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(Path(folder).iterdir())}


def public_problems(outputs: Path) -> list[str]:
    """I1 and I3: the pointers parse and name complete releases; every public folder is a complete release."""
    root = releases(outputs)
    problems = []
    try:
        latest = json.loads((root / "latest.json").read_text())
        problems += [f"latest release {latest['release_id']}: {p}" for p in verify_release(root / latest["release_id"])]
    except (OSError, ValueError, KeyError) as exc:
        problems.append(f"latest.json does not name a release: {exc!r}")
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or entry.name in POINTERS:
            continue
        if not entry.is_dir():
            problems.append(f"{entry.name}: a public file that is not a pointer")
            continue
        problems += [f"public folder {entry.name}: {p}" for p in verify_release(entry)]
    index_path = root / "index.json"
    if index_path.exists():
        try:
            index = json.loads(index_path.read_text())
            for item in index["releases"]:
                manifest = root / item["release_id"] / "manifest.json"
                if hashlib.sha256(manifest.read_bytes()).hexdigest() != item["manifest_sha256"]:
                    problems.append(f"index.json: manifest sha256 of {item['release_id']} differs")
            if index["latest"] and not (root / index["latest"]).is_dir():
                problems.append(f"index.json: latest {index['latest']} does not exist")
        except (OSError, ValueError, KeyError) as exc:
            problems.append(f"index.json does not parse as an index: {exc!r}")
    return problems


def leftovers(outputs: Path) -> list[str]:
    """What a finished run must not leave: staging folders and temporary files."""
    root = releases(outputs)
    found = [f"staging folder {p.name}" for p in sorted((root / ".staging").glob("*"))] if (root / ".staging").is_dir() else []
    found += [f"temporary file {p.name}" for p in sorted(root.glob(".*.tmp"))]
    found += [f"temporary file {p.relative_to(root)}" for p in sorted(root.glob("*/*.tmp"))]
    return found


def normalised(outputs: Path) -> dict[str, object]:
    """The public releases with what legitimately differs between two runs written out: the random
    part of the new release's id, and the checksums of the files that contain it (and of the DuckDB
    file, whose bytes differ between identical builds; its content is checked through the
    manifest's per-table content hashes). Parquet files stay bytes: they must be identical."""
    root = releases(outputs)
    ids = published_ids(outputs)
    subs = {release_id: f"<release {i}>" for i, release_id in enumerate(ids)}
    for release_id in ids:
        manifest = json.loads((root / release_id / "manifest.json").read_text())
        for name, info in manifest["files"].items():
            if not name.endswith(".parquet"):
                subs[info["sha256"]] = f"<sha256 of {name}>"
        subs[hashlib.sha256((root / release_id / "manifest.json").read_bytes()).hexdigest()] = "<sha256 of manifest>"
    pattern = re.compile("|".join(re.escape(k) for k in sorted(subs, key=len, reverse=True)))
    out: dict[str, object] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root)
        if rel.parts[0].startswith("."):
            continue
        key = pattern.sub(lambda m: subs[m.group(0)], str(rel))
        if path.suffix == ".parquet":
            out[key] = path.read_bytes()
        elif path.suffix == ".duckdb":
            out[key] = "<duckdb file: checked by its manifest>"
        else:
            out[key] = pattern.sub(lambda m: subs[m.group(0)], path.read_text(encoding="utf-8"))
    return out


def differences(a: dict[str, object], b: dict[str, object]) -> list[str]:
    """File by file, where two normalised trees differ."""
    lines = [f"{k}: only in {'the first' if k in a else 'the second'}" for k in sorted(a.keys() ^ b.keys())]
    for key in sorted(a.keys() & b.keys()):
        if a[key] != b[key]:
            lines.append(f"{key}: differs" + (_first_diff(a[key], b[key]) if isinstance(a[key], str) else ""))
    return lines


def _first_diff(x: str, y: str) -> str:
    for i, (p, q) in enumerate(zip(x.splitlines(), y.splitlines())):
        if p != q:
            return f" at line {i + 1}: {p[:120]!r} vs {q[:120]!r}"
    return " in length"
