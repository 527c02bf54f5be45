"""What a model trains with: its output head, loss, metrics and optimizer.

The head follows the task and the number of classes, unless `loss` sets another one:

| task | head | default loss |
| --- | --- | --- |
| classification, 2 classes | Dense(1, sigmoid) | binary_crossentropy |
| classification, k > 2 classes | Dense(k, softmax) | sparse_categorical_crossentropy |
| regression | Dense(1) | mse |

`categorical_crossentropy` and `sparse_categorical_crossentropy` always get a softmax head,
even for 2 classes, and the loss one-hot encodes the class indices for
`categorical_crossentropy`. A regression loss (mse, mae, huber) with a classification task
is rejected, and so is `binary_crossentropy` with more than 2 classes.

Metrics keep the configuration's names, which are also their keys in epoch records:

| metric | binary (1 sigmoid unit, or 2 softmax units) | more than 2 classes | regression |
| --- | --- | --- | --- |
| accuracy | BinaryAccuracy at 0.5, or SparseCategoricalAccuracy for a softmax head | SparseCategoricalAccuracy | skipped, because the default metric list contains it |
| auc, precision, recall | AUC, Precision and Recall of the second class | rejected | rejected |
| mae, mse, rmse | rejected | rejected | MeanAbsoluteError, MeanSquaredError, RootMeanSquaredError |

Metrics are not weighted by `classWeights`, as in Keras' `fit`. The loss is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from workers.training.job import TrainingFailed

CLASSIFICATION_LOSSES = ("binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy")
BINARY_SCORE_METRICS = ("auc", "precision", "recall")
REGRESSION_METRICS = ("mae", "mse", "rmse")


@dataclass(frozen=True)
class Head:
    """The output layer of a model and the loss that trains it."""

    kind: str
    """"binary" (one sigmoid unit), "softmax" (one unit per class) or "regression" (one linear unit)."""
    units: int
    loss: str
    from_logits: bool = False
    """Whether the output is logits; only a fine-tuned base model can have them."""

    @property
    def activation(self) -> str | None:
        return {"binary": "sigmoid", "softmax": "softmax"}.get(self.kind)


def choose_head(config: dict[str, Any], classes: list[str] | None) -> Head:
    """Pick the head of a new model from the task, the classes and the configured loss."""
    loss = config["loss"]
    if classes is None:
        return Head("regression", 1, loss or "mse")

    _check_classification_loss(loss, len(classes))
    if loss in ("categorical_crossentropy", "sparse_categorical_crossentropy"):
        return Head("softmax", len(classes), loss)
    if len(classes) == 2:
        return Head("binary", 1, "binary_crossentropy")
    return Head("softmax", len(classes), "sparse_categorical_crossentropy")


def head_of_base_model(model: Any, config: dict[str, Any], classes: list[str] | None) -> Head:
    """Return the head that a fine-tuned model's existing output forms, or raise TrainingFailed if it does not fit."""
    units = model.outputs[0].shape[-1]
    output_layer = model.layers[-1]
    activation = getattr(getattr(output_layer, "activation", None), "__name__", None)
    # NOTE: only a last layer with a linear activation is taken for logits. Any other output is
    # read as probabilities, which is wrong for a base model that ends in a custom logits layer.
    from_logits = activation == "linear"
    loss = config["loss"]

    if classes is None:
        if units != 1:
            raise TrainingFailed(f"The base model has {units} outputs, but regression needs a model with 1 output.")
        return Head("regression", 1, loss or "mse")

    _check_classification_loss(loss, len(classes))
    if units == 1 and len(classes) == 2 and loss in (None, "binary_crossentropy"):
        return Head("binary", 1, "binary_crossentropy", from_logits)
    if units == len(classes) and loss != "binary_crossentropy":
        return Head("softmax", units, loss or "sparse_categorical_crossentropy", from_logits)
    raise TrainingFailed(
        f"The base model has {units} output unit{'s' if units != 1 else ''}, which does not fit the dataset's "
        f"{len(classes)} classes{' with loss ' + loss if loss else ''}: a model of {len(classes)} classes needs "
        f"{'1 sigmoid unit or ' if len(classes) == 2 else ''}{len(classes)} softmax units. Choose a base model "
        "trained on the same classes, or train a new model from another template."
    )


def _check_classification_loss(loss: str | None, class_count: int) -> None:
    if loss is not None and loss not in CLASSIFICATION_LOSSES:
        raise TrainingFailed(
            f"loss {loss} is for regression, but model.task is classification. "
            f"Use one of {', '.join(CLASSIFICATION_LOSSES)}, or null for the usual loss."
        )
    if loss == "binary_crossentropy" and class_count != 2:
        raise TrainingFailed(
            f"loss binary_crossentropy needs 2 classes, but the label has {class_count}. "
            "Use sparse_categorical_crossentropy, or null for the usual loss."
        )


