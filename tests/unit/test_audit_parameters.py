"""Audit summary parameters: every action has them, with the names the web app's templates are checked against."""

from __future__ import annotations

import dataclasses
import importlib
import json
import pkgutil
import types
import typing
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import backend.domain
from backend.domain.alerting import Alert
from backend.domain.datasets import DatasetVersion
from backend.domain.evaluation import Evaluation
from backend.domain.notifications import WebhookDelivery
from backend.domain.registry import RegisteredModel
from backend.projections.audit import SUMMARIES, action_of, summarize
from backend.projections.audit_parameters import PARAMETERS, summary_parameters

pytestmark = pytest.mark.unit

PARAMETER_NAMES = Path(__file__).parents[2] / "frontend" / "src" / "audit" / "auditParameterNames.fixture.json"

SUBJECT = uuid.UUID("4d9f5a52-0000-4000-8000-000000000001")
OTHER = uuid.UUID("4d9f5a52-0000-4000-8000-000000000002")
MOMENT = datetime(2026, 12, 1, tzinfo=UTC)
METADATA = {
    "originator_id": SUBJECT, "originator_version": 2, "timestamp": MOMENT, "actor": "user-1", "team": "team-1",
    "correlation_id": "correlation-1", "causation_id": "causation-1",
}

# Fields whose type (dict[str, Any], Any) is too loose to build a value the summaries can read.
SAMPLE_FIELDS: dict[str, Any] = {
    "config": {
        "traffic": [{"version": 3, "percent": 100, "versionId": str(OTHER)}],
        "scaling": {"minReplicas": 1, "maxReplicas": 2},
        "cpusPerReplica": 0.5,
        "batching": {"maxBatchSize": 16},
        "model": {"template": "mlp"},
    },
    "document": {"model": {"template": "mlp"}},
    "operations": [{"op": "dropDuplicates", "columns": ["age"]}],
    "summary": {"trainRows": 120, "validationRows": 30, "accuracy": 0.9},
    "values": {"errorRate": 0.01},
    "callers": {str(OTHER): 4},
    "columns": [{"name": "age", "type": "number"}],
    "condition": {
        "rule": "slow predictions", "signal": "latencyP95Ms", "feature": None, "comparator": ">", "threshold": 250.0,
        "windowSeconds": 300, "forSeconds": 60,
    },
}


def event_classes() -> dict[str, type[Any]]:
    """Return every domain event class by its audit action, such as `Team.MemberAdded`."""
    found: dict[str, type[Any]] = {}
    for module_info in pkgutil.iter_modules(backend.domain.__path__):
        module = importlib.import_module(f"backend.domain.{module_info.name}")
        for aggregate in vars(module).values():
            if not isinstance(aggregate, type):
                continue
            for member in vars(aggregate).values():
                if isinstance(member, type) and dataclasses.is_dataclass(member):
                    found.setdefault(member.__qualname__, member)
    return found


def sample(annotation: Any, name: str) -> Any:
    """Return a value of the annotated type that a summary can read: the non-null arm of an optional."""
    if name in SAMPLE_FIELDS:
        return SAMPLE_FIELDS[name]
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return sample(next(argument for argument in arguments if argument is not type(None)), name)
    if origin is list:
        return [sample(arguments[0], name)] if arguments else ["x"]
    if origin is dict:
        return {"x": sample(arguments[1], name)} if arguments else {"x": 1}
    if origin is typing.Literal:
        return arguments[0]
    defaults: dict[Any, Any] = {
        str: "x", int: 2, float: 0.5, bool: True, uuid.UUID: OTHER, datetime: MOMENT, date: MOMENT.date(), Any: 1,
    }
    return defaults.get(annotation, "x")


def sample_event(event_class: type[Any]) -> Any:
    hints = typing.get_type_hints(event_class)
    fields: dict[str, Any] = {}
    for field in dataclasses.fields(event_class):
        if field.name in METADATA or field.name == "traceparent":
            continue
        if field.name == "originator_topic":
            fields[field.name] = "backend.domain:Sample"
            continue
        fields[field.name] = sample(hints[field.name], field.name)
    return event_class(**METADATA, **fields)


def named(subject: Any) -> str:
    return f"subject {subject}"


def reference(subject: Any) -> str:
    return "iris" if str(subject) == str(SUBJECT) else "churn v3"


def parameter_names() -> dict[str, list[str]]:
    classes = event_classes()
    return {
        action: sorted(summary_parameters(action, sample_event(classes[action]), reference)) for action in sorted(SUMMARIES)
    }


def test_every_summary_has_parameters() -> None:
    assert sorted(PARAMETERS) == sorted(SUMMARIES)


