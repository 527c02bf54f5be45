"""Alert transitions on an injected time, rule checks, and latency quantiles from histogram counts."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from backend.application.signals import latency_quantile
from backend.domain.alerting import RULE_DELETED, Alert, AlertRule, check_rule_settings
from backend.domain.base import Cause, Conflict, InvalidInput
from backend.domain.inference import LATENCY_BUCKETS_MS

pytestmark = pytest.mark.unit

START = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def cause(seconds: float = 0) -> Cause:
    return Cause.new("system", None, at=START + timedelta(seconds=seconds))


def rule(**fields: object) -> AlertRule:
    values = {"name": "slow", "signal": "latencyP99Ms", "feature": None, "comparator": ">", "threshold": 100.0,
              "window_seconds": 60, "for_seconds": 120, "severity": "warning", "target_kind": "deployment",
              "target_id": uuid.uuid4(), "channel_ids": [], "enabled": True, **fields}
    return AlertRule.define(uuid.uuid4(), cause(), team_id=uuid.uuid4(), **values)


def alert(watched: AlertRule) -> Alert:
    return Alert.open(watched.id, watched.team_id, "deployment", uuid.uuid4(), "cancer", cause())


def test_alert_fires_after_for_duration() -> None:
    watched = rule()
    subject = alert(watched)

    assert subject.observe(watched, 250.0, cause(0)) == ["pending"]
    assert subject.observe(watched, 260.0, cause(119)) == []
    assert subject.observe(watched, 270.0, cause(120)) == ["firing"]
    assert subject.observe(watched, 40.0, cause(180)) == ["resolved"]
    assert subject.observe(watched, 300.0, cause(240)) == ["pending"]
    assert subject.incident == 2


def test_alert_without_for_fires_at_once() -> None:
    watched = rule(for_seconds=0)
    subject = alert(watched)

    assert subject.observe(watched, 250.0, cause()) == ["pending", "firing"]


def test_transitions_record_rule_condition() -> None:
    watched = rule(for_seconds=0, signal="featureDriftPsi", threshold=0.25)
    subject = alert(watched)

    subject.observe(watched, 0.4, cause(), top_feature="mean radius")
    raised = next(event for event in subject.collect_events() if isinstance(event, Alert.Raised))

    assert raised.condition == {"rule": "slow", "signal": "featureDriftPsi", "feature": None, "comparator": ">",
                                "threshold": 0.25, "windowSeconds": 60, "forSeconds": 0}
    assert raised.top_feature == "mean radius"
    assert raised.message == "slow: feature drift (PSI) of cancer is 0.4, > 0.25 (largest for feature 'mean radius')."


def test_pending_clears_when_condition_stops() -> None:
    watched = rule()
    subject = alert(watched)
    subject.observe(watched, 250.0, cause(0))

    assert subject.observe(watched, None, cause(30)) == ["inactive"]
    assert subject.state == "inactive"


def test_reason_ends_firing_alert() -> None:
    watched = rule(for_seconds=0)
    subject = alert(watched)
    subject.observe(watched, 250.0, cause())

    assert subject.observe(watched, 250.0, cause(10), end_reason=RULE_DELETED) == ["resolved"]
    resolved = [event for event in subject.collect_events() if isinstance(event, Alert.Resolved)]
    assert [(event.message, event.end_reason) for event in resolved] == [("The alert rule was deleted.", "rule_deleted")]


def test_unknown_end_reason_rejected() -> None:
    watched = rule(for_seconds=0)
    subject = alert(watched)
    subject.observe(watched, 250.0, cause())

    with pytest.raises(ValueError, match="end_reason 'gone' is not one of"):
        subject.observe(watched, 250.0, cause(10), end_reason="gone")
    assert subject.state == "firing"


def test_silence_keeps_transitions_unannounced() -> None:
    watched = rule(for_seconds=0)
    subject = alert(watched)
    subject.silence(START + timedelta(hours=1), "deploying a fix", cause())

    subject.observe(watched, 250.0, cause(10))

    raised = [event for event in subject.collect_events() if isinstance(event, Alert.Raised)]
    assert [event.notify for event in raised] == [False]


def test_acknowledge_needs_firing_alert() -> None:
    watched = rule()
    subject = alert(watched)
    subject.observe(watched, 250.0, cause())

    with pytest.raises(Conflict, match="only a firing alert"):
        subject.acknowledge(None, cause(1))


def test_feature_only_on_drift_signals() -> None:
    with pytest.raises(InvalidInput) as raised:
        rule(feature="mean radius")

    assert raised.value.field == "feature"


def test_window_error_names_bounds() -> None:
    with pytest.raises(InvalidInput) as raised:
        check_rule_settings({"window_seconds": 5})

    assert raised.value.field == "windowSeconds"
    assert "from 10 to 604800" in raised.value.message


def test_latency_quantile_interpolates_in_bucket() -> None:
    counts = [0] * (len(LATENCY_BUCKETS_MS) + 1)
    counts[LATENCY_BUCKETS_MS.index(10)] = 10  # ten calls between 5 and 10 ms

    assert latency_quantile(counts, 0.5) == pytest.approx(7.5)
    assert latency_quantile(counts, 1.0) == pytest.approx(10.0)
    assert latency_quantile([0] * len(counts), 0.5) is None


def test_latency_quantile_in_open_bucket() -> None:
    counts = [0] * (len(LATENCY_BUCKETS_MS) + 1)
    counts[-1] = 3

    assert latency_quantile(counts, 0.99) == LATENCY_BUCKETS_MS[-1]


def test_messages_name_signal_label() -> None:
    watched = rule(name="api-made-traffic", signal="requestsPerSecond", threshold=0.0, for_seconds=0)
    subject = alert(watched)

    subject.observe(watched, 2 / 60, cause(0))
    raised = [event for event in subject.collect_events() if isinstance(event, Alert.Raised)]
    subject.observe(watched, 0.0, cause(10))
    resolved = [event for event in subject.collect_events() if isinstance(event, Alert.Resolved)]

    assert raised[0].message == "api-made-traffic: requests per second of cancer is 0.03333, > 0."
    assert resolved[0].message == "api-made-traffic: requests per second of cancer is 0; requests per second > 0 no longer holds."


def test_version_one_transitions_upcast() -> None:
    from dataclasses import replace

    from backend.application.eventstore import EventStore

    watched = rule(for_seconds=0)
    subject = alert(watched)
    subject.observe(watched, 250.0, cause())
    subject.observe(watched, 50.0, cause(10))
    mapper = EventStore("sqlite:///:memory:").mapper
    # Fields each transition gained in version 2.
    added = {Alert.Pending: ("condition", "top_feature"), Alert.Raised: ("condition", "top_feature"),
             Alert.Resolved: ("condition", "end_reason")}

    for event in subject.collect_events():
        if type(event) not in added:
            continue
        stored = mapper.to_stored_event(event)
        state = mapper.transcoder.decode(stored.state)
        # An event written before version 2: none of its fields and no class_version.
        assert state.pop("class_version") == 2
        for field in added[type(event)]:
            del state[field]

        old = mapper.to_domain_event(replace(stored, state=mapper.transcoder.encode(state)))

        assert [getattr(old, field) for field in added[type(event)]] == [None, None], type(event).__name__
        assert (old.message, old.incident) == (event.message, 1)
