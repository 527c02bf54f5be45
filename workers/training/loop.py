"""The training loop of a platform run, on one worker or on several under MultiWorkerMirroredStrategy.

Epoch records have this shape (metric keys as Keras names them; a non-finite value stays a
float NaN or infinity):

    {"epoch": 3, "step": 42, "metrics": {"loss": 0.21, "accuracy": 0.93, "val_loss": 0.25, ...},
     "learningRate": 0.001, "durationSeconds": 0.4, "etaSeconds": 2.8, "histograms": [...]}

`histograms` contains the entries of `workers.training.histograms`, those of the weights and then
those of the gradients, and only the chief fills it. With `logEverySteps` N, every N global steps the reporter also
gets `{"name": "step/<metric>", "step", "value", "wallTime"}` points, one for the loss and
each training metric, whose values are the running means since the epoch began and whose
wallTime is in milliseconds since the Unix epoch.
"""

from __future__ import annotations

import json
import logging
import math
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from backend.telemetry import tracer
from workers.training.compilation import MetricSet, compile_model, make_loss
from workers.training.data import TrainingData, load_training_data
from workers.training.job import Reporter, TrainingFailed, TrainingJob

logger = logging.getLogger(__name__)

PROBE_ROWS = 256
MAXIMIZED_METRICS = ("accuracy", "auc", "precision", "recall")


