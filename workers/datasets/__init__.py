"""The dataset engine: pure functions on pyarrow that run inside workers.

Each module contains one step. Import the functions from their modules: the package does
not re-export them, because `ingest`, `profile` and `preview` share their modules' names.

- `ingest.ingest` turns an uploaded CSV, JSON Lines or Parquet file into canonical Parquet.
- `profile.profile_steps` and `profile.profile` compute per-column statistics out of core.
- `operations.derive` applies preparation operations (filters, fills, scaling, one-hot
  encoding, splits) and writes a new dataset; `filters.compile_filter` compiles filter trees.
- `preview.preview` and `preview.export_csv` read a dataset back.

Problems caused by the user's file or request raise `errors.DatasetInputError` with a
message, the field at fault and the value. Canonical datasets store six logical column
types, all nullable: "integer" (int64), "float" (float64), "boolean", "string", "datetime"
(timestamp[us, UTC]) and "date" (date32). These modules import only the standard library,
numpy and pyarrow.
"""
