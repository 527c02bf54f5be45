"""Static checks of infra/terraform: formatting, parsing, documented variables and outputs, pinned providers."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import hcl2
import pytest

pytestmark = pytest.mark.unit

REPOSITORY = Path(__file__).resolve().parents[2]
TERRAFORM_ROOT = REPOSITORY / "infra" / "terraform"


def _load_terraform_docs():
    spec = importlib.util.spec_from_file_location("terraform_docs", REPOSITORY / "scripts" / "terraform_docs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["terraform_docs"] = module
    spec.loader.exec_module(module)
    return module


terraform_docs = _load_terraform_docs()
MODULE_DIRS = terraform_docs.module_dirs()
TF_FILES = sorted(TERRAFORM_ROOT.rglob("*.tf"))


def _relative(path: Path) -> str:
    return str(path.relative_to(TERRAFORM_ROOT))


def test_expected_modules_exist():
    names = {_relative(folder) for folder in MODULE_DIRS}

    assert names == {
        "examples/aws",
        "modules/bucket",
        "modules/kuberay",
        "modules/kubernetes-app",
        "modules/otel-collector",
        "modules/postgres",
    }


@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not on the PATH")
def test_terraform_fmt_passes():
    result = subprocess.run(
        ["terraform", "fmt", "-check", "-recursive", "-diff", str(TERRAFORM_ROOT)],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, f"terraform fmt would change these files:\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("path", TF_FILES, ids=_relative)
def test_tf_file_parses(path: Path):
    with path.open() as file:
        document = hcl2.load(file)

    assert isinstance(document, dict)


@pytest.mark.parametrize("folder", MODULE_DIRS, ids=_relative)
def test_variables_have_descriptions(folder: Path):
    variables, _ = terraform_docs.parse_module(folder)

    assert variables, f"{_relative(folder)} declares no variables"
    assert [variable.name for variable in variables if not (variable.description or "").strip()] == []


@pytest.mark.parametrize("folder", MODULE_DIRS, ids=_relative)
def test_outputs_have_descriptions(folder: Path):
    _, outputs = terraform_docs.parse_module(folder)

    assert outputs, f"{_relative(folder)} declares no outputs"
    assert [output.name for output in outputs if not (output.description or "").strip()] == []


@pytest.mark.parametrize("folder", MODULE_DIRS, ids=_relative)
def test_module_pins_versions(folder: Path):
    with (folder / "versions.tf").open() as file:
        settings = hcl2.load(file)["terraform"][0]
    providers = {name: body for block in settings["required_providers"] for name, body in block.items() if name != "__is_block__"}

    assert terraform_docs.unquote(settings.get("required_version")), "required_version is missing"
    assert providers, "required_providers is empty"
    for name, body in providers.items():
        constraint = terraform_docs.unquote(body.get("version")) or ""
        assert constraint.startswith(("~>", "=")), f"provider {name} has version {constraint!r}; pin it with ~> or ="


@pytest.mark.parametrize("folder", MODULE_DIRS, ids=_relative)
def test_readme_tables_are_current(folder: Path):
    readme, current, fresh = terraform_docs.render_readme(folder)

    assert current == fresh, f"{readme} is out of date; run .venv/bin/python scripts/terraform_docs.py"


def test_missing_description_is_reported(tmp_path: Path):
    (tmp_path / "variables.tf").write_text(
        'variable "documented" {\n  description = "A value."\n  type = string\n}\n\n'
        'variable "undocumented" {\n  type = string\n}\n\n'
        'variable "computed" {\n  description = local.text\n}\n'
    )
    (tmp_path / "outputs.tf").write_text('output "bare" {\n  value = 1\n}\n')

    variables, outputs = terraform_docs.parse_module(tmp_path)

    assert [variable.name for variable in variables if not variable.description] == ["undocumented", "computed"]
    assert [output.name for output in outputs if not output.description] == ["bare"]


def test_readme_without_markers_is_rejected(tmp_path: Path):
    (tmp_path / "variables.tf").write_text('variable "a" {\n  description = "A value."\n}\n')
    (tmp_path / "README.md").write_text("# module\n")

    with pytest.raises(ValueError, match="inputs:start"):
        terraform_docs.render_readme(tmp_path)


def test_readme_table_lists_default_and_required(tmp_path: Path):
    (tmp_path / "variables.tf").write_text(
        'variable "zone" {\n  description = "Zone | region."\n  type = string\n}\n\n'
        'variable "size" {\n  description = "Disk size."\n  default = 20\n}\n\n'
        'variable "token" {\n  description = "Token."\n  default = null\n  sensitive = true\n}\n'
    )
    (tmp_path / "README.md").write_text("# m\n<!-- inputs:start -->\n<!-- inputs:end -->\n<!-- outputs:start -->\n<!-- outputs:end -->\n")

    _, _, fresh = terraform_docs.render_readme(tmp_path)

    assert "| `zone` | Zone \\| region. | required |" in fresh
    assert "| `size` | Disk size. | `20` |" in fresh
    assert "| `token` | Token. (sensitive) | `null` |" in fresh
