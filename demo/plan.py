"""The demo's plan: its team, datasets, cleaning steps, training configurations, evaluations and alert rules."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TEAM = "demo"
TEAM_DESCRIPTION = "Created by `modelcloud demo` from the datasets that scikit-learn ships."
DEPLOYMENT = "breast-cancer"
PREDICTION_TOKEN = "demo-predictions"
PRODUCTION = "production"

SPLIT_RATIOS = {"train": 0.7, "validation": 0.15, "test": 0.15}
SEED = 42


@dataclass(frozen=True)
class TrainingPlan:
    """One configuration profile and the training run that uses it."""

    config_name: str
    description: str
    document: dict[str, Any]


@dataclass(frozen=True)
class DatasetPlan:
    """One scikit-learn dataset: how it is uploaded and cleaned, and the model trained on it."""

    name: str
    description: str
    filename: str
    cleaning: list[dict[str, Any]]
    model: str
    model_description: str
    task: str
    trainings: list[TrainingPlan]
    slices: list[dict[str, Any]]
    tags: list[dict[str, str]] = field(default_factory=list)


def stratified_split() -> dict[str, Any]:
    return {"op": "split", "strategy": "stratified", "ratios": SPLIT_RATIOS, "seed": SEED}


BREAST_CANCER = DatasetPlan(
    name="breast-cancer",
    description="Wisconsin diagnostic breast cancer: 30 features of cell nuclei; target 0 is malignant, 1 benign.",
    filename="breast_cancer.csv",
    cleaning=[{"op": "dropDuplicates"}, stratified_split()],
    model="breast-cancer-classifier",
    model_description="Binary classifier of breast tumours from 30 cell-nucleus measurements.",
    task="CLASSIFICATION",
    trainings=[
        TrainingPlan(
            "breast-cancer-small", "A narrow network, trained briefly.",
            {"model": {"template": "tabular_mlp", "hiddenUnits": [8]}, "epochs": 6, "batchSize": 32, "seed": 7,
             "optimizer": {"name": "adam", "learningRate": 0.01}, "metrics": ["accuracy", "auc"]},
        ),
        TrainingPlan(
            "breast-cancer-wide", "Two wider layers with dropout and early stopping on the validation loss.",
            {"model": {"template": "tabular_mlp", "hiddenUnits": [32, 16], "dropout": 0.1}, "epochs": 25, "batchSize": 32,
             "seed": 7, "optimizer": {"name": "adam", "learningRate": 0.005}, "metrics": ["accuracy", "auc"],
             "earlyStopping": {"monitor": "val_loss", "patience": 4}},
        ),
    ],
    slices=[
        {"kind": "quantiles", "feature": "mean radius", "bins": 4},
        {"kind": "filter", "name": "large tumours", "filter": "`mean area` > 1000"},
        {"kind": "label"},
    ],
    tags=[{"key": "domain", "value": "medical"}],
)

DIGITS = DatasetPlan(
    name="digits",
    description="Handwritten digits as 8×8 images: 64 pixel columns from 0 to 16 and the digit as target.",
    filename="digits.csv",
    cleaning=[{"op": "dropDuplicates"}, stratified_split()],
    model="digits-cnn",
    model_description="Convolutional classifier of 8×8 handwritten digits.",
    task="CLASSIFICATION",
    trainings=[
        TrainingPlan(
            "digits-cnn", "One convolution layer and one dense layer.",
            {"model": {"template": "image_cnn", "filters": [16], "hiddenUnits": [64]}, "epochs": 8, "batchSize": 32, "seed": 3,
             "optimizer": {"name": "adam", "learningRate": 0.005}, "metrics": ["accuracy"]},
        ),
    ],
    slices=[{"kind": "label"}],
    tags=[{"key": "domain", "value": "vision"}],
)

DIABETES_FEATURES = ["age", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]

DIABETES = DatasetPlan(
    name="diabetes",
    description="Diabetes progression one year after baseline, from age, sex, BMI, blood pressure and six blood serum values.",
    filename="diabetes.csv",
    cleaning=[
        {"op": "dropMissing"},
        {"op": "split", "strategy": "random", "ratios": SPLIT_RATIOS, "seed": SEED},
        {"op": "standardize", "columns": DIABETES_FEATURES},
    ],
    model="diabetes-regressor",
    model_description="Regression of disease progression; trained on two Ray workers.",
    task="REGRESSION",
    trainings=[
        TrainingPlan(
            "diabetes-two-workers", "A regression network trained by two workers with half a CPU each.",
            {"model": {"template": "tabular_mlp", "task": "regression", "hiddenUnits": [32, 16]}, "epochs": 40,
             "batchSize": 32, "seed": 5, "optimizer": {"name": "adam", "learningRate": 0.05}, "loss": "mse",
             "metrics": ["mae", "rmse"], "resources": {"workers": 2, "cpusPerWorker": 0.5}},
        ),
    ],
    slices=[{"kind": "values", "feature": "sex"}, {"kind": "quantiles", "feature": "bmi", "bins": 4}],
    tags=[{"key": "domain", "value": "medical"}],
)

DATASETS = [BREAST_CANCER, DIGITS, DIABETES]

# The rule promotes each new breast cancer version that reaches the threshold and beats the holder.
PROMOTION_RULE = {"name": "promote on ROC AUC", "metric": "rocAuc", "threshold": 0.9, "margin": 0.0, "alias": PRODUCTION}

ALERT_RULES: list[dict[str, Any]] = [
    {"name": "slow predictions", "signal": "latencyP95Ms", "comparator": ">", "threshold": 500, "targetKind": "TEAM",
     "windowSeconds": 300, "forSeconds": 60, "severity": "WARNING"},
    {"name": "server errors", "signal": "errorRate", "comparator": ">", "threshold": 0.05, "targetKind": "TEAM",
     "windowSeconds": 300, "severity": "CRITICAL"},
    {"name": "input drift", "signal": "featureDriftPsi", "comparator": ">", "threshold": 0.25, "targetKind": "TEAM",
     "windowSeconds": 900, "severity": "WARNING"},
    {"name": "failed training", "signal": "failedTrainingRuns", "comparator": ">=", "threshold": 1, "targetKind": "TEAM",
     "windowSeconds": 86400, "severity": "INFO"},
]

# The prediction stream: requests of 1 to MAX_ROWS_PER_REQUEST rows from the breast cancer file.
PREDICTION_REQUESTS = 120
PREDICTION_SECONDS = 12.0
MAX_ROWS_PER_REQUEST = 5


def write_dataset_files(folder: Path) -> dict[str, Path]:
    """Write each demo dataset as the CSV file a user would upload; returns the paths by dataset name.

    scikit-learn's loaders read the copies bundled with the package, so nothing is downloaded.
    Diabetes is written unscaled (ages in years, BMI in kg/m²), as it was measured.
    """
    from sklearn import datasets

    loaded = {
        BREAST_CANCER.name: datasets.load_breast_cancer(),
        DIGITS.name: datasets.load_digits(),
        DIABETES.name: datasets.load_diabetes(scaled=False),
    }
    paths = {}
    for dataset in DATASETS:
        bunch = loaded[dataset.name]
        path = folder / dataset.filename
        with path.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow([*bunch.feature_names, "target"])
            for features, target in zip(bunch.data, bunch.target, strict=True):
                writer.writerow([number_text(value) for value in (*features, target)])
        paths[dataset.name] = path
    return paths


def number_text(value: float) -> str:
    """Write a whole number without a fraction, as a spreadsheet would, and any other number in full precision."""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)
