"""Whole evaluations of real Keras models on Parquet blobs in a real artifact store, checked against scikit-learn."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as sk

from backend.domain.expressions import parse_filter
from tests.unit.test_evaluation_support import (  # noqa: F401  (session fixture)
    Case,
    changed,
    evaluation_cases,
    store_frame,
    store_model,
    with_splits,
)
from workers.evaluation.job import EvaluationFailed
from workers.evaluation.runner import evaluate_blob

pytestmark = [pytest.mark.unit, pytest.mark.timeout(120)]

# The report predicts under tf.function and the tests call the model eagerly, so float32 results may differ in the last bits.
CLOSE = 1e-6
REPORT_KEYS = {
    "evaluationId", "task", "split", "label", "features", "classes", "rows", "droppedRows", "metrics", "curves",
    "thresholds", "thresholdScores", "primaryMetric", "slices", "attributions", "notes",
}
CANCER_SLICES = [
    {"kind": "values", "feature": "clinic"},
    {"kind": "quantiles", "feature": "mean radius", "bins": 3},
    {"kind": "filter", "name": "large", "filter": parse_filter("`mean radius` > 15"), "expression": "`mean radius` > 15"},
]


@pytest.fixture(scope="module")
def cancer_report(evaluation_cases: dict[str, Case]) -> dict[str, Any]:
    return evaluate_blob(changed(evaluation_cases["cancer"].job, slices=CANCER_SLICES))


@pytest.fixture(scope="module")
def digits_report(evaluation_cases: dict[str, Case]) -> dict[str, Any]:
    return evaluate_blob(changed(evaluation_cases["digits"].job, slices=[{"kind": "label"}]))


@pytest.fixture(scope="module")
def diabetes_report(evaluation_cases: dict[str, Case]) -> dict[str, Any]:
    return evaluate_blob(changed(evaluation_cases["diabetes"].job, slices=[{"kind": "bins", "feature": "bmi", "bins": 3}]))


def stored_variant(case: Case, frame: pd.DataFrame) -> str:
    return store_frame(Path(case.job.artifacts), frame)


def test_report_is_plain_json(cancer_report: dict[str, Any], digits_report: dict[str, Any], diabetes_report: dict[str, Any]) -> None:
    for report in (cancer_report, digits_report, diabetes_report):
        assert set(report) == REPORT_KEYS
        assert json.loads(json.dumps(report, allow_nan=False)) == report


def test_binary_report_matches_sklearn(evaluation_cases: dict[str, Case], cancer_report: dict[str, Any]) -> None:
    case = evaluation_cases["cancer"]
    rows = case.test_rows
    y_true, scores = rows["target"].to_numpy(), case.predict(rows)[:, 0]
    y_pred = (scores >= 0.5).astype(int)
    metrics = cancer_report["metrics"]

    assert cancer_report["rows"] == len(rows)
    assert cancer_report["droppedRows"] == 0
    assert cancer_report["classes"] == ["0", "1"]
    assert metrics["accuracy"] == pytest.approx(sk.accuracy_score(y_true, y_pred), abs=CLOSE)
    probabilities = np.clip(np.stack([1 - scores, scores], axis=1), 1e-15, 1 - 1e-15)
    assert metrics["logLoss"] == pytest.approx(sk.log_loss(y_true, probabilities), abs=CLOSE)
    assert metrics["rocAuc"] == pytest.approx(sk.roc_auc_score(y_true, scores), abs=CLOSE)
    assert metrics["prAuc"] == pytest.approx(sk.average_precision_score(y_true, scores), abs=CLOSE)
    assert metrics["macro"]["f1"] == pytest.approx(sk.f1_score(y_true, y_pred, average="macro"), abs=CLOSE)
    assert metrics["weighted"]["recall"] == pytest.approx(sk.recall_score(y_true, y_pred, average="weighted"), abs=CLOSE)
    assert metrics["confusionMatrix"] == sk.confusion_matrix(y_true, y_pred).tolist()
    assert "notes" not in metrics


def test_binary_report_has_curves_and_thresholds(cancer_report: dict[str, Any]) -> None:
    [(tn, fp), (fn, tp)] = cancer_report["metrics"]["confusionMatrix"]
    curves = cancer_report["curves"]

    assert len(cancer_report["thresholds"]) == 101
    half = cancer_report["thresholds"][50]
    assert (half["threshold"], half["tn"], half["fp"], half["fn"], half["tp"]) == (0.5, tn, fp, fn, tp)
    scores = cancer_report["thresholdScores"]
    assert len(scores["scores"]) <= cancer_report["rows"]
    assert scores["positives"] + scores["negatives"] == cancer_report["rows"]
    at_half = next(index for index, score in enumerate(scores["scores"]) if score >= 0.5)
    assert (scores["positivesAtOrAbove"][at_half], scores["negativesAtOrAbove"][at_half]) == (tp, fp)
    assert [curve["class"] for curve in curves["roc"]] == ["1"]
    assert [curve["class"] for curve in curves["pr"]] == ["1"]
    assert sum(curves["calibration"]["count"]) == cancer_report["rows"]
    assert "notes" not in curves


def test_binary_report_slices(evaluation_cases: dict[str, Case], cancer_report: dict[str, Any]) -> None:
    rows = evaluation_cases["cancer"].test_rows
    slices = {entry["name"]: entry for entry in cancer_report["slices"]}

    assert cancer_report["primaryMetric"] == "accuracy"
    assert slices["large"]["rows"] == int((rows["mean radius"] > 15).sum())
    for clinic in ("north", "south", "east"):
        assert slices[f"clinic = '{clinic}'"]["rows"] == int((rows["clinic"] == clinic).sum())
    assert slices["clinic is null"]["rows"] == int(rows["clinic"].isna().sum())
    assert sum(entry["rows"] for entry in cancer_report["slices"] if entry["kind"] == "quantiles") == len(rows)
    gaps = [entry["gap"] for entry in cancer_report["slices"]]
    assert gaps == sorted(gaps)


def test_binary_report_permutation_importance(cancer_report: dict[str, Any], evaluation_cases: dict[str, Case]) -> None:
    attributions = cancer_report["attributions"]

    assert attributions["metric"] == "logLoss"
    assert attributions["rows"] == cancer_report["rows"]
    assert attributions["repeats"] == 5
    features = [item["feature"] for item in attributions["permutation"]]
    assert sorted(features) == sorted(evaluation_cases["cancer"].job.features)
    importances = [item["importance"] for item in attributions["permutation"]]
    assert importances == sorted(importances, reverse=True)
    assert importances[0] > 0


@pytest.mark.filterwarnings("ignore:The y_prob values do not sum to one")
def test_multiclass_report_matches_sklearn(evaluation_cases: dict[str, Case], digits_report: dict[str, Any]) -> None:
    case = evaluation_cases["digits"]
    rows = case.test_rows
    y_true, outputs = rows["target"].to_numpy(), case.predict(rows)
    y_pred = outputs.argmax(axis=1)
    metrics = digits_report["metrics"]

    assert metrics["accuracy"] == pytest.approx(sk.accuracy_score(y_true, y_pred), abs=CLOSE)
    assert metrics["rocAuc"] == pytest.approx(sk.roc_auc_score(y_true, outputs, multi_class="ovr"), abs=CLOSE)
    assert metrics["logLoss"] == pytest.approx(sk.log_loss(y_true, np.clip(outputs, 1e-15, 1 - 1e-15)), abs=CLOSE)
    assert metrics["micro"]["f1"] == pytest.approx(sk.f1_score(y_true, y_pred, average="micro"), abs=CLOSE)
    assert metrics["confusionMatrix"] == sk.confusion_matrix(y_true, y_pred).tolist()
    assert digits_report["thresholds"] is None
    assert digits_report["thresholdScores"] is None
    assert digits_report["curves"]["calibration"] is None
    assert len(digits_report["curves"]["roc"]) == 10
    assert len(digits_report["slices"]) == 10


def test_regression_report_matches_sklearn(evaluation_cases: dict[str, Case], diabetes_report: dict[str, Any]) -> None:
    case = evaluation_cases["diabetes"]
    rows = case.test_rows
    y_true, y_pred = rows["target"].to_numpy(), case.predict(rows)[:, 0]
    metrics = diabetes_report["metrics"]

    assert diabetes_report["classes"] is None
    assert metrics["mae"] == pytest.approx(sk.mean_absolute_error(y_true, y_pred), rel=CLOSE)
    assert metrics["rmse"] == pytest.approx(sk.root_mean_squared_error(y_true, y_pred), rel=CLOSE)
    assert metrics["r2"] == pytest.approx(sk.r2_score(y_true, y_pred), abs=CLOSE)
    assert set(metrics) == {"rows", "mae", "mse", "rmse", "r2"}
    assert sum(diabetes_report["curves"]["residuals"]["counts"]) == len(rows)
    assert diabetes_report["thresholds"] is None
    assert diabetes_report["thresholdScores"] is None
    assert diabetes_report["primaryMetric"] == "rmse"
    assert diabetes_report["attributions"]["metric"] == "rmse"
    gaps = [entry["gap"] for entry in diabetes_report["slices"]]
    assert gaps == sorted(gaps, reverse=True)


def test_no_split_evaluates_every_row(evaluation_cases: dict[str, Case]) -> None:
    case = evaluation_cases["cancer"]

    report = evaluate_blob(changed(case.job, split=None))

    assert report["rows"] == len(case.frame)
    assert report["split"] is None


def test_rows_without_label_are_dropped(evaluation_cases: dict[str, Case]) -> None:
    case = evaluation_cases["cancer"]
    frame = case.frame.copy()
    frame["target"] = frame["target"].astype("Int64")
    unlabelled = frame.index[frame["split"] == "test"][:5]
    frame.loc[unlabelled, "target"] = pd.NA

    report = evaluate_blob(changed(case.job, dataset_sha256=stored_variant(case, frame)))

    assert report["droppedRows"] == 5
    assert report["rows"] == len(case.test_rows) - 5
    assert "5 rows without a value in the label column 'target' were left out." in report["notes"]


def test_float_labels_map_to_integer_classes(evaluation_cases: dict[str, Case], cancer_report: dict[str, Any]) -> None:
    case = evaluation_cases["cancer"]
    frame = case.frame.copy()
    frame["target"] = frame["target"].astype("float64")

    report = evaluate_blob(changed(case.job, dataset_sha256=stored_variant(case, frame), slices=CANCER_SLICES))

    assert report["metrics"] == cancer_report["metrics"]


def test_missing_feature_values_take_train_mean(evaluation_cases: dict[str, Case]) -> None:
    case = evaluation_cases["cancer"]
    frame = case.frame.copy()
    emptied = frame.index[frame["split"] == "test"][:4]
    frame.loc[emptied, "mean radius"] = np.nan
    train_mean = case.frame.loc[case.frame["split"] == "train", "mean radius"].mean()

    report = evaluate_blob(changed(case.job, dataset_sha256=stored_variant(case, frame)))

    filled = frame[frame["split"] == "test"].reset_index(drop=True)
    filled["mean radius"] = filled["mean radius"].fillna(train_mean)
    scores = case.predict(filled)[:, 0]
    assert report["metrics"]["logLoss"] == pytest.approx(
        sk.log_loss(filled["target"], np.clip(np.stack([1 - scores, scores], axis=1), 1e-15, 1 - 1e-15)), abs=CLOSE
    )
    assert "Missing feature values were replaced by the column's mean over the train rows: 'mean radius' (4)." in report["notes"]


def test_logits_model_is_read_through_sigmoid(evaluation_cases: dict[str, Case], cancer_report: dict[str, Any], tmp_path: Path) -> None:
    import keras

    case = evaluation_cases["cancer"]
    inputs = keras.Input(shape=(len(case.job.features),), name="features")
    hidden = case.model.get_layer("hidden")(case.model.get_layer("normalization")(inputs))
    logits = keras.layers.Dense(1, name="logits")(hidden)
    model = keras.Model(inputs, logits, name="cancer_logits")
    model.get_layer("logits").set_weights(case.model.get_layer("output").get_weights())

    report = evaluate_blob(changed(case.job, model_sha256=store_model(Path(case.job.artifacts), model, tmp_path)))

    assert report["metrics"]["logLoss"] == pytest.approx(cancer_report["metrics"]["logLoss"], abs=CLOSE)
    assert report["metrics"]["confusionMatrix"] == cancer_report["metrics"]["confusionMatrix"]
    assert any("read as logits and passed through sigmoid" in note for note in report["notes"])


def test_missing_feature_fails_listing_columns(evaluation_cases: dict[str, Case]) -> None:
    case = evaluation_cases["cancer"]
    features = [*case.job.features[:-2], "shoe size", "hat size"]

    with pytest.raises(EvaluationFailed) as failure:
        evaluate_blob(changed(case.job, features=features))

    message = str(failure.value)
    assert message.startswith("The dataset version has no feature column 'shoe size', 'hat size', which the model takes as input.")
    assert "'mean radius'" in message


def test_width_mismatch_fails_listing_columns(evaluation_cases: dict[str, Case]) -> None:
    case = evaluation_cases["cancer"]
    features = case.job.features[:29]

    with pytest.raises(EvaluationFailed) as failure:
        evaluate_blob(changed(case.job, features=features))

    message = str(failure.value)
    assert "The model's input has shape [None, 30], so it takes 30 feature columns, but the evaluation has 29 (1 fewer)" in message
    assert "'mean radius', 'mean texture'" in message


def test_unknown_label_value_fails_naming_it(evaluation_cases: dict[str, Case]) -> None:
    case = evaluation_cases["cancer"]
    ones = int((case.test_rows["target"] == 1).sum())

    with pytest.raises(EvaluationFailed, match=rf"has values the model has no class for: '1' \({ones} rows\)\. The model's classes are 'benign', '0'"):
        evaluate_blob(changed(case.job, classes=["benign", "0"]))


def test_text_feature_fails(evaluation_cases: dict[str, Case]) -> None:
    case = evaluation_cases["cancer"]

    with pytest.raises(EvaluationFailed, match=r"Feature columns must be integer, float or boolean, but 'clinic' \(large_string\) is not"):
        evaluate_blob(changed(case.job, features=[*case.job.features[:29], "clinic"]))


def test_missing_dataset_blob_fails(evaluation_cases: dict[str, Case]) -> None:
    case = evaluation_cases["cancer"]

    with pytest.raises(EvaluationFailed, match="is missing from the artifact store"):
        evaluate_blob(changed(case.job, dataset_sha256="0" * 64))


def test_infinite_prediction_fails_counting_rows(evaluation_cases: dict[str, Case]) -> None:
    case = evaluation_cases["diabetes"]
    frame = case.frame.copy()
    frame.loc[frame.index[frame["split"] == "test"][0], "bmi"] = np.inf

    with pytest.raises(EvaluationFailed, match=rf"NaN or infinite outputs for 1 of {len(case.test_rows)} rows"):
        evaluate_blob(changed(case.job, dataset_sha256=stored_variant(case, frame)))


def test_missing_split_column_fails(evaluation_cases: dict[str, Case]) -> None:
    case = evaluation_cases["cancer"]
    frame = case.frame.drop(columns=["split"])

    with pytest.raises(EvaluationFailed, match="has no 'split' column, so its 'test' rows are unknown"):
        evaluate_blob(changed(case.job, dataset_sha256=stored_variant(case, frame)))


def description_sentences() -> pd.DataFrame:
    """Sentences of four scikit-learn dataset descriptions, each labelled with the dataset it describes."""
    from sklearn import datasets as sklearn_datasets

    rows = []
    for name in ("breast_cancer", "digits", "wine", "iris"):
        for sentence in re.split(r"(?<=[.!?])\s+|\n\s*\n", getattr(sklearn_datasets, f"load_{name}")().DESCR):
            if len(sentence.split()) >= 4:
                rows.append({"sentence": " ".join(sentence.split()), "target": name})
    return pd.DataFrame(rows)


def test_text_model_report_matches_sklearn(evaluation_cases: dict[str, Case], tmp_path: Path) -> None:
    import keras
    import tensorflow as tf

    frame = with_splits(description_sentences())
    classes = sorted(frame["target"].unique())
    train = frame[frame["split"] == "train"]
    keras.utils.set_random_seed(7)
    vectorize = keras.layers.TextVectorization(max_tokens=500, output_sequence_length=24, name="vectorize")
    vectorize.adapt(train["sentence"].to_numpy())
    inputs = keras.Input(shape=(1,), dtype="string", name="text")
    hidden = keras.layers.GlobalAveragePooling1D()(keras.layers.Embedding(500, 8)(vectorize(inputs)))
    model = keras.Model(inputs, keras.layers.Dense(len(classes), activation="softmax")(hidden), name="descriptions")
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy")
    texts = tf.constant(train["sentence"].tolist())[:, None]
    model.fit(texts, train["target"].map(classes.index).to_numpy(), epochs=3, verbose=0)
    artifacts = Path(evaluation_cases["cancer"].job.artifacts)
    job = changed(
        evaluation_cases["cancer"].job,
        dataset_sha256=store_frame(artifacts, frame),
        model_sha256=store_model(artifacts, model, tmp_path),
        features=["sentence"],
        classes=classes,
        slices=[{"kind": "label"}],
    )

    report = evaluate_blob(job)

    rows = frame[frame["split"] == "test"]
    y_true = rows["target"].map(classes.index).to_numpy()
    outputs = np.asarray(model(rows["sentence"].to_numpy(dtype=object).reshape(-1, 1)), dtype="float64")
    assert report["rows"] == len(rows)
    assert report["metrics"]["accuracy"] == pytest.approx(sk.accuracy_score(y_true, outputs.argmax(axis=1)), abs=CLOSE)
    assert report["metrics"]["confusionMatrix"] == sk.confusion_matrix(y_true, outputs.argmax(axis=1), labels=range(4)).tolist()
    assert report["attributions"] is None
    assert len(report["slices"]) == 4


def test_text_feature_with_numeric_model_fails(evaluation_cases: dict[str, Case]) -> None:
    case = evaluation_cases["cancer"]

    with pytest.raises(EvaluationFailed, match=r"The feature column 'clinic' is text, but the model's input is float32 of shape \[None, 30\]"):
        evaluate_blob(changed(case.job, features=["clinic"]))
