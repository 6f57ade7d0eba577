"""The one place that builds the code location's `Definitions`."""
from __future__ import annotations

import warnings

import dagster as dg

from pipelines.assets import batches, extract, ingest, release
from pipelines.assets.batches import extraction_batches_job
from pipelines.automation import batches_sensor, daily_publish_schedule, ingest_job, publish_job, seeds_sensor
from pipelines.lib.memory import freeze_imported
from pipelines.resources import FrameIOManager, GuaranteesSettings

warnings.filterwarnings("ignore", category=dg.BetaWarning)
warnings.filterwarnings("ignore", category=dg.PreviewWarning)

ALL_ASSETS = dg.load_assets_from_modules([ingest, extract, batches, release])

defs = dg.Definitions(
    assets=ALL_ASSETS,
    jobs=[publish_job, ingest_job, extraction_batches_job],
    schedules=[daily_publish_schedule],
    sensors=[seeds_sensor, batches_sensor],
    resources={
        "settings": GuaranteesSettings(),
        "io_manager": FrameIOManager(),
    },
)

# Last: everything imported above lives as long as the process; the cyclic collector skips it from now on.
freeze_imported()
