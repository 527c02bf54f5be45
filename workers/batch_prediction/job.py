"""The job a batch prediction worker is given, and the error that ends it with a reason for users.

The reconciler imports this module in the API process, so it imports neither TensorFlow nor
Arrow.
"""

from __future__ import annotations

from dataclasses import dataclass

# Rows read, scored and written at a time; progress is recorded as an event after each chunk.
# A chunk is one row group of a canonical file of up to 256 columns.
CHUNK_ROWS = 65_536


@dataclass(frozen=True)
class BatchPredictionJob:
    """One batch prediction of a model version on a dataset version, as the reconciler hands it to a worker."""

    batch_prediction_id: str
    artifacts: str
    """Artifact store location, as `backend.storage.open_artifact_store` accepts it."""
    model_sha256: str
    model_format: str
    """"keras" or "savedmodel"."""
    dataset_sha256: str
    """Digest of the scored dataset version's canonical Parquet blob."""
    split: str | None
    """"train", "validation" or "test", or None to score every row."""
    label: str | None
    """The scored version's label column, kept as the result version's label."""
    features: list[str]
    """Feature columns in the order of the model's input."""
    task: str
    """"classification" or "regression"."""
    classes: list[str] | None
    """Class names in the order of the model's outputs, or None for regression."""
    output_columns: list[str]
    """The prediction column, then one probability column per class for a classifier."""
    chunk_rows: int = CHUNK_ROWS


class BatchPredictionFailed(Exception):
    """Raised when the rows cannot be scored. `str(error)` is the reason shown to users."""
