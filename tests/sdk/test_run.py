"""`init` and `Run` as a training script uses them, against the fake server."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import modelcloud
from modelcloud.backoff import Backoff
from tests.sdk.fake_server import FakeServer

pytestmark = pytest.mark.unit


def start(fake: FakeServer, buffer_root: Path, **options: object) -> modelcloud.Run:
    return modelcloud.init(
        team="vision", name="mlp", url=fake.url, token="mc_test_token", buffer_dir=buffer_root,
        backoff=Backoff(0.01, 0.05), **options,  # type: ignore[arg-type]
    )


def run_script(source: str, fake: FakeServer, buffer_root: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    script = cwd / "train.py"
    script.write_text(textwrap.dedent(source))
    environment = {
        **os.environ, "MODELCLOUD_URL": fake.url, "MODELCLOUD_TOKEN": "mc_test_token", "MODELCLOUD_BUFFER_DIR": str(buffer_root),
    }
    return subprocess.run([sys.executable, str(script)], cwd=cwd, env=environment, capture_output=True, text=True, timeout=60)


def only_run(fake: FakeServer) -> dict[str, object]:
    [run] = fake.state.runs.values()
    return run


def test_init_resolves_team_name(fake: FakeServer, buffer_root: Path) -> None:
    run = start(fake, buffer_root, params={"lr": 0.01}, tags={"sweep": "3"}, dataset_version="dv-1")

    sent = only_run(fake)["input"]
    assert sent["teamId"] == fake.state.teams["vision"]
    assert sent["params"] == {"lr": 0.01}
    assert sent["tags"] == [{"key": "sweep", "value": "3"}]
    assert sent["datasetVersionId"] == "dv-1"
    assert run.team_id == fake.state.teams["vision"]
    assert run.finish()


def test_unknown_team_lists_readable_ones(fake: FakeServer, buffer_root: Path) -> None:
    with pytest.raises(modelcloud.ApiError) as raised:
        modelcloud.init(team="nlp", name="mlp", url=fake.url, token="mc_test_token", buffer_dir=buffer_root)

    assert raised.value.code == "NOT_FOUND"
    assert "'nlp'" in str(raised.value)
    assert "vision" in str(raised.value)


def test_missing_url_or_token_raises(buffer_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MODELCLOUD_URL", raising=False)
    monkeypatch.delenv("MODELCLOUD_TOKEN", raising=False)

    with pytest.raises(ValueError, match="MODELCLOUD_URL"):
        modelcloud.init(team="vision", name="mlp", token="t")
    with pytest.raises(ValueError, match="MODELCLOUD_TOKEN"):
        modelcloud.init(team="vision", name="mlp", url="http://127.0.0.1:9")


def test_create_run_is_not_resent_after_timeout(fake: FakeServer, buffer_root: Path) -> None:
    fake.fail("createRun", 1, status=200, delay=1.0)

    with pytest.raises(modelcloud.ServerUnavailable):
        start(fake, buffer_root, request_timeout=0.3)
    assert fake.state.requests.count("createRun") == 1


def test_steps_count_up_from_last(fake: FakeServer, buffer_root: Path) -> None:
    run = start(fake, buffer_root)
    run.log({"loss": 0.9})
    run.log({"loss": 0.8})
    run.log({"loss": 0.5}, step=10)
    run.log({"loss": 0.4})
    run.log({"acc": 0.7}, step=3)

    assert run.finish()
    assert sorted((point["name"], point["step"]) for point in fake.points(run.id)) == [
        ("acc", 3), ("loss", 0), ("loss", 1), ("loss", 10), ("loss", 11),
    ]


def test_log_after_finish_raises(fake: FakeServer, buffer_root: Path) -> None:
    run = start(fake, buffer_root)
    run.finish()

    with pytest.raises(RuntimeError, match="finished"):
        run.log({"loss": 0.1})
    assert run.finish() is True


def test_with_block_records_exception(fake: FakeServer, buffer_root: Path) -> None:
    with pytest.raises(ValueError), start(fake, buffer_root) as run:
        run.log({"loss": float("nan")})
        raise ValueError("loss diverged")

    assert only_run(fake)["status"] == "FAILED"
    assert only_run(fake)["reason"] == "ValueError: loss diverged"
    assert fake.points(run.id)[0]["nonFinite"] == "NAN"


def test_interrupt_cancels_run(fake: FakeServer, buffer_root: Path) -> None:
    with pytest.raises(KeyboardInterrupt), start(fake, buffer_root):
        raise KeyboardInterrupt

    assert only_run(fake)["status"] == "CANCELLED"


def test_finish_timeout_keeps_records(
    fake: FakeServer, buffer_root: Path, client_logs: pytest.LogCaptureFixture
) -> None:
    run = start(fake, buffer_root, flush_timeout=0.5)
    fake.fail(None, 10_000, status=503)
    run.log({"loss": 0.3})

    assert not run.finish()
    assert sorted(path.name.split("-")[1] for path in run.buffer_dir.glob("0*.json")) == ["finish.json", "metrics.json"]
    assert "modelcloud sync" in client_logs.text


def test_histogram_and_params_are_sent(fake: FakeServer, buffer_root: Path) -> None:
    run = start(fake, buffer_root)
    run.log({"loss": 0.3}, step=40)
    run.log_params({"optimizer": "adam"})
    run.log_histogram("dense", [0.5, 1.5], tensor="dense/kernel", kind="gradients", epoch=2)

    assert run.finish()
    [sent] = fake.state.histograms.values()
    assert (sent["step"], sent["epoch"]) == (40, 2)
    assert sent["histograms"][0]["kind"] == "GRADIENTS"
    assert only_run(fake)["params"] == {"optimizer": "adam"}


def test_exit_without_finish_sends_everything(fake: FakeServer, buffer_root: Path, tmp_path: Path) -> None:
    finished = run_script(
        """
        import modelcloud
        run = modelcloud.init(team="vision", name="mlp")
        for step in range(5000):
            run.log({"loss": 1 / (step + 1)})
        """,
        fake, buffer_root, tmp_path,
    )

    assert finished.returncode == 0, finished.stderr
    assert sorted(point["step"] for point in fake.points(only_run(fake)["id"])) == list(range(5000))
    assert only_run(fake)["status"] == "SUCCEEDED"
    assert list(buffer_root.iterdir()) == []


def test_uncaught_exception_fails_run(fake: FakeServer, buffer_root: Path, tmp_path: Path) -> None:
    crashed = run_script(
        """
        import modelcloud
        run = modelcloud.init(team="vision", name="mlp")
        run.log({"loss": 0.5})
        raise RuntimeError("out of memory")
        """,
        fake, buffer_root, tmp_path,
    )

    assert crashed.returncode == 1
    assert "RuntimeError: out of memory" in crashed.stderr
    assert only_run(fake)["status"] == "FAILED"
    assert only_run(fake)["reason"] == "uncaught RuntimeError: out of memory"


def test_git_commit_of_script_is_recorded(fake: FakeServer, buffer_root: Path, tmp_path: Path) -> None:
    checkout = tmp_path / "project"
    checkout.mkdir()
    git = ["git", "-C", str(checkout), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    (checkout / "README").write_text("data")
    subprocess.run([*git, "add", "README"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "first"], check=True)
    head = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()

    finished = run_script("import modelcloud\nmodelcloud.init(team='vision', name='mlp').finish()\n", fake, buffer_root, checkout)

    assert finished.returncode == 0, finished.stderr
    assert only_run(fake)["input"]["gitCommit"] == head
    assert only_run(fake)["input"]["gitDirty"] is True  # train.py itself is untracked


def test_import_loads_no_numpy_or_keras() -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, modelcloud; print(sorted({'numpy', 'keras', 'tensorflow'} & set(sys.modules)))"],
        capture_output=True, text=True, timeout=60, check=True,
    )

    assert loaded.stdout.strip() == "[]"


def test_histogram_step_beyond_int_raises(fake: FakeServer, buffer_root: Path) -> None:
    run = start(fake, buffer_root)

    with pytest.raises(ValueError, match="2\\*\\*31"):
        run.log_histogram("dense", [1.0], step=2**31)
    run.finish()
