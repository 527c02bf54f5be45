"""External runs: what a tracking client may log, what is rejected point by point, and idempotent batches."""

from __future__ import annotations

import json
import math
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from backend.domain.base import Conflict, Forbidden, InvalidInput, NotFound
from backend.projections.audit import AuditFilter
from backend.runtime import Runtime
from tests.conftest import FrozenClock
from tests.integration.test_datasets import Datasets

pytestmark = pytest.mark.integration

NOW_MS = 1_780_000_000_000


class Tracking(Datasets):
    """A team whose editor opens external runs, as the client package does."""

    def open(self, **options: Any) -> uuid.UUID:
        values = {"team_id": self.team_id, "name": "keras-script", "params": {"lr": 0.01, "layers": [64, 32]}, **options}
        run_id, outcome = self.runtime.tracking.create_run(self.editor, self.cause(self.editor), **values)
        assert self.runtime.projections.wait_for(outcome.position)
        return run_id

    def log(self, run_id: uuid.UUID, points: list[dict[str, Any]], batch_id: str = "batch-1") -> Any:
        logged = self.runtime.tracking.log_metrics(
            self.editor, self.cause(self.editor), run_id=run_id, batch_id=batch_id, points=points
        )
        self.runtime.projections.catch_up()
        return logged

    def series(self, run_id: uuid.UUID, name: str) -> list[tuple[int, float | None, str | None]]:
        return [(row["step"], row["value"], row["special"]) for row in self.runtime.readers.training.points(str(run_id), name)]

    def run(self, run_id: uuid.UUID) -> dict[str, Any]:
        self.runtime.projections.catch_up()
        row = self.runtime.readers.training.run(str(run_id))
        assert row is not None
        return row


@pytest.fixture
def tracking(runtime: Runtime, clock: FrozenClock) -> Tracking:
    clock.now = datetime.fromtimestamp(NOW_MS / 1000, tz=timezone.utc)
    return Tracking(runtime, clock)


def point(name: str, step: int, value: float, wall_time: float = NOW_MS) -> dict[str, Any]:
    return {"name": name, "step": step, "value": value, "wallTime": wall_time}


def test_open_run_is_running_external(tracking: Tracking) -> None:
    run = tracking.run(tracking.open(git_commit="3f2a9c1", git_dirty=True, tags={"team": "vision"}))

    assert run["status"] == "running"
    assert run["source"] == "external"
    assert json.loads(run["params"]) == {"lr": 0.01, "layers": [64, 32]}
    assert json.loads(run["tags"]) == {"team": "vision"}
    assert run["git_commit"] == "3f2a9c1"
    assert run["git_dirty"] == 1


def test_points_keep_non_finite_values(tracking: Tracking) -> None:
    run_id = tracking.open()

    logged = tracking.log(run_id, [point("loss", 0, 0.5), point("loss", 1, math.nan), point("loss", 2, math.inf),
                                   point("loss", 3, -math.inf)])

    assert logged.accepted == 4
    assert logged.rejected == []
    assert tracking.series(run_id, "loss") == [(0, 0.5, None), (1, None, "NaN"), (2, None, "Infinity"), (3, None, "-Infinity")]


def test_repeated_batch_is_stored_once(tracking: Tracking) -> None:
    run_id = tracking.open()
    points = [point("val_loss", step, 1.0 / (step + 1)) for step in range(100)]

    first = tracking.log(run_id, points, batch_id="a1")
    again = tracking.log(run_id, points, batch_id="a1")

    assert first.accepted == 100
    assert again.already_stored is True
    assert again.accepted == 0
    assert len(tracking.series(run_id, "val_loss")) == 100
    logged_events = tracking.runtime.readers.audit.entries(
        AuditFilter(subject_id=str(run_id), action="TrainingRun.MetricsLogged"), None, 50
    )
    assert len(logged_events) == 1


def test_later_batch_replaces_step_value(tracking: Tracking) -> None:
    run_id = tracking.open()

    first = tracking.log(run_id, [point("loss", 0, 0.9), point("loss", 1, 0.7), point("loss", 1, 0.6)], batch_id="b1")
    second = tracking.log(run_id, [point("loss", 0, 0.8), point("acc", 0, 0.5)], batch_id="b2")

    assert (first.accepted, len(first.rejected)) == (2, 1)
    assert second.accepted == 2
    assert tracking.series(run_id, "loss") == [(0, 0.8, None), (1, 0.7, None)]
    assert tracking.series(run_id, "acc") == [(0, 0.5, None)]


@pytest.mark.parametrize("name", ["val_loss", "val/AR@100", "top-5 acc", "loss[0]", "lr:group=2", "mAP@0.5:0.95"])
def test_common_metric_names_accepted(tracking: Tracking, name: str) -> None:
    logged = tracking.log(tracking.open(), [point(name, 1, 0.25)])

    assert logged.accepted == 1


