"""`CHANGELOG.md`: the changes of every release, newest first, for people rather than programs.

Each release's entry is rendered from its `changes.json`, and the entries of earlier releases are
carried over from the previous release's CHANGELOG.md, so one file tells the whole history.
"""
from __future__ import annotations

TITLE = "# Changelog\n"
_FAMILY_TITLES = {"agreement": "Bilateral security agreements", "declaration": "G7 Joint Declaration"}


def entry(changes: dict, created_at: str) -> str:
    """The Markdown section of one release."""
    lines = [f"## {changes['release_id']} ({created_at[:10]})", ""]
    previous = changes.get("previous_release_id")
    versions = changes.get("schema_version") or {}
    lines.append(f"Compared with {previous}." if previous else "First release.")
    if previous and versions.get("before") != versions.get("after"):
        lines.append(f"Schema version {versions.get('before')} -> {versions.get('after')}.")
    else:
        lines.append(f"Schema version {versions.get('after')}.")
    lines.append("")
    by_family: dict[str, list[str]] = {}
    for change in changes.get("status_changes", []):
        by_family.setdefault(change["family"], []).append(f"- {change['text']} ({change['name']})")
    if by_family:
        for family, title in _FAMILY_TITLES.items():
            if family in by_family:
                lines += [f"### {title}", "", *by_family[family], ""]
    elif previous:
        lines += ["No party's status changed.", ""]
    lines += ["### Rows", "", "| table | before | after | added | removed | changed |", "|---|---:|---:|---:|---:|---:|"]
    for name, info in changes.get("tables", {}).items():
        counts = [info.get(k) for k in ("added", "removed", "changed")]
        cells = ["n/a" if c is None else f"{c:,}" for c in counts]
        lines.append(f"| {name} | {info['rows_before']:,} | {info['rows_after']:,} | " + " | ".join(cells) + " |")
        for what in ("columns_added", "columns_removed"):
            if info.get(what):
                lines.append(f"|  ↳ {what.replace('_', ' ')}: {', '.join(info[what])} | | | | | |")
    return "\n".join(lines).rstrip() + "\n"


def changelog(new_entry: str, previous_changelog: str | None) -> str:
    """The new entry on top of the previous release's entries."""
    older = ""
    if previous_changelog:
        older = previous_changelog[len(TITLE):] if previous_changelog.startswith(TITLE) else previous_changelog
        older = "\n" + older.lstrip("\n")
    return TITLE + "\n" + new_entry + older
