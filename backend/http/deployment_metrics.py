"""Per-deployment Prometheus series at /metrics, read from the projections at each scrape.

The counts come from the inference windows in the event log, so every API process reports the
same totals and a restart does not reset them. Series names are stable. Each series has `team`
and `deployment` labels (the deployment's name), and the feature drift gauges also have a
`feature` label.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector

from backend.domain.alerting import SEVERITIES
from backend.domain.inference import LATENCY_BUCKETS_MS

LABELS = ["team", "deployment"]


class DeploymentCollector(Collector):
    """Prometheus collector of per-deployment traffic, health and drift, and of firing alerts per team."""

    def __init__(self, runtime: Any) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[Any]:
        reader = self.runtime.readers.monitoring

        requests = CounterMetricFamily("modelcloud_deployment_requests", "Prediction requests served, by deployment.", labels=LABELS)
        rows = CounterMetricFamily("modelcloud_deployment_rows", "Rows predicted, by deployment.", labels=LABELS)
        errors = CounterMetricFamily("modelcloud_deployment_errors", "Requests that failed on the server's side (5xx).",
                                     labels=LABELS)
        client_errors = CounterMetricFamily("modelcloud_deployment_client_errors",
                                            "Requests rejected as the client's mistake (4xx).", labels=LABELS)
        latency = HistogramMetricFamily("modelcloud_deployment_request_duration_seconds",
                                        "Time to respond to a prediction request, by deployment.", labels=LABELS)
        healthy = GaugeMetricFamily("modelcloud_deployment_healthy", "1 while the deployment is healthy, else 0.",
                                    labels=LABELS)
        feature_psi = GaugeMetricFamily("modelcloud_deployment_feature_drift_psi",
                                        "Population stability index of an input feature in the latest measurement.",
                                        labels=[*LABELS, "feature"])
        feature_ks = GaugeMetricFamily("modelcloud_deployment_feature_drift_ks",
                                       "Kolmogorov–Smirnov statistic of a numeric input feature in the latest measurement.",
                                       labels=[*LABELS, "feature"])
        prediction_psi = GaugeMetricFamily("modelcloud_deployment_prediction_drift_psi",
                                           "Population stability index of the predictions in the latest measurement.",
                                           labels=LABELS)
        firing = GaugeMetricFamily("modelcloud_alerts_firing", "Alerts firing now, by team and severity.",
                                   labels=["team", "severity"])

        for row in reader.totals():
            labels = [row["team_name"] or row["team_id"], row["name"]]
            requests.add_metric(labels, int(row["requests"]))
            rows.add_metric(labels, int(row["rows_predicted"]))
            errors.add_metric(labels, int(row["errors"]))
            client_errors.add_metric(labels, int(row["client_errors"]))

            # Prometheus histogram buckets are cumulative and in seconds, and the stored counts are per bucket in ms.
            counts = json.loads(row["latency_buckets"])
            cumulative, buckets = 0, []
            for bound, count in zip([*LATENCY_BUCKETS_MS, None], counts):
                cumulative += int(count)
                buckets.append(("+Inf" if bound is None else f"{bound / 1000:g}", cumulative))
            latency.add_metric(labels, buckets, float(row["latency_sum_ms"]) / 1000)
            if row["status"] != "stopped":
                healthy.add_metric(labels, 1.0 if row["status"] == "healthy" else 0.0)

            latest = reader.latest_measurement(row["deployment_id"])
            if latest is None:
                continue
            for feature, drift in sorted(json.loads(latest["features"]).items()):
                feature_psi.add_metric([*labels, feature], float(drift["psi"]))
                if drift.get("ks") is not None:
                    feature_ks.add_metric([*labels, feature], float(drift["ks"]))
            prediction = json.loads(latest["signal_values"]).get("predictionDriftPsi")
            if prediction is not None:
                prediction_psi.add_metric(labels, float(prediction))

        # Every team with alert rules reports each severity, 0 included, so a query can tell "none firing" from "no data".
        counts = {(row["team_id"], row["severity"]): int(row["firing"]) for row in reader.firing_counts()}
        for team in reader.teams_with_rules():
            for severity in SEVERITIES:
                firing.add_metric([team["team_name"] or team["team_id"], severity], counts.get((team["team_id"], severity), 0))

        yield from (requests, rows, errors, client_errors, latency, healthy, feature_psi, feature_ks, prediction_psi, firing)
