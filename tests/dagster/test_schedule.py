"""The daily schedule: it requests a run, and skips when nothing changed since the last release."""
import datetime as dt
import shutil

import dagster as dg

from pipelines.automation import daily_publish_schedule
from pipelines.resources import GuaranteesSettings
from tests.dagster.test_pipeline import latest, run

MORNING = dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.timezone.utc)


def tick(instance, seeds, outputs):
    context = dg.build_schedule_context(
        instance=instance, scheduled_execution_time=MORNING,
        resources={"settings": GuaranteesSettings(seeds_dir=str(seeds), outputs_dir=str(outputs))})
    return daily_publish_schedule.evaluate_tick(context)


def test_the_schedule_runs_daily_and_is_idempotent(seeds_dir, outputs_dir):
    assert daily_publish_schedule.cron_schedule == "0 6 * * *"
    assert daily_publish_schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    with dg.instance_for_test() as instance:
        (request,) = tick(instance, seeds_dir, outputs_dir).run_requests
        assert request.run_key.startswith("daily-2026-11-30-")
        assert request.tags["guarantees/trigger"] == "daily_publish_schedule"

        result = run(seeds_dir, outputs_dir, instance)
        assert result.success
        skipped = tick(instance, seeds_dir, outputs_dir)
        assert not skipped.run_requests
        assert f"nothing changed since run {result.run_id}" in skipped.skip_message

        extra = seeds_dir / "extra.txt"
        extra.write_text("Kyiv\n\nPoland signed a security agreement with Ukraine.\n", encoding="utf-8")
        assert len(tick(instance, seeds_dir, outputs_dir).run_requests) == 1
        extra.unlink()
        assert not tick(instance, seeds_dir, outputs_dir).run_requests

        shutil.rmtree(latest(outputs_dir))  # the release is gone: publish again
        assert len(tick(instance, seeds_dir, outputs_dir).run_requests) == 1
