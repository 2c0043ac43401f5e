"""The whole workbook as JSON, and reading it back (``totkit import FILE --into WORKSHOP``).

The file is ``Workbook.to_json()``: every section and the stored revision each was read
from, with ``schema_version`` first. ``read_workbook`` reads it back to an equal
``Workbook``, upgrading a file written under an older schema version one step at a time
(``UPGRADES``: version *n* -> a function turning a version-*n* dict into a version-*n+1*
dict; when ``totkit.model.SCHEMA_VERSION`` goes up, its step goes here). A file written by a
newer totkit, with a version no step leads from, or that is not a workbook at all, is refused
with an ``InputError`` that says what to do.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from totkit.errors import InputError

if TYPE_CHECKING:
    from totkit.exports.report import Report
    from totkit.model import Workbook

MAX_BYTES = 64 * 1024 * 1024  # far above the largest workbook the limits allow
# version n -> the step from a version-n dict to a version-(n+1) dict
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def write(report: Report) -> bytes:
    return report.workbook.to_json().encode("utf-8")


def dumps(workbook: Workbook) -> str:
    return workbook.to_json()


def current_version() -> int:
    from totkit.model import SCHEMA_VERSION

    return SCHEMA_VERSION


def oldest_version() -> int:
    """The oldest schema version the steps in ``UPGRADES`` lead from to the current one."""
    version = current_version()
    while version - 1 in UPGRADES:
        version -= 1
    return version


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` (a workbook as a JSON object) upgraded to the current schema version.

    A file without ``schema_version`` is taken as the current version (every file totkit
    wrote carries it). Refused: a version that is not a whole number, one newer than this
    totkit knows, or one older than any upgrade step leads from.
    """
    if not isinstance(data, dict):
        raise InputError("error.export_not_workbook", field="data")
    current = current_version()
    version = data.get("schema_version", current)
    if isinstance(version, bool) or not isinstance(version, int):
        raise InputError("error.export_schema_unknown", field="schema_version",
                         version=str(version)[:20], oldest=oldest_version(), known=current)
    if version > current:
        raise InputError("error.export_schema_newer", field="schema_version",
                         version=version, known=current)
    if version < oldest_version():
        raise InputError("error.export_schema_unknown", field="schema_version",
                         version=version, oldest=oldest_version(), known=current)
    while version < current:
        data = UPGRADES[version](dict(data))
        version += 1
        data["schema_version"] = version
    return data


def loads(text: str | bytes) -> Workbook:
    """A workbook from its JSON text, upgraded when older (see ``upgrade``)."""
    from totkit.model import Workbook
    from totkit.parts import parse

    if len(text) > MAX_BYTES:
        raise InputError("error.export_too_large", field="data",
                         size=round(len(text) / 2**20), max=MAX_BYTES // 2**20)
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: [[[[...]]]]
        raise InputError("error.json_invalid", field="data") from None
    return parse(Workbook, upgrade(data))


def read_workbook(path: Path | str) -> Workbook:
    """The workbook in the JSON file at ``path`` (see ``loads``)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError("error.export_too_large", field="data",
                             size=round(size / 2**20), max=MAX_BYTES // 2**20)
        content = path.read_bytes()
    except OSError:
        raise InputError("error.export_unreadable", field="data", file=str(path)) from None
    return loads(content)
