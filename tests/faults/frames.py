"""The tables a pipeline run hands to the release step, built from a seeds folder without Dagster.

The fault tests publish the same small release many times; building its input once, from the lib
functions the assets wrap, keeps each attempt down to what is under test: writing and publishing.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines import countries
from pipelines.lib import tables
from pipelines.lib.corpus import EXTRACTED_TABLES, extract_corpus
from pipelines.lib.seeds import read_seeds
from schemas import TABLES


def frames_from_seeds(seeds_dir: Path, *, max_aliases: int | None = None) -> dict[str, pd.DataFrame]:
    """Every table of a release for `seeds_dir`; `max_aliases` keeps the alias table small (tiny data)."""
    result = read_seeds(seeds_dir)
    rows = extract_corpus(result.documents)
    frames = {name: tables.to_frame(name, rows[name]) for name in EXTRACTED_TABLES}
    frames["rejected_documents"] = tables.to_frame("rejected_documents", result.rejected_as_rows())
    frames["countries"] = tables.to_frame("countries", countries.country_rows())
    aliases = tables.to_frame("country_aliases", countries.alias_rows())
    frames["country_aliases"] = aliases if max_aliases is None else aliases.head(max_aliases)
    return frames


def with_rejection(frames: dict[str, pd.DataFrame], source_path: str) -> dict[str, pd.DataFrame]:
    """The same tables plus one rejected file: new content, so a new release, that still passes the audit."""
    row = {"source_path": source_path, "sha256": None, "reason": "binary", "detail": "test input"}
    rejected = pd.concat([frames["rejected_documents"], tables.to_frame("rejected_documents", [row])],
                         ignore_index=True)
    return dict(frames, rejected_documents=rejected)


def save_frames(frames: dict[str, pd.DataFrame], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        pq.write_table(pa.Table.from_pandas(frames[name], preserve_index=False), folder / f"{name}.parquet")
    return folder


def load_frames(folder: Path) -> dict[str, pd.DataFrame]:
    return {name: pq.read_table(folder / f"{name}.parquet", use_threads=False).to_pandas(use_threads=False)
            for name in TABLES}