def test_every_action_has_an_event_class() -> None:
    classes = event_classes()

    missing = [action for action in SUMMARIES if action not in classes]

    assert missing == []


def test_sample_events_summarize() -> None:
    classes = event_classes()

    for action in SUMMARIES:
        logged = sample_event(classes[action])
        assert action_of(logged) == action
        assert summarize(logged, named), action


def test_parameter_names_match_the_web_app_list() -> None:
    """The web app checks its templates against this list; after changing PARAMETERS, write the new names into it."""
    declared = json.loads(PARAMETER_NAMES.read_text(encoding="utf-8"))

    assert declared == parameter_names()


def test_alias_moved_parameters() -> None:
    moved = RegisteredModel.AliasMoved(
        **METADATA, alias="prod", version_id=OTHER, number=3, previous_version_id=OTHER, previous_number=2
    )

    assert summary_parameters("RegisteredModel.AliasMoved", moved, reference) == {
        "alias": "prod", "model": "iris", "number": 3, "previousNumber": 2,
    }


def test_alias_moved_first_time_has_no_previous_number() -> None:
    moved = RegisteredModel.AliasMoved(
        **METADATA, alias="prod", version_id=OTHER, number=1, previous_version_id=None, previous_number=None
    )

    assert summary_parameters("RegisteredModel.AliasMoved", moved, reference)["previousNumber"] is None


def test_derived_version_parameters_describe_operations() -> None:
    derived = sample_event(DatasetVersion.Derived)

    operations = summary_parameters("DatasetVersion.Derived", derived, reference)["operations"]

    assert operations == [
        {"op": "dropDuplicates", "description": "drop duplicate rows over age", "parameters": {"op": "dropDuplicates", "columns": ["age"]}}
    ]


def test_failed_webhook_attempt_parameters() -> None:
    attempted = dataclasses.replace(
        sample_event(WebhookDelivery.Attempted), ok=False, error="connection refused", status_code=None, next_attempt_at=None
    )

    parameters = summary_parameters("WebhookDelivery.Attempted", attempted, reference)

    assert parameters["delivered"] is False
    assert parameters["failed"] is True
    assert parameters["error"] == "connection refused"
    assert parameters["statusCode"] is None
    assert parameters["nextAttemptAt"] is None


def test_silenced_alert_until_is_iso_text() -> None:
    silenced = dataclasses.replace(sample_event(Alert.Silenced), until=datetime(2026, 12, 2, 8, 30, tzinfo=UTC), reason=None)

    parameters = summary_parameters("Alert.Silenced", silenced, reference)

    assert parameters == {"subject": "iris", "until": "2026-12-02T08:30:00+00:00", "reason": None}


def test_non_finite_metric_is_text() -> None:
    completed = dataclasses.replace(sample_event(Evaluation.Completed), summary={"accuracy": float("nan"), "loss": None})

    parameters = summary_parameters("Evaluation.Completed", completed, reference)

    assert parameters["metrics"] == [{"name": "accuracy", "value": "nan"}]


def test_alert_transition_states_condition() -> None:
    raised = dataclasses.replace(sample_event(Alert.Raised), value=412.5, top_feature=None, notify=True)

    parameters = summary_parameters("Alert.Raised", raised, reference)

    assert parameters == {
        "subject": "iris", "incident": 2, "message": None, "rule": "slow predictions", "signal": "latencyP95Ms",
        "feature": None, "comparator": ">", "threshold": 250.0, "value": 412.5, "noData": False, "topFeature": None,
        "severity": "x", "silenced": False,
    }


def test_resolved_without_data_says_so() -> None:
    resolved = dataclasses.replace(sample_event(Alert.Resolved), value=None, end_reason=None)

    parameters = summary_parameters("Alert.Resolved", resolved, reference)

    assert (parameters["value"], parameters["noData"], parameters["endReason"]) == (None, True, None)


def test_ended_by_reason_states_only_reason() -> None:
    cleared = dataclasses.replace(sample_event(Alert.Cleared), value=None, end_reason="rule_deleted")

    parameters = summary_parameters("Alert.Cleared", cleared, reference)

    assert parameters["endReason"] == "rule_deleted"
    assert [name for name, value in parameters.items() if value not in (None, False)] == ["subject", "incident", "endReason"]


def test_version_one_transition_keeps_message() -> None:
    pending = dataclasses.replace(sample_event(Alert.Pending), condition=None, top_feature=None, message="slow: p95 is 412.5.")

    parameters = summary_parameters("Alert.Pending", pending, reference)

    assert parameters["message"] == "slow: p95 is 412.5."
    assert all(parameters[name] is None for name in ("rule", "signal", "comparator", "threshold", "value"))
    assert parameters["noData"] is False
