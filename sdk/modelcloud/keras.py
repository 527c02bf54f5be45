"""A Keras callback that logs a `model.fit` to a ModelCloud run.

Importing this module imports Keras; `import modelcloud` alone does not. Gradient
histograms need the TensorFlow backend, and TensorFlow is imported only when a probe batch
is given.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

import keras
import numpy as np

from modelcloud.errors import ModelCloudError
from modelcloud.points import is_real
from modelcloud.run import Run

log = logging.getLogger("modelcloud")


class ModelCloudCallback(keras.callbacks.Callback):
    """Log each epoch's metrics, the learning rate, weight and gradient histograms, and optionally the final model.

    Points are logged at the global step, the number of training batches done so far, as in
    ModelCloud's own training runs. At each epoch's end, each number in `logs` (val_*
    included) is logged under its Keras name, with `epoch` (counted from 1) and
    `learning_rate`. With `log_every_n_batches`, every n-th batch's running metrics are
    logged as `step/<name>`. `histograms` logs a histogram of each trainable weight at each
    epoch's end. With `probe=(x, y)` it also logs the gradient of the loss over that fixed
    batch, with the model in inference mode. `register_model="name"` saves the trained model
    as a .keras file at the end and registers it as the next version of that model.
    """

    def __init__(
        self,
        run: Run,
        log_every_n_batches: int | None = None,
        histograms: bool = True,
        probe: tuple[Any, Any] | None = None,
        register_model: str | None = None,
    ) -> None:
        super().__init__()
        if log_every_n_batches is not None and (isinstance(log_every_n_batches, bool) or log_every_n_batches < 1):
            raise ValueError(f"log_every_n_batches {log_every_n_batches!r} is invalid: use a whole number from 1, or None")
        if probe is not None and (not isinstance(probe, tuple) or len(probe) != 2):
            raise ValueError("probe must be a tuple (x, y) of one batch of training inputs and their labels")
        self.run = run
        self.log_every_n_batches = log_every_n_batches
        self.histograms = histograms
        self.probe = probe
        self.register_model = register_model
        self.model_version: dict[str, Any] | None = None
        self.global_step: int | None = None
        self._gradients_enabled = histograms and probe is not None

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        # A second fit with the same callback goes on from the steps of the first.
        if self.global_step is None:
            self.global_step = self.run.step

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self.global_step = (self.global_step or 0) + 1
        if self.log_every_n_batches and self.global_step % self.log_every_n_batches == 0:
            metrics = {f"step/{name}": value for name, value in _numbers(logs).items()}
            if metrics:
                self.run.log(metrics, step=self.global_step)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        step = self.global_step or 0
        epoch_number = epoch + 1
        metrics = {**_numbers(logs), "epoch": epoch_number}
        learning_rate = self._learning_rate()
        if learning_rate is not None:
            metrics["learning_rate"] = learning_rate
        self.run.log(metrics, step=step)

        if self.histograms:
            for layer, weight in _trainable_weights(self.model):
                self.run.log_histogram(layer, np.asarray(weight), tensor=_tensor_name(weight), step=step, epoch=epoch_number)
        if self._gradients_enabled:
            self._log_gradients(step, epoch_number)

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        if self.register_model is None:
            return
        with tempfile.TemporaryDirectory(prefix="modelcloud-") as folder:
            path = Path(folder) / "model.keras"
            try:
                self.model.save(path)
                self.model_version = self.run.log_model(path, self.register_model)
            except (ModelCloudError, OSError) as error:
                # Training itself succeeded, so fit returns normally; the version is simply missing.
                log.error("run %s could not register the trained model as %r: %s", self.run.id, self.register_model, error)

    def _learning_rate(self) -> float | None:
        optimizer = getattr(self.model, "optimizer", None)
        rate = getattr(optimizer, "learning_rate", None)
        if rate is None:
            return None
        # Keras 3 returns the schedule's current value; tf.keras 2 returns the schedule object itself.
        if isinstance(rate, keras.optimizers.schedules.LearningRateSchedule):
            rate = rate(optimizer.iterations)
        try:
            return float(np.asarray(rate))
        except (TypeError, ValueError):
            return None

    def _log_gradients(self, step: int, epoch_number: int) -> None:
        if keras.backend.backend() != "tensorflow":
            log.warning("gradient histograms need the TensorFlow backend, not %s; only weights are logged", keras.backend.backend())
            self._gradients_enabled = False
            return
        try:
            gradients = _probe_gradients(self.model, *self.probe)  # type: ignore[misc]
        except Exception:
            # A custom model or loss can fail here in many ways; losing gradient histograms must not stop training.
            log.warning("computing gradients over the probe batch failed; gradient histograms are turned off", exc_info=True)
            self._gradients_enabled = False
            return
        for (layer, weight), gradient in zip(_trainable_weights(self.model), gradients, strict=True):
            self.run.log_histogram(layer, gradient, tensor=_tensor_name(weight), kind="gradients", step=step, epoch=epoch_number)


def _probe_gradients(model: Any, x: Any, y: Any) -> list[np.ndarray]:
    """Return the gradient of the loss over (x, y) for each trainable weight, in `model.trainable_weights` order."""
    import tensorflow as tf

    weights = model.trainable_weights
    with tf.GradientTape() as tape:
        predictions = model(x, training=False)
        try:
            loss = model.compute_loss(x=x, y=y, y_pred=predictions, training=False)
        except TypeError:  # Keras before 3.3 has no `training` argument here
            loss = model.compute_loss(x=x, y=y, y_pred=predictions)
    gradients = tape.gradient(loss, weights, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    # An embedding's gradient comes as IndexedSlices; converting gives the full tensor.
    return [np.asarray(tf.convert_to_tensor(gradient)) for gradient in gradients]


def _trainable_weights(model: Any) -> list[tuple[str, Any]]:
    """Return (layer name, weight) for each trainable weight, in `model.trainable_weights` order."""
    owners: dict[int, str] = {}
    for layer in model.layers:
        for weight in layer.trainable_weights:
            owners.setdefault(id(weight), layer.name)
    return [(owners.get(id(weight), model.name), weight) for weight in model.trainable_weights]


def _tensor_name(weight: Any) -> str:
    return str(getattr(weight, "path", None) or weight.name)


def _numbers(logs: dict[str, Any] | None) -> dict[str, Any]:
    """Return the entries of Keras' logs that are real numbers; other entries are left out."""
    return {name: value for name, value in (logs or {}).items() if is_real(value)}
