"""Schema versioning: what kind of change the published tables underwent, and which bump it needs.

`SCHEMA_VERSION` is semver, with the rules of the Frictionless "Data Package Version" recipe as
they affect readers of our files:
- MAJOR: a table or column removed, renamed (= removed + added) or retyped, a column that may now
  be null, a changed primary key. Readers' queries or types break.
- MINOR: a table or column added. Old queries keep working.
- PATCH: anything else (descriptions, checks).

`schemas/snapshot.json` records the published shape of every schema version so far. A test
compares the models with the snapshot of the current `SCHEMA_VERSION` and each snapshot with the
one before, so a change without the right bump fails CI; the release audit does the same against
the previous release's manifest. After bumping `SCHEMA_VERSION`, record the new shape with
`python -m pipelines.lib.schema_version --write`.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import schemas
from pipelines.lib import tables
from schemas import SCHEMA_VERSION, TABLES

SNAPSHOT = Path(schemas.__file__).resolve().parent / "snapshot.json"
LEVELS = ("patch", "minor", "major")


def current_shape() -> dict:
    """The published shape of every table: primary key, columns with Arrow type and nullability."""
    shape = {}
    for name in TABLES:
        shape[name] = {
            "primary_key": tables.primary_key(name),
            "columns": {f.name: {"type": str(f.type), "nullable": f.nullable} for f in tables.arrow_schema(name)},
        }
    return shape


def parse_version(text: str) -> tuple[int, int, int]:
    parts = str(text).split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"schema version {text!r} is not MAJOR.MINOR.PATCH")
    return int(parts[0]), int(parts[1]), int(parts[2])


def classify(old: dict, new: dict) -> list[tuple[str, str]]:
    """Every difference between two shapes as (level, what changed), most severe first."""
    changes = []
    for table in old.keys() - new.keys():
        changes.append(("major", f"table {table} removed"))
    for table in new.keys() - old.keys():
        changes.append(("minor", f"table {table} added"))
    for table in sorted(old.keys() & new.keys()):
        before, after = old[table], new[table]
        if list(before["primary_key"]) != list(after["primary_key"]):
            changes.append(("major", f"{table}: primary key {before['primary_key']} -> {after['primary_key']}"))
        for column in sorted(before["columns"].keys() - after["columns"].keys()):
            changes.append(("major", f"{table}.{column} removed or renamed"))
        for column in sorted(after["columns"].keys() - before["columns"].keys()):
            changes.append(("minor", f"{table}.{column} added"))
        for column in sorted(before["columns"].keys() & after["columns"].keys()):
            b, a = before["columns"][column], after["columns"][column]
            if b["type"] != a["type"]:
                changes.append(("major", f"{table}.{column} retyped {b['type']} -> {a['type']}"))
            if a["nullable"] and not b["nullable"]:
                changes.append(("major", f"{table}.{column} may now be null"))
    return sorted(changes, key=lambda c: (-LEVELS.index(c[0]), c[1]))


def required_level(changes: list[tuple[str, str]]) -> str | None:
    return changes[0][0] if changes else None


def bump_problems(old_version: str, old_shape: dict, new_version: str, new_shape: dict) -> list[str]:
    """Why `new_version` is not an acceptable successor of `old_version` for this shape change ([] if it is)."""
    old_v, new_v = parse_version(old_version), parse_version(new_version)
    changes = classify(old_shape, new_shape)
    level = required_level(changes)
    if new_v < old_v:
        return [f"schema version {new_version} is older than {old_version}"]
    if level is None:
        return []
    what = "; ".join(text for _, text in changes)
    if new_v == old_v:
        return [f"the schema changed ({what}) but the schema version is still {old_version}: "
                f"a {level} bump is needed"]
    bumped = ("major" if new_v[0] > old_v[0] else "minor" if new_v[1] > old_v[1] else "patch")
    if LEVELS.index(bumped) < LEVELS.index(level):
        return [f"{old_version} -> {new_version} is a {bumped} bump, but the schema change needs a {level} "
                f"bump: {what}"]
    return []


def read_snapshots(path: Path = SNAPSHOT) -> dict:
    """{version: shape}, as committed."""
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))["versions"]


def history_problems(snapshots: dict, version: str, shape: dict) -> list[str]:
    """Problems with the committed history and the current models; [] when every bump is right."""
    problems = []
    ordered = sorted(snapshots, key=parse_version)
    for old, new in zip(ordered, ordered[1:]):
        problems += [f"snapshot {new}: {p}" for p in bump_problems(old, snapshots[old], new, snapshots[new])]
    if version in snapshots:
        if snapshots[version] != shape:
            changes = "; ".join(text for _, text in classify(snapshots[version], shape)) or "column order or details"
            problems.append(f"the tables no longer match the snapshot of schema version {version} ({changes}): "
                            f"bump SCHEMA_VERSION in schemas/__init__.py, then run "
                            f"`python -m pipelines.lib.schema_version --write`")
    elif ordered:
        problems += bump_problems(ordered[-1], snapshots[ordered[-1]], version, shape)
        problems.append(f"schema version {version} has no snapshot: run `python -m pipelines.lib.schema_version --write`")
    else:
        problems.append(f"{SNAPSHOT.name} is missing: run `python -m pipelines.lib.schema_version --write`")
    return problems


def write_snapshot(path: Path = SNAPSHOT) -> list[str]:
    """Record the current shape under SCHEMA_VERSION, refusing to rewrite a version already recorded."""
    snapshots = read_snapshots(path)
    shape = current_shape()
    if SCHEMA_VERSION in snapshots and snapshots[SCHEMA_VERSION] != shape:
        return [f"schema version {SCHEMA_VERSION} is already recorded with another shape: bump SCHEMA_VERSION first"]
    ordered = sorted(snapshots, key=parse_version)
    if ordered and SCHEMA_VERSION not in snapshots:
        problems = bump_problems(ordered[-1], snapshots[ordered[-1]], SCHEMA_VERSION, shape)
        if problems:
            return problems
    snapshots[SCHEMA_VERSION] = shape
    ordered = sorted(snapshots, key=parse_version)
    text = json.dumps({"versions": {v: snapshots[v] for v in ordered}}, indent=1)
    # One line per column and per key, so that a diff of the file reads as the schema change.
    text = re.sub(r'\{\s+("type": "[^"]*"),\s+("nullable": (?:true|false))\s+\}', r"{\1, \2}", text)
    text = re.sub(r'\[\s+("[^"]*"(?:,\s+"[^"]*")*)\s+\]', lambda m: "[" + re.sub(r",\s+", ", ", m.group(1)) + "]", text)
    path.write_text(text + "\n", encoding="utf-8")
    return []


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--write"]:
        problems = write_snapshot()
        verb = f"recorded schema version {SCHEMA_VERSION} in {SNAPSHOT}"
    else:
        problems = history_problems(read_snapshots(), SCHEMA_VERSION, current_shape())
        verb = f"schema version {SCHEMA_VERSION} matches {SNAPSHOT.name}"
    for line in problems:
        print(f"error: {line}", file=sys.stderr)
    if not problems:
        print(verb)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