def make_loss(head: Head) -> Callable[[Any, Any], Any]:
    """Return a function of (labels, outputs) giving each row's loss, for the labels `TrainingData` holds."""
    import keras
    import tensorflow as tf

    losses = {
        "binary_crossentropy": lambda: keras.losses.BinaryCrossentropy(from_logits=head.from_logits, reduction=None),
        "categorical_crossentropy": lambda: keras.losses.CategoricalCrossentropy(from_logits=head.from_logits, reduction=None),
        "sparse_categorical_crossentropy": lambda: keras.losses.SparseCategoricalCrossentropy(
            from_logits=head.from_logits, reduction=None
        ),
        "mse": lambda: keras.losses.MeanSquaredError(reduction=None),
        "mae": lambda: keras.losses.MeanAbsoluteError(reduction=None),
        "huber": lambda: keras.losses.Huber(reduction=None),
    }
    loss = losses[head.loss]()

    def per_row_loss(labels: Any, outputs: Any) -> Any:
        if head.loss == "sparse_categorical_crossentropy":
            targets = labels
        elif head.loss == "categorical_crossentropy":
            targets = tf.one_hot(labels, head.units)
        else:
            targets = tf.reshape(tf.cast(labels, outputs.dtype), (-1, 1))
        return loss(targets, outputs)

    return per_row_loss


class MetricSet:
    """Named Keras metrics and how each reads the labels and the model's outputs."""

    def __init__(self, head: Head, names: list[str], prefix: str = "") -> None:
        import keras

        self.head = head
        self.metrics: dict[str, tuple[Any, str]] = {}
        for name in names:
            built = _metric(keras, head, name)
            if built is not None:
                self.metrics[prefix + name] = built

    def update(self, labels: Any, outputs: Any) -> None:
        import tensorflow as tf

        probabilities = outputs
        if self.head.from_logits:
            probabilities = tf.sigmoid(outputs) if self.head.kind == "binary" else tf.nn.softmax(outputs)
        column = tf.reshape(tf.cast(labels, "float32"), (-1, 1))
        inputs = {
            "classes": (labels, probabilities) if self.head.kind == "softmax" else (column, probabilities),
            "positive": (column, probabilities[:, -1:]),
            "values": (column, outputs),
        }
        for metric, reads in self.metrics.values():
            metric.update_state(*inputs[reads])

    def results(self) -> dict[str, float]:
        return {name: float(metric.result()) for name, (metric, _reads) in self.metrics.items()}

    def reset_state(self) -> None:
        for metric, _reads in self.metrics.values():
            metric.reset_state()


def _metric(keras: Any, head: Head, name: str) -> tuple[Any, str] | None:
    """Return (metric, the inputs it reads), None to skip it, or raise TrainingFailed where it does not apply."""
    if head.kind == "regression":
        if name == "accuracy":
            return None
        if name not in REGRESSION_METRICS:
            raise TrainingFailed(f"Metric {name} is for classification, but model.task is regression; use mae, mse or rmse.")
        metric = {
            "mae": keras.metrics.MeanAbsoluteError,
            "mse": keras.metrics.MeanSquaredError,
            "rmse": keras.metrics.RootMeanSquaredError,
        }[name](name=name)
        return metric, "values"

    if name in REGRESSION_METRICS:
        raise TrainingFailed(
            f"Metric {name} is for regression, but model.task is classification; use accuracy, or auc, precision and recall for 2 classes."
        )
    if name == "accuracy":
        if head.kind == "binary":
            return keras.metrics.BinaryAccuracy(name=name), "classes"
        return keras.metrics.SparseCategoricalAccuracy(name=name), "classes"
    if head.units > 2:
        raise TrainingFailed(
            f"Metric {name} is computed for 2 classes, but the label has {head.units}. Remove it from metrics, or keep accuracy."
        )
    metric = {"auc": keras.metrics.AUC, "precision": keras.metrics.Precision, "recall": keras.metrics.Recall}[name](name=name)
    return metric, "positive"


def make_optimizer(config: dict[str, Any]) -> Any:
    """Build the Keras optimizer that the `optimizer` section describes, with its learning rate schedule."""
    import keras

    settings = config["optimizer"]
    learning_rate: Any = settings["learningRate"]
    schedule = settings["schedule"]
    if schedule is not None and schedule["kind"] == "exponential_decay":
        learning_rate = keras.optimizers.schedules.ExponentialDecay(learning_rate, schedule["decaySteps"], schedule["decayRate"])
    elif schedule is not None:
        learning_rate = keras.optimizers.schedules.CosineDecay(learning_rate, schedule["decaySteps"])

    name = settings["name"]
    if name == "adam":
        return keras.optimizers.Adam(learning_rate=learning_rate)
    if name == "adamw":
        return keras.optimizers.AdamW(learning_rate=learning_rate, weight_decay=settings["weightDecay"])
    if name == "sgd":
        return keras.optimizers.SGD(learning_rate=learning_rate, momentum=settings["momentum"])
    return keras.optimizers.RMSprop(learning_rate=learning_rate, momentum=settings["momentum"])


def compile_model(model: Any, head: Head, config: dict[str, Any]) -> None:
    """Compile the model with its optimizer and loss, and build the optimizer's variables.

    The training loop computes the loss and metrics itself. Compiling records the optimizer
    and the loss in the saved .keras file, so a checkpoint carries the optimizer's state.
    """
    import keras

    saved_loss = {
        "binary_crossentropy": keras.losses.BinaryCrossentropy(from_logits=head.from_logits),
        "categorical_crossentropy": keras.losses.CategoricalCrossentropy(from_logits=head.from_logits),
        "sparse_categorical_crossentropy": keras.losses.SparseCategoricalCrossentropy(from_logits=head.from_logits),
        "mse": keras.losses.MeanSquaredError(),
        "mae": keras.losses.MeanAbsoluteError(),
        "huber": keras.losses.Huber(),
    }[head.loss]
    model.compile(optimizer=make_optimizer(config), loss=saved_loss)
    model.optimizer.build(model.trainable_variables)
