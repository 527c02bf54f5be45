"""The training configuration document: what a configuration profile's revision holds, checked by pydantic.

Keys are camelCase in JSON (`learningRate`, `batchSize`), as in the GraphQL API. Unknown keys
are rejected, so a misspelt option never passes silently. `check_document` turns every
validation failure into one InvalidInput whose message lists the path of each bad field.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic.alias_generators import to_camel

from backend.domain.base import InvalidInput

TEMPLATES = ("tabular_mlp", "image_cnn", "text_classifier", "fine_tune")
OPTIMIZERS = ("adam", "adamw", "sgd", "rmsprop")
METRICS = ("accuracy", "auc", "precision", "recall", "mae", "mse", "rmse")
MAX_SHOWN_ERRORS = 10
CLASSIFICATION_LOSSES = ("binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy")


class _Section(BaseModel):
    # NaN and infinities are rejected everywhere, since JSON cannot carry them to clients.
    model_config = ConfigDict(
        extra="forbid", alias_generator=to_camel, populate_by_name=True, frozen=True, allow_inf_nan=False
    )


class ModelSpec(_Section):
    """The model template and its parameters; each template reads the parameters that concern it."""

    template: Literal["tabular_mlp", "image_cnn", "text_classifier", "fine_tune"]
    task: Literal["classification", "regression"] = "classification"
    hidden_units: list[int] = Field(default=[64, 32], min_length=0, max_length=16, description="Units of each dense hidden layer.")
    activation: Literal["relu", "tanh", "gelu", "selu", "elu", "sigmoid"] = "relu"
    dropout: float = Field(default=0.0, ge=0.0, le=0.9, description="Dropout rate after each hidden layer.")
    filters: list[int] = Field(default=[16, 32], min_length=1, max_length=8, description="image_cnn: filters of each convolution.")
    kernel_size: int = Field(default=3, ge=1, le=15, description="image_cnn: height and width of each convolution kernel.")
    image_shape: list[int] | None = Field(
        default=None, min_length=2, max_length=3,
        description="image_cnn: height, width and optional channels of each image; null infers a square from the feature count.",
    )
    text_column: str | None = Field(default=None, description="text_classifier: the column holding the text; null takes the only string column.")
    vocabulary_size: int = Field(default=10_000, ge=100, le=200_000)
    sequence_length: int = Field(default=64, ge=4, le=2048)
    embedding_dim: int = Field(default=32, ge=4, le=1024)
    trainable_layers: int | None = Field(
        default=None, ge=0, le=1000, description="fine_tune: how many of the last layers train; null trains every layer."
    )

    @field_validator("hidden_units", "filters")
    @classmethod
    def _positive_sizes(cls, sizes: list[int]) -> list[int]:
        for size in sizes:
            if not 1 <= size <= 4096:
                raise ValueError(f"each size must be from 1 to 4096, not {size}")
        return sizes


class Schedule(_Section):
    kind: Literal["exponential_decay", "cosine_decay"]
    decay_steps: int = Field(ge=1, le=10_000_000)
    decay_rate: float = Field(default=0.9, gt=0.0, le=1.0, description="exponential_decay: factor per decaySteps.")


class Optimizer(_Section):
    name: Literal["adam", "adamw", "sgd", "rmsprop"] = "adam"
    learning_rate: float = Field(default=0.001, gt=0.0, le=10.0)
    schedule: Schedule | None = None
    momentum: float = Field(default=0.0, ge=0.0, lt=1.0, description="sgd and rmsprop only.")
    weight_decay: float = Field(default=0.0, ge=0.0, le=1.0, description="adamw only.")

    @model_validator(mode="after")
    def _options_fit_optimizer(self) -> Optimizer:
        if self.momentum and self.name not in ("sgd", "rmsprop"):
            raise ValueError(f"momentum applies to sgd and rmsprop, not {self.name}")
        if self.weight_decay and self.name != "adamw":
            raise ValueError(f"weightDecay applies to adamw, not {self.name}")
        return self


class EarlyStopping(_Section):
    monitor: str = Field(default="val_loss", min_length=1, max_length=64)
    patience: int = Field(default=3, ge=1, le=1000)
    min_delta: float = Field(default=0.0, ge=0.0, le=1e6)
    mode: Literal["auto", "min", "max"] = "auto"


class Resources(_Section):
    workers: int = Field(default=1, ge=1, le=16, description="Ray actors training together under MultiWorkerMirroredStrategy.")
    cpus_per_worker: float = Field(default=1.0, gt=0.0, le=64.0)
    gpus_per_worker: float = Field(default=0.0, ge=0.0, le=8.0)


class TrainingConfig(_Section):
    """One revision of a configuration profile."""

    model: ModelSpec
    optimizer: Optimizer = Optimizer()
    loss: Literal[
        "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "mse", "mae", "huber"
    ] | None = Field(default=None, description="Null picks the usual loss for the task and the number of classes.")
    metrics: list[Literal["accuracy", "auc", "precision", "recall", "mae", "mse", "rmse"]] = Field(
        default=["accuracy"], max_length=7
    )
    batch_size: int = Field(default=32, ge=1, le=65_536)
    epochs: int = Field(default=10, ge=1, le=10_000)
    early_stopping: EarlyStopping | None = None
    class_weights: dict[str, float] | None = Field(default=None, description="Weight of each class value, as text.")
    seed: int = Field(default=0, ge=0, le=2**32 - 1)
    resources: Resources = Resources()
    checkpoint_every_epochs: int = Field(default=1, ge=1, le=10_000)
    log_every_steps: int | None = Field(default=None, ge=1, le=1_000_000, description="Also record metrics every this many steps.")
    stop_on_nan: bool = Field(default=True, description="Fail the run as soon as the loss is NaN or infinite.")
    max_retries: int = Field(default=2, ge=0, le=10, description="Restarts from the last checkpoint after a worker dies.")

    @field_validator("class_weights")
    @classmethod
    def _positive_weights(cls, weights: dict[str, float] | None, info: ValidationInfo) -> dict[str, float] | None:
        if weights is None:
            return None
        model = info.data.get("model")
        if model is not None and model.task == "regression" and weights:
            raise ValueError("classWeights apply to classification, but model.task is regression")
        if len(weights) > 1000:
            raise ValueError(f"at most 1000 classes are accepted, not {len(weights)}")
        for name, weight in weights.items():
            if not (math.isfinite(weight) and weight > 0):
                raise ValueError(f"the weight of class {name!r} must be a positive number, not {weight}")
        return weights

    @field_validator("loss")
    @classmethod
    def _loss_fits_task(cls, loss: str | None, info: ValidationInfo) -> str | None:
        model = info.data.get("model")
        if model is not None and model.task == "regression" and loss in CLASSIFICATION_LOSSES:
            raise ValueError(f"loss {loss} is for classification, but model.task is regression")
        return loss



def check_document(document: Any, field: str = "document") -> dict[str, Any]:
    """Validate a configuration document; returns it normalized (every default filled in, camelCase keys)."""
    if not isinstance(document, dict):
        raise InvalidInput(f"{field} must be a JSON object with at least a model section.", field=field, value=None)
    try:
        parsed = TrainingConfig.model_validate(document)
    except ValidationError as error:
        problems = [
            (_path(field, issue["loc"]), issue["msg"].removeprefix("Value error, "), issue.get("input"), issue["type"])
            for issue in error.errors(include_url=False)
        ]
        listed = "; ".join(
            f"{path}: {message}" + (f" (got {_shown(value)!r})" if kind != "missing" and _shown(value) is not None else "")
            for path, message, value, kind in problems[:MAX_SHOWN_ERRORS]
        )
        more = f"; and {len(problems) - MAX_SHOWN_ERRORS} more" if len(problems) > MAX_SHOWN_ERRORS else ""
        first_path, _message, first_value, _kind = problems[0]
        raise InvalidInput(
            f"{field} is invalid in {len(problems)} place{'s' if len(problems) > 1 else ''}: {listed}{more}.",
            field=first_path,
            value=_shown(first_value),
        ) from None
    return parsed.model_dump(by_alias=True, mode="json")


def _shown(value: Any) -> Any:
    """Return a rejected value in a form an error's JSON can carry: short text, a finite number, or None."""
    if isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return value[:200]
    return None


def _path(field: str, location: tuple[Any, ...]) -> str:
    path = field
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema of a configuration document, for forms."""
    return TrainingConfig.model_json_schema(by_alias=True)


def diff_documents(a: dict[str, Any], b: dict[str, Any], prefix: str = "") -> list[tuple[str, Any, Any]]:
    """Return (path, value in a, value in b) for every leaf that differs, in path order."""
    changes: list[tuple[str, Any, Any]] = []
    for key in sorted(set(a) | set(b)):
        path = f"{prefix}.{key}" if prefix else key
        left, right = a.get(key), b.get(key)
        if isinstance(left, dict) and isinstance(right, dict):
            changes.extend(diff_documents(left, right, path))
        elif left != right:
            changes.append((path, left, right))
    return changes
