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


def test_automatic_step_beyond_max_raises(fake: FakeServer, buffer_root: Path) -> None:
    run = start(fake, buffer_root)
    run.log({"big": 1.0}, step=2**53)

    with pytest.raises(ValueError) as raised:
        run.log({"loss": 0.5})
    run.log({"loss": 0.4}, step=5)

    assert "'loss'" in str(raised.value)
    assert str(2**53 + 1) in str(raised.value)
    assert run.finish()
    assert sorted((point["name"], point["step"]) for point in fake.points(run.id)) == [("big", 2**53), ("loss", 5)]


def test_explicit_step_error_names_metric(fake: FakeServer, buffer_root: Path) -> None:
    run = start(fake, buffer_root)

    with pytest.raises(ValueError) as raised:
        run.log({"val_loss": 0.5}, step=2**53 + 1)

    assert "'val_loss'" in str(raised.value)
    assert run.finish()
    assert fake.points(run.id) == []


def test_reason_without_nul_or_surrogates(fake: FakeServer, buffer_root: Path) -> None:
    undecodable = b"caf\xe9.csv".decode("utf-8", "surrogateescape")
    with pytest.raises(ValueError), start(fake, buffer_root):
        raise ValueError(f"bad\x00byte in {undecodable}")

    assert only_run(fake)["status"] == "FAILED"
    assert only_run(fake)["reason"] == "ValueError: bad\ufffdbyte in caf\ufffd.csv"


def test_name_params_tags_are_cleaned(fake: FakeServer, buffer_root: Path) -> None:
    run = modelcloud.init(
        team="vision", name="mlp\x00", url=fake.url, token="mc_test_token", buffer_dir=buffer_root,
        params={"path": "caf\udce9.csv", "nested": {"k\x00": ["\ud800", "\U0001f600"]}}, tags={"t\x00": "v\udce9"},
    )
    run.log_params({"later\x00": "x\udce9"})
    assert run.finish()

    sent = only_run(fake)["input"]
    assert sent["name"] == "mlp\ufffd"
    assert sent["params"] == {"path": "caf\ufffd.csv", "nested": {"k\ufffd": ["\ufffd", "\U0001f600"]}}
    assert sent["tags"] == [{"key": "t\ufffd", "value": "v\ufffd"}]
    assert only_run(fake)["params"]["later\ufffd"] == "x\ufffd"


def test_unwritable_buffer_creates_no_run(fake: FakeServer, tmp_path: Path) -> None:
    # A regular file where the buffer folder should be: mkdir fails, even for root.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")

    with pytest.raises(modelcloud.BufferNotWritable) as raised:
        start(fake, blocker / "buffer")

    message = str(raised.value)
    assert str(blocker / "buffer") in message
    assert "buffer_dir" in message
    assert "MODELCLOUD_BUFFER_DIR" in message
    assert isinstance(raised.value, OSError)
    assert fake.state.requests == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes to read-only folders")
def test_read_only_buffer_creates_no_run(fake: FakeServer, tmp_path: Path) -> None:
    read_only = tmp_path / "buffer"
    read_only.mkdir()
    read_only.chmod(0o500)
    try:
        with pytest.raises(modelcloud.BufferNotWritable, match="MODELCLOUD_BUFFER_DIR"):
            start(fake, read_only)
    finally:
        read_only.chmod(0o700)
    assert fake.state.requests == []


def test_create_run_contention_is_retried(fake: FakeServer, buffer_root: Path) -> None:
    contention = "Command createRun conflicted with concurrent changes 20 times; try again."
    fake.fail("createRun", 1, code="CONFLICT", field=None, message=contention)

    run = start(fake, buffer_root)

    assert fake.state.requests.count("createRun") == 2
    assert run.finish()


def test_full_disk_keeps_records_in_memory(fake: FakeServer, buffer_root: Path, tmp_path: Path) -> None:
    fake.fail("logMetrics", 1_000_000, status=503)
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent(
        """
        import resource, signal, sys
        import modelcloud
        from modelcloud.backoff import Backoff

        run = modelcloud.init(team="vision", name="full-disk", backoff=Backoff(0.01, 0.05))
        # From here on, writing a file past 512 bytes fails with EFBIG, as writing to a full disk fails with ENOSPC.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (512, resource.RLIM_INFINITY))
        for step in range(3000):
            run.log({"loss": 1 / (step + 1)}, step=step)
        print("flushed while down:", run.flush(timeout=1), flush=True)
        sys.stdin.readline()
        print("finished:", run.finish(), flush=True)
        """
    ))
    environment = {
        **os.environ, "MODELCLOUD_URL": fake.url, "MODELCLOUD_TOKEN": "mc_test_token", "MODELCLOUD_BUFFER_DIR": str(buffer_root),
    }
    training = subprocess.Popen([sys.executable, str(script)], cwd=tmp_path, env=environment, text=True,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert training.stdout is not None
    while_down = training.stdout.readline()
    fake.clear_failures()
    output, errors = training.communicate("go\n", timeout=60)

    assert training.returncode == 0, errors
    assert while_down.strip() == "flushed while down: False"
    assert output.strip() == "finished: True"
    assert sorted(point["step"] for point in fake.points(only_run(fake)["id"])) == list(range(3000))
    assert only_run(fake)["status"] == "SUCCEEDED"
    assert errors.count("kept in memory") == 1
    assert list(buffer_root.iterdir()) == []


def test_log_model_uses_existing_model(fake: FakeServer, buffer_root: Path, tmp_path: Path) -> None:
    model_file = tmp_path / "model.keras"
    model_file.write_bytes(b"PK")
    fake.state.models["m1"] = {"id": "m1", "name": "mlp", "archived": False, "versions": 2}
    run = start(fake, buffer_root)

    version = run.log_model(model_file, "mlp")

    assert version["modelId"] == "m1"
    assert version["number"] == 3
    assert "registerModel" not in fake.state.requests
    run.finish()


def test_log_model_registers_model_after_upload(fake: FakeServer, buffer_root: Path, tmp_path: Path) -> None:
    model_file = tmp_path / "model.keras"
    model_file.write_bytes(b"PK")
    run = start(fake, buffer_root)
    fake.fail("upload", 1, status=400, code="BAD_USER_INPUT")

    with pytest.raises(modelcloud.ApiError):
        run.log_model(model_file, "mlp")
    assert "registerModel" not in fake.state.requests
    version = run.log_model(model_file, "mlp")

    operations = [name for name in fake.state.requests if name in ("models", "upload", "registerModel", "registerRunModel")]
    assert operations == ["models", "upload", "models", "upload", "registerModel", "registerRunModel"]
    assert version["number"] == 1
    run.finish()


def test_log_model_error_names_created_model(fake: FakeServer, buffer_root: Path, tmp_path: Path) -> None:
    model_file = tmp_path / "notes.txt"
    model_file.write_text("not a model")
    run = start(fake, buffer_root)
    fake.fail("registerRunModel", 1, code="BAD_USER_INPUT", field="uploadId", message="filename does not say what kind of model it is")

    with pytest.raises(modelcloud.ApiError) as raised:
        run.log_model(model_file, "junk")

    [model] = fake.state.models.values()
    assert raised.value.code == "BAD_USER_INPUT"
    assert "does not say what kind of model" in str(raised.value)
    assert "registered the new model 'junk'" in str(raised.value)
    assert model["id"] in str(raised.value)
    run.finish()
