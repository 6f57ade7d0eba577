"""Dagster resources: where the pipeline reads and writes, and its limits.

Paths come from the resource's config, else from GUARANTEES_SEEDS_DIR / GUARANTEES_OUTPUTS_DIR /
GUARANTEES_CACHE_DIR / GUARANTEES_INTERMEDIATE_DIR, else from repo-relative defaults. The
environment is read when a run starts, not when the code location is imported, so a long-running
`dagster dev` picks up what the run is given.

The seeds folder, the extraction cache and the intermediate frames may be fsspec URLs (s3://,
gs://, memory:// ...; `pipelines/lib/storage.py`): a remote seeds folder is mirrored into
<outputs>/mirror/seeds before it is read. Releases are built and published in the local outputs
folder, where renames and file locks make a publish atomic, and pushed to a release store at an
fsspec URL when GUARANTEES_RELEASE_STORE names one (`pipelines/lib/release_store.py`).
"""

import json
import os
from pathlib import Path
from typing import Callable, Collection, Optional

import dagster as dg
import pandas as pd
import pyarrow as pa

from pipelines.lib import release, storage, tables, verdicts
from pipelines.lib.corpus import default_workers
from pipelines.lib.documents import ReadLimits
from pipelines.lib.quality import DEFAULT_MAX_UNRESOLVED_SHARE
from pipelines.lib.release import PUBLISH_LOCK_TIMEOUT_S
from pipelines.lib.release_audit import AuditLimits
from pipelines.lib.release_store import Store
from pipelines.lib.storage import Location
from schemas import TABLES

REPO_ROOT = Path(__file__).resolve().parents[1]


def _resolve_location(configured: Optional[str], env_var: str, default: str | Path) -> Location:
    """A configured path or URL; a relative local path is relative to the repository."""
    value = configured or os.environ.get(env_var) or default
    where = storage.location(value)
    return where if not storage.is_local(where) or where.is_absolute() else (REPO_ROOT / where)


def _resolve(configured: Optional[str], env_var: str, default: str) -> Path:
    where = _resolve_location(configured, env_var, default)
    if not storage.is_local(where):
        raise ValueError(f"{env_var} must be a local folder (releases are published there with renames; "
                         f"GUARANTEES_RELEASE_STORE takes a URL to push them to), not {configured or os.environ.get(env_var)}")
    return where


