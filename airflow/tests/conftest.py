"""pytest setup for the DAG tests: the Airflow stand-in when Airflow is absent, the repo's paths, bin/dmp."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "airflow" / "dags"
DMP = REPO / "bin" / "dmp"
REGEN = "bin/dmp jobs --format json > airflow/dags/dmp_jobs.json"

sys.path.insert(0, str(Path(__file__).parent))


def _real_airflow_installed() -> bool:
    # This repository's own airflow/ folder is importable as a namespace package from the repo root: only a
    # package with an __init__.py (an installed Airflow) counts.
    for name in [m for m in sys.modules if m == "airflow" or m.startswith("airflow.")]:
        if getattr(sys.modules[name], "STANDIN", False):
            return False
    spec = importlib.util.find_spec("airflow")
    return spec is not None and spec.origin is not None and spec.origin.endswith("__init__.py")


REAL_AIRFLOW = _real_airflow_installed()
if not REAL_AIRFLOW:
    import airflow_standin

    airflow_standin.install()


def dmp(*args: str, check: bool = True, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """Runs bin/dmp (one JVM; it builds first when the jars are older than the sources)."""
    r = subprocess.run(["nice", "-n", "10", str(DMP), *args], cwd=cwd, capture_output=True, text=True, timeout=900)
    if check and r.returncode != 0:
        raise AssertionError(f"bin/dmp {' '.join(args)} exited {r.returncode}:\n{r.stdout}\n{r.stderr}")
    return r


@pytest.fixture(scope="session")
def live_registry_text() -> str:
    """``bin/dmp jobs --format json`` now: the registry as the Java code declares it."""
    return dmp("jobs", "--format", "json").stdout


@pytest.fixture(scope="session")
def live_registry(live_registry_text) -> list[dict]:
    return json.loads(live_registry_text)


@pytest.fixture(scope="session")
def dag_module():
    spec = importlib.util.spec_from_file_location("dmp_nightly", DAGS / "dmp_nightly.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def dag(dag_module):
    return dag_module.dag


def pytest_sessionfinish(session, exitstatus):
    """No test collected (pytest's exit 5) is a failure: bin/test must never pass on an empty or renamed suite."""
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
