"""`guarantees run`: run the whole pipeline in-process on the Dagster instance and print a summary.

The run is recorded in the instance at $DAGSTER_HOME (the Makefile points it at .dagster/), so it
appears in `make ui` with its metadata; it runs through `pipelines.runner`, which keeps no step's
output in memory after the step. Exit status is non-zero when nothing was published, with
one line naming the cause.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seeds-dir", help="folder of input documents (default: $GUARANTEES_SEEDS_DIR or seeds/)")
    parser.add_argument("--outputs-dir", help="folder for releases (default: $GUARANTEES_OUTPUTS_DIR or outputs/)")
    parser.add_argument("--quiet", action="store_true", help="print only the summary (no Dagster warnings)")


def run(args: argparse.Namespace) -> int:
    from pipelines.resources import GuaranteesSettings
    from pipelines.runner import execute_publish

    settings = GuaranteesSettings(seeds_dir=args.seeds_dir, outputs_dir=args.outputs_dir)
    with _instance() as instance:
        level = "ERROR" if getattr(args, "quiet", False) else "WARNING"
        result = execute_publish(instance, seeds_dir=args.seeds_dir, outputs_dir=args.outputs_dir, log_level=level)
    if not result.success:
        print(f"error: {_failure_line(result)}", file=sys.stderr)
        return 1
    print(summary(settings.outputs_path, no_change=_outcome(result) == "no change",
                  store=_release_metadata(result, "store"), pushed=_release_metadata(result, "pushed")))
    return 0


def _outcome(result) -> str | None:
    """The release asset's "outcome" metadata: "published" or "no change"."""
    return _release_metadata(result, "outcome")


def _release_metadata(result, key: str):
    """One value of the release asset's metadata (None when the run did not record it)."""
    for materialization in result.asset_materializations_for_node("release"):
        value = materialization.metadata.get(key)
        if value is not None:
            return getattr(value, "value", value)
    return None


@contextmanager
def _instance():
    """The instance at $DAGSTER_HOME; without one, a temporary instance removed after the run
    (the runner needs a persistent instance, see `pipelines.runner`)."""
    import dagster as dg

    if os.environ.get("DAGSTER_HOME"):
        with dg.DagsterInstance.get() as instance:
            yield instance
        return
    with tempfile.TemporaryDirectory(prefix="guarantees-dagster-") as folder:
        with dg.DagsterInstance.local_temp(folder) as instance:
            yield instance


def _failure_line(result) -> str:
    for event in result.all_events:
        if event.is_step_failure:
            data = event.step_failure_data
            desc = (data.user_failure_data.description if data.user_failure_data else None) or data.error.message
            return f"step {event.step_key} failed: {desc.strip().splitlines()[0]}"
    return "the run failed"


def summary(outputs_dir: Path, no_change: bool = False, store: str | None = None, pushed: list | None = None) -> str:
    """Where the latest release is, and its tables with row counts; "no change" when nothing was
    published; with a release store, its URL and how many releases this run pushed to it."""
    from pipelines.lib.release import MANIFEST, latest_release_id, releases_dir

    release_id = latest_release_id(outputs_dir)
    path = releases_dir(outputs_dir) / release_id
    manifest = json.loads((path / MANIFEST).read_text())
    from schemas import TABLES

    width = max(len(t) for t in TABLES)
    head = (f"no change: the content equals the latest release {release_id}; nothing was published"
            if no_change else f"published release {release_id}")
    lines = [head, f"  at {path}", "  tables:"]
    lines += [f"    {name:<{width}}  {manifest['tables'][name]['rows']:>9,} rows" for name in TABLES]
    if (path / "report.html").exists():
        lines.append(f"  report: {path / 'report.html'}")
    lines.append(f"  verify: guarantees releases verify {release_id}")
    if store:
        count = len(pushed or [])
        lines.append(f"  store: {store} ({f'pushed {count} release(s)' if count else 'it already holds this release'})")
    return "\n".join(lines)
