"""scikit-learn's bundled datasets written out as the files a user would upload: CSV, Parquet and JSON Lines."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn import datasets as sklearn_datasets

LOADERS = {
    "breast_cancer": sklearn_datasets.load_breast_cancer,
    "iris": sklearn_datasets.load_iris,
    "wine": sklearn_datasets.load_wine,
    "diabetes": sklearn_datasets.load_diabetes,
    "digits": sklearn_datasets.load_digits,
}


def frame(name: str) -> pd.DataFrame:
    """Return the dataset with its features and a `target` column, as scikit-learn ships it."""
    return LOADERS[name](as_frame=True).frame


def write_dataset_files(folder: Path) -> Path:
    """Write every dataset as `<name>.csv`, `<name>.parquet` and `<name>.jsonl` into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in LOADERS:
        data = frame(name)
        data.to_csv(folder / f"{name}.csv", index=False)
        data.to_parquet(folder / f"{name}.parquet", index=False)
        data.to_json(folder / f"{name}.jsonl", orient="records", lines=True)
    return folder
