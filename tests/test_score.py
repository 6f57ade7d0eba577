"""The evaluation's own scorer, run against a release built from the seed (the foundation's bar)."""
import json
import subprocess
import sys

import pytest

from tests.conftest import SHARED
from tests.dagster.test_pipeline import latest, run

SCORE = SHARED / "eval" / "score.py"


@pytest.mark.skipif(not SCORE.exists(), reason="../shared/eval is not available")
def test_seed_release_meets_the_foundation_bar(seeds_dir, outputs_dir, tmp_path):
    assert run(seeds_dir, outputs_dir).success
    report = tmp_path / "scores.json"
    subprocess.run([sys.executable, str(SCORE), "--gold", str(SHARED / "eval" / "gold" / "seed"),
                    "--pred", str(latest(outputs_dir)), "--json", str(report)], check=True, capture_output=True)
    seed = json.loads(report.read_text())["summary"]["seed"]
    assert seed["documents_found"] == 1
    assert seed["countries"]["f1"] == 1.0 and seed["countries"]["tp"] == 32
    assert seed["commitments"]["f1"] >= 0.90
    assert seed["date_accuracy"]["acc"] == 1.0
    assert seed["published_accuracy"]["acc"] == 1.0
