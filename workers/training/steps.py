"""Compiled train and validation steps that run one global batch across every replica.

Each worker passes the whole global batch, and replica r of n takes rows r, r+n, r+2n and so
on. Each replica's loss is its rows' summed loss divided by the global batch size, and the
optimizer sums the gradients over replicas, so the update equals that of one worker on the
whole batch. The same code runs with the default strategy for one worker.

Keras 3.15's `Model.fit` fails under MultiWorkerMirroredStrategy with TensorFlow 2.21: it
passes a nested batch to `Strategy.reduce`, which accepts one tensor, and raises "Attempt to
convert a value (PerReplica...) to a Tensor". These steps take the place of `fit`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workers.training.compilation import MetricSet


class DistributedSteps:
    """The train and validation steps of one model, and the running metrics they update.

    Construct it inside `strategy.scope()`, because the metrics' variables are created here.
    Metric results are summed over all replicas when read, which on several workers is a
    collective operation: every worker must read the same metrics at the same points.
    """

    def __init__(
        self,
        strategy: Any,
        model: Any,
        loss_fn: Callable[[Any, Any], Any],
        train_metrics: MetricSet,
        validation_metrics: MetricSet,
        x_sample: Any,
        y_sample: Any,
    ) -> None:
        import keras
        import tensorflow as tf

        self.strategy = strategy
        self.model = model
        self.loss_fn = loss_fn
        self.train_loss = keras.metrics.Mean(name="loss")
        self.validation_loss = keras.metrics.Mean(name="val_loss")
        self.train_metrics = train_metrics
        self.validation_metrics = validation_metrics

        x_spec = tf.TensorSpec([None, *x_sample.shape[1:]], tf.string if x_sample.dtype == object else tf.float32)
        y_spec = tf.TensorSpec([None], tf.as_dtype(y_sample.dtype))
        weight_spec = tf.TensorSpec([None], tf.float32)
        self.train = tf.function(self._train, input_signature=[x_spec, y_spec, weight_spec])
        self.validate = tf.function(self._validate, input_signature=[x_spec, y_spec])

    def _train(self, x: Any, y: Any, weights: Any) -> Any:
        """Train on one global batch and return its loss, the same value on every worker."""
        import tensorflow as tf

        global_size = tf.cast(tf.shape(x)[0], tf.float32)
        per_replica = self.strategy.run(self._replica_train, args=(x, y, weights, global_size))
        return self.strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)

    def _replica_train(self, x: Any, y: Any, weights: Any, global_size: Any) -> Any:
        import tensorflow as tf

        x, y, weights, replicas = _replica_rows(x, y, weights)
        with tf.GradientTape() as tape:
            outputs = self.model(x, training=True)
            per_row = self.loss_fn(y, outputs) * weights
            regularization = tf.add_n(self.model.losses) if self.model.losses else tf.constant(0.0)
            loss = tf.reduce_sum(per_row) / global_size + regularization / replicas

        gradients = tape.gradient(loss, self.model.trainable_weights)
        self.model.optimizer.apply_gradients(zip(gradients, self.model.trainable_weights))

        self.train_loss.update_state(per_row + regularization)
        self.train_metrics.update(y, outputs)
        return loss

    def _validate(self, x: Any, y: Any) -> None:
        self.strategy.run(self._replica_validate, args=(x, y))

    def _replica_validate(self, x: Any, y: Any) -> None:
        import tensorflow as tf

        x, y, _weights, _replicas = _replica_rows(x, y, None)
        outputs = self.model(x, training=False)
        regularization = tf.add_n(self.model.losses) if self.model.losses else tf.constant(0.0)
        self.validation_loss.update_state(self.loss_fn(y, outputs) + regularization)
        self.validation_metrics.update(y, outputs)

    def train_results(self) -> dict[str, float]:
        """Return the running means since the epoch began: `loss` and each training metric."""
        return {"loss": float(self.train_loss.result()), **self.train_metrics.results()}

    def validation_results(self) -> dict[str, float]:
        return {"val_loss": float(self.validation_loss.result()), **self.validation_metrics.results()}

    def reset(self) -> None:
        for tracker in (self.train_loss, self.validation_loss, self.train_metrics, self.validation_metrics):
            tracker.reset_state()


def _replica_rows(x: Any, y: Any, weights: Any) -> tuple[Any, Any, Any, int]:
    """Return this replica's rows of the global batch and the number of replicas."""
    import tensorflow as tf

    context = tf.distribute.get_replica_context()
    replica, replicas = context.replica_id_in_sync_group, context.num_replicas_in_sync
    if replicas == 1:
        return x, y, weights, 1
    rows = tf.range(replica, tf.shape(x)[0], replicas)
    weights = None if weights is None else tf.gather(weights, rows)
    return tf.gather(x, rows), tf.gather(y, rows), weights, replicas
