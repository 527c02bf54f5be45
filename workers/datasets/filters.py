"""Compilation of a parsed filter tree into an Arrow compute expression.

The tree comes from the caller's parser, never from `eval`. Every column reference and
literal is checked against the schema here, so a mistyped comparison fails with a
DatasetInputError instead of an Arrow error. A row passes when the expression is true:
null is treated as false, as in SQL's WHERE.
"""

from __future__ import annotations

import math
import sys
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ._types import (
    INT64_MAX,
    INT64_MIN,
    LOGICAL_TYPES,
    NUMERIC_TYPES,
    ConversionFailed,
    UnsupportedConversion,
    convert_literal,
    literal_type,
    logical_type,
)
from .errors import DatasetInputError

_MIRRORED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
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
    follow SQL's three-valued logic. A comparison, "in" or "not in" on a missing value
    (null, or NaN in a float column) is unknown, so the row is dropped even under "not".
    "isNull" is always true or false. Errors are raised as DatasetInputError with `field`.
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
            is_missing = _is_missing(name)
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
        if "column" not in left and "column" not in right:
            raise self.fail("A filter comparison needs at least one column, but it compares two values.",
                            value=str(left.get("value")))
        if "column" not in left:
            # With the column on the left, 5 < x reads x > 5.
            left, right, left_type, right_type = right, left, right_type, left_type
            operator = _MIRRORED[operator]
        if "value" in right:
            return self.compare_literal(left["column"], operator, right["value"])
        if not _comparable(left_type, right_type):
            raise self.fail(f"The filter compares {left['column']!r} ({left_type}) with {right['column']!r} ({right_type}), "
                            "which have types that cannot be compared.", value=right["column"])
        left_value, right_value = self.column_value(left["column"]), self.column_value(right["column"])
        if left_type != right_type and {left_type, right_type} == {"integer", "float"}:
            # Arrow refuses to compare int64 with float64 beyond 2**53; compare both as float64, as SQL engines do.
            left_value = left_value.cast(pa.float64(), safe=False) if left_type == "integer" else left_value
            right_value = right_value.cast(pa.float64(), safe=False) if right_type == "integer" else right_value
        return _COMPARISONS[operator](left_value, right_value)

    def operand_type(self, operand: Any) -> str:
        if isinstance(operand, dict) and "column" in operand:
            return self.types[self.column(operand["column"])]
        if isinstance(operand, dict) and "value" in operand:
            return self.value_type(operand["value"])
        raise self.fail("A filter comparison operand must be {\"column\": name} or {\"value\": literal}.", value=str(operand))

    def value_type(self, value: Any) -> str:
        try:
            return literal_type(value)
        except UnsupportedConversion:
            raise self.fail(f"The filter value {value!r} is not a number, text or boolean.", value=str(value)) from None

    def column_value(self, name: str) -> pc.Expression:
        """Return a column as a comparison operand; NaN becomes null, so that it compares as a missing value."""
        if self.types[name] == "float":
            return pc.if_else(pc.is_nan(pc.field(name)), pa.scalar(None, pa.float64()), pc.field(name))
        return pc.field(name)

    def compare_literal(self, column: str, operator: str, value: Any) -> pc.Expression:
        """Compare a column with a literal: `column operator value`."""
        logical = self.types[column]
        operand = self.column_value(column)
        if logical in NUMERIC_TYPES and self.value_type(value) in NUMERIC_TYPES:
            nearest, exact = self.nearest_number(value, logical)
            if not exact:
                return _compare_between(operand, operator, pa.scalar(nearest, LOGICAL_TYPES[logical]), value > nearest)
            return _COMPARISONS[operator](operand, pc.scalar(pa.scalar(nearest, LOGICAL_TYPES[logical])))
        return _COMPARISONS[operator](operand, self.literal(value, logical, column))

    def nearest_number(self, value: int | float, logical: str) -> tuple[int | float, bool]:
        """Return the value of type `logical` nearest to a numeric literal, and whether it equals the literal.

        When it does not, no value of that type lies between the two. Integers beyond
        int64 or the float64 range, and fractions compared with integers, take that path,
        which compares them exactly instead of overflowing or rounding.
        """
        if isinstance(value, float) and math.isnan(value):
            raise self.fail("The filter compares with NaN, which equals no value; use \"is null\" to find missing values.",
                            value=str(value))
        if logical == "float":
            if isinstance(value, float):
                return value, True
            try:
                nearest = float(value)
            except OverflowError:
                nearest = sys.float_info.max if value > 0 else -sys.float_info.max
            # Python compares int with float exactly.
            return nearest, nearest == value
        if value > INT64_MAX:
            return INT64_MAX, False
        if value < INT64_MIN:
            return INT64_MIN, False
        whole = math.floor(value)
        return whole, whole == value

    def literal(self, value: Any, logical: str, column: str) -> pc.Expression:
        """Return a non-numeric `value` as a scalar to compare with a column of type `logical`."""
        return pc.scalar(pa.scalar(self.typed_value(value, logical, column), LOGICAL_TYPES[logical]))

    def typed_value(self, value: Any, logical: str, column: str) -> Any:
        """Convert a literal for comparison with a column, or raise when the two cannot be compared.

        Text compares with datetime and date columns as an ISO 8601 time or date.
        """
        source = self.value_type(value)
        if source == logical or (source == "string" and logical in ("datetime", "date")):
            try:
                return convert_literal(value, logical)
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
            if logical in NUMERIC_TYPES and self.value_type(value) in NUMERIC_TYPES:
                nearest, exact = self.nearest_number(value, logical)
                if exact:
                    members.append(nearest)
                # Otherwise no value of the column equals the literal.
                continue
            members.append(self.typed_value(value, logical, name))
        found = self.column_value(name).isin(pa.array(members, LOGICAL_TYPES[logical]))
        answer = ~found if tree.get("negated") else found
        # Arrow's is_in is false for null. A missing value makes the test unknown instead, so
        # that both "not in" and "not (... in ...)" drop the row, as SQL does.
        return pc.if_else(_is_missing(name), pa.scalar(None, pa.bool_()), answer)


def _is_missing(name: str) -> pc.Expression:
    return pc.field(name).is_null(nan_is_null=True)


def _compare_between(operand: pc.Expression, operator: str, nearest: pa.Scalar, literal_above: bool) -> pc.Expression:
    """Compare with a literal that no column value equals; `nearest` is the closest value, below or above it."""
    if operator in ("==", "!="):
        return pc.if_else(operand.is_valid(), pa.scalar(operator == "!="), pa.scalar(None, pa.bool_()))
    bound = pc.scalar(nearest)
    if literal_above:
        return operand <= bound if operator in ("<", "<=") else operand > bound
    return operand < bound if operator in ("<", "<=") else operand >= bound


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