def test_bad_points_rejected_one_by_one(tracking: Tracking) -> None:
    run_id = tracking.open()
    points = [
        point("loss", 0, 0.9),
        point(" loss", 1, 0.8),
        point("loss\n", 2, 0.7),
        point("loss", 3, 0.6, wall_time=NOW_MS / 1000),
        point("loss", 4, 0.5, wall_time=86_400_000),
        point("loss", 5, 0.4, wall_time=NOW_MS + 2 * 86_400_000),
        {"name": "loss", "step": 6, "value": "high", "wallTime": NOW_MS},
        {"name": "loss", "step": 7.5, "value": 0.3, "wallTime": NOW_MS},
        {"name": "loss", "step": -1, "value": 0.3, "wallTime": NOW_MS},
        point("loss", 0, 0.95),
        point("accuracy", 0, 0.7),
    ]

    logged = tracking.log(run_id, points)

    reasons = {item["index"]: item["reason"] for item in logged.rejected}
    assert logged.accepted == 2
    assert sorted(reasons) == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert "without a space at either end" in reasons[1]
    assert "metric name 'loss\\n' is invalid" in reasons[2]
    assert "looks like seconds" in reasons[3]
    assert "before 2000-01-01" in reasons[4]
    assert "more than a day ahead" in reasons[5]
    assert "must be a number" in reasons[6]
    assert "whole number" in reasons[7]
    assert "from 0 to" in reasons[8]
    assert reasons[9] == "point 0 of this batch has the same name and step"
    assert tracking.series(run_id, "loss") == [(0, 0.9, None)]
    assert tracking.series(run_id, "accuracy") == [(0, 0.7, None)]


def test_oversized_batch_rejected(tracking: Tracking) -> None:
    run_id = tracking.open()

    with pytest.raises(InvalidInput) as raised:
        tracking.log(run_id, [point("loss", step, 0.1) for step in range(10_001)])
    assert raised.value.field == "points"
    assert "at most 10000" in raised.value.message


def test_finished_run_takes_no_points(tracking: Tracking) -> None:
    run_id = tracking.open()
    tracking.runtime.tracking.finish_run(tracking.editor, tracking.cause(tracking.editor), run_id=run_id, status="succeeded")

    with pytest.raises(Conflict) as raised:
        tracking.log(run_id, [point("loss", 0, 0.1)])
    assert "has already ended as succeeded" in raised.value.message
    assert tracking.run(run_id)["status"] == "succeeded"


def test_viewer_cannot_log(tracking: Tracking) -> None:
    run_id = tracking.open()

    with pytest.raises(Forbidden):
        tracking.runtime.tracking.log_metrics(tracking.viewer, tracking.cause(tracking.viewer), run_id=run_id,
                                              batch_id="b", points=[point("loss", 0, 0.1)])


def test_params_keep_first_value(tracking: Tracking) -> None:
    run_id = tracking.open()
    service = tracking.runtime.tracking

    service.log_params(tracking.editor, tracking.cause(tracking.editor), run_id=run_id, params={"batch_size": 32, "lr": 0.01})
    with pytest.raises(Conflict) as raised:
        service.log_params(tracking.editor, tracking.cause(tracking.editor), run_id=run_id, params={"lr": 0.1})

    assert raised.value.field == "params.lr"
    assert json.loads(tracking.run(run_id)["params"]) == {"batch_size": 32, "layers": [64, 32], "lr": 0.01}


def test_histograms_logged_by_step(tracking: Tracking) -> None:
    run_id = tracking.open()
    histogram = {"layer": "dense", "tensor": "dense/kernel", "kind": "weights", "low": -0.5, "high": 0.5,
                 "counts": [1, 4, 1], "nanCount": 0, "infCount": 1, "min": -0.5, "max": 0.5, "mean": 0.0, "std": 0.2}

    tracking.runtime.tracking.log_histograms(tracking.editor, tracking.cause(tracking.editor), run_id=run_id,
                                             batch_id="h1", step=3, epoch=None, histograms=[histogram])
    tracking.runtime.projections.catch_up()

    stored = tracking.runtime.readers.training.histograms(str(run_id), "dense", "weights", 3)
    assert [json.loads(row["counts"]) for row in stored] == [[1, 4, 1]]
    assert stored[0]["inf_count"] == 1


