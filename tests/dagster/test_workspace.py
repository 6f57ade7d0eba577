"""The code location loads the way the UI and the CLI load it: through workspace.yaml."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.mark.slow
def test_dagster_definitions_validate_passes():
    dagster = Path(sys.executable).with_name("dagster")
    env = dict(os.environ)  # DAGSTER_HOME points at a temporary instance (conftest)
    result = subprocess.run([str(dagster), "definitions", "validate", "-w", "workspace.yaml"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "All code locations passed validation" in result.stdout + result.stderr
