"""The Keras callback on a real `model.fit` of scikit-learn's breast cancer data, logged to a real server."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import modelcloud
from tests.sdk.conftest import RUN_POINTS
from tests.support.server import Client, Server

pytestmark = pytest.mark.e2e

EPOCHS = 3
BATCH_SIZE = 64

HISTOGRAMS = """
query($id: ID!) {
  trainingRun(id: $id) {
    modelVersionId modelVersionNumber
    histograms { epoch layer tensor kind counts nanCount }
  }
}"""


def test_callback_sends_every_epoch(real_server: Server, reader: Client, tmp_path: Path) -> None:
    import keras
    from sklearn.datasets import load_breast_cancer

    from modelcloud.keras import ModelCloudCallback

    features, labels = load_breast_cancer(return_X_y=True)
    features = ((features - features.mean(axis=0)) / features.std(axis=0)).astype("float32")
    labels = labels.astype("float32")
    keras.utils.set_random_seed(7)
    model = keras.Sequential([keras.Input((30,)), keras.layers.Dense(16, activation="relu", name="hidden"),
                              keras.layers.Dense(1, activation="sigmoid", name="output")], name="mlp")
    schedule = keras.optimizers.schedules.ExponentialDecay(0.01, decay_steps=5, decay_rate=0.5)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="binary_crossentropy", metrics=["accuracy"])

    with modelcloud.init(team="default", name="breast-cancer-mlp", url=real_server.url, token=real_server.admin_token,
                         buffer_dir=tmp_path) as run:
        callback = ModelCloudCallback(run, log_every_n_batches=2, probe=(features[:32], labels[:32]),
                                      register_model="breast-cancer-sdk")
        model.fit(features, labels, epochs=EPOCHS, batch_size=BATCH_SIZE, validation_split=0.2, callbacks=[callback], verbose=0)

    train_rows = len(features) - int(len(features) * 0.2)
    batches = -(-train_rows // BATCH_SIZE)
    epoch_steps = [batches * epoch for epoch in range(1, EPOCHS + 1)]
    state = reader.data(RUN_POINTS, {"id": run.id, "names": None})["trainingRun"]
    series = {entry["name"]: entry["points"] for entry in state["metrics"]}
    assert state["status"] == "SUCCEEDED"
    for name in ("loss", "accuracy", "val_loss", "val_accuracy", "learning_rate", "epoch"):
        assert [point["step"] for point in series[name]] == epoch_steps, name
    assert [point["value"] for point in series["epoch"]] == [1, 2, 3]
    decayed = [0.01 * 0.5 ** (step / 5) for step in epoch_steps]
    assert [point["value"] for point in series["learning_rate"]] == pytest.approx(decayed, rel=1e-5)
    assert [point["step"] for point in series["step/loss"]] == list(range(2, batches * EPOCHS + 1, 2))

    logged = reader.data(HISTOGRAMS, {"id": run.id})["trainingRun"]
    tensors = {(entry["tensor"], entry["kind"]) for entry in logged["histograms"]}
    # Keras 3 weight paths start with the model's name.
    assert tensors == {(f"mlp/{layer}/{weight}", kind) for layer in ("hidden", "output") for weight in ("kernel", "bias")
                       for kind in ("WEIGHTS", "GRADIENTS")}
    kernels = [entry for entry in logged["histograms"] if entry["tensor"] == "mlp/hidden/kernel" and entry["kind"] == "WEIGHTS"]
    assert sorted(entry["epoch"] for entry in kernels) == [1, 2, 3]
    assert all(sum(entry["counts"]) == 30 * 16 for entry in kernels)
    final_kernel = np.asarray(model.get_layer("hidden").kernel)
    assert [entry for entry in kernels if entry["epoch"] == 3][0]["counts"] == np.histogram(
        final_kernel, bins=30, range=(final_kernel.min(), final_kernel.max()))[0].tolist()

    assert callback.model_version is not None
    assert logged["modelVersionId"] == callback.model_version["id"]
    assert logged["modelVersionNumber"] == callback.model_version["number"]


UPDATED = (
    "subscription($id: ID!) { trainingRunUpdated(id: $id) { run { status } points { name step value } change { action } } }"
)


def test_callback_epochs_arrive_live(real_server: Server, tmp_path: Path) -> None:
    import asyncio

    import keras
    from sklearn.datasets import load_wine

    from modelcloud.keras import ModelCloudCallback
    from tests.support.graphql_ws import GraphQLWebSocket

    features, labels = load_wine(return_X_y=True)
    features = ((features - features.mean(axis=0)) / features.std(axis=0)).astype("float32")
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input((13,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    run = modelcloud.init(team="default", name="wine-live", url=real_server.url, token=real_server.admin_token, buffer_dir=tmp_path)

    def train() -> None:
        with run:
            model.fit(features, labels, epochs=6, batch_size=32, callbacks=[ModelCloudCallback(run, histograms=False)], verbose=0)

    async def train_and_watch() -> list[dict[str, object]]:
        socket = await GraphQLWebSocket.connect(real_server.ws_url, payload={"token": real_server.admin_token})
        operation = await socket.subscribe(UPDATED, {"id": run.id})
        await socket.next_data(operation)
        training = asyncio.create_task(asyncio.to_thread(train))
        updates = []
        while True:
            update = (await socket.next_data(operation, timeout=120))["trainingRunUpdated"]
            updates.append(update)
            if update["change"] and update["change"]["action"] == "TrainingRun.Finished":
                break
        await training
        await socket.close()
        return updates

    updates = asyncio.run(train_and_watch())

    batches = -(-len(features) // 32)
    epochs_seen = [point["value"] for update in updates for point in update["points"] if point["name"] == "epoch"]
    loss_steps = [point["step"] for update in updates for point in update["points"] if point["name"] == "loss"]
    assert epochs_seen == [1, 2, 3, 4, 5, 6]
    assert loss_steps == [batches * epoch for epoch in range(1, 7)]
    assert updates[-1]["run"]["status"] == "SUCCEEDED"