def test_registered_model_names_run(tracking: Tracking, model_files: Path) -> None:
    run_id = tracking.open()
    model_id, _ = tracking.runtime.registry.register_model(tracking.editor, tracking.cause(tracking.editor),
                                                            team_id=tracking.team_id, name="client-model")
    upload_id = tracking.upload_bytes((model_files / "cancer_a.keras").read_bytes(), "model.keras")

    added = tracking.runtime.tracking.register_model(tracking.editor, tracking.cause(tracking.editor), run_id=run_id,
                                                     model_id=model_id, upload_id=upload_id)
    tracking.runtime.projections.catch_up()

    version = tracking.runtime.readers.registry.version(str(added.version_id))
    assert json.loads(version["lineage"]) == {"trainingRun": str(run_id)}
    assert tracking.run(run_id)["version_number"] == 1


def test_cancel_ends_external_run(tracking: Tracking) -> None:
    run_id = tracking.open()

    tracking.runtime.training.cancel_run(tracking.editor, tracking.cause(tracking.editor), run_id=run_id)

    assert tracking.run(run_id)["status"] == "cancelled"
    assert tracking.runtime.readers.training.unfinished() == []


def test_batch_resent_after_finish_is_acknowledged(tracking: Tracking) -> None:
    run_id = tracking.open()
    points = [point("loss", 0, 0.3)]
    tracking.log(run_id, points, batch_id="last")
    tracking.runtime.tracking.finish_run(tracking.editor, tracking.cause(tracking.editor), run_id=run_id, status="succeeded")

    again = tracking.log(run_id, points, batch_id="last")

    assert again.already_stored is True
    assert tracking.series(run_id, "loss") == [(0, 0.3, None)]


def test_deeply_nested_params_rejected(tracking: Tracking) -> None:
    nested: Any = 1
    for _ in range(12):
        nested = [nested]

    with pytest.raises(InvalidInput) as raised:
        tracking.open(params={"deep": nested})
    assert raised.value.field.startswith("params.deep")
    assert "nested more than 10 levels" in raised.value.message


def test_params_limit_counts_whole_run(tracking: Tracking) -> None:
    run_id = tracking.open(params={f"p{index}": index for index in range(400)})

    with pytest.raises(InvalidInput) as raised:
        tracking.runtime.tracking.log_params(tracking.editor, tracking.cause(tracking.editor), run_id=run_id,
                                             params={f"q{index}": index for index in range(200)})
    assert raised.value.field == "params"
    assert "limit of 500" in raised.value.message


def test_param_type_change_rejected(tracking: Tracking) -> None:
    run_id = tracking.open(params={"units": 1})

    with pytest.raises(Conflict) as raised:
        tracking.runtime.tracking.log_params(tracking.editor, tracking.cause(tracking.editor), run_id=run_id,
                                             params={"units": True})
    assert raised.value.field == "params.units"


def test_finish_reason_with_nul_is_cleaned(tracking: Tracking) -> None:
    run_id = tracking.open()

    tracking.runtime.tracking.finish_run(tracking.editor, tracking.cause(tracking.editor), run_id=run_id, status="failed",
                                         reason="ValueError: bad\x00byte")

    assert tracking.run(run_id)["failure_reason"] == "ValueError: bad\ufffdbyte"


def test_register_model_of_other_team_not_found(tracking: Tracking, model_files: Path) -> None:
    run_id = tracking.open()
    other = Datasets(tracking.runtime, tracking.clock, tracking.admin)
    model_id, _ = tracking.runtime.registry.register_model(tracking.admin, tracking.cause(tracking.admin),
                                                            team_id=other.team_id, name="elsewhere")
    upload_id = other.upload_bytes((model_files / "cancer_a.keras").read_bytes(), "model.keras")

    with pytest.raises(NotFound) as raised:
        tracking.runtime.tracking.register_model(tracking.admin, tracking.cause(tracking.admin), run_id=run_id,
                                                 model_id=model_id, upload_id=upload_id)
    assert raised.value.field == "modelId"


@pytest.mark.parametrize(
    ("epoch", "histograms", "field"),
    [(-5, None, "epoch"), (None, [], "histograms")],
)
def test_bad_histograms_rejected(tracking: Tracking, epoch: int | None, histograms: list[Any] | None, field: str) -> None:
    run_id = tracking.open()
    histogram = {"layer": "dense", "tensor": "dense/kernel", "kind": "weights", "low": 0.0, "high": 1.0, "counts": [1],
                 "nanCount": 0, "infCount": 0, "min": 0.0, "max": 1.0, "mean": 0.5, "std": 0.1}

    with pytest.raises(InvalidInput) as raised:
        tracking.runtime.tracking.log_histograms(tracking.editor, tracking.cause(tracking.editor), run_id=run_id,
                                                 batch_id="h", step=1, epoch=epoch,
                                                 histograms=[histogram] if histograms is None else histograms)
    assert raised.value.field == field
