"""The job an evaluation worker is given, and the error that ends it with a reason for users.

The reconciler imports this module in the API process, so it imports neither TensorFlow nor
Arrow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TASKS = ("classification", "regression")
SPLITS = ("train", "validation", "test")
MODEL_FORMATS = ("keras", "savedmodel")


@dataclass(frozen=True)
class EvaluationJob:
    """One evaluation of a model version on a dataset version, as the reconciler hands it to a worker."""

    evaluation_id: str
    artifacts: str
    """Artifact store location, as `backend.storage.open_artifact_store` accepts it."""
    model_sha256: str
    """Digest of the model version's blob: a `.keras` file, or a SavedModel packed as .zip or .tar.gz."""
    model_format: str
    """"keras" or "savedmodel"."""
    dataset_sha256: str
    """Digest of the dataset version's canonical Parquet blob, with a `split` column when it was split."""
    split: str | None
    """"train", "validation" or "test", or None to evaluate every row."""
    label: str
    features: list[str]
    """Feature columns in the order of the model's input."""
    task: str
    """"classification" or "regression"."""
    classes: list[str] | None
    """Class names as text, in the order of the model's outputs, or None for regression."""
    slices: list[dict[str, Any]]
    """Slice specs, as `workers.evaluation.slicing.slice_rows` accepts them."""


class EvaluationFailed(Exception):
    """Raised when the evaluation cannot be computed. `str(error)` is the reason shown to users."""