def run_training(
    job: TrainingJob,
    reporter: Reporter,
    workdir: str,
    *,
    worker_index: int = 0,
    cluster: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """Train the job's model and return what the run produced; raises TrainingFailed with the reason.

    `cluster` is None for one worker, or `{"worker": ["host:port", ...]}` when several train
    together. Worker 0 is the chief: only it reports, computes histograms and keeps
    checkpoints and `<workdir>/model.keras`, and the others return `"modelPath": None`.
    Every worker reads the whole dataset and must be given the same job.
    """
    workers = len(cluster["worker"]) if cluster else 1
    logger.info("Training run %s attempt %d: worker %d of %d starting", job.run_id, job.attempt, worker_index, workers)

    data = load_training_data(job)
    strategy = _start_tensorflow(job.config, worker_index, cluster)
    trainer = _Trainer(job, data, strategy, reporter, workdir, is_chief=worker_index == 0)
    reporter.started(trainer.summary(workers))

    with strategy.scope():
        for epoch_index in range(job.resume_epoch, job.config["epochs"]):
            with tracer.start_as_current_span(f"epoch {epoch_index + 1}", attributes={"modelcloud.epoch": epoch_index + 1}):
                trainer.run_epoch(epoch_index)
            if trainer.stopped_early:
                break
        with tracer.start_as_current_span("save model"):
            result = trainer.finish()

    logger.info(
        "Training run %s attempt %d: worker %d finished at epoch %d%s",
        job.run_id, job.attempt, worker_index, result["epochs"], " (stopped early)" if result["stoppedEarly"] else "",
    )
    return result


class _Trainer:
    """The state of one worker's training: model, steps, early stopping and the epochs done so far."""

    def __init__(self, job: TrainingJob, data: TrainingData, strategy: Any, reporter: Reporter, workdir: str, *, is_chief: bool) -> None:
        import keras
        import tensorflow as tf

        from workers.training.steps import DistributedSteps

        self.config = job.config
        self.data = data
        self.reporter = reporter
        self.workdir = workdir
        self.is_chief = is_chief

        keras.utils.set_random_seed(self.config["seed"])
        with strategy.scope():
            self.model, head = _model(job, data)
            self.loss_fn = make_loss(head)
            train_metrics = MetricSet(head, self.config["metrics"])
            validation_metrics = MetricSet(head, self.config["metrics"], prefix="val_")
            self.steps = DistributedSteps(strategy, self.model, self.loss_fn, train_metrics, validation_metrics, data.train_x, data.train_y)

        self.row_weights = _row_weights(self.config, data, job.label)
        self.logged = ["loss", *train_metrics.metrics]
        if len(data.validation_y):
            self.logged += ["val_loss", *validation_metrics.metrics]
        self.early_stopping = _early_stopping(self.config, self.logged, self.model)

        self.probe_x = tf.constant(data.train_x[:PROBE_ROWS])
        self.probe_y = tf.constant(data.train_y[:PROBE_ROWS])
        self.global_step = int(self.model.optimizer.iterations.numpy())
        self.epoch_seconds: list[float] = []
        self.metrics: dict[str, float] = {}
        self.metrics_by_epoch: dict[int, dict[str, float]] = {}
        self.completed = job.resume_epoch
        self.stopped_early = False

    def summary(self, workers: int) -> dict[str, Any]:
        return {
            "trainRows": len(self.data.train_y),
            "validationRows": len(self.data.validation_y),
            "droppedRows": self.data.dropped_rows,
            "stepsPerEpoch": math.ceil(len(self.data.train_y) / self.config["batchSize"]),
            "features": self.data.features,
            "classes": self.data.classes,
            "parameters": int(sum(math.prod(weight.shape) for weight in self.model.trainable_weights)),
            "workers": workers,
            "metricNames": self.logged,
        }

    def run_epoch(self, epoch_index: int) -> None:
        """Train one epoch, validate, report it, then checkpoint and check early stopping."""
        epoch_number = epoch_index + 1
        began = time.monotonic()
        self.steps.reset()

        self._train_batches(epoch_index)
        self.metrics = self.steps.train_results()
        if len(self.data.validation_y):
            self.metrics.update(self._validate())
        histograms = self._histograms() if self.is_chief else []

        self.epoch_seconds.append(time.monotonic() - began)
        self.reporter.epoch(
            {
                "epoch": epoch_number,
                "step": self.global_step,
                "metrics": self.metrics,
                "learningRate": float(np.asarray(self.model.optimizer.learning_rate)),
                "durationSeconds": self.epoch_seconds[-1],
                "etaSeconds": float(np.mean(self.epoch_seconds)) * (self.config["epochs"] - epoch_number),
                "histograms": histograms,
            }
        )
        self.completed = epoch_number
        self.metrics_by_epoch[epoch_number] = dict(self.metrics)

        if epoch_number % self.config["checkpointEveryEpochs"] == 0:
            path = _save(self.model, self.workdir, f"checkpoint-{epoch_number}.keras", self.is_chief)
            if path is not None:
                self.reporter.checkpoint(epoch_number, path)

        if self.early_stopping is not None:
            self.early_stopping.on_epoch_end(epoch_index, self.metrics)
            self.stopped_early = bool(self.model.stop_training)

    def _train_batches(self, epoch_index: int) -> None:
        batch_size, log_every = self.config["batchSize"], self.config["logEverySteps"]
        train_rows = len(self.data.train_y)
        order = np.random.default_rng([self.config["seed"], epoch_index]).permutation(train_rows)

        for start in range(0, train_rows, batch_size):
            rows = order[start : start + batch_size]
            loss = self.steps.train(self.data.train_x[rows], self.data.train_y[rows], self.row_weights[rows])
            self.global_step += 1
            if self.config["stopOnNan"]:
                _check_finite(float(loss), epoch_index + 1, self.global_step)
            if log_every and self.global_step % log_every == 0:
                self.reporter.steps(_step_points(self.steps.train_results(), self.global_step))

    def _validate(self) -> dict[str, float]:
        batch_size = self.config["batchSize"]
        for start in range(0, len(self.data.validation_y), batch_size):
            self.steps.validate(self.data.validation_x[start : start + batch_size], self.data.validation_y[start : start + batch_size])
        return self.steps.validation_results()

    def _histograms(self) -> list[dict[str, Any]]:
        from workers.training.histograms import gradient_histograms, weight_histograms

        return weight_histograms(self.model) + gradient_histograms(self.model, self.loss_fn, self.probe_x, self.probe_y)

    def finish(self) -> dict[str, Any]:
        """Restore the best weights when early stopping is on, save the final model and return the run's result."""
        best_epoch = None
        metrics = self.metrics
        if self.early_stopping is not None:
            # Restores the weights of the best epoch seen in this attempt.
            self.early_stopping.on_train_end()
            if self.early_stopping.best_weights is not None:
                best_epoch = self.early_stopping.best_epoch + 1
                # The saved model has that epoch's weights, so its metrics are the ones that describe it.
                metrics = self.metrics_by_epoch.get(best_epoch, metrics)

        return {
            "modelPath": _save(self.model, self.workdir, "model.keras", self.is_chief),
            "epochs": self.completed,
            "stoppedEarly": self.stopped_early,
            "metrics": metrics,
            "classes": self.data.classes,
            "features": self.data.features,
            "bestEpoch": best_epoch,
        }


def _save(model: Any, workdir: str, name: str, is_chief: bool) -> str | None:
    """Save the model as `<workdir>/<name>` on the chief and return the path; other workers save to a temporary folder.

    Every worker saves, because Keras 3.15's save creates variables (the optimizer's
    iteration and learning_rate), and under MultiWorkerMirroredStrategy each new variable's
    initial value is broadcast from the chief in a collective operation that every worker joins.
    """
    if is_chief:
        path = str(Path(workdir) / name)
        model.save(path)
        return path
    with tempfile.TemporaryDirectory(prefix="modelcloud-worker-") as folder:
        model.save(str(Path(folder) / name))
    return None


def _start_tensorflow(config: dict[str, Any], worker_index: int, cluster: dict[str, list[str]] | None) -> Any:
    """Limit TensorFlow's threads to the worker's CPUs, then return the distribution strategy.

    MultiWorkerMirroredStrategy reads TF_CONFIG and must be created before TensorFlow runs
    any operation in the process, so each worker of a multi-worker run needs a fresh process.
    """
    if cluster:
        os.environ["TF_CONFIG"] = json.dumps({"cluster": cluster, "task": {"type": "worker", "index": worker_index}})
    import tensorflow as tf

    intra_op_threads = max(1, int(config["resources"]["cpusPerWorker"]))
    # A second inter-op thread lets a worker compute while a collective waits for its peers.
    inter_op_threads = 2 if cluster else 1
    try:
        tf.config.threading.set_intra_op_parallelism_threads(intra_op_threads)
        tf.config.threading.set_inter_op_parallelism_threads(inter_op_threads)
    except RuntimeError:
        # TensorFlow already ran in this process, as in a second run in one test session; its
        # thread settings stay as they were.
        logger.info("TensorFlow was already initialized in this process; keeping its thread settings")

    if not cluster:
        return tf.distribute.get_strategy()
    # NOTE: TensorFlow's gRPC server listens on every interface (0.0.0.0) at the port the
    # cluster names for this worker, whatever host it names; TensorFlow 2.21 has no setting for that.
    try:
        return tf.distribute.MultiWorkerMirroredStrategy()
    except RuntimeError as error:
        raise RuntimeError(
            f"MultiWorkerMirroredStrategy could not start ({error}). TensorFlow already ran in this process, "
            "so start each worker of a multi-worker run in a fresh process."
        ) from error


def _model(job: TrainingJob, data: TrainingData) -> tuple[Any, Any]:
    """Return the compiled model, loaded from the job's checkpoint or built from its template, and its head."""
    from workers.training.templates import build_model, head_for, load_keras_blob

    if job.resume_sha256 is not None:
        model = load_keras_blob(job.artifacts, job.resume_sha256, "checkpoint")
        if getattr(model, "optimizer", None) is None:
            raise TrainingFailed(f"The checkpoint {job.resume_sha256} has no optimizer state, so the run cannot resume from it.")
        return model, head_for(job, model, data.classes)

    model = build_model(job, data)
    head = head_for(job, model, data.classes)
    compile_model(model, head, job.config)
    return model, head


def _row_weights(config: dict[str, Any], data: TrainingData, label: str) -> np.ndarray:
    """Return each train row's loss weight: its class's weight in classWeights, 1 for a class not listed."""
    class_weights = config["classWeights"]
    if not class_weights or data.classes is None:
        return np.ones(len(data.train_y), dtype="float32")

    unknown = [name for name in class_weights if name not in data.classes]
    if unknown:
        raise TrainingFailed(
            f"classWeights names {', '.join(repr(name) for name in unknown)}, which {'is' if len(unknown) == 1 else 'are'} "
            f"not a class of the label column {label!r}. Its classes are {', '.join(repr(name) for name in data.classes[:50])}"
            f"{' and more' if len(data.classes) > 50 else ''}."
        )
    by_class = np.array([class_weights.get(name, 1.0) for name in data.classes], dtype="float32")
    return by_class[data.train_y]


def _early_stopping(config: dict[str, Any], logged: list[str], model: Any) -> Any:
    """Return a Keras EarlyStopping callback bound to the model, or None without earlyStopping."""
    settings = config["earlyStopping"]
    if settings is None:
        return None
    monitor = settings["monitor"]
    if monitor not in logged:
        raise TrainingFailed(
            f"earlyStopping.monitor is {monitor!r}, which this run does not log. It logs {', '.join(logged)}"
            f"{'' if 'val_loss' in logged else ' (no val_ metrics, because the dataset has no validation rows)'}."
        )

    import keras

    mode = settings["mode"]
    if mode == "auto":
        # Keras guesses the direction from compiled metrics, which this loop does not use.
        mode = "max" if monitor.removeprefix("val_") in MAXIMIZED_METRICS else "min"
    # NOTE: the callback's patience and best value are not in checkpoints, so a resumed
    # attempt starts counting afresh from the checkpoint's epoch.
    callback = keras.callbacks.EarlyStopping(
        monitor=monitor, patience=settings["patience"], min_delta=settings["minDelta"], mode=mode, restore_best_weights=True
    )
    callback.set_model(model)
    callback.on_train_begin()
    return callback


def _check_finite(loss: float, epoch: int, step: int) -> None:
    if not math.isfinite(loss):
        raise TrainingFailed(
            f"The training loss became {loss} at epoch {epoch}, step {step}, and stopOnNan is on. "
            "Lower optimizer.learningRate, or check the data for missing or extreme values."
        )


def _step_points(results: dict[str, float], step: int) -> list[dict[str, Any]]:
    wall_time = int(time.time() * 1000)
    return [{"name": f"step/{name}", "step": step, "value": value, "wallTime": wall_time} for name, value in results.items()]
