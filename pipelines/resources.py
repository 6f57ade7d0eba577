"""Dagster resources: where the pipeline reads and writes, and its limits.

Paths come from the resource's config, else from GUARANTEES_SEEDS_DIR / GUARANTEES_OUTPUTS_DIR,
else from repo-relative defaults. The environment is read when a run starts, not when the code
location is imported, so a long-running `dagster dev` picks up what the run is given.
"""

import json
import os
from pathlib import Path
from typing import Optional

import dagster as dg
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.lib.corpus import default_workers
from pipelines.lib.documents import ReadLimits
from pipelines.lib.quality import DEFAULT_MAX_UNRESOLVED_SHARE
from pipelines.lib.release_audit import AuditLimits

REPO_ROOT = Path(__file__).resolve().parents[1]


def _resolve(configured: Optional[str], env_var: str, default: str) -> Path:
    value = configured or os.environ.get(env_var) or default
    path = Path(value)
    return path if path.is_absolute() else (REPO_ROOT / path)


class GuaranteesSettings(dg.ConfigurableResource):
    """Folders and limits of the pipeline."""

    seeds_dir: Optional[str] = None
    outputs_dir: Optional[str] = None
    max_document_bytes: int = ReadLimits.max_bytes
    max_line_chars: int = ReadLimits.max_line_chars
    # Highest share of unresolved country-like names a release may have (GUARANTEES_MAX_UNRESOLVED_SHARE).
    max_unresolved_share: Optional[float] = None
    # Release audit limits (pipelines/lib/release_audit.py): "table=N,..." and "share,table=share,...".
    min_rows: Optional[str] = None
    max_shrink: Optional[str] = None
    # Worker processes for extraction (GUARANTEES_EXTRACT_WORKERS); default: the CPUs this process may use.
    extract_workers: Optional[int] = None

    @property
    def seeds_path(self) -> Path:
        return _resolve(self.seeds_dir, "GUARANTEES_SEEDS_DIR", "seeds")

    @property
    def outputs_path(self) -> Path:
        return _resolve(self.outputs_dir, "GUARANTEES_OUTPUTS_DIR", "outputs")

    @property
    def cache_path(self) -> Path:
        """What a run keeps for the next ones (the extraction cache, the seeds folder as last read)."""
        return self.outputs_path / "cache"

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
        """Row floors and allowed shrink per table; GUARANTEES_MIN_ROWS / GUARANTEES_MAX_SHRINK when unset."""
        return AuditLimits.parse(self.min_rows if self.min_rows is not None else os.environ.get("GUARANTEES_MIN_ROWS"),
                                 self.max_shrink if self.max_shrink is not None else os.environ.get("GUARANTEES_MAX_SHRINK"))


class FrameIOManager(dg.ConfigurableIOManager):
    """Keeps each asset's frame as Parquet under <outputs>/intermediate/, readable by anyone."""

    outputs_dir: Optional[str] = None

    def _path(self, key: dg.AssetKey, suffix: str) -> Path:
        base = _resolve(self.outputs_dir, "GUARANTEES_OUTPUTS_DIR", "outputs") / "intermediate"
        return base / ("__".join(key.path) + suffix)

    def handle_output(self, context: dg.OutputContext, obj: pd.DataFrame | dict) -> None:
        if obj is None:
            return
        if isinstance(obj, pd.DataFrame):
            path = self._path(context.asset_key, ".parquet")
            self._path(context.asset_key, ".json").unlink(missing_ok=True)
            write = lambda tmp: pq.write_table(pa.Table.from_pandas(obj, preserve_index=False), tmp)  # noqa: E731
        else:
            path = self._path(context.asset_key, ".json")
            self._path(context.asset_key, ".parquet").unlink(missing_ok=True)
            write = lambda tmp: tmp.write_text(json.dumps(obj, indent=2, sort_keys=True, default=str))  # noqa: E731
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        write(tmp)
        os.replace(tmp, path)

    def load_input(self, context: dg.InputContext) -> pd.DataFrame | dict:
        json_path = self._path(context.asset_key, ".json")
        if json_path.exists():
            return json.loads(json_path.read_text())
        return pq.read_table(self._path(context.asset_key, ".parquet")).to_pandas()
