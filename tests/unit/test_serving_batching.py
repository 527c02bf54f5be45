"""The serving layer's pure parts: checking inputs, joining and splitting batches, and the Serve options of a spec.

Real Ray Serve runs in `bench/serving.py`, which also checks the served outputs against the model's.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer

from workers.serving.batching import concatenate_requests, prepare_inputs, response_outputs, split_outputs
from workers.serving.errors import InvalidInputs, first_line, status_message
from workers.serving.spec import ReplicaSpec, deployment_options, max_ongoing_requests, spec_digest

pytestmark = pytest.mark.unit

MLP_SIGNATURE = {
    "inputs": [{"name": "input_layer", "shape": [None, 30], "dtype": "float32"}],
    "outputs": [{"name": "dense_2", "shape": [None, 1], "dtype": "float32"}],
}
TWO_INPUTS = {
    "inputs": [
        {"name": "age", "shape": [None, 3], "dtype": "float32"},
        {"name": "color", "shape": [None, 2], "dtype": "int64"},
    ],
    "outputs": [
        {"name": "score", "shape": [None, 1], "dtype": "float32"},
        {"name": "klass", "shape": [None, 3], "dtype": "float32"},
    ],
}


@pytest.fixture(scope="module")
def cancer() -> np.ndarray:
    features, _ = load_breast_cancer(return_X_y=True)
    return features


def spec(**changes: object) -> ReplicaSpec:
    fields = {
        "app_name": "mc-0123abcd-v1", "artifacts": "/srv/artifacts", "model_sha256": "ab" * 32,
        "model_format": "keras", "signature": MLP_SIGNATURE, **changes,
    }
    return ReplicaSpec(**fields)  # type: ignore[arg-type]


# inputs


def test_array_becomes_the_only_input(cancer: np.ndarray) -> None:
    prepared = prepare_inputs(MLP_SIGNATURE, cancer[:4])

    assert list(prepared) == ["input_layer"]
    assert prepared["input_layer"].dtype == np.float32
    np.testing.assert_allclose(prepared["input_layer"], cancer[:4].astype("float32"))


def test_integer_rows_are_cast_to_float() -> None:
    prepared = prepare_inputs(MLP_SIGNATURE, np.ones((2, 30), dtype="int64"))

    assert prepared["input_layer"].dtype == np.float32


def test_wrong_width_names_input_and_shape(cancer: np.ndarray) -> None:
    with pytest.raises(InvalidInputs) as raised:
        prepare_inputs(MLP_SIGNATURE, cancer[:2, :29])

    assert "'input_layer'" in str(raised.value)
    assert "[2, 29]" in str(raised.value)
    assert "[None, 30]" in str(raised.value)


def test_wrong_rank_is_rejected(cancer: np.ndarray) -> None:
    with pytest.raises(InvalidInputs, match="2 dimensions, rows first"):
        prepare_inputs(MLP_SIGNATURE, cancer[0])


def test_no_rows_is_rejected() -> None:
    with pytest.raises(InvalidInputs, match="no rows"):
        prepare_inputs(MLP_SIGNATURE, np.zeros((0, 30)))


def test_text_for_numbers_is_rejected() -> None:
    with pytest.raises(InvalidInputs, match="must be numbers of type float32"):
        prepare_inputs(MLP_SIGNATURE, np.full((1, 30), "a"))


def test_several_inputs_need_a_dict() -> None:
    with pytest.raises(InvalidInputs, match="Send a dict of arrays by input name"):
        prepare_inputs(TWO_INPUTS, np.zeros((1, 3)))


def test_missing_and_unknown_inputs_are_named() -> None:
    with pytest.raises(InvalidInputs) as raised:
        prepare_inputs(TWO_INPUTS, {"age": np.zeros((1, 3)), "colour": np.zeros((1, 2))})

    assert "'color' is missing" in str(raised.value)
    assert "'colour' is not among them" in str(raised.value)


def test_inputs_need_equal_rows() -> None:
    with pytest.raises(InvalidInputs, match="same number of rows"):
        prepare_inputs(TWO_INPUTS, {"age": np.zeros((2, 3)), "color": np.zeros((3, 2), dtype="int64")})


def test_fractions_for_integers_are_rejected() -> None:
    with pytest.raises(InvalidInputs, match="must be integers of type int64"):
        prepare_inputs(TWO_INPUTS, {"age": np.zeros((1, 3)), "color": np.full((1, 2), 0.5)})


def test_named_inputs_keep_signature_order() -> None:
    prepared = prepare_inputs(TWO_INPUTS, {"color": np.zeros((1, 2), dtype="int32"), "age": np.zeros((1, 3))})

    assert list(prepared) == ["age", "color"]
    assert prepared["color"].dtype == np.int64


# batches


def test_batch_round_trip_keeps_each_request(cancer: np.ndarray) -> None:
    requests = [prepare_inputs(MLP_SIGNATURE, cancer[start:stop]) for start, stop in [(0, 1), (1, 4), (4, 6)]]

    batch, row_counts = concatenate_requests(requests)
    outputs = {"score": batch["input_layer"][:, :1] * 2, "klass": batch["input_layer"][:, :3]}
    answers = split_outputs(outputs, row_counts)

    assert row_counts == [1, 3, 2]
    assert batch["input_layer"].shape == (6, 30)
    for request, answer in zip(requests, answers):
        np.testing.assert_array_equal(answer["score"], request["input_layer"][:, :1] * 2)
        np.testing.assert_array_equal(answer["klass"], request["input_layer"][:, :3])


def test_one_request_batch_is_not_copied(cancer: np.ndarray) -> None:
    request = prepare_inputs(MLP_SIGNATURE, cancer[:3])

    batch, row_counts = concatenate_requests([request])

    assert row_counts == [3]
    assert batch["input_layer"] is request["input_layer"]


def test_outputs_with_other_row_count_fail() -> None:
    with pytest.raises(ValueError, match="1 rows for a batch of 3"):
        split_outputs({"score": np.zeros((1, 1))}, [1, 2])


def test_response_is_array_for_one_output() -> None:
    single = response_outputs({"score": np.zeros((2, 1))})
    several = response_outputs({"score": np.zeros((2, 1)), "klass": np.zeros((2, 3))})

    assert isinstance(single, np.ndarray)
    assert isinstance(several, dict)
    assert sorted(several) == ["klass", "score"]


# Serve options


def test_fixed_replicas_set_num_replicas() -> None:
    options = deployment_options(spec(min_replicas=2, max_replicas=2))

    assert options["num_replicas"] == 2
    assert "autoscaling_config" not in options
    assert options["ray_actor_options"] == {"num_cpus": 0.25}


def test_more_max_replicas_turn_on_autoscaling() -> None:
    options = deployment_options(spec(min_replicas=1, max_replicas=3, target_ongoing_requests=4.0))

    assert "num_replicas" not in options
    assert options["autoscaling_config"] == {"min_replicas": 1, "max_replicas": 3, "target_ongoing_requests": 4.0}


def test_ongoing_requests_exceed_batch_size() -> None:
    for batch_size in (2, 16, 64):
        assert max_ongoing_requests(spec(max_batch_size=batch_size)) >= 2 * batch_size


def test_batching_settings_go_to_user_config() -> None:
    config = deployment_options(spec(max_batch_size=8, batch_wait_ms=2.5))["user_config"]

    assert config["max_batch_size"] == 8
    assert config["batch_wait_timeout_s"] == pytest.approx(0.0025)


def test_batching_off_keeps_requests_in_flight() -> None:
    options = deployment_options(spec(max_batch_size=1))

    assert options["user_config"]["max_batch_size"] == 1
    assert options["max_ongoing_requests"] == 32


def test_digest_follows_every_field() -> None:
    base = spec()

    assert spec_digest(base) == spec_digest(spec())
    assert spec_digest(replace(base, max_batch_size=1)) != spec_digest(base)
    assert spec_digest(replace(base, model_sha256="cd" * 32)) != spec_digest(base)
    assert spec_digest(replace(base, cpus_per_replica=0.5)) != spec_digest(base)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"max_replicas": 0}, "max_replicas"),
        ({"min_replicas": 3, "max_replicas": 2}, "max_replicas"),
        ({"min_replicas": -1}, "min_replicas"),
        ({"max_batch_size": 0}, "max_batch_size"),
        ({"cpus_per_replica": 0}, "cpus_per_replica"),
        ({"batch_wait_ms": -1}, "batch_wait_ms"),
        ({"model_format": "onnx"}, "model_format"),
        ({"app_name": ""}, "app_name"),
        ({"signature": {"inputs": [], "outputs": []}}, "signature"),
        ({"model_format": "savedmodel", "signature": TWO_INPUTS}, "signature"),
    ],
)
def test_invalid_spec_names_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValueError, match=field):
        spec(**changes)


# messages


def test_status_message_prefers_start_failure() -> None:
    text = (
        "The deployment failed to start 3 times in a row. See controller logs for details. Error:\n"
        "\x1b[36mray::ServeReplica:mc:model.initialize_and_get_metadata()\x1b[39m (pid=1)\n"
        "Traceback (most recent call last):\n  File \"replica.py\", line 3, in __init__\n"
        "workers.serving.errors.ReplicaStartFailed: The model file ab is missing from the artifact store.\n"
    )

    assert status_message(text) == "The model file ab is missing from the artifact store."


def test_status_message_ends_traceback_with_exception() -> None:
    text = "Error:\nTraceback (most recent call last):\n  File \"x.py\", line 1\nValueError: \x1b[31mbroken\x1b[0m\n"

    assert status_message(text) == "ValueError: broken"


def test_status_message_keeps_plain_first_line() -> None:
    assert status_message("Deployment has 1 replica waiting for resources.\nmore") == "Deployment has 1 replica waiting for resources."
    assert status_message("") == ""


def test_first_line_is_cut() -> None:
    assert len(first_line("x" * 1000)) == 300


def test_import_loads_neither_ray_nor_tensorflow() -> None:
    probe = (
        "import sys, workers.serving\n"
        "print(sorted({name.split('.')[0] for name in sys.modules} & {'ray', 'tensorflow', 'keras'}))\n"
    )

    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)

    assert result.stdout.strip() == "[]"
