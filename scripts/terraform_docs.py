"""Write the inputs and outputs tables of each Terraform module's README from its .tf files.

    .venv/bin/python scripts/terraform_docs.py          # rewrite the tables
    .venv/bin/python scripts/terraform_docs.py --check  # exit 1 when a README is out of date

Each README marks its tables with <!-- inputs:start --> ... <!-- outputs:end -->; the text
around them is left as it is. tests/infra/test_terraform.py runs the check.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2

ROOT = Path(__file__).resolve().parent.parent / "infra" / "terraform"
MAX_DEFAULT_WIDTH = 60


@dataclass(frozen=True)
class Variable:
    name: str
    description: str | None
    default: str | None
    required: bool
    sensitive: bool


@dataclass(frozen=True)
class Output:
    name: str
    description: str | None
    sensitive: bool


def module_dirs(root: Path = ROOT) -> list[Path]:
    """Return every folder under root that contains .tf files: the modules and the examples."""
    return sorted({path.parent for path in root.rglob("*.tf") if ".terraform" not in path.parts})


def unquote(value: Any) -> str | None:
    """Return the text of an HCL string literal as python-hcl2 gives it ('"text"'), or None for any other expression."""
    if isinstance(value, str) and len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return None


def parse_module(folder: Path) -> tuple[list[Variable], list[Output]]:
    variables: list[Variable] = []
    outputs: list[Output] = []
    for path in sorted(folder.glob("*.tf")):
        with path.open() as file:
            document = hcl2.load(file)
        for block in document.get("variable", []):
            for quoted_name, body in block.items():
                variables.append(_variable(quoted_name, body))
        for block in document.get("output", []):
            for quoted_name, body in block.items():
                outputs.append(Output(unquote(quoted_name) or quoted_name, unquote(body.get("description")), body.get("sensitive") is True))
    return variables, outputs


def _variable(quoted_name: str, body: dict[str, Any]) -> Variable:
    required = "default" not in body
    return Variable(
        name=unquote(quoted_name) or quoted_name,
        description=unquote(body.get("description")),
        default=None if required else render_value(body["default"]),
        required=required,
        sensitive=body.get("sensitive") is True,
    )


def render_value(value: Any) -> str:
    """Render a default as HCL text, such as `["a", "b"]` or `{ cpu = "2" }`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value if unquote(value) is not None else value.removeprefix("${").removesuffix("}")
    if isinstance(value, list):
        return "[" + ", ".join(render_value(item) for item in value) + "]"
    if isinstance(value, dict):
        items = [f"{unquote(key) or key} = {render_value(item)}" for key, item in value.items() if key != "__is_block__"]
        return "{ " + ", ".join(items) + " }" if items else "{}"
    return str(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def inputs_table(variables: list[Variable]) -> str:
    lines = ["| name | description | default |", "| --- | --- | --- |"]
    for variable in sorted(variables, key=lambda item: (not item.required, item.name)):
        if variable.required:
            default = "required"
        elif len(variable.default or "") > MAX_DEFAULT_WIDTH:
            default = "see variables.tf"
        else:
            default = f"`{_cell(variable.default or '')}`"
        note = " (sensitive)" if variable.sensitive else ""
        lines.append(f"| `{variable.name}` | {_cell(variable.description or '')}{note} | {default} |")
    return "\n".join(lines)


def outputs_table(outputs: list[Output]) -> str:
    lines = ["| name | description |", "| --- | --- |"]
    for output in sorted(outputs, key=lambda item: item.name):
        note = " (sensitive)" if output.sensitive else ""
        lines.append(f"| `{output.name}` | {_cell(output.description or '')}{note} |")
    return "\n".join(lines)


def replace_between(text: str, marker: str, body: str, readme: Path) -> str:
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    if start not in text or end not in text:
        raise ValueError(f"{readme} has no {start} ... {end} markers; add them where the {marker} table belongs.")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{body}\n{end}{tail}"


def render_readme(folder: Path) -> tuple[Path, str, str]:
    """Return a module's README path, its current text and the text with fresh tables."""
    readme = folder / "README.md"
    current = readme.read_text() if readme.exists() else ""
    if not current:
        raise ValueError(f"{readme} is missing; write an introduction with <!-- inputs:start/end --> and <!-- outputs:start/end --> markers.")
    variables, outputs = parse_module(folder)
    fresh = replace_between(current, "inputs", inputs_table(variables), readme)
    fresh = replace_between(fresh, "outputs", outputs_table(outputs), readme)
    return readme, current, fresh


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report READMEs whose tables are out of date")
    arguments = parser.parse_args(argv)

    stale = []
    for folder in module_dirs():
        readme, current, fresh = render_readme(folder)
        if fresh == current:
            continue
        stale.append(readme)
        if not arguments.check:
            readme.write_text(fresh)
    if arguments.check and stale:
        names = ", ".join(str(path.relative_to(ROOT.parent.parent)) for path in stale)
        print(f"Out of date: {names}. Run .venv/bin/python scripts/terraform_docs.py to rewrite them.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
