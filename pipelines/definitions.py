"""The one place that builds the code location's `Definitions`."""
from __future__ import annotations

import warnings

import dagster as dg

from pipelines.assets import extract, ingest, release
from pipelines.resources import FrameIOManager, GuaranteesSettings

warnings.filterwarnings("ignore", category=dg.BetaWarning)
warnings.filterwarnings("ignore", category=dg.PreviewWarning)

ALL_ASSETS = dg.load_assets_from_modules([ingest, extract, release])

publish_job = dg.define_asset_job(
    "publish_job",
    selection=dg.AssetSelection.all(),
    description="Read the seeds folder, extract every table, validate, and publish a release.",
    executor_def=dg.in_process_executor,
)

defs = dg.Definitions(
    assets=ALL_ASSETS,
    jobs=[publish_job],
    resources={
        "settings": GuaranteesSettings(),
        "io_manager": FrameIOManager(),
    },
)
