"""Compilation of a parsed filter tree into an Arrow compute expression.

The tree comes from the caller's parser, never from `eval`. Every column reference and
literal is checked against the schema here, so a mistyped comparison fails with a
DatasetInputError instead of an Arrow error. A row passes when the expression is true:
null is treated as false, as in SQL's WHERE.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ._types import (
    LOGICAL_TYPES,
    NUMERIC_TYPES,
    ConversionFailed,
    UnsupportedConversion,
    convert_literal,
    literal_type,
    logical_type,
)
from .errors import DatasetInputError

_COMPARISONS = {
    "==": pc.equal,
    "!=": pc.not_equal,
    "<": pc.less,
    "<=": pc.less_equal,
    ">": pc.greater,
    ">=": pc.greater_equal,
}


def compile_filter(tree: dict[str, Any], schema: pa.Schema, *, field: str = "filter") -> pc.Expression:
    """Compile a filter tree over columns of `schema` into an expression for `Table.filter`.

    Node kinds: "or" and "and" with "items", "not" with "item", "compare" with "op" and
    "left"/"right" operands ({"column": name} or {"value": literal}), "in" with "column",
    "values" and "negated", and "isNull" with "column" and "negated". "and", "or" and "not"
    follow SQL's three-valued logic; "in" and "not in" are false for a null value; NaN
    counts as null for "isNull". Errors are raised as DatasetInputError with `field`.
    """
    return _Compiler(schema, field).node(tree)


class _Compiler:
    def __init__(self, schema: pa.Schema, field: str) -> None:
        self.types = {column.name: logical_type(column.type) for column in schema}
        self.field = field

    def fail(self, message: str, value: Any = None) -> DatasetInputError:
        return DatasetInputError(message, field=self.field, value=value)

    def node(self, tree: Any) -> pc.Expression:
        if not isinstance(tree, dict) or "kind" not in tree:
            raise self.fail("The filter contains a node that is not an object with a \"kind\".", value=str(tree))
        kind = tree["kind"]
        if kind in ("and", "or"):
            items = tree.get("items")
            if not isinstance(items, list) or not items:
                raise self.fail(f"The filter has an {kind!r} node without items.", value=kind)
            expression = self.node(items[0])
            for item in items[1:]:
                expression = expression & self.node(item) if kind == "and" else expression | self.node(item)
            return expression
        if kind == "not":
            return ~self.node(tree.get("item"))
        if kind == "compare":
            return self.compare(tree)
        if kind == "in":
            return self.membership(tree)
        if kind == "isNull":
            name = self.column(tree.get("column"))
            is_missing = pc.field(name).is_null(nan_is_null=True)
            return ~is_missing if tree.get("negated") else is_missing
        raise self.fail(f"The filter node kind {kind!r} is unknown.", value=kind)

    def column(self, name: Any) -> str:
        if not isinstance(name, str) or name not in self.types:
            raise self.fail(f"The filter refers to the column {name!r}, which the dataset does not have.", value=name)
        return name

    def compare(self, tree: dict[str, Any]) -> pc.Expression:
        operator = tree.get("op")
        if operator not in _COMPARISONS:
            raise self.fail(
                f"The comparison operator {operator!r} is unknown; accepted are ==, !=, <, <=, > and >=.", value=operator
            )
        left, right = tree.get("left"), tree.get("right")
        left_type = self.operand_type(left)
        right_type = self.operand_type(right)
        if "column" in left and "value" in right:
            return _COMPARISONS[operator](pc.field(left["column"]), self.literal(right["value"], left_type, left["column"]))
        if "value" in left and "column" in right:
            return _COMPARISONS[operator](self.literal(left["value"], right_type, right["column"]), pc.field(right["column"]))
        if not _comparable(left_type, right_type):
            operands = [operand.get("column", operand.get("value")) for operand in (left, right)]
            raise self.fail(f"The filter compares {operands[0]!r} ({left_type}) with {operands[1]!r} ({right_type}), "
                            "which have types that cannot be compared.", value=operands[1])
        return _COMPARISONS[operator](self.operand(left), self.operand(right))

    def operand_type(self, operand: Any) -> str:
        if isinstance(operand, dict) and "column" in operand:
            return self.types[self.column(operand["column"])]
        if isinstance(operand, dict) and "value" in operand:
            try:
                return literal_type(operand["value"])
            except UnsupportedConversion:
                raise self.fail(f"The filter value {operand['value']!r} is not a number, text or boolean.",
                                value=str(operand["value"])) from None
        raise self.fail("A filter comparison operand must be {\"column\": name} or {\"value\": literal}.", value=str(operand))

    def operand(self, operand: dict[str, Any]) -> pc.Expression:
        if "column" in operand:
            return pc.field(operand["column"])
        return pc.scalar(operand["value"])

    def literal(self, value: Any, logical: str, column: str) -> pc.Expression:
        """Return `value` as a scalar to compare with a column of type `logical`."""
        converted, data_type = self.typed_value(value, logical, column)
        return pc.scalar(pa.scalar(converted, data_type))

    def typed_value(self, value: Any, logical: str, column: str) -> tuple[Any, pa.DataType]:
        """Convert a literal for comparison with a column, or raise when the two cannot be compared.

        Numbers compare with numbers as they are; text compares with datetime and date
        columns as an ISO 8601 time or date.
        """
        source = literal_type(value)
        if logical in NUMERIC_TYPES and source in NUMERIC_TYPES:
            return value, LOGICAL_TYPES[source]
        if source == logical or (source == "string" and logical in ("datetime", "date")):
            try:
                return convert_literal(value, logical), LOGICAL_TYPES[logical]
            except ConversionFailed:
                raise self.fail(
                    f"The filter compares the {logical} column {column!r} with {value!r}, which is not a valid "
                    f"{logical}; write dates as 2024-01-31 and times as 2024-01-31T14:30:00Z.",
                    value=value,
                ) from None
        raise self.fail(
            f"The filter compares the {logical} column {column!r} with the {source} value {value!r}; "
            f"compare it with a {_literal_hint(logical)} instead.",
            value=value,
        )

    def membership(self, tree: dict[str, Any]) -> pc.Expression:
        name = self.column(tree.get("column"))
        values = tree.get("values")
        if not isinstance(values, list):
            raise self.fail("The filter's \"in\" node needs a list of values.", value=str(values))
        logical = self.types[name]
        members = []
        for value in values:
            converted, _data_type = self.typed_value(value, logical, name)
            if logical == "integer" and isinstance(converted, float):
                if not converted.is_integer():
                    continue  # no whole number equals it
                converted = int(converted)
            members.append(converted)
        found = pc.field(name).isin(pa.array(members, LOGICAL_TYPES[logical]))
        # Arrow's is_in is false for null, so "not in" would keep nulls; SQL rejects them either way.
        present = pc.field(name).is_valid()
        return present & ~found if tree.get("negated") else present & found


def _comparable(left: str, right: str) -> bool:
    return left == right or (left in NUMERIC_TYPES and right in NUMERIC_TYPES)


def _literal_hint(logical: str) -> str:
    return {
        "integer": "number",
        "float": "number",
        "boolean": "true or false",
        "string": "text in quotes",
        "datetime": "quoted ISO time such as \"2024-01-31T14:30:00Z\"",
        "date": "quoted ISO date such as \"2024-01-31\"",
    }[logical]
