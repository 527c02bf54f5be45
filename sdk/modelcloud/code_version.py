"""The code version of a run: the git commit of the training script's checkout and whether it had changes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

GIT_TIMEOUT = 10.0


def script_directory() -> Path:
    """Return the folder of the script being run, or the working directory in an interactive session or notebook."""
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    return Path(main_file).resolve().parent if main_file else Path.cwd()


def code_version(directory: Path) -> tuple[str | None, bool | None]:
    """Return (commit, dirty) of the git checkout containing `directory`, or None for what git cannot tell.

    Dirty means `git status --porcelain` lists something, untracked files included. Any
    failure (no git, not a checkout, a timeout) leaves the value None.
    """
    commit = _git(directory, "rev-parse", "HEAD")
    if commit is None:
        return None, None
    status = _git(directory, "status", "--porcelain")
    return commit, None if status is None else bool(status)


def _git(directory: Path, *arguments: str) -> str | None:
    try:
        completed = subprocess.run(
            ["git", *arguments], cwd=directory, capture_output=True, text=True, timeout=GIT_TIMEOUT, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return completed.stdout.strip()