class GuaranteesSettings(dg.ConfigurableResource):
    """Folders and limits of the pipeline."""

    seeds_dir: Optional[str] = None  # a local path or an fsspec URL
    outputs_dir: Optional[str] = None  # local: releases, reports, the mirror of remote seeds
    cache_dir: Optional[str] = None  # a local path or an fsspec URL; default <outputs>/cache
    max_document_bytes: int = ReadLimits.max_bytes
    max_line_chars: int = ReadLimits.max_line_chars
    # Highest share of unresolved country-like names a release may have (GUARANTEES_MAX_UNRESOLVED_SHARE).
    max_unresolved_share: Optional[float] = None
    # Release audit limits (pipelines/lib/release_audit.py): "table=N,..." and "share,table=share,...".
    min_rows: Optional[str] = None
    max_shrink: Optional[str] = None
    # Highest share of seed files that may be rejected, 0..1 (GUARANTEES_MAX_REJECTED_SHARE; default 0.5).
    max_rejected_share: Optional[float] = None
    # Seconds a run waits for another run's publish to finish before giving up (GUARANTEES_PUBLISH_LOCK_TIMEOUT).
    publish_lock_timeout: Optional[float] = None
    # Worker processes for extraction (GUARANTEES_EXTRACT_WORKERS); default: the CPUs this process may use.
    extract_workers: Optional[int] = None
    # Where releases are pushed after they are published locally, and pulled from before a build:
    # an fsspec URL or a folder (GUARANTEES_RELEASE_STORE; pipelines/lib/release_store.py). None: no store.
    release_store: Optional[str] = None

    @property
    def seeds_location(self) -> Location:
        return _resolve_location(self.seeds_dir, "GUARANTEES_SEEDS_DIR", "seeds")

    @property
    def seeds_path(self) -> Path:
        """The local folder the readers read: the seeds folder, or its mirror when it is remote."""
        where = self.seeds_location
        return where if storage.is_local(where) else self.outputs_path / "mirror" / "seeds"

    def sync_seeds(self, only: Collection[str] | None = None) -> Path:
        """`seeds_path`, after bringing the mirror of a remote seeds folder up to date (`only` those
        files, paths relative to the folder, when given: `storage.mirror`)."""
        where = self.seeds_location
        if storage.is_local(where):
            return where
        if not where.is_dir():  # no remote folder: no mirror either, as readers expect
            storage.remove_tree(self.seeds_path)
            return self.seeds_path
        return storage.mirror(where, self.seeds_path, only)

    @property
    def outputs_path(self) -> Path:
        return _resolve(self.outputs_dir, "GUARANTEES_OUTPUTS_DIR", "outputs")

    @property
    def cache_path(self) -> Location:
        """What a run keeps for the next ones: the extraction cache (a local path or an fsspec URL)."""
        return _resolve_location(self.cache_dir, "GUARANTEES_CACHE_DIR", self.outputs_path / "cache")

    @property
    def state_path(self) -> Path:
        """Local state of the run and its triggers (the seeds folder as the last run read it)."""
        return self.outputs_path / "cache"

    @property
    def releases_path(self) -> Path:
        """The local releases folder, where a release is built and published."""
        return release.releases_dir(self.outputs_path)

    @property
    def store(self) -> Optional[Store]:
        """The release store, when one is configured."""
        value = self.release_store or os.environ.get("GUARANTEES_RELEASE_STORE")
        if not value:
            return None
        return Store.at(str(_resolve_location(value, "GUARANTEES_RELEASE_STORE", value)))

    @property
    def unresolved_threshold(self) -> float:
        if self.max_unresolved_share is not None:
            return self.max_unresolved_share
        return float(os.environ.get("GUARANTEES_MAX_UNRESOLVED_SHARE") or DEFAULT_MAX_UNRESOLVED_SHARE)

    @property
    def workers(self) -> int:
        configured = self.extract_workers or int(os.environ.get("GUARANTEES_EXTRACT_WORKERS") or 0)
        return configured if configured > 0 else default_workers()

    @property
    def read_limits(self) -> ReadLimits:
        return ReadLimits(self.max_document_bytes, self.max_line_chars)

    @property
    def audit_limits(self) -> AuditLimits:
        """Row floors, allowed shrink per table and the rejected share; GUARANTEES_MIN_ROWS /
        GUARANTEES_MAX_SHRINK / GUARANTEES_MAX_REJECTED_SHARE when unset."""
        rejected = (str(self.max_rejected_share) if self.max_rejected_share is not None
                    else os.environ.get("GUARANTEES_MAX_REJECTED_SHARE"))
        return AuditLimits.parse(self.min_rows if self.min_rows is not None else os.environ.get("GUARANTEES_MIN_ROWS"),
                                 self.max_shrink if self.max_shrink is not None else os.environ.get("GUARANTEES_MAX_SHRINK"),
                                 rejected)

    @property
    def lock_timeout_s(self) -> float:
        """How long to wait for the publish lock; ValueError naming the setting when it is not a number >= 0."""
        if self.publish_lock_timeout is not None:
            value = self.publish_lock_timeout
        else:
            text = os.environ.get("GUARANTEES_PUBLISH_LOCK_TIMEOUT")
            try:
                value = float(text) if text else PUBLISH_LOCK_TIMEOUT_S
            except ValueError:
                raise ValueError(f"GUARANTEES_PUBLISH_LOCK_TIMEOUT={text!r} is not a number of seconds") from None
        if value < 0:
            raise ValueError(f"GUARANTEES_PUBLISH_LOCK_TIMEOUT={value} is negative")
        return value


# Parquet row groups of intermediate frames: readers can stream a large table group by group.
ROW_GROUP_ROWS = 100_000


def _as_stored(arrow_type: pa.DataType):
    """Arrow-backed text columns ("string[pyarrow]", written as large_string) come back as they were
    stored; `to_pandas` alone would turn them into Python-backed strings."""
    return pd.StringDtype("pyarrow") if pa.types.is_large_string(arrow_type) else None


