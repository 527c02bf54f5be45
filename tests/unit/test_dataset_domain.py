"""The filter language and the checks on derive operations, without data or a database."""

from __future__ import annotations

from typing import Any

import pytest

from backend.domain.base import InvalidInput
from backend.domain.dataset_operations import MAX_OPERATIONS, describe_operation, for_worker, normalize_operations
from backend.domain.expressions import check_filter, columns_of, parse_filter

pytestmark = pytest.mark.unit

COLUMNS = [
    {"name": "age", "type": "integer"},
    {"name": "income", "type": "float"},
    {"name": "city", "type": "string"},
    {"name": "member", "type": "boolean"},
    {"name": "joined", "type": "date"},
    {"name": "label", "type": "string"},
]
TYPES = {column["name"]: column["type"] for column in COLUMNS}


def test_filter_precedence_and_binds_tighter() -> None:
    tree = parse_filter("age > 30 or city == 'Lyon' and not member == true")

    assert tree == {
        "kind": "or",
        "items": [
            {"kind": "compare", "op": ">", "left": {"column": "age"}, "right": {"value": 30}},
            {
                "kind": "and",
                "items": [
                    {"kind": "compare", "op": "==", "left": {"column": "city"}, "right": {"value": "Lyon"}},
                    {"kind": "not", "item": {"kind": "compare", "op": "==", "left": {"column": "member"}, "right": {"value": True}}},
                ],
            },
        ],
    }


def test_filter_in_null_and_quoted_names() -> None:
    tree = parse_filter("`mean radius` not in (1, 2.5) AND city IS NOT NULL")

    assert tree["kind"] == "and"
    assert tree["items"][0] == {"kind": "in", "column": "mean radius", "values": [1, 2.5], "negated": True}
    assert tree["items"][1] == {"kind": "isNull", "column": "city", "negated": True}
    assert columns_of(tree) == {"mean radius", "city"}


def test_filter_suggests_backquotes_for_spaces() -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_filter("mean radius > 15")

    assert "at position 6" in raised.value.message
    assert "backquotes, such as `mean radius`" in raised.value.message


@pytest.mark.parametrize("operation", [{"op": ["filter"]}, {"op": {"name": "filter"}}, {"op": 3}])
def test_operation_name_must_be_text(operation: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput) as raised:
        normalize_operations([operation], COLUMNS, None)

    assert raised.value.field == "operations[0].op"
    assert raised.value.value is None


def test_filter_rejects_unpaired_surrogate() -> None:
    with pytest.raises(InvalidInput) as raised:
        normalize_operations([{"op": "filter", "expression": "city == '\ud800'"}], COLUMNS, None)

    assert raised.value.field == "operations[0].expression"
    assert "U+D800" in raised.value.message


