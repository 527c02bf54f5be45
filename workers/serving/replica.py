"""The Serve deployment of one model version: each replica loads the model once and serves its requests.

A replica is a Ray actor with a fraction of a CPU, so TensorFlow gets one intra-op and one
inter-op thread. The model runs under one `tf.function` with a fixed input signature, traced at
start, because Keras' `model.predict` costs milliseconds of set-up on every call. With batching
on, `@serve.batch` joins concurrent requests along axis 0 for one model call and splits the
outputs back. Importing this module imports Ray Serve but not TensorFlow; the replica imports
TensorFlow when it starts.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from ray import serve

from workers.serving.batching import Outputs, Tensors, concatenate_requests, prepare_inputs, response_outputs, split_outputs
from workers.serving.errors import PredictionFailed, ReplicaStartFailed, first_line
from workers.serving.spec import DEPLOYMENT_NAME, ReplicaSpec

log = logging.getLogger(__name__)

ModelCall = Callable[[Tensors], Tensors]

# Placeholders until `reconfigure` applies the spec's batching settings, before the first request.
_INITIAL_BATCH_SIZE = 16
_INITIAL_BATCH_WAIT_S = 0.005


@serve.deployment(name=DEPLOYMENT_NAME)
class ModelReplica:
    """One replica of a model version. Serve calls `__call__` with one request's inputs."""

    def __init__(self, spec: ReplicaSpec) -> None:
        limit_tensorflow_threads()
        self._app_name = spec.app_name
        self._signature = spec.signature
        # A SavedModel is unpacked here and read while the replica lives.
        self._workdir = tempfile.TemporaryDirectory(prefix="modelcloud-replica-")
        model = load_replica_model(spec, self._workdir.name)
        self._call = compile_model_call(model, spec.signature)
        self._probe = probe_inputs(spec.signature)
        self._batching = True

        try:
            self._call(self._probe)
        except Exception as error:  # noqa: BLE001  (any failure here means the replica cannot serve)
            raise ReplicaStartFailed(f"The model failed on a row of zeros shaped like its signature: {first_line(error)}") from None
        log.info("replica ready", extra={"app": spec.app_name, "model_sha256": spec.model_sha256})

    def reconfigure(self, config: Mapping[str, Any]) -> None:
        """Apply the batching settings of `workers.serving.spec.batching_config`. Serve calls it after `__init__` and on updates."""
        max_batch_size = int(config["max_batch_size"])
        self._batching = max_batch_size > 1
        self.predict_batch.set_max_batch_size(max_batch_size)
        self.predict_batch.set_batch_wait_timeout_s(float(config["batch_wait_timeout_s"]))

    async def __call__(self, inputs: Any) -> Outputs:
        tensors = prepare_inputs(self._signature, inputs)
        if not self._batching:
            return response_outputs(self._predict(tensors))
        return response_outputs(await self.predict_batch(tensors))

    @serve.batch(max_batch_size=_INITIAL_BATCH_SIZE, batch_wait_timeout_s=_INITIAL_BATCH_WAIT_S)
    async def predict_batch(self, requests: list[Tensors]) -> list[Tensors]:
        batch, row_counts = concatenate_requests(requests)
        outputs = self._predict(batch)
        try:
            return split_outputs(outputs, row_counts)
        except ValueError as error:
            raise PredictionFailed(f"The model returned outputs that do not match its input rows: {error}") from None

    def check_health(self) -> None:
        """Raise unless the model still returns outputs for the probe row. Serve replaces a replica whose check fails."""
        self._call(self._probe)

    def _predict(self, tensors: Tensors) -> Tensors:
        try:
            return self._call(tensors)
        except Exception as error:  # noqa: BLE001  (a model error is the caller's answer, not the replica's failure)
            raise PredictionFailed(f"The model failed on the inputs: {first_line(error)}") from None


def limit_tensorflow_threads() -> None:
    """Give TensorFlow one thread per pool, as befits a fraction of a CPU. An actor that already ran TensorFlow keeps its pools."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:
        pass


def load_replica_model(spec: ReplicaSpec, workdir: str) -> Any:
    """Return the spec's model, loaded as evaluation loads it, or raise ReplicaStartFailed with the reason."""
    from workers.evaluation.job import EvaluationFailed
    from workers.evaluation.predictions import load_model

    try:
        # `load_model` reads only the artifacts, model_sha256 and model_format of its job, which a spec has too.
        return load_model(spec, workdir)  # type: ignore[arg-type]
    except EvaluationFailed as error:
        raise ReplicaStartFailed(str(error)) from None


def compile_model_call(model: Any, signature: Mapping[str, Any]) -> ModelCall:
    """Return a function from input arrays by name to output arrays by name, running the model under one tf.function.

    `model` is a Keras model or the ServingSignature of a SavedModel, as `load_model` returns them.
    The tf.function's input signature keeps each input's dtype and sizes, with any number of rows.
    """
    import keras
    import tensorflow as tf

    from workers.evaluation.predictions import ServingSignature

    input_names = [spec["name"] for spec in signature["inputs"]]
    output_names = [spec["name"] for spec in signature["outputs"]]
    input_signature = [
        tf.TensorSpec([None, *spec["shape"][1:]], tf.as_dtype(spec["dtype"])) for spec in signature["inputs"]
    ]

    if isinstance(model, ServingSignature):

        def run(*tensors: Any) -> tuple[Any, ...]:
            return (model.function(**{model.input_name: tensors[0]})[model.output_name],)

    else:

        def run(*tensors: Any) -> tuple[Any, ...]:
            arguments = tensors[0] if len(tensors) == 1 else dict(zip(input_names, tensors))
            # keras.tree.flatten orders a dict of outputs as model.outputs does, which the signature follows.
            return tuple(keras.tree.flatten(model(arguments, training=False)))

    compiled = tf.function(run, input_signature=input_signature)

    def call(tensors: Tensors) -> Tensors:
        results = compiled(*(tensors[name] for name in input_names))
        return {name: np.asarray(result) for name, result in zip(output_names, results)}

    return call


def probe_inputs(signature: Mapping[str, Any]) -> Tensors:
    """Return one row of zeros (or empty strings) per input, for tracing at start and for health checks."""
    probe = {}
    for spec in signature["inputs"]:
        shape = [1, *(1 if size is None else size for size in spec["shape"][1:])]
        dtype = object if spec["dtype"] == "string" else np.dtype(spec["dtype"])
        probe[spec["name"]] = np.full(shape, b"" if dtype is object else 0, dtype=dtype)
    return probe
