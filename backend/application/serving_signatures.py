"""The check that a SavedModel version can be evaluated: a serving_default signature with one input and one output.

The worker calls the serving_default signature with the feature columns as its single input
tensor. The version's `signature` is that signature when it exists but otherwise another
one, so the check reads every signature from the report the version's inspection stored.
"""

from __future__ import annotations

import json
from typing import Any

from backend.application.eventstore import EventStore
from backend.domain.base import InvalidInput
from backend.domain.registry import ModelVersion
from backend.storage import ArtifactStore

SERVING_SIGNATURE = "serving_default"
MAX_LISTED = 10


def check_serving_signature(store: EventStore, artifacts: ArtifactStore, version: ModelVersion) -> None:
    """Raise InvalidInput on versionId unless the ready SavedModel version has a serving_default signature that fits."""
    signatures = _inspected_signatures(store, artifacts, version)
    signature = signatures.get(SERVING_SIGNATURE)
    if signature is None:
        raise InvalidInput(
            f"Model version {version.number} is a SavedModel without a {SERVING_SIGNATURE} signature (it has "
            f"{_listed(sorted(signatures)) or 'none'}), and evaluation calls {SERVING_SIGNATURE}. "
            "Export the model with model.export(path), which adds one, and upload it again.",
            field="versionId",
            value=str(version.id),
        )

    inputs, outputs = signature.get("inputs") or [], signature.get("outputs") or []
    if len(inputs) != 1:
        raise InvalidInput(
            f"Model version {version.number} is a SavedModel whose {SERVING_SIGNATURE} signature takes {len(inputs)} inputs "
            f"({_listed([spec['name'] for spec in inputs])}), but evaluation feeds the feature columns as one input tensor. "
            "Export a signature with a single input.",
            field="versionId",
            value=str(version.id),
        )
    if len(outputs) != 1:
        raise InvalidInput(
            f"Model version {version.number} is a SavedModel whose {SERVING_SIGNATURE} signature returns {len(outputs)} outputs "
            f"({_listed([spec['name'] for spec in outputs])}), but evaluation reads one output tensor. "
            "Export a signature with a single output.",
            field="versionId",
            value=str(version.id),
        )


def _inspected_signatures(store: EventStore, artifacts: ArtifactStore, version: ModelVersion) -> dict[str, Any]:
    """Return the signatures of the version's latest inspection report by name, or an empty dict before any inspection."""
    for event in store.events.get(version.id, desc=True):
        if isinstance(event, ModelVersion.Inspected):
            with artifacts.open(event.report_sha256) as stream:
                return dict(json.loads(stream.read()).get("signatures") or {})
    return {}


def _listed(names: list[str]) -> str:
    listed = ", ".join(repr(name) for name in names[:MAX_LISTED])
    return listed + (f" and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else "")