def test_filter_string_escapes() -> None:
    tree = parse_filter(r"city == 'l\'Aquila'")

    assert tree["right"] == {"value": "l'Aquila"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("age >", "at the end"),
        ("age >= 18 18", "unexpected '18' at position 11"),
        ("1 == 2", "needs at least one column"),
        ("age ? 3", "unexpected character '?' at position 5"),
        ("city in ()", "expected a literal"),
        ("(age > 1", "expected ')'"),
        ("__import__('os').system('true')", "position"),
        ("(" * 30 + "age > 1" + ")" * 30, "nested deeper than 20"),
    ],
)
def test_filter_syntax_errors(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_filter(text, "operations[0].expression")

    assert message in raised.value.message
    assert raised.value.field == "operations[0].expression"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("height > 3", "does not have"),
        ("age > 'old'", "expected a number"),
        ("city == 3", "expected quoted text"),
        ("joined > 'yesterday'", "ISO date"),
        ("member > true", "use == or !="),
        ("age == city", "same kind"),
    ],
)
def test_filter_type_errors(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        check_filter(parse_filter(text), TYPES, "expression")

    assert message in raised.value.message


def test_filter_accepts_dates_and_numbers_across_types() -> None:
    check_filter(parse_filter("joined >= '2024-01-31' and income > age and age < 2.5"), TYPES, "expression")


def test_operations_follow_renames_and_drops() -> None:
    operations = normalize_operations(
        [
            {"op": "renameColumns", "mapping": {"age": "years"}},
            {"op": "filter", "expression": "years > 20"},
            {"op": "dropColumns", "columns": ["city"]},
        ],
        COLUMNS,
        "label",
    )

    assert operations == [
        {"op": "renameColumns", "mapping": {"age": "years"}},
        {"op": "filter", "expression": "years > 20"},
        {"op": "dropColumns", "columns": ["city"]},
    ]
    with pytest.raises(InvalidInput) as raised:
        normalize_operations([{"op": "renameColumns", "mapping": {"age": "years"}}, {"op": "filter", "expression": "age > 1"}], COLUMNS, None)
    assert raised.value.field == "operations[1].expression"


def test_split_defaults_and_stratified_uses_label() -> None:
    operations = normalize_operations(
        [{"op": "split", "strategy": "stratified", "ratios": {"train": 0.8, "test": 0.2}}], COLUMNS, "label"
    )

    assert operations == [{"op": "split", "strategy": "stratified", "ratios": {"train": 0.8, "test": 0.2}, "seed": 0, "by": "label"}]
    assert describe_operation(operations[0]) == "stratified split train/test 0.8/0.2 by label (seed 0)"


def test_for_worker_adds_the_filter_tree() -> None:
    operations = for_worker([{"op": "filter", "expression": "age > 1"}])

    assert operations[0]["tree"] == {"kind": "compare", "op": ">", "left": {"column": "age"}, "right": {"value": 1}}


BAD: list[tuple[list[Any], str, str]] = [
    ([], "operations", "non-empty"),
    ([{"op": "dropMissing"}] * (MAX_OPERATIONS + 1), "operations", f"at most {MAX_OPERATIONS}"),
    (["dropMissing"], "operations[0]", "object"),
    ([{"op": "pivot"}], "operations[0].op", "is not an operation"),
    ([{"op": "dropMissing", "colums": ["age"]}], "operations[0].colums", "unknown key"),
    ([{"op": "dropColumns", "columns": ["weight"]}], "operations[0].columns[0]", "does not have"),
    ([{"op": "dropColumns", "columns": ["age", "age"]}], "operations[0].columns", "twice"),
    ([{"op": "dropColumns", "columns": [c["name"] for c in COLUMNS]}], "operations[0].columns", "every column"),
    ([{"op": "fillMissing", "columns": ["city"], "strategy": "mean"}], "operations[0].columns[0]", "integer or float"),
    ([{"op": "fillMissing", "columns": ["age"], "strategy": "average"}], "operations[0].strategy", "expected one of"),
    ([{"op": "fillMissing", "columns": ["age"], "strategy": "constant", "value": "x"}], "operations[0].value", "does not fit"),
    ([{"op": "fillMissing", "columns": ["age"], "strategy": "mode", "value": 3}], "operations[0].value", "only to strategy constant"),
    ([{"op": "renameColumns", "mapping": {"age": "city"}}], "operations[0].mapping", "two columns named 'city'"),
    ([{"op": "renameColumns", "mapping": {"age": ""}}], "operations[0].mapping.age", "non-empty"),
    ([{"op": "renameColumns", "mapping": {"age": "split"}}], "operations[0].mapping", "split"),
    ([{"op": "castColumns", "types": {"age": "decimal"}}], "operations[0].types.age", "not a column type"),
    ([{"op": "standardize", "columns": ["city"]}], "operations[0].columns[0]", "standardizes column 'city'"),
    ([{"op": "oneHot", "columns": ["income"]}], "operations[0].columns[0]", "one-hot encodes"),
    ([{"op": "oneHot", "columns": ["city"], "maxCategories": 0}], "operations[0].maxCategories", "1 to 1000"),
    ([{"op": "oneHot", "columns": ["age", "label"]}], "operations[0].columns[1]", "the label"),
    ([{"op": "split", "ratios": {"train": 0.7, "validation": 0.2}}], "operations[0].ratios", "add up to 0.9"),
    ([{"op": "split", "ratios": {"train": 1.0}}], "operations[0].ratios", "at least one other part"),
    ([{"op": "split", "ratios": {"train": 0.5, "holdout": 0.5}}], "operations[0].ratios", "unknown part 'holdout'"),
    ([{"op": "split", "ratios": {"train": 1.5, "test": -0.5}}], "operations[0].ratios.train", "from 0 to 1"),
    ([{"op": "split", "strategy": "stratified", "ratios": {"train": 0.5, "test": 0.5}}], "operations[0].by", "no label"),
    ([{"op": "split", "strategy": "stratified", "by": "income", "ratios": {"train": 0.5, "test": 0.5}}], "operations[0].by", "float"),
    ([{"op": "split", "by": "city", "ratios": {"train": 0.5, "test": 0.5}}], "operations[0].by", "only to strategy stratified"),
    ([{"op": "split", "seed": -1, "ratios": {"train": 0.5, "test": 0.5}}], "operations[0].seed", "0 to"),
]


@pytest.mark.parametrize(("raw", "field", "message"), BAD, ids=[f"{case[1]}:{case[2]}" for case in BAD])
def test_operation_errors_name_the_field(raw: list[Any], field: str, message: str) -> None:
    label = "label" if raw and isinstance(raw[0], dict) and raw[0].get("op") == "oneHot" else None
    with pytest.raises(InvalidInput) as raised:
        normalize_operations(raw, COLUMNS, label)

    assert raised.value.field == field
    assert message in raised.value.message


def test_one_hot_columns_checked_by_worker() -> None:
    operations = normalize_operations(
        [{"op": "oneHot", "columns": ["city"]}, {"op": "dropColumns", "columns": ["city_Lyon"]}], COLUMNS, None
    )

    assert operations[0] == {"op": "oneHot", "columns": ["city"], "maxCategories": 50}
    assert operations[1] == {"op": "dropColumns", "columns": ["city_Lyon"]}
