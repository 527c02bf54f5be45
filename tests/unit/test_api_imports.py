"""The API process never imports TensorFlow: it starts fast and stays small."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit


def test_api_modules_do_not_import_tensorflow() -> None:
    probe = (
        "import sys\n"
        "import backend.http.app, backend.cli, backend.runtime, workers.reconciler, workers.tasks, workers.explanation_engine, "
        "workers.batch_prediction_jobs\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('tensorflow', 'keras')))\n"
    )

    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)

    assert result.stdout.strip() == "[]"


def test_api_modules_do_not_import_arrow() -> None:
    """Dataset files are parsed by Arrow in workers; the API process only passes digests to them."""
    probe = (
        "import sys\n"
        "import backend.http.app, backend.cli, backend.runtime, workers.reconciler, workers.dataset_engine, workers.profiling, "
        "workers.explanation_engine, workers.batch_prediction_jobs\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('pyarrow', 'pandas')))\n"
    )

    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)

    assert result.stdout.strip() == "[]"


def test_local_store_does_not_import_boto3(tmp_path: Path) -> None:
    """boto3 is loaded only when an s3:// store is opened, and validating such a location at start-up does not load it."""
    probe = (
        "import sys\n"
        "import backend.http.app, backend.cli, backend.runtime, workers.reconciler, workers.dataset_engine, workers.tasks\n"
        "from backend.settings import load_settings\n"
        "from backend.storage import open_artifact_store\n"
        f"open_artifact_store(load_settings(artifacts={str(tmp_path / 'artifacts')!r}).artifacts).check()\n"
        "load_settings(artifacts='s3://models-bucket/artifacts?part_size=16777216')\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('boto3', 'botocore', 's3transfer')))\n"
    )

    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)

    assert result.stdout.strip() == "[]"
