"""Evaluation rule metrics and verdicts: which metrics fit a task, reading them from a report, and the decision."""

from __future__ import annotations

import pytest

from backend.domain.base import InvalidInput
from backend.domain.evaluation_rules import RULE_METRICS, check_metric, check_rule_settings, judge, metric_value

REPORT = {
    "task": "classification",
    "metrics": {
        "accuracy": 0.93,
        "macro": {"f1": 0.9, "precision": 0.91, "recall": 0.89},
        "weighted": {"f1": 0.92},
        "perClass": [{"class": "0", "f1": 0.87}, {"class": "1", "f1": 0.95}],
        "positiveClass": "1",
        "rocAuc": None,
        "logLoss": 0.21,
    },
}


def test_metric_fits_task() -> None:
    assert check_metric("r2", "regression").higher_is_better
    assert check_metric("rmse", None).task == "regression"
    with pytest.raises(InvalidInput) as raised:
        check_metric("r2", "classification")
    assert raised.value.field == "metric"
    assert "expected one of accuracy, f1" in raised.value.message
    assert "rmse" not in raised.value.message


def test_unknown_metric_lists_all() -> None:
    with pytest.raises(InvalidInput) as raised:
        check_metric("auc", "custom task")
    assert raised.value.value == "auc"
    assert all(name in raised.value.message for name in RULE_METRICS)


def test_metric_read_from_report() -> None:
    assert metric_value(RULE_METRICS["f1"], REPORT) == 0.9
    assert metric_value(RULE_METRICS["weightedF1"], REPORT) == 0.92
    assert metric_value(RULE_METRICS["positiveF1"], REPORT) == 0.95
    assert metric_value(RULE_METRICS["rocAuc"], REPORT) is None
    assert metric_value(RULE_METRICS["rmse"], REPORT) is None


def test_verdict_higher_is_better() -> None:
    f1 = RULE_METRICS["f1"]

    assert judge(f1, 0.92, None, 0.0, 0.9, 1, 2, "production").passed
    assert not judge(f1, 0.9, None, 0.0, 0.9, 1, 2, "production").passed
    assert not judge(f1, 0.92, None, 0.05, 0.9, 1, 2, "production").passed
    assert not judge(f1, 0.92, 0.95, 0.0, None, None, 2, "production").passed
    assert judge(f1, 0.96, 0.95, 0.0, None, None, 2, "production").passed


def test_verdict_lower_is_better() -> None:
    rmse = RULE_METRICS["rmse"]

    passed = judge(rmse, 40.0, 50.0, 1.0, 45.0, 3, 4, "production")
    assert passed.passed
    assert "lower is better" in passed.message
    refused = judge(rmse, 44.5, 50.0, 1.0, 45.0, 3, 4, "production")
    assert not refused.passed
    assert "must win by more than 1" in refused.message
    assert not judge(rmse, 55.0, 50.0, 0.0, None, None, 4, "production").passed


def test_verdict_without_value() -> None:
    verdict = judge(RULE_METRICS["rocAuc"], None, None, 0.0, 0.9, 1, 2, "production")

    assert not verdict.passed
    assert verdict.message == "Version 2 has no rocAuc in its evaluation, so 'production' did not move."


def test_settings_checked_by_field() -> None:
    assert check_rule_settings({"margin": 1, "threshold": None}, None) == {"margin": 1.0, "threshold": None}
    with pytest.raises(InvalidInput) as raised:
        check_rule_settings({"schedule_minutes": True}, None)
    assert raised.value.field == "scheduleMinutes"
    with pytest.raises(InvalidInput) as raised:
        check_rule_settings({"threshold": "high"}, None)
    assert raised.value.field == "threshold"


def test_passing_verdict_names_the_move() -> None:
    roc_auc = RULE_METRICS["rocAuc"]

    first = judge(roc_auc, 0.995873, 0.9, 0.0, None, None, 1, "production")
    better = judge(roc_auc, 0.99, 0.9, 0.0, 0.98, 1, 2, "production")

    assert first.message == ("Version 1 has rocAuc 0.995873, which meets the threshold 0.9, and no other version holds "
                             "'production', so 'production' moves to version 1.")
    assert better.message == ("Version 2 has rocAuc 0.99 against 0.98 of version 1 (higher is better, margin 0), so "
                              "'production' moves to version 2.")
