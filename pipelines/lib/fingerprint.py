"""Fingerprints of the code and data that produce a result, for caches and "did anything change?".

A git commit is not precise enough: an edit to the README would invalidate every cached extraction,
and an uncommitted edit would invalidate nothing. Instead a fingerprint hashes the source of a
module and of every project module it imports (found by reading `import` statements, so nothing is
executed), the data files shipped next to those modules (`data/` folders), and the installed
versions of the third-party distributions they import. Editing any of them changes the fingerprint;
editing anything else does not.
"""
from __future__ import annotations

import hashlib
import re
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = ("pipelines", "schemas")


def module_file(module: str, root: Path = REPO_ROOT) -> Path | None:
    """The source file of a project module (`a.b` -> a/b.py or a/b/__init__.py), if it exists."""
    base = root.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


# `import a.b as c, d` or `from .a import (b, c)`, anywhere in the file (imports inside functions
# count). A line in a docstring that looks like an import only makes the fingerprint wider.
_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]+)"
                     r"|import[ \t]+([^\n#;]+))", re.M)


def _names(clause: str) -> list[str]:
    return [part.split(" as ")[0].strip() for part in clause.strip("() \n").replace("\n", " ").split(",")
            if part.strip() and part.strip() != "*"]


def _imported_names(path: Path, root: Path) -> set[str]:
    """Every module name an `import` or `from ... import` statement in the file may refer to."""
    package = _module_name(path, root)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    names: set[str] = set()
    for dots, module, imported, plain in _IMPORT.findall(path.read_text(encoding="utf-8")):
        if plain:
            names.update(_names(plain))
            continue
        if dots:
            anchor = package.split(".")
            anchor = anchor[:len(anchor) - len(dots) + 1]
            base = ".".join(anchor + ([module] if module else []))
        else:
            base = module
        names.add(base)
        # `from pkg import sub` may name a submodule.
        names.update(f"{base}.{name}" for name in _names(imported))
    return {n for n in names if n}


def import_closure(module: str, root: Path = REPO_ROOT) -> tuple[list[Path], set[str]]:
    """Project source files reachable from `module` by imports, and the third-party top-level names."""
    start = module_file(module, root)
    if start is None:
        raise ModuleNotFoundError(f"no source file for {module} under {root}")
    seen: set[Path] = set()
    third_party: set[str] = set()
    todo = [start]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in _imported_names(path, root):
            top = name.split(".")[0]
            if top in PROJECT_PACKAGES:
                # Importing a.b.c runs a/__init__ and a/b/__init__ too.
                parts = name.split(".")
                for i in range(1, len(parts) + 1):
                    found = module_file(".".join(parts[:i]), root)
                    if found is not None and found not in seen:
                        todo.append(found)
            elif top not in sys.stdlib_module_names and top != "__future__":
                third_party.add(top)
    return sorted(seen), third_party


def _data_files(sources: list[Path]) -> list[Path]:
    folders = {p.parent / "data" for p in sources}
    return sorted(f for d in folders if d.is_dir() for f in d.rglob("*") if f.is_file())


def _distribution_versions(top_level_names: set[str]) -> list[str]:
    """`name==version` per imported distribution; most import names are their distribution's name,
    and only the others need the slow scan of every installed distribution."""
    out, unknown = [], []
    for name in sorted(top_level_names):
        try:
            out.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            unknown.append(name)
    if unknown:
        mapping = _import_names_to_distributions()
        for name in unknown:
            for dist in mapping.get(name, []):
                out.append(f"{dist}=={metadata.version(dist)}")
            if not mapping.get(name):
                out.append(f"{name}==?")
    return sorted(out)


@lru_cache(maxsize=1)
def _import_names_to_distributions() -> dict[str, list[str]]:
    """`metadata.packages_distributions()`, read once a process: it opens every installed
    distribution's file list (0.2 s here), and a run fingerprints four module sets."""
    return metadata.packages_distributions()


def fingerprint(modules: tuple[str, ...], root: Path = REPO_ROOT) -> str:
    """sha256 over the sources, data files and third-party versions behind `modules`."""
    sources: set[Path] = set()
    third_party: set[str] = set()
    for module in modules:
        files, names = import_closure(module, root)
        sources.update(files)
        third_party |= names
    files = sorted(sources) + _data_files(sorted(sources))
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for line in _distribution_versions(third_party):
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """Changes whenever anything that `extract_document` depends on changes."""
    return fingerprint(("pipelines.lib.extract",))[:16]


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    """Changes whenever any asset's code or data changes (the whole code location)."""
    return fingerprint(("pipelines.definitions",))[:16]


@lru_cache(maxsize=1)
def validator_version() -> str:
    """Changes whenever the pandera models, their checks or pandera itself change: what a
    validation verdict (`pipelines/lib/verdicts.py`) vouches for."""
    return fingerprint(("pipelines.lib.tables",))[:16]


@lru_cache(maxsize=1)
def links_version() -> str:
    """Changes whenever the per-document checks between tables (`audit.document_links`) change:
    what a links token (`verdicts.links_token`) vouches for."""
    return fingerprint(("pipelines.lib.audit",))[:16]


def checks_version() -> str:
    """What a cache segment's verdict names (`doc_cache`): its rows passed the pandera models and
    the per-document links between tables, both as the code stands."""
    return f"{validator_version()}+{links_version()}"
