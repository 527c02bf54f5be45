"""The job a training worker is given and the reporter it reports progress to.

A Ray actor imports this module before it decides to train, so it does not import
TensorFlow, which takes seconds to import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class TrainingJob:
    """One attempt of a platform training run, as the reconciler hands it to a worker."""

    run_id: str
    attempt: int
    """1 for the first try, one more for each restart."""
    artifacts: str
    """Artifact store location, as `backend.storage.open_artifact_store` accepts it."""
    dataset_sha256: str
    """Digest of the dataset version's canonical Parquet blob in that store."""
    label: str
    features: list[str]
    """Feature columns, already chosen and checked by the API."""
    text_column: str | None
    """text_classifier only: the column that contains the text."""
    image_shape: list[int] | None
    """image_cnn only: [height, width, channels]."""
    config: dict[str, Any]
    """The normalized configuration document: camelCase keys, every default filled in."""
    base_model_sha256: str | None
    """fine_tune only: digest of the base model version's .keras blob."""
    resume_sha256: str | None
    """Digest of a checkpoint (.keras with optimizer state) to resume from."""
    resume_epoch: int
    """Epochs already completed: 0 for a fresh run, the checkpoint's epoch when resuming."""


class TrainingFailed(Exception):
    """Raised when the run cannot go on; `str(error)` is the reason shown to users."""


class Reporter(Protocol):
    """Receives a run's progress; the chief worker reports, the other workers get a NullReporter."""

    def started(self, summary: dict[str, Any]) -> None: ...

    def steps(self, points: list[dict[str, Any]]) -> None: ...

    def epoch(self, record: dict[str, Any]) -> None: ...

    def checkpoint(self, epoch: int, path: str) -> None: ...


class NullReporter:
    """A Reporter that drops everything, for the workers other than the chief."""

    def started(self, summary: dict[str, Any]) -> None:
        pass

    def steps(self, points: list[dict[str, Any]]) -> None:
        pass

    def epoch(self, record: dict[str, Any]) -> None:
        pass

    def checkpoint(self, epoch: int, path: str) -> None:
        pass
