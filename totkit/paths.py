"""Where totkit finds its data folder, its templates and its notebooks."""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path

PACKAGE_DATA = Path(__file__).parent / "data"


def data_dir() -> Path:
    """The folder holding the SQLite store and the secret (``TOTKIT_DATA`` overrides)."""
    override = os.environ.get("TOTKIT_DATA")
    if override:
        return Path(override).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", home / ".local" / "share"))
    return base / "totkit"


def _shipped(name: str, folder: str) -> Path:
    # A wheel maps notebooks/ and templates/ into totkit/_notebooks and totkit/_templates;
    # a source checkout, or an editable install, finds them next to the package.
    root = Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file() and (root / folder).is_dir():
        return root / folder
    # Ask for the folder inside the regular package ``totkit``: the namespace packages
    # themselves would give a MultiplexedPath, which is not a file system path.
    return Path(str(resources.files("totkit").joinpath(name)))


def notebooks_dir() -> Path:
    return _shipped("_notebooks", "notebooks")


def default_templates_dir() -> Path:
    return _shipped("_templates", "templates")


def templates_dir() -> Path:
    """The templates in use: ``TOTKIT_TEMPLATES`` (set by ``--templates``) or the shipped ones."""
    override = os.environ.get("TOTKIT_TEMPLATES")
    return Path(override).expanduser() if override else default_templates_dir()
