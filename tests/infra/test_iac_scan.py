"""Static security scan of infra/terraform and the Dockerfile with checkov, and a lint of the Dockerfile with hadolint.

Both tools live in their own virtual environment (`make` installs infra/requirements-iac.txt into
.venv-iac), because checkov pins many packages that would clash with the app's. Outside `make test`
and CI a missing tool skips these tests.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

REPOSITORY = Path(__file__).resolve().parents[2]
# A relative MODELCLOUD_IAC_VENV, as the Makefile passes it, is relative to the repository root.
IAC_BIN = REPOSITORY / os.environ.get("MODELCLOUD_IAC_VENV", ".venv-iac") / "bin"
SCAN_TIMEOUT_SECONDS = 300


def _tool(name: str) -> Path:
    path = IAC_BIN / name
    if not path.exists():
        message = f"{path} is missing; `make iac-tools` installs it from infra/requirements-iac.txt"
        if os.environ.get("CI") or "MODELCLOUD_IAC_VENV" in os.environ:
            pytest.fail(message)
        pytest.skip(message)
    return path


def _checkov(*targets: str, cwd: Path = REPOSITORY) -> list[dict]:
    """Run checkov with the repository's .checkov.yaml on the targets and return its reports, one per framework."""
    result = subprocess.run(
        [str(_tool("checkov")), "--config-file", str(REPOSITORY / ".checkov.yaml"), *targets, "--output", "json"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=SCAN_TIMEOUT_SECONDS,
        # Without an API key, checkov sends nothing to Prisma Cloud, even where a developer has one set.
        env={**os.environ, "BC_API_KEY": ""},
    )
    assert result.stdout.strip(), f"checkov printed no report (exit {result.returncode}):\n{result.stderr[-3000:]}"
    reports = json.loads(result.stdout)
    return reports if isinstance(reports, list) else [reports]


def _failures(report: dict) -> list[str]:
    return [
        f"{check['check_id']} {check['check_name']}: {check['resource']} in {check['file_path']}:{check['file_line_range']}"
        for check in report["results"]["failed_checks"]
    ]


def _print_summary(report: dict) -> None:
    summary = report["summary"]
    print(
        f"checkov {report['check_type']}: {summary['passed']} passed, {summary['failed']} failed, "
        f"{summary['skipped']} skipped, {summary['parsing_errors']} parsing errors"
    )
    for check in report["results"]["skipped_checks"]:
        reason = (check.get("check_result") or {}).get("suppress_comment", "")
        print(f"  skipped {check['check_id']} on {check['resource']}: {reason}")


@pytest.fixture(scope="module")
def terraform_report() -> dict:
    reports = _checkov("--directory", "infra/terraform")
    terraform = [report for report in reports if report["check_type"] == "terraform"]
    assert len(terraform) == 1, f"expected one terraform report, got {[report['check_type'] for report in reports]}"
    _print_summary(terraform[0])
    return terraform[0]


def test_checkov_terraform_has_no_failures(terraform_report: dict):
    summary = terraform_report["summary"]

    assert summary["parsing_errors"] == 0
    assert summary["resource_count"] > 0
    assert _failures(terraform_report) == []


def test_checkov_skips_give_reasons(terraform_report: dict):
    report = terraform_report

    without_reason = [
        f"{check['check_id']} on {check['resource']}"
        for check in report["results"]["skipped_checks"]
        if len((check.get("check_result") or {}).get("suppress_comment", "").strip()) < 20
    ]
    assert without_reason == []


def test_checkov_dockerfile_has_no_failures():
    reports = _checkov("--file", "Dockerfile")
    dockerfile = [report for report in reports if report["check_type"] == "dockerfile"]

    assert len(dockerfile) == 1, f"expected one dockerfile report, got {[report['check_type'] for report in reports]}"
    report = dockerfile[0]
    _print_summary(report)
    assert report["summary"]["resource_count"] > 0
    assert _failures(report) == []


def test_hadolint_passes_dockerfile():
    result = subprocess.run(
        [str(_tool("hadolint")), "--no-color", "Dockerfile"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, f"hadolint found problems:\n{result.stdout}{result.stderr}"


def test_checkov_reports_insecure_bucket(tmp_path: Path):
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "open" {\n  bucket = "example-open-bucket"\n}\n')

    report = _checkov("--directory", str(tmp_path), cwd=tmp_path)[0]

    assert report["summary"]["failed"] > 0
    assert any("aws_s3_bucket.open" in failure for failure in _failures(report))
