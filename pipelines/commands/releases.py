"""`guarantees releases`: list, show, verify, diff and download releases.

    guarantees releases list
    guarantees releases show ID|latest
    guarantees releases verify [ID|latest|FOLDER] [--all]
    guarantees releases diff A B [--json]
    guarantees releases download --base-url URL [--release ID] --dest DIR   (http(s) or an fsspec URL)

Releases are read from `<outputs>/releases` (`--outputs-dir`, else $GUARANTEES_OUTPUTS_DIR, else
outputs/ in the repository, as for `guarantees run`) or from any folder of releases given with
`--releases-dir`, such as a download destination. Nothing here needs Dagster, and `verify` and
`download` exit non-zero naming every file that is not the one published.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ACTIONS = {
    "list": "every release, oldest first, with its row counts",
    "show": "one release: manifest, files, tables and its changes",
    "verify": "check every file's size and sha256 against the manifest",
    "diff": "rows added, removed and changed per table, and status changes, from release A to release B",
    "download": "download a release from a static HTTP server serving the releases folder, or from the "
                "release store, and check it",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--outputs-dir", help="outputs folder (default: $GUARANTEES_OUTPUTS_DIR or outputs/)")
    common.add_argument("--releases-dir", help="a folder of releases (default: <outputs-dir>/releases)")
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions = {name: sub.add_parser(name, help=text, description=text, parents=[common])
               for name, text in ACTIONS.items()}
    actions["show"].add_argument("release", help="a release id, or 'latest'")
    actions["verify"].add_argument("release", nargs="?", default="latest",
                                   help="a release id, 'latest' (default) or the path of a release folder")
    actions["verify"].add_argument("--all", action="store_true", help="verify every release in the folder")
    actions["diff"].add_argument("a", help="the earlier release: id, 'latest' or folder")
    actions["diff"].add_argument("b", help="the later release: id, 'latest' or folder")
    actions["diff"].add_argument("--json", action="store_true", help="print changes.json-style JSON")
    download = actions["download"]
    download.add_argument("--base-url", required=True,
                          help="URL of the served releases folder (holding latest.json), or of the release store "
                               "(an fsspec URL such as s3://bucket/prefix)")
    download.add_argument("--release", help="release id (default: the server's latest)")
    download.add_argument("--dest", required=True, help="folder to download into; the release lands in DEST/<id>/")
    download.add_argument("--retries", type=int, default=3, help="retries per file (default 3)")
    download.add_argument("--timeout", type=float, default=30.0, help="seconds per request (default 30)")


def run(args: argparse.Namespace) -> int:
    from pipelines.lib.download import DownloadError
    from pipelines.lib.verify import ManifestError

    try:
        return _ACTIONS[args.action](args)
    except (ManifestError, FileNotFoundError, DownloadError) as exc:
        for line in getattr(exc, "problems", None) or [str(exc)]:
            print(f"error: {line}", file=sys.stderr)
        return 1


def releases_root(args: argparse.Namespace) -> Path:
    if args.releases_dir:
        return Path(args.releases_dir)
    from pipelines.lib.version import REPO_ROOT

    outputs = Path(args.outputs_dir or os.environ.get("GUARANTEES_OUTPUTS_DIR") or "outputs")
    return (outputs if outputs.is_absolute() else REPO_ROOT / outputs) / "releases"


def resolve(root: Path, name: str) -> Path:
    """A release folder from an id, 'latest', or a path to a release folder."""
    from pipelines.lib.release import LATEST

    if name == "latest":
        pointer = root / LATEST
        if not pointer.is_file():
            raise FileNotFoundError(f"{pointer}: missing; no release has been published in {root}")
        name = json.loads(pointer.read_text(encoding="utf-8"))["release_id"]
    candidate = Path(name)
    if candidate.is_dir() and (candidate / "manifest.json").is_file():
        return candidate
    folder = root / name
    if not (folder / "manifest.json").is_file():
        raise FileNotFoundError(f"no release {name!r} in {root}")
    return folder


def _manifest(folder: Path) -> dict:
    from pipelines.lib.verify import read_manifest

    return read_manifest(folder)


def _latest_id(root: Path) -> str | None:
    try:
        return json.loads((root / "latest.json").read_text(encoding="utf-8"))["release_id"]
    except (OSError, ValueError, KeyError):
        return None


def do_list(args) -> int:
    from pipelines.lib.release_index import index_entry, release_folders

    root = releases_root(args)
    entries = [index_entry(folder) for folder in release_folders(root)]
    if not entries:
        print(f"no releases in {root}")
        return 0
    latest = _latest_id(root)
    print(f"{'release':<25} {'created':<25} {'schema':<7} {'documents':>9} {'commitments':>11}")
    for e in entries:
        mark = "  latest" if e["release_id"] == latest else ""
        print(f"{e['release_id']:<25} {e['created_at'] or '':<25} {e['schema_version'] or '':<7} "
              f"{e['rows'].get('documents', 0):>9,} {e['rows'].get('commitments', 0):>11,}{mark}")
    return 0


def do_show(args) -> int:
    root = releases_root(args)
    folder = resolve(root, args.release)
    m = _manifest(folder)
    latest = " (latest)" if m["release_id"] == _latest_id(folder.parent) else ""
    print(f"release {m['release_id']}{latest}")
    print(f"  folder    {folder}")
    for key, label in (("created_at", "created"), ("schema_version", "schema"), ("code_version", "code"),
                       ("previous_release_id", "previous"), ("content_hash", "content")):
        print(f"  {label:<9} {m.get(key) or '-'}")
    print("  tables:")
    for name, info in m.get("tables", {}).items():
        print(f"    {name:<20} {info['rows']:>9,} rows")
    print("  files:")
    for name, info in sorted(m["files"].items()):
        print(f"    {name:<28} {info['bytes']:>12,} bytes  sha256 {info['sha256'][:16]}…")
    changes_path = folder / "changes.json"
    if changes_path.is_file():
        _print_changes(json.loads(changes_path.read_text(encoding="utf-8")))
    return 0


def _print_changes(changes: dict) -> None:
    previous = changes.get("previous_release_id")
    print(f"  changes since {previous}:" if previous else "  first release")
    for change in changes.get("status_changes", []) if previous else []:
        print(f"    {change['text']}")
    for name, info in changes.get("tables", {}).items():
        if info.get("comparable") is False:
            print(f"    {name}: not comparable (primary key columns changed)")
        elif info.get("added") or info.get("removed") or info.get("changed"):
            print(f"    {name}: +{info['added']:,} -{info['removed']:,} ~{info['changed']:,} "
                  f"({info['rows_before']:,} -> {info['rows_after']:,} rows)")


def do_verify(args) -> int:
    from pipelines.lib.release_index import release_folders
    from pipelines.lib.verify import verify_release

    root = releases_root(args)
    folders = release_folders(root) if args.all else [resolve(root, args.release)]
    if not folders:
        raise FileNotFoundError(f"no releases in {root}")
    failed = 0
    for folder in folders:
        problems = verify_release(folder)
        for line in problems:
            print(f"{folder.name}: {line}", file=sys.stderr)
        if problems:
            failed += 1
        else:
            print(f"ok: {folder.name}: {len(_manifest(folder)['files'])} files match manifest.json")
    if failed:
        print(f"error: {failed} release(s) failed verification", file=sys.stderr)
    return 1 if failed else 0


def do_diff(args) -> int:
    from pipelines.lib.changes import Side, compute_changes

    root = releases_root(args)
    a, b = resolve(root, args.a), resolve(root, args.b)
    changes = compute_changes(Side.of(a, _manifest(a)), Side.of(b, _manifest(b)))
    if args.json:
        print(json.dumps(changes, indent=2, sort_keys=True, ensure_ascii=False, default=str))
        return 0
    print(f"{a.name} -> {b.name}")
    statuses = changes["status_changes"]
    print("status changes:" if statuses else "no status changes")
    for change in statuses:
        print(f"  {change['text']}")
    print("rows (added, removed, changed):")
    for name, info in changes["tables"].items():
        if info.get("comparable") is False:
            print(f"  {name}: not comparable (primary key columns changed)")
            continue
        print(f"  {name:<20} +{info['added']:<7,} -{info['removed']:<7,} ~{info['changed']:<7,} "
              f"{info['rows_before']:,} -> {info['rows_after']:,}")
    return 0


def do_download(args) -> int:
    from pipelines.lib.download import download_release
    from pipelines.lib.verify import verify_release

    log = lambda message: print(message, file=sys.stderr)  # noqa: E731
    result = download_release(args.base_url, Path(args.dest), args.release, retries=args.retries,
                              timeout=args.timeout, log=log)
    problems = verify_release(result.path)  # the folder as it now stands on disk
    if problems:
        for line in problems:
            print(f"error: {result.release_id}: {line}", file=sys.stderr)
        return 1
    print(f"ok: release {result.release_id} in {result.path}: {len(result.downloaded)} file(s) downloaded "
          f"({result.bytes:,} bytes), {len(result.kept)} already present; every sha256 matches the manifest")
    return 0


_ACTIONS = {"list": do_list, "show": do_show, "verify": do_verify, "diff": do_diff, "download": do_download}
