"""The row filter language: a small, safe grammar parsed into a JSON tree, never evaluated as code.

    expression := term ("or" term)*
    term       := factor ("and" factor)*
    factor     := "not" factor | "(" expression ")" | test
    test       := operand ("==" | "=" | "!=" | "<" | "<=" | ">" | ">=") operand
                | column ["not"] "in" "(" literal ("," literal)* ")"
                | column "is" ["not"] "null"
    operand    := column | literal
    column     := identifier | `any name in backquotes`
    literal    := number | 'text' | "text" | true | false

Keywords are case-insensitive. The tree is what workers compile into Arrow expressions, and
evaluation slices use the same language. A comparison with a missing value is unknown, as in
SQL's WHERE, so `not (x > 1)` keeps the rows where x is at most 1 and drops those where x is missing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from backend.domain.base import InvalidInput
from backend.domain.validation import trimmed

MAX_EXPRESSION = 2000
MAX_DEPTH = 20
MAX_IN_VALUES = 1000
COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
KEYWORDS = ("and", "or", "not", "in", "is", "null", "true", "false")
NUMERIC = ("integer", "float")
TIME = ("datetime", "date")

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?)
      | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<quoted>`[^`]+`)
      | (?P<name>[A-Za-z_][A-Za-z0-9_.]*)
      | (?P<operator>==|!=|<=|>=|<|>|=)
      | (?P<punctuation>[(),])
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    value: Any
    offset: int


def tokenize(text: str, field: str) -> list[Token]:
    tokens: list[Token] = []
    offset = 0
    while offset < len(text):
        if text[offset:].strip() == "":
            break
        match = _TOKEN.match(text, offset)
        if match is None or match.end() == offset:
            start = len(text) - len(text[offset:].lstrip())
            raise InvalidInput(
                f"{field} has an unexpected character {text[start]!r} at position {start + 1}; "
                "use column names, literals, comparisons, and/or/not, in (…) and is [not] null.",
                field=field,
                value=trimmed(text),
            )
        kind = match.lastgroup or ""
        raw = match.group(kind)
        start = match.start(kind)
        offset = match.end()
        tokens.append(_token(kind, raw, start, field, text))
    return tokens


def _token(kind: str, raw: str, start: int, field: str, text: str) -> Token:
    if kind == "number":
        number: int | float = int(raw) if re.fullmatch(r"[-+]?\d+", raw) else float(raw)
        if isinstance(number, float) and not math.isfinite(number):
            raise InvalidInput(f"{field} has a number out of range at position {start + 1}.", field=field, value=trimmed(text))
        return Token("literal", raw, number, start)
    if kind == "string":
        body = raw[1:-1]
        return Token("literal", raw, re.sub(r"\\(.)", r"\1", body), start)
    if kind == "quoted":
        return Token("column", raw, raw[1:-1], start)
    if kind == "name":
        lowered = raw.lower()
        if lowered in ("true", "false"):
            return Token("literal", raw, lowered == "true", start)
        if lowered in KEYWORDS:
            return Token("keyword", raw, lowered, start)
        return Token("column", raw, raw, start)
    if kind == "operator":
        return Token("operator", raw, "==" if raw == "=" else raw, start)
    return Token("punctuation", raw, raw, start)


class _Parser:
    def __init__(self, text: str, field: str) -> None:
        self.text = text
        self.field = field
        self.tokens = tokenize(text, field)
        self.index = 0
        self.depth = 0

    def parse(self) -> dict[str, Any]:
        if not self.tokens:
            raise InvalidInput(f"{self.field} is empty; write a condition such as `age >= 18`.", field=self.field, value="")
        tree = self.expression()
        if self.index < len(self.tokens):
            self.fail(f"unexpected {self.tokens[self.index].text!r}")
        return tree

    def fail(self, problem: str, hint: str = "") -> None:
        token = self.tokens[self.index] if self.index < len(self.tokens) else None
        where = f" at position {token.offset + 1}" if token else " at the end"
        raise InvalidInput(f"{self.field} is invalid: {problem}{where}.{hint}", field=self.field, value=trimmed(self.text))

    def peek(self, kind: str, value: Any = None) -> bool:
        if self.index >= len(self.tokens):
            return False
        token = self.tokens[self.index]
        return token.kind == kind and (value is None or token.value == value)

    def take(self, kind: str, value: Any = None, expected: str = "") -> Token:
        if not self.peek(kind, value):
            self.fail(f"expected {expected or value or kind}")
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expression(self) -> dict[str, Any]:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail(f"nested deeper than {MAX_DEPTH} levels")
        items = [self.term()]
        while self.peek("keyword", "or"):
            self.index += 1
            items.append(self.term())
        self.depth -= 1
        return items[0] if len(items) == 1 else {"kind": "or", "items": items}

    def term(self) -> dict[str, Any]:
        items = [self.factor()]
        while self.peek("keyword", "and"):
            self.index += 1
            items.append(self.factor())
        return items[0] if len(items) == 1 else {"kind": "and", "items": items}

    def factor(self) -> dict[str, Any]:
        if self.peek("keyword", "not"):
            self.index += 1
            self.depth += 1
            if self.depth > MAX_DEPTH:
                self.fail(f"nested deeper than {MAX_DEPTH} levels")
            inner = self.factor()
            self.depth -= 1
            return {"kind": "not", "item": inner}
        if self.peek("punctuation", "("):
            self.index += 1
            inner = self.expression()
            self.take("punctuation", ")", "')'")
            return inner
        return self.test()

    def test(self) -> dict[str, Any]:
        left = self.operand()
        if "column" in left and self.peek("keyword", "is"):
            self.index += 1
            negated = self.peek("keyword", "not")
            if negated:
                self.index += 1
            self.take("keyword", "null", "null")
            return {"kind": "isNull", "column": left["column"], "negated": negated}
        if "column" in left and (self.peek("keyword", "in") or self.peek("keyword", "not")):
            negated = self.peek("keyword", "not")
            if negated:
                self.index += 1
            self.take("keyword", "in", "in")
            return {"kind": "in", "column": left["column"], "values": self.literal_list(), "negated": negated}
        if not self.peek("operator"):
            hint = ""
            if "column" in left and self.peek("column"):
                hint = " Write a column name that contains spaces in backquotes, such as `mean radius`."
            self.fail("expected a comparison (==, !=, <, <=, >, >=), in (…) or is [not] null", hint)
        operator = self.take("operator").value
        right = self.operand()
        if "column" not in left and "column" not in right:
            self.fail("a comparison needs at least one column")
        return {"kind": "compare", "op": operator, "left": left, "right": right}

    def operand(self) -> dict[str, Any]:
        if self.peek("column"):
            return {"column": self.take("column").value}
        if self.peek("literal"):
            return {"value": self.take("literal").value}
        self.fail("expected a column name or a literal")
        raise AssertionError("unreachable")

    def literal_list(self) -> list[Any]:
        self.take("punctuation", "(", "'('")
        values = [self.take("literal", expected="a literal").value]
        while self.peek("punctuation", ","):
            self.index += 1
            values.append(self.take("literal", expected="a literal").value)
        self.take("punctuation", ")", "')'")
        if len(values) > MAX_IN_VALUES:
            self.fail(f"in (…) lists {len(values)} values; at most {MAX_IN_VALUES} are accepted")
        return values


def parse_filter(text: str, field: str = "expression") -> dict[str, Any]:
    """Parse a filter expression into its tree; raises InvalidInput naming the position of the first error."""
    if not isinstance(text, str):
        raise InvalidInput(f"{field} must be text such as `age >= 18`.", field=field, value=trimmed(str(text)))
    if len(text) > MAX_EXPRESSION:
        raise InvalidInput(
            f"{field} has {len(text)} characters; at most {MAX_EXPRESSION} are accepted.", field=field, value=len(text)
        )
    return _Parser(text, field).parse()


def check_filter(tree: dict[str, Any], columns: dict[str, str] | None, field: str) -> None:
    """Check that every column of the tree exists with a type its literals fit; `columns` None skips the check."""
    if columns is None:
        return
    kind = tree["kind"]
    if kind in ("or", "and"):
        for item in tree["items"]:
            check_filter(item, columns, field)
    elif kind == "not":
        check_filter(tree["item"], columns, field)
    elif kind == "isNull":
        _column_type(tree["column"], columns, field)
    elif kind == "in":
        column_type = _column_type(tree["column"], columns, field)
        for value in tree["values"]:
            _check_literal(tree["column"], column_type, value, field)
    else:
        sides = [tree["left"], tree["right"]]
        types = [_column_type(side["column"], columns, field) if "column" in side else None for side in sides]
        for side, other_type in zip(sides, reversed(types)):
            if "value" in side and other_type is not None:
                column = next(s["column"] for s in sides if "column" in s)
                _check_literal(column, other_type, side["value"], field)
        if types[0] is not None and types[1] is not None and _family(types[0]) != _family(types[1]):
            raise InvalidInput(
                f"{field} compares column {sides[0]['column']!r} ({types[0]}) with {sides[1]['column']!r} ({types[1]}); "
                "compare columns of the same kind.",
                field=field,
                value=f"{sides[0]['column']} {tree['op']} {sides[1]['column']}"[:200],
            )
        if tree["op"] not in ("==", "!=") and any(t in ("boolean",) for t in types if t):
            raise InvalidInput(
                f"{field} orders boolean values with {tree['op']}; use == or != on boolean columns.", field=field, value=tree["op"]
            )


def columns_of(tree: dict[str, Any]) -> set[str]:
    """Return the column names a tree reads."""
    kind = tree["kind"]
    if kind in ("or", "and"):
        return set().union(*(columns_of(item) for item in tree["items"]))
    if kind == "not":
        return columns_of(tree["item"])
    if kind in ("isNull", "in"):
        return {tree["column"]}
    return {side["column"] for side in (tree["left"], tree["right"]) if "column" in side}


def _column_type(name: str, columns: dict[str, str], field: str) -> str:
    if name not in columns:
        raise InvalidInput(
            f"{field} names column {name!r}, which the dataset does not have; it has {_listed(columns)}.",
            field=field,
            value=trimmed(name),
        )
    return columns[name]


def _family(column_type: str) -> str:
    return "number" if column_type in NUMERIC else column_type


def _check_literal(column: str, column_type: str, value: Any, field: str) -> None:
    fits = {
        "integer": isinstance(value, (int, float)) and not isinstance(value, bool),
        "float": isinstance(value, (int, float)) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "string": isinstance(value, str),
        "datetime": isinstance(value, str) and is_time(value, datetime),
        "date": isinstance(value, str) and is_time(value, date),
    }[column_type]
    if not fits:
        accepted = {
            "integer": "a number", "float": "a number", "boolean": "true or false", "string": "quoted text",
            "datetime": "an ISO 8601 time within the years 1 to 9999 in UTC, in quotes, such as '2024-05-01T12:00:00Z'",
            "date": "an ISO date in quotes such as '2024-05-01'",
        }[column_type]
        raise InvalidInput(
            f"{field} compares column {column!r} ({column_type}) with {value!r}; expected {accepted}.",
            field=field,
            value=trimmed(str(value)),
        )


def is_time(text: str, kind: type) -> bool:
    """Return whether `text` is an ISO date (kind date) or time (kind datetime) that stays within years 1 to 9999 in UTC."""
    try:
        if kind is date:
            date.fromisoformat(text)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is not None:
                moment.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return False
    return True


def _listed(columns: dict[str, str]) -> str:
    names = list(columns)
    text = ", ".join(repr(name) for name in names[:20])
    return text + (f" and {len(names) - 20} more" if len(names) > 20 else "")