class FrameIOManager(dg.ConfigurableIOManager):
    """Keeps each asset's frame as Parquet under <outputs>/intermediate/ (or `intermediate_dir`,
    a local path or an fsspec URL), readable by anyone."""

    outputs_dir: Optional[str] = None
    intermediate_dir: Optional[str] = None

    def _base(self) -> Location:
        default = _resolve(self.outputs_dir, "GUARANTEES_OUTPUTS_DIR", "outputs") / "intermediate"
        return _resolve_location(self.intermediate_dir, "GUARANTEES_INTERMEDIATE_DIR", default)

    def _path(self, key: dg.AssetKey, suffix: str) -> Location:
        return self._base() / ("__".join(key.path) + suffix)

    def handle_output(self, context: dg.OutputContext, obj: pd.DataFrame | pa.Table | dict) -> None:
        """A frame whose output metadata names the validator that passed it (`checks.checked_table`)
        is stored with a verdict for its bytes, which spares the release audit validating it again;
        a content hash in the metadata, for a table stored in the release's form, goes into the
        verdict too, and spares the audit hashing the file; so does a links token (the audit's
        per-document links, checked by the extraction step)."""
        if obj is None:
            return
        key = context.asset_key
        parquet, as_json, verdict = (self._path(key, suffix) for suffix in (".parquet", ".json", verdicts.SUFFIX))
        parquet.parent.mkdir(parents=True, exist_ok=True)
        verdict.unlink(missing_ok=True)  # before the file it vouches for changes
        if isinstance(obj, (pd.DataFrame, pa.Table)):
            metadata = context.output_metadata or {}
            name, validator = key.path[-1], _text(metadata.get(verdicts.METADATA_KEY))
            sha256, form = _store(parquet, name, obj, published=bool(validator) and name in TABLES)
            as_json.unlink(missing_ok=True)
            if validator:
                verdicts.record(verdict, name, validator, sha256, form,
                                content_hash=_text(metadata.get(verdicts.CONTENT_HASH_KEY)) if form else None,
                                links=_text(metadata.get(verdicts.LINKS_KEY)) if form else None)
        else:
            text = json.dumps(obj, indent=2, sort_keys=True, default=str)
            storage.write_replacing(as_json, lambda target: target.write_text(text))
            parquet.unlink(missing_ok=True)

    def load_input(self, context: dg.InputContext) -> pd.DataFrame | dict | Callable[[], pd.DataFrame]:
        """The stored frame or dict; for an input declared with metadata {"deferred": True}, a
        function that reads the frame when called (the consumer decides when to hold it); with
        {"columns": [...]}, the frame of those columns only (the others are not read at all)."""
        json_path = self._path(context.asset_key, ".json")
        if json_path.exists():
            return json.loads(json_path.read_text())
        parquet = self._path(context.asset_key, ".parquet")
        metadata = context.definition_metadata or {}
        if metadata.get("deferred"):
            if not parquet.exists():  # fail while loading inputs, as an eager read would
                raise FileNotFoundError(f"no stored frame for {context.asset_key.to_user_string()} at {parquet}")
            return verdicts.StoredTable(parquet, self._path(context.asset_key, verdicts.SUFFIX), _to_frame)
        columns = metadata.get("columns")
        return _read_frame(parquet, None if columns is None else list(columns))

    def stored_frame(self, asset: str, columns: list[str]) -> pd.DataFrame | None:
        """Some columns of an asset's stored frame, read outside a run (by a sensor); None when no
        run has stored it yet."""
        parquet = self._path(dg.AssetKey(asset), ".parquet")
        return _read_frame(parquet, columns) if parquet.exists() else None


def _store(parquet: Location, name: str, frame: pd.DataFrame | pa.Table, published: bool) -> tuple[str, str | None]:
    """Write a frame (or an Arrow table of the table's columns) as Parquet; the sha256 of the file
    and the form it was written in.

    A validated published table is stored as the release writes its file (rows in primary-key
    order, the published schema, the release's Parquet settings: `release.write_table_rows`), so
    that the release audit can publish these very bytes, which their verdict vouches for, instead
    of decoding, sorting, re-encoding and writing the table again (1.7 s of the audit of a run that
    adds one document to 10,000). Other frames keep pandas' own form."""
    if not published:
        arrow = frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)
        return storage.write_parquet(arrow, parquet, row_group_size=ROW_GROUP_ROWS), None
    arrow = tables.published_arrow(name, frame) if isinstance(frame, pa.Table) else tables.unsorted_arrow(name, frame)
    order = tables.key_order(name, arrow) if arrow.num_rows else None
    return (storage.write_hashed(parquet, lambda sink: release.write_table_rows(arrow, name, sink, order)),
            release.table_file_form())


def _read_frame(parquet: Location, columns: list[str] | None) -> pd.DataFrame:
    return _to_frame(storage.read_parquet(parquet, columns=columns))


def _to_frame(arrow: pa.Table) -> pd.DataFrame:
    """A stored frame: a table stored in the release's form comes back with its text in Arrow, as
    the models declare it (`tables.from_arrow`); any other as pandas stored it."""
    if release.is_table_file(arrow.schema):
        return tables.from_arrow(arrow)
    return arrow.to_pandas(types_mapper=_as_stored)


def _text(value) -> str | None:
    """A metadata entry's text, whether Dagster hands it back raw or as a MetadataValue."""
    value = getattr(value, "value", value)
    return value if isinstance(value, str) else None

