"""What a run does first: finish a publish that a crash interrupted, and remove what dead runs left.

Publishing commits with one rename (`release.publish`); `index.json` and `latest.json` are written
after it. A run killed between the two leaves a complete, verified release folder that the
pointers do not name yet. Rolling it back is not an option: the folder was already served by id.
So the next run rolls it forward: under the publish lock, a release folder newer than the latest,
built on the latest (its manifest's `previous_release_id`) and matching its manifest, becomes the
latest; a folder that does not match is left out of the pointers and reported, never deleted.
Then the leftovers go: staging folders of dead builders, and temporary files of writers that did
not finish (`staging.py`).

Run at the start of every build (`release_candidate`), so that the build compares against the
release that is really the latest, and a re-run after a crash gives what an uninterrupted run gives.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from pipelines.lib import staging
from pipelines.lib.publish_lock import ProcessRecord, publish_lock
from pipelines.lib.release import LOCK, latest_release_id, releases_dir, write_pointers
from pipelines.lib.release_build import REPORTS
from pipelines.lib.release_index import release_folders
from pipelines.lib.verify import RELEASE_ID, ManifestError, read_manifest, verify_release


def recover(outputs_dir: Path, *, lock_timeout_s: float,
            on_wait: Callable[[ProcessRecord | None], None] | None = None) -> list[str]:
    """Roll an interrupted publish forward and remove abandoned staging; one line per action taken.

    Raises LockHeld when another run holds the publish lock for `lock_timeout_s`, and OSError when
    the pointers cannot be written (the message names the file)."""
    root = releases_dir(outputs_dir)
    if not root.is_dir():
        return []
    actions = []
    with publish_lock(root / LOCK, lock_timeout_s, on_wait):
        actions += roll_forward(root, latest_release_id(outputs_dir))
        actions += staging.remove_stale_temp_files(root, any_owner=True)  # only lock holders write here
        actions += staging.remove_abandoned(root / staging.STAGING)
        actions += staging.remove_stale_temp_files(root / staging.STAGING)
    actions += staging.remove_stale_temp_files(Path(outputs_dir) / REPORTS)
    return actions


def roll_forward(root: Path, latest: str | None) -> list[str]:
    """Make the newest complete release built on `latest` the latest, repeatedly; one line per step."""
    actions = []
    while True:
        newer = [f for f in release_folders(root) if latest is None or f.name > latest]
        if not newer:
            return actions
        follower, problems = _follower(newer, latest)
        if follower is None:
            return actions + problems
        write_pointers(root, follower.name)
        actions.append(f"finished publishing release {follower.name}: a run was interrupted after moving it into "
                       f"place and before pointing latest.json at it")
        latest = follower.name


def _follower(candidates: list[Path], latest: str | None) -> tuple[Path | None, list[str]]:
    """The release folder built on `latest` that matches its manifest, and a line for each that is skipped."""
    problems = []
    for folder in candidates:
        try:
            manifest = read_manifest(folder)
        except ManifestError as exc:
            problems.append(f"left release folder {folder.name} out of the pointers: {exc}")
            continue
        if not RELEASE_ID.fullmatch(folder.name) or manifest.get("release_id") != folder.name:
            problems.append(f"left release folder {folder.name} out of the pointers: its manifest describes "
                            f"release {manifest.get('release_id')!r}")
            continue
        if manifest.get("previous_release_id") != latest:
            problems.append(f"left release folder {folder.name} out of the pointers: it was built on "
                            f"{manifest.get('previous_release_id')}, not on the latest release {latest}")
            continue
        broken = verify_release(folder, expected_manifest_sha256=None)
        if broken:
            problems.append(f"left release folder {folder.name} out of the pointers: {broken[0]}")
            continue
        return folder, problems
    return None, problems
