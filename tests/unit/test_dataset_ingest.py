"""Ingestion of CSV, JSON Lines and Parquet uploads into canonical Parquet."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sklearn.datasets import load_breast_cancer, load_iris, load_wine

from workers.datasets import _csv, _jsonl
from workers.datasets.errors import DatasetInputError
from workers.datasets.ingest import ingest

pytestmark = pytest.mark.unit

DATA = Path(__file__).resolve().parents[1] / "data" / "datasets"
UTC = dt.timezone.utc


def ingest_file(source: Path, output: Path, **options: object) -> dict:
    return ingest(str(source), source.name, str(output), **options)


def rejected(source: Path, tmp_path: Path, **options: object) -> DatasetInputError:
    output = tmp_path / "out.parquet"
    with pytest.raises(DatasetInputError) as caught:
        ingest_file(source, output, **options)
    assert not output.exists()
    assert list(tmp_path.glob("out.parquet*")) == []
    return caught.value


def column_types(result: dict) -> dict[str, str]:
    return {column["name"]: column["type"] for column in result["columns"]}


# --- Rejected files ---------------------------------------------------------------------------------


def test_latin1_bytes_rejected_with_line(tmp_path: Path) -> None:
    error = rejected(DATA / "latin1.csv", tmp_path)
    assert error.field == "file"
    assert error.value == "line 3"
    offset = (DATA / "latin1.csv").read_bytes().index(b"\xe9")
    assert f"byte offset {offset}" in error.message
    assert "0xe9" in error.message
    assert "UTF-8" in error.message


def test_invalid_utf8_in_header_rejected(tmp_path: Path) -> None:
    source = tmp_path / "header.csv"
    source.write_bytes(b"id,caf\xe9\n1,2\n")
    error = rejected(source, tmp_path)
    assert error.field == "file"
    assert error.value == "line 1"
    assert "byte offset 6" in error.message


def test_invalid_utf8_late_in_large_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_csv, "BLOCK_BYTES", 64 * 1024)
    lines = [b"id,name"] + [b"%d,name%d" % (i, i) for i in range(20_000)] + [b"20000,bad\xff"]
    source = tmp_path / "late.csv"
    source.write_bytes(b"\n".join(lines) + b"\n")
    error = rejected(source, tmp_path)
    assert error.value == "line 20002"
    offset = source.read_bytes().index(b"\xff")
    assert f"byte offset {offset}" in error.message


def test_ragged_row_names_physical_line(tmp_path: Path) -> None:
    error = rejected(DATA / "ragged.csv", tmp_path)
    assert error.field == "file"
    assert error.value == "line 4"
    assert error.message.startswith("Line 4 has 5 fields; the header has 4.")


def test_short_row_rejected(tmp_path: Path) -> None:
    source = tmp_path / "short.csv"
    source.write_text("a,b,c\n1,2,3\n\n4,5\n")
    error = rejected(source, tmp_path)
    assert error.value == "line 4"
    assert error.message.startswith("Line 4 has 2 fields; the header has 3.")


def test_empty_file_rejected(tmp_path: Path) -> None:
    error = rejected(DATA / "empty.csv", tmp_path)
    assert error.field == "file"
    assert "empty" in error.message


def test_blank_file_rejected(tmp_path: Path) -> None:
    source = tmp_path / "blank.csv"
    source.write_bytes(b"\xef\xbb\xbf \n\n")
    assert rejected(source, tmp_path).field == "file"


def test_header_without_rows_rejected(tmp_path: Path) -> None:
    error = rejected(DATA / "header_only.csv", tmp_path)
    assert error.field == "file"
    assert "no data rows" in error.message


def test_duplicate_column_rejected(tmp_path: Path) -> None:
    error = rejected(DATA / "duplicate_columns.csv", tmp_path)
    assert error.field == "columns"
    assert error.value == "id"


def test_blank_column_name_rejected(tmp_path: Path) -> None:
    error = rejected(DATA / "empty_column_name.csv", tmp_path)
    assert error.field == "columns"
    assert "Column 2 has an empty name" in error.message


def test_too_many_columns_rejected(tmp_path: Path) -> None:
    source = tmp_path / "wide.csv"
    header = ",".join(f"c{i}" for i in range(10_000))
    source.write_text(header + "\n" + ",".join("1" for _ in range(10_000)) + "\n")
    error = rejected(source, tmp_path)
    assert error.field == "columns"
    assert error.value == 10_000
    assert "2000" in error.message


def test_column_limit_is_a_parameter(tmp_path: Path) -> None:
    source = tmp_path / "three.csv"
    source.write_text("a,b,c\n1,2,3\n")
    assert rejected(source, tmp_path, max_columns=2).value == 3
    result = ingest_file(source, tmp_path / "ok.parquet", max_columns=3)
    assert result["rows"] == 1


def test_long_column_name_rejected(tmp_path: Path) -> None:
    source = tmp_path / "long.csv"
    name = "x" * 300
    source.write_text(f"id,{name}\n1,2\n")
    error = rejected(source, tmp_path)
    assert error.field == "columns"
    assert error.value == name[:200]
    assert "300 characters" in error.message


def test_invalid_json_line_rejected(tmp_path: Path) -> None:
    error = rejected(DATA / "invalid.jsonl", tmp_path)
    assert error.field == "file"
    assert error.value == "line 2"
    assert "not valid JSON" in error.message


def test_nested_json_rejected_naming_column(tmp_path: Path) -> None:
    error = rejected(DATA / "nested.jsonl", tmp_path)
    assert error.field == "columns"
    assert error.value == "tags"
    assert "line 1" in error.message


def test_json_line_that_is_not_object_rejected(tmp_path: Path) -> None:
    source = tmp_path / "list.jsonl"
    source.write_text('{"a": 1}\n[1, 2]\n')
    error = rejected(source, tmp_path)
    assert error.value == "line 2"


def test_json_invalid_utf8_rejected(tmp_path: Path) -> None:
    source = tmp_path / "latin.jsonl"
    source.write_bytes(b'{"a": "ok"}\n{"a": "caf\xe9"}\n')
    error = rejected(source, tmp_path)
    assert error.field == "file"
    assert error.value == "line 2"
    assert "byte offset 22" in error.message


def test_unreadable_parquet_rejected(tmp_path: Path) -> None:
    source = tmp_path / "broken.parquet"
    source.write_bytes(b"PAR1" + b"\x00" * 64)
    error = rejected(source, tmp_path)
    assert error.field == "file"
    assert "Parquet" in error.message


def test_truncated_parquet_rejected(tmp_path: Path) -> None:
    whole = tmp_path / "whole.parquet"
    pq.write_table(pa.table({"a": list(range(1000))}), whole)
    source = tmp_path / "cut.parquet"
    source.write_bytes(whole.read_bytes()[:-40])
    assert rejected(source, tmp_path).field == "file"


def test_unsupported_parquet_type_rejected(tmp_path: Path) -> None:
    source = tmp_path / "nested.parquet"
    pq.write_table(pa.table({"id": [1], "tags": [["a", "b"]]}), source)
    error = rejected(source, tmp_path)
    assert error.field == "columns"
    assert error.value == "tags"
    assert "list<" in error.message


def test_unknown_format_rejected(tmp_path: Path) -> None:
    error = rejected(DATA / "bom.csv", tmp_path, file_format="xlsx")
    assert error.field == "format"
    assert error.value == "xlsx"


def test_long_delimiter_rejected(tmp_path: Path) -> None:
    error = rejected(DATA / "bom.csv", tmp_path, delimiter="::")
    assert error.field == "delimiter"
    assert error.value == "::"


def test_unknown_override_column_rejected(tmp_path: Path) -> None:
    error = rejected(DATA / "bom.csv", tmp_path, column_types={"price": "float"})
    assert error.field == "columnTypes.price"


def test_unknown_override_type_rejected(tmp_path: Path) -> None:
    error = rejected(DATA / "bom.csv", tmp_path, column_types={"id": "int"})
    assert error.field == "columnTypes.id"
    assert error.value == "int"
    assert '"integer"' in error.message


def test_override_bad_value_names_line(tmp_path: Path) -> None:
    error = rejected(DATA / "quoted_newlines.csv", tmp_path, column_types={"comment": "integer"})
    assert error.field == "columnTypes.comment"
    assert error.value == "first line\nsecond line"
    assert "line 2" in error.message


def test_override_bad_value_after_quoted_newline(tmp_path: Path) -> None:
    source = tmp_path / "later.csv"
    source.write_text('id,note\n1,"a\nb"\n2,x\n3,7\n')
    error = rejected(source, tmp_path, column_types={"id": "integer", "note": "integer"})
    assert error.value == "a\nb"
    source.write_text('id,note\n1,"a\nb"\nzz,x\n')
    error = rejected(source, tmp_path, column_types={"id": "integer"})
    assert error.value == "zz"
    assert "line 4" in error.message


def test_override_bad_json_value_names_line(tmp_path: Path) -> None:
    source = tmp_path / "values.jsonl"
    source.write_text('{"a": "1"}\n\n{"a": "x"}\n')
    error = rejected(source, tmp_path, column_types={"a": "integer"})
    assert error.value == "x"
    assert "line 3" in error.message


def test_missing_label_rejected(tmp_path: Path) -> None:
    error = rejected(DATA / "bom.csv", tmp_path, label="target")
    assert error.field == "label"
    assert error.value == "target"


# --- CSV dialects and types -----------------------------------------------------------------------


def test_quoted_newlines_kept(tmp_path: Path) -> None:
    output = tmp_path / "out.parquet"
    result = ingest_file(DATA / "quoted_newlines.csv", output)
    assert result["rows"] == 3
    table = pq.read_table(output)
    assert table.column("comment").to_pylist() == ["first line\nsecond line", "has, a comma", 'quote "inside"']
    assert table.column("score").to_pylist() == [10, 20, 30]


def test_byte_order_mark_removed(tmp_path: Path) -> None:
    output = tmp_path / "out.parquet"
    result = ingest_file(DATA / "bom.csv", output)
    assert [column["name"] for column in result["columns"]] == ["id", "value"]
    assert pq.read_table(output).column("value").to_pylist() == ["x", "y"]


def test_semicolon_delimiter_sniffed(tmp_path: Path) -> None:
    output = tmp_path / "out.parquet"
    result = ingest_file(DATA / "semicolon.csv", output)
    assert result["delimiter"] == ";"
    assert column_types(result) == {"id": "integer", "price": "float", "label": "string"}
    assert pq.read_table(output).column("price").to_pylist() == [2.5, 10.0, None]


def test_tab_delimiter_sniffed(tmp_path: Path) -> None:
    output = tmp_path / "out.parquet"
    result = ingest_file(DATA / "tab.tsv", output)
    assert result["format"] == "csv"
    assert result["delimiter"] == "\t"
    assert column_types(result) == {"id": "integer", "name": "string", "active": "boolean"}
    assert pq.read_table(output).column("active").to_pylist() == [True, False]


def test_explicit_delimiter_used(tmp_path: Path) -> None:
    source = tmp_path / "pipes.txt"
    source.write_text("a|b,c\n1|2,5\n")
    result = ingest_file(source, tmp_path / "out.parquet", delimiter="|")
    assert [column["name"] for column in result["columns"]] == ["a", "b,c"]


def test_integers_with_gaps_stay_integer(tmp_path: Path) -> None:
    output = tmp_path / "out.parquet"
    result = ingest_file(DATA / "integers_with_gaps.csv", output)
    assert column_types(result)["count"] == "integer"
    table = pq.read_table(output)
    assert table.schema.field("count").type == pa.int64()
    assert table.column("count").to_pylist() == [10, None, None, 7]


def test_null_markers_in_string_columns(tmp_path: Path) -> None:
    source = tmp_path / "text.csv"
    source.write_text('name,code\nAna,x\n,NA\n"",null\nN/A,y\n')
    output = tmp_path / "out.parquet"
    ingest_file(source, output)
    table = pq.read_table(output)
    assert table.column("name").to_pylist() == ["Ana", None, None, None]
    assert table.column("code").to_pylist() == ["x", None, None, "y"]


def test_inference_covers_whole_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_csv, "BLOCK_BYTES", 64 * 1024)
    rows = 100_000
    count = np.arange(rows)
    source = tmp_path / "late.csv"
    lines = ["n,ratio,word,day"]
    lines += [f"{i},{i},{i},2024-01-{1 + i % 28:02d}" for i in count]
    lines += ["1,2.5,2.5,2024-01-02 10:30", "2,3,abc,2024-01-03"]
    source.write_text("\n".join(lines) + "\n")
    output = tmp_path / "out.parquet"
    result = ingest_file(source, output)
    assert column_types(result) == {"n": "integer", "ratio": "float", "word": "string", "day": "datetime"}
    table = pq.read_table(output)
    assert table.num_rows == rows + 2
    assert table.column("ratio").to_pylist()[-2:] == [2.5, 3.0]
    assert table.column("word").to_pylist()[-1] == "abc"
    assert table.column("word").to_pylist()[5] == "5"
    assert table.column("day").to_pylist()[-2] == dt.datetime(2024, 1, 2, 10, 30, tzinfo=UTC)


def test_types_inferred_per_spelling(tmp_path: Path) -> None:
    source = tmp_path / "types.csv"
    source.write_text(
        "i,f,b,d,t,hex,big\n"
        " 1,1e3,TRUE,2024-01-31,2024-01-31T10:00:00Z,0x1F,99999999999999999999\n"
        "+2,-0.5,false,2023-12-01,2024-02-01 08:00:00+02:00,0x20,1\n"
    )
    output = tmp_path / "out.parquet"
    result = ingest_file(source, output)
    assert column_types(result) == {
        "i": "integer", "f": "float", "b": "boolean", "d": "date", "t": "datetime", "hex": "string", "big": "float",
    }
    table = pq.read_table(output)
    assert table.column("i").to_pylist() == [1, 2]
    assert table.column("d").to_pylist() == [dt.date(2024, 1, 31), dt.date(2023, 12, 1)]
    assert table.column("t").to_pylist() == [
        dt.datetime(2024, 1, 31, 10, tzinfo=UTC), dt.datetime(2024, 2, 1, 6, tzinfo=UTC),
    ]
    assert table.schema.field("t").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("d").type == pa.date32()


def test_all_null_column_is_string(tmp_path: Path) -> None:
    source = tmp_path / "empty_column.csv"
    source.write_text("a,b\n1,\n2,NA\n")
    result = ingest_file(source, tmp_path / "out.parquet")
    assert column_types(result) == {"a": "integer", "b": "string"}


def test_override_types_applied(tmp_path: Path) -> None:
    output = tmp_path / "out.parquet"
    result = ingest_file(DATA / "integers_with_gaps.csv", output, column_types={"id": "string", "count": "float"})
    assert column_types(result) == {"id": "string", "count": "float"}
    table = pq.read_table(output)
    assert table.column("id").to_pylist() == ["1", "2", "3", "4"]
    assert table.column("count").to_pylist() == [10.0, None, None, 7.0]


def test_format_sniffed_without_suffix(tmp_path: Path) -> None:
    parquet = tmp_path / "upload"
    pq.write_table(pa.table({"a": [1, 2]}), parquet)
    assert ingest(str(parquet), "upload", str(tmp_path / "p.parquet"))["format"] == "parquet"
    jsonl = tmp_path / "upload2"
    jsonl.write_text('\n  {"a": 1}\n')
    assert ingest(str(jsonl), "upload2", str(tmp_path / "j.parquet"))["format"] == "jsonl"
    csv = tmp_path / "upload3"
    csv.write_text("a;b\n1;2\n")
    assert ingest(str(csv), "upload3", str(tmp_path / "c.parquet"))["format"] == "csv"


# --- JSON Lines ------------------------------------------------------------------------------------


def test_jsonl_mixed_types_merged(tmp_path: Path) -> None:
    output = tmp_path / "out.parquet"
    result = ingest_file(DATA / "mixed_types.jsonl", output)
    assert result == {
        "format": "jsonl",
        "delimiter": None,
        "rows": 3,
        "columns": [
            {"name": "id", "type": "integer"},
            {"name": "amount", "type": "float"},
            {"name": "when", "type": "datetime"},
            {"name": "note", "type": "string"},
            {"name": "flag", "type": "boolean"},
        ],
    }
    table = pq.read_table(output)
    assert table.column("note").to_pylist() == ["a", "5", None]
    assert table.column("flag").to_pylist() == [None, None, True]
    assert table.column("when").to_pylist() == [
        dt.datetime(2024, 1, 31, tzinfo=UTC), dt.datetime(2024, 2, 1, 10, tzinfo=UTC), None,
    ]


def test_jsonl_types_merged_across_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_jsonl, "CHUNK_BYTES", 4096)
    lines = [json.dumps({"n": i, "x": i, "s": f"2024-01-{1 + i % 28:02d}"}) for i in range(2000)]
    lines.append(json.dumps({"n": 1, "x": 0.5, "s": "later", "extra": 1}))
    source = tmp_path / "chunks.jsonl"
    source.write_text("\n".join(lines) + "\n")
    output = tmp_path / "out.parquet"
    result = ingest_file(source, output)
    assert column_types(result) == {"n": "integer", "x": "float", "s": "string", "extra": "integer"}
    table = pq.read_table(output)
    assert table.num_rows == 2001
    assert table.column("extra").null_count == 2000
    assert table.column("s").to_pylist()[:2] == ["2024-01-01", "2024-01-02"]


# --- Parquet input ---------------------------------------------------------------------------------


def test_parquet_types_mapped(tmp_path: Path) -> None:
    source = tmp_path / "typed.parquet"
    table = pa.table({
        "u8": pa.array([1, 2], pa.uint8()),
        "i32": pa.array([-1, None], pa.int32()),
        "f16": pa.array(np.array([0.5, 1.5], dtype=np.float16)),
        "f32": pa.array([0.25, None], pa.float32()),
        "flag": [True, None],
        "big_text": pa.array(["a", "b"], pa.large_string()),
        "category": pa.array(["x", "y"]).dictionary_encode(),
        "naive": pa.array([dt.datetime(2024, 1, 1, 12), None], pa.timestamp("ns")),
        "zoned": pa.array([dt.datetime(2024, 1, 1, 12, tzinfo=UTC), None], pa.timestamp("ms", tz="Europe/Paris")),
        "day": pa.array([dt.date(2024, 1, 1), None], pa.date64()),
    })
    pq.write_table(table, source)
    output = tmp_path / "out.parquet"
    result = ingest_file(source, output)
    assert column_types(result) == {
        "u8": "integer", "i32": "integer", "f16": "float", "f32": "float", "flag": "boolean", "big_text": "string",
        "category": "string", "naive": "datetime", "zoned": "datetime", "day": "date",
    }
    written = pq.read_table(output)
    assert written.schema.field("naive").type == pa.timestamp("us", tz="UTC")
    assert written.column("naive").to_pylist()[0] == dt.datetime(2024, 1, 1, 12, tzinfo=UTC)
    assert written.column("zoned").to_pylist()[0] == dt.datetime(2024, 1, 1, 12, tzinfo=UTC)
    assert written.column("category").to_pylist() == ["x", "y"]
    assert written.column("day").to_pylist() == [dt.date(2024, 1, 1), None]
    assert written.column("f16").to_pylist() == [0.5, 1.5]


def test_parquet_uint64_overflow_rejected(tmp_path: Path) -> None:
    source = tmp_path / "huge.parquet"
    pq.write_table(pa.table({"n": pa.array([1, 2**64 - 1], pa.uint64())}), source)
    error = rejected(source, tmp_path)
    assert error.field == "columns"
    assert error.value == "n"


def test_parquet_override_conversion(tmp_path: Path) -> None:
    source = tmp_path / "text.parquet"
    pq.write_table(pa.table({"n": ["1", "2", "x"]}), source)
    error = rejected(source, tmp_path, column_types={"n": "integer"})
    assert error.field == "columnTypes.n"
    assert error.value == "x"


# --- Canonical output ------------------------------------------------------------------------------


def test_output_is_deterministic(tmp_path: Path) -> None:
    frame = load_wine(as_frame=True).frame
    csv = tmp_path / "wine.csv"
    frame.to_csv(csv, index=False)
    first, second, again = tmp_path / "a.parquet", tmp_path / "b.parquet", tmp_path / "c.parquet"
    ingest_file(csv, first)
    ingest_file(csv, second)
    ingest(str(first), "a.parquet", str(again))
    assert first.read_bytes() == second.read_bytes()
    assert again.read_bytes() == first.read_bytes()


def test_output_row_groups_and_metadata(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_csv, "BLOCK_BYTES", 256 * 1024)
    source = tmp_path / "long.csv"
    source.write_text("n,half\n" + "".join(f"{i},{i / 2}\n" for i in range(150_000)))
    output = tmp_path / "out.parquet"
    ingest_file(source, output)
    metadata = pq.ParquetFile(output).metadata
    assert [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)] == [65_536, 65_536, 18_928]
    assert metadata.row_group(0).column(0).compression == "SNAPPY"
    assert b"pandas" not in (metadata.metadata or {})
    assert pq.read_table(output).column("n").to_pylist()[-3:] == [149_997, 149_998, 149_999]


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_sklearn_frames_round_trip(tmp_path: Path, suffix: str) -> None:
    frame = load_breast_cancer(as_frame=True).frame
    source = tmp_path / f"cancer{suffix}"
    if suffix == ".csv":
        frame.to_csv(source, index=False)
    elif suffix == ".parquet":
        frame.to_parquet(source, index=False)
    else:
        frame.to_json(source, orient="records", lines=True)
    output = tmp_path / "out.parquet"
    result = ingest_file(source, output, label="target")
    assert result["rows"] == 569
    assert len(result["columns"]) == 31
    assert column_types(result)["target"] == "integer"
    assert column_types(result)["mean radius"] == "float"
    written = pq.read_table(output).to_pandas()
    pd.testing.assert_frame_equal(written, frame, check_dtype=False, check_exact=False, rtol=1e-12)


def test_iris_strings_from_jsonl(tmp_path: Path) -> None:
    bunch = load_iris(as_frame=True)
    frame = bunch.frame.assign(species=bunch.target_names[bunch.target])
    source = tmp_path / "iris.ndjson"
    frame.to_json(source, orient="records", lines=True)
    output = tmp_path / "out.parquet"
    result = ingest_file(source, output, label="species")
    assert column_types(result)["species"] == "string"
    assert pq.read_table(output).column("species").to_pylist() == frame["species"].tolist()


# --- Unclosed quotes, long headers and delimiters ---------------------------------------------------


def test_unclosed_quote_names_opening_line(tmp_path: Path) -> None:
    source = tmp_path / "unclosed.csv"
    source.write_bytes(b'a,b\n1,"abc\n2,3\n4,5\n')
    error = rejected(source, tmp_path)
    assert error.field == "file"
    assert error.value == "line 2"
    assert error.message.startswith("Line 2 opens a quoted field that is never closed.")


def test_unclosed_quote_after_quoted_newlines(tmp_path: Path) -> None:
    source = tmp_path / "unclosed.csv"
    source.write_bytes(b'"a\nb",c\n"x\ny","abc\n2,3\n')
    error = rejected(source, tmp_path)
    assert error.value == "line 4"


def test_unclosed_quote_found_across_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "unclosed.csv"
    source.write_bytes(b'a,b\n1,"x""y"\n2,"3\n"\n4,"5\n')
    for scan_bytes in (1, 2, 3, 5, 7, 64):
        monkeypatch.setattr(_csv, "SCAN_BYTES", scan_bytes)
        assert rejected(source, tmp_path).value == "line 5"


def test_quote_inside_unquoted_field_accepted(tmp_path: Path) -> None:
    source = tmp_path / "inches.csv"
    source.write_bytes(b'a,b\n1,5" screen\n2,"x""y"\n')
    output = tmp_path / "out.parquet"
    result = ingest_file(source, output)
    assert result["rows"] == 2
    assert pq.read_table(output).column("b").to_pylist() == ['5" screen', 'x"y']


def test_header_without_newline_has_no_rows(tmp_path: Path) -> None:
    source = tmp_path / "header.csv"
    source.write_bytes(b"a,b")
    error = rejected(source, tmp_path)
    assert error.field == "file"
    assert "no data rows" in error.message


def test_header_longer_than_block_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_csv, "BLOCK_BYTES", 64 * 1024)
    names = [f"{index:04d}" + "x" * 96 for index in range(1_000)]
    source = tmp_path / "wide.csv"
    header = ",".join(names)
    assert len(header) > 64 * 1024
    source.write_text(header + "\n" + ",".join("1" for _ in names) + "\n")
    result = ingest_file(source, tmp_path / "out.parquet")
    assert result["rows"] == 1
    assert [column["name"] for column in result["columns"]] == names


def test_header_over_limit_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_csv, "MAX_HEADER_BYTES", 100_000)
    source = tmp_path / "endless.csv"
    source.write_text("a" * 200_000 + ",b\n1,2\n")
    error = rejected(source, tmp_path)
    assert error.field == "file"
    assert error.value == "line 1"
    assert "longer than the limit of 100,000 bytes" in error.message


def test_non_ascii_delimiter_rejected(tmp_path: Path) -> None:
    error = rejected(DATA / "bom.csv", tmp_path, delimiter="é")
    assert error.field == "delimiter"
    assert error.value == "é"


# --- Column names and the split column -------------------------------------------------------------


def test_nul_in_csv_column_name_rejected(tmp_path: Path) -> None:
    source = tmp_path / "nul.csv"
    source.write_bytes(b"a,b,c\x00d\n1,2,3\n")
    error = rejected(source, tmp_path)
    assert error.field == "columns"
    assert error.value == "c\\u0000d"
    assert error.message.startswith("Column 3's name contains the character U+0000")


def test_nul_in_json_key_rejected(tmp_path: Path) -> None:
    source = tmp_path / "nul.jsonl"
    source.write_bytes(b'{"a\\u0000": 1}\n')
    error = rejected(source, tmp_path)
    assert error.field == "columns"
    assert "U+0000" in error.message


def test_nul_in_parquet_column_name_rejected(tmp_path: Path) -> None:
    source = tmp_path / "nul.parquet"
    pq.write_table(pa.table({"ok": [1], "b\x00": [2]}), source)
    error = rejected(source, tmp_path)
    assert error.field == "columns"
    assert error.message.startswith("Column 2's name contains the character U+0000")


def test_invalid_utf8_parquet_column_name_rejected(tmp_path: Path) -> None:
    whole = tmp_path / "named.parquet"
    pq.write_table(pa.table({"zqzq": [1]}), whole, store_schema=False)
    source = tmp_path / "surrogate.parquet"
    # The UTF-8 encoding of the lone surrogate U+D800, which is not valid UTF-8.
    source.write_bytes(whole.read_bytes().replace(b"zqzq", b"\xed\xa0\x80q"))
    error = rejected(source, tmp_path)
    assert error.field == "columns"
    assert "not valid UTF-8" in error.message


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("id,split\n1,train\n2,holdout\n", "line 3 has 'holdout'"),
        ("id,split\n1,train\n2,\n", "line 3 has no value"),
        ("id,split\n1,1\n2,0\n", "its type is integer"),
    ],
)
def test_invalid_split_column_rejected(tmp_path: Path, text: str, found: str) -> None:
    source = tmp_path / "split.csv"
    source.write_text(text)
    error = rejected(source, tmp_path)
    assert error.field == "columns"
    assert error.value == "split"
    assert found in error.message
    assert "Rename the column, or fix its values." in error.message


def test_split_column_type_override_rejected(tmp_path: Path) -> None:
    source = tmp_path / "split.jsonl"
    source.write_text('{"id": 1, "split": "train"}\n')
    error = rejected(source, tmp_path, column_types={"split": "boolean"})
    assert error.value == "split"


def test_split_column_in_parquet_rows_named(tmp_path: Path) -> None:
    source = tmp_path / "split.parquet"
    pq.write_table(pa.table({"split": ["train", "test", "Train"]}), source)
    error = rejected(source, tmp_path)
    assert "row 3 has 'Train'" in error.message


def test_valid_split_column_accepted(tmp_path: Path) -> None:
    source = tmp_path / "split.csv"
    source.write_text("id,split\n1,train\n2,validation\n3,test\n")
    output = tmp_path / "out.parquet"
    result = ingest_file(source, output)
    assert column_types(result) == {"id": "integer", "split": "string"}
    assert pq.read_table(output).column("split").to_pylist() == ["train", "validation", "test"]


# --- JSON Lines nesting, surrogates and column order ------------------------------------------------


@pytest.mark.parametrize("depth", [65, 5_000, 100_000])
def test_deep_json_nesting_rejected(tmp_path: Path, depth: int) -> None:
    source = tmp_path / "deep.jsonl"
    source.write_bytes(b'{"a": 1}\n\n{"a": ' + b"[" * depth + b"]" * depth + b"}\n")
    error = rejected(source, tmp_path)
    assert error.field == "file"
    assert error.value == "line 3"
    assert "more than 64 levels deep" in error.message


def test_unbalanced_json_nesting_rejected(tmp_path: Path) -> None:
    source = tmp_path / "open.jsonl"
    source.write_bytes(b'{"a": 1}\n{"a": ' + b"{" * 100_000 + b"\n")
    assert rejected(source, tmp_path).value == "line 2"


def test_brackets_inside_json_strings_accepted(tmp_path: Path) -> None:
    source = tmp_path / "text.jsonl"
    text = "[" * 100 + '\\"{' * 100
    source.write_text(f'{{"a": "{text}"}}\n{{"a": "x"}}\n')
    output = tmp_path / "out.parquet"
    assert ingest_file(source, output)["rows"] == 2
    assert pq.read_table(output).column("a").to_pylist()[0] == "[" * 100 + '"{' * 100


@pytest.mark.parametrize("line", [b'{"a": "x\\ud800"}', b'{"a\\udc00": 1}'])
def test_unpaired_surrogate_escape_rejected(tmp_path: Path, line: bytes) -> None:
    source = tmp_path / "surrogate.jsonl"
    source.write_bytes(b'{"a": "ok"}\n' + line + b"\n")
    error = rejected(source, tmp_path)
    assert error.field == "file"
    assert error.value == "line 2"
    assert "unpaired surrogate" in error.message
    assert "not valid text" in error.message


def test_surrogate_pair_escape_accepted(tmp_path: Path) -> None:
    source = tmp_path / "emoji.jsonl"
    source.write_bytes(b'{"a": "\\ud83d\\ude00"}\n')
    output = tmp_path / "out.parquet"
    ingest_file(source, output)
    assert pq.read_table(output).column("a").to_pylist() == ["\U0001F600"]


def test_jsonl_keeps_column_order_with_dates(tmp_path: Path) -> None:
    source = tmp_path / "dated.jsonl"
    source.write_text('{"a": 1, "b": "x", "when": "2024-01-01T00:00:00", "z": 2.5}\n')
    result = ingest_file(source, tmp_path / "out.parquet")
    assert [column["name"] for column in result["columns"]] == ["a", "b", "when", "z"]
