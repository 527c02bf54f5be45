"""docs/operations.md lists every setting of backend/settings.py with its default, so the guide cannot drift from the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import SecretStr

from backend.settings import Settings

pytestmark = pytest.mark.unit

OPERATIONS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"
ROW = re.compile(r"^\| `(?P<variable>[A-Z_]+)` \| (?P<default>[^|]+) \|")


def environment_variable(name: str) -> str:
    alias = Settings.model_fields[name].validation_alias
    return alias if isinstance(alias, str) else f"MODELCLOUD_{name.upper()}"


def rendered_default(name: str) -> str:
    """Return the default as the table writes it: a JSON-like literal in backticks, or `empty`."""
    value = Settings.model_fields[name].get_default(call_default_factory=True)
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, list):
        return f"`{value!r}`".replace("'", '"')
    if isinstance(value, Path):
        return "`frontend/dist` of the source tree"
    if value == "":
        return "empty"
    return f"`{value}`"


def table_rows(text: str) -> dict[str, str]:
    """Return the settings table between its markers as {variable: default cell}."""
    start, end = "<!-- settings:start -->", "<!-- settings:end -->"
    assert start in text, f"{OPERATIONS} lost its {start} marker"
    assert end in text, f"{OPERATIONS} lost its {end} marker"
    table = text.split(start, 1)[1].split(end, 1)[0]
    rows = {}
    for line in table.splitlines():
        match = ROW.match(line)
        if match:
            rows[match["variable"]] = match["default"].strip()
    return rows


@pytest.fixture(scope="module")
def rows() -> dict[str, str]:
    return table_rows(OPERATIONS.read_text())


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_setting_is_documented(rows: dict[str, str], name: str):
    variable = environment_variable(name)

    assert variable in rows, f"{variable} is missing from the settings table of {OPERATIONS.name}"
    assert rows[variable] == rendered_default(name)


def test_table_has_no_unknown_settings(rows: dict[str, str]):
    known = {environment_variable(name) for name in Settings.model_fields}

    assert sorted(set(rows) - known) == []


def test_missing_setting_is_detected():
    text = (
        "<!-- settings:start -->\n| variable | default | meaning |\n| --- | --- | --- |\n"
        "| `MODELCLOUD_PORT` | `8000` | Port. |\n<!-- settings:end -->\n"
    )

    rows = table_rows(text)

    assert rows == {"MODELCLOUD_PORT": "`8000`"}
    assert environment_variable("host") not in rows
