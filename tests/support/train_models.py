"""Train small Keras models on scikit-learn's breast cancer data and save them as a user would upload them.

Run as a script in its own process, so the test process never imports TensorFlow:
`python -m tests.support.train_models OUTPUT_FOLDER`. It writes the data as CSV and two `.keras`
files trained with different seeds. It also exports the first as a SavedModel packed as .zip and
.tar.gz, saves a model with a Lambda layer, and copies the first with its weights file cut short.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
import tarfile
import zipfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")


def main(output: Path) -> None:
    import numpy as np
    import tensorflow as tf
    from sklearn.datasets import load_breast_cancer

    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    output.mkdir(parents=True, exist_ok=True)

    dataset = load_breast_cancer()
    csv_path = output / "breast_cancer.csv"
    with csv_path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*dataset.feature_names, "target"])
        writer.writerows([*row, label] for row, label in zip(dataset.data.tolist(), dataset.target.tolist()))
    table = np.loadtxt(csv_path, delimiter=",", skiprows=1, dtype="float32")
    features, labels = table[:, :-1], table[:, -1]
    mean, std = features.mean(axis=0), features.std(axis=0) + 1e-6
    scaled = (features - mean) / std

    report = {}
    for name, seed, units in (("cancer_a", 1, 16), ("cancer_b", 2, 24)):
        tf.keras.utils.set_random_seed(seed)
        model = tf.keras.Sequential(
            [
                tf.keras.Input(shape=(features.shape[1],), name="features"),
                tf.keras.layers.Dense(units, activation="relu", name="hidden"),
                tf.keras.layers.Dense(1, activation="sigmoid", name="malignant"),
            ],
            name=name,
        )
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
        history = model.fit(scaled, labels, epochs=3, batch_size=64, verbose=0)
        model.save(output / f"{name}.keras")
        report[name] = {
            "params": int(model.count_params()),
            "accuracy": float(history.history["accuracy"][-1]),
        }
        if name == "cancer_a":
            export = output / "cancer_a_savedmodel"
            model.export(str(export))
            shutil.make_archive(str(output / "cancer_a_savedmodel"), "zip", root_dir=export)
            with tarfile.open(output / "cancer_a_savedmodel.tar.gz", "w:gz") as archive:
                archive.add(export, arcname="cancer_a_savedmodel")

    # A model that safe mode refuses to load: its Lambda layer would run arbitrary Python.
    tf.keras.utils.set_random_seed(3)
    with_lambda = tf.keras.Sequential(
        [
            tf.keras.Input(shape=(features.shape[1],), name="features"),
            tf.keras.layers.Lambda(lambda batch: batch * 2.0, name="double"),
            tf.keras.layers.Dense(1, activation="sigmoid", name="malignant"),
        ],
        name="with_lambda",
    )
    with_lambda.save(output / "with_lambda.keras")

    # A well-formed archive whose weights are cut short, as after an interrupted copy.
    with zipfile.ZipFile(output / "cancer_a.keras") as source, zipfile.ZipFile(output / "truncated_weights.keras", "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            target.writestr(item, content[: len(content) // 3] if item.filename.endswith(".h5") else content)

    train_review_models(output)
    (output / "report.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report))


def train_review_models(output: Path) -> None:
    """Train one small sentiment model per language of tests/data/multilingual_reviews.csv, and one on all of them."""
    import numpy as np
    import tensorflow as tf

    with (Path(__file__).parents[1] / "data" / "multilingual_reviews.csv").open(newline="") as handle:
        reviews = list(csv.DictReader(handle))
    for language in ("en", "de", "fr", "all"):
        rows = [row for row in reviews if language == "all" or row["language"] == language]
        texts = tf.constant([[row["text"]] for row in rows])
        labels = np.array([float(row["label"]) for row in rows], dtype="float32")
        tf.keras.utils.set_random_seed(5)
        vectorize = tf.keras.layers.TextVectorization(max_tokens=800, output_sequence_length=16, name="tokens")
        vectorize.adapt(texts)
        inputs = tf.keras.Input(shape=(1,), dtype="string", name="text")
        hidden = tf.keras.layers.Embedding(801, 8, name="embedding")(vectorize(inputs))
        hidden = tf.keras.layers.GlobalAveragePooling1D(name="average")(hidden)
        outputs = tf.keras.layers.Dense(1, activation="sigmoid", name="positive")(hidden)
        model = tf.keras.Model(inputs, outputs, name=f"reviews_{language}")
        model.compile(optimizer=tf.keras.optimizers.Adam(0.05), loss="binary_crossentropy")
        model.fit(texts, labels, epochs=20, batch_size=8, verbose=0)
        model.save(output / f"reviews_{language}.keras")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
