"""Checking logged values and steps, and their form on the wire."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from modelcloud.points import check_params, check_step, clean_text, metric_points, metric_value

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "value, expected",
    [(3, 3.0), (0.25, 0.25), (np.float32(0.5), 0.5), (np.int64(7), 7.0), (np.array(1.5), 1.5), (Fraction(1, 4), 0.25)],
)
def test_real_numbers_accepted(value: object, expected: float) -> None:
    assert metric_value("loss", value) == expected


@pytest.mark.parametrize("value", ["0.5", None, True, np.bool_(True), 1 + 2j, [0.5], np.array([0.5]), {"a": 1}])
def test_other_values_raise_type_error(value: object) -> None:
    with pytest.raises(TypeError) as raised:
        metric_value("val_loss", value)

    assert "val_loss" in str(raised.value)
    assert repr(value)[:10] in str(raised.value)


def test_non_finite_values_travel_as_names() -> None:
    logged = metric_points({"a": math.nan, "b": math.inf, "c": -math.inf, "d": np.float32("nan"), "e": 1.0}, 4, 1.8e12)

    assert [point.get("nonFinite") for point in logged] == ["NAN", "INFINITY", "NEGATIVE_INFINITY", "NAN", None]
    assert ["value" in point for point in logged] == [False, False, False, False, True]
    assert logged[4] == {"name": "e", "step": 4, "value": 1.0, "wallTime": 1.8e12}


def test_bad_value_logs_nothing_of_the_call() -> None:
    with pytest.raises(TypeError, match="'acc'"):
        metric_points({"loss": 0.1, "acc": "high"}, 0, 1.8e12)


@pytest.mark.parametrize("step, expected", [(0, 0), (7.0, 7), (np.int32(3), 3), (2**53, 2**53)])
def test_whole_steps_accepted(step: object, expected: int) -> None:
    assert check_step(step) == expected


@pytest.mark.parametrize("step, error", [(-1, ValueError), (1.5, ValueError), (2**53 + 1, ValueError), (math.nan, ValueError),
                                         ("3", TypeError), (True, TypeError)])
def test_bad_steps_raise(step: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="step"):
        check_step(step)


def test_params_become_plain_json() -> None:
    assert check_params({"lr": np.float64(0.01), "layers": np.array([64, 32]), "name": "mlp"}) == {
        "lr": 0.01, "layers": [64, 32], "name": "mlp",
    }


def test_params_reject_what_json_cannot_hold() -> None:
    with pytest.raises(ValueError, match="'dropout'"):
        check_params({"dropout": math.nan})
    with pytest.raises(TypeError, match="'callback'"):
        check_params({"callback": object()})


@pytest.mark.parametrize(
    "text, expected",
    [
        ("plain", "plain"),
        ("a\x00b", "a\ufffdb"),
        (b"caf\xe9".decode("utf-8", "surrogateescape"), "caf\ufffd"),
        ("\ud800x\udfff", "\ufffdx\ufffd"),
        ("\ud83d\ude00", "\U0001f600"),
        ("\U0001f600", "\U0001f600"),
    ],
)
def test_clean_text_replaces_nul_and_lone_surrogates(text: str, expected: str) -> None:
    assert clean_text(text) == expected


def test_step_error_names_subject() -> None:
    with pytest.raises(ValueError, match="step -1 of metric 'loss' is invalid"):
        check_step(-1, "metric 'loss'")
