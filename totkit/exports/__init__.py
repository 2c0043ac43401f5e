"""Exports of one workbook: xlsx, docx, html, ics and json.

One table (``FORMATS``) names each format's writer, media type and file suffix, in the
manner of papermill's ``iorw`` registry; a writer's module (and the library behind it:
openpyxl, python-docx, Jinja2, icalendar) is imported only when that format is asked for.

* ``export(workbook, fmt, workshop=..., lang=..., projection=...) -> bytes``: the file's
  content, for the apps' download buttons.
* ``write_export(workbook, fmt, folder, filename=None, ...) -> Path``: the file written inside
  ``folder``, for the CLI (``totkit export ID|FILE --format FMT -o PATH``). The file name is a
  plain name: an absolute path, a separator, ``..`` or a symbolic link out of ``folder`` is
  refused with an ``InputError`` naming the field and the fix. The file is written to a
  temporary name in ``folder`` and renamed, so a reader never sees half a file.
* ``default_filename(workbook, fmt)``: ``rtl-<planner's name as ASCII>.<suffix>``.

Every export is safe with any free text a planner typed: spreadsheet cells never start a
formula (``totkit.exports.safe``), HTML is escaped by Jinja2's autoescape, docx text is
plain runs, and the calendar's text is escaped by icalendar.
"""

from __future__ import annotations

import importlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from totkit.errors import InputError

if TYPE_CHECKING:
    from totkit.exports.report import Report
    from totkit.model import Workbook

__all__ = [
    "FORMATS",
    "Format",
    "default_filename",
    "export",
    "get_format",
    "register",
    "safe_target",
    "write_export",
]


@dataclass(frozen=True)
class Format:
    """An export format: its name (``--format``), suffix, media type and writer.

    ``writer`` is ``"module:function"``; the function takes a ``Report`` and returns bytes.
    """

    name: str
    suffix: str
    media_type: str
    writer: str
    description: str = ""

    def load(self) -> Callable[[Report], bytes]:
        module, _, function = self.writer.partition(":")
        return getattr(importlib.import_module(module), function)


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    """Add (or replace) a format in the table; returns it."""
    FORMATS[fmt.name] = fmt
    return fmt


for _fmt in (
    Format("xlsx", ".xlsx",
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "totkit.exports.xlsx:write", "one sheet per part of the workbook"),
    Format("docx", ".docx",
           "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "totkit.exports.docx:write", "the RTL document to submit, editable"),
    Format("html", ".html", "text/html; charset=utf-8",
           "totkit.exports.html:write", "one self-contained, printable report"),
    Format("ics", ".ics", "text/calendar; charset=utf-8",
           "totkit.exports.ics:write", "sessions, mentoring and measurements as events"),
    Format("json", ".json", "application/json",
           "totkit.exports.json:write", "the whole workbook, for totkit import"),
):
    register(_fmt)


def get_format(fmt: str) -> Format:
    """The format called ``fmt`` (case and a leading dot ignored), or an ``InputError``
    listing the formats."""
    name = str(fmt).strip().lower().lstrip(".")
    if name not in FORMATS:
        raise InputError("error.export_format", field="export_format", format=str(fmt),
                         formats=", ".join(FORMATS))
    return FORMATS[name]


def export(
    workbook: Workbook,
    fmt: str,
    *,
    workshop: Any = None,
    lang: str = "id",
    projection: Any = None,
    templates: Path | None = None,
    now: datetime | None = None,
) -> bytes:
    """``workbook`` exported as ``fmt`` (``xlsx``, ``docx``, ``html``, ``ics``, ``json``).

    ``workshop``: its ``WorkshopInfo`` (``Store.workshop_of(id)``), for the TOT's title,
    dates and time zone (the plan's header overrides them), or ``None`` for a workbook
    read from a file. ``lang``: ``id`` or ``en``, for headers and labels. ``projection``:
    the cascade projection (``totkit.cascade``), or ``None`` for no projection part.
    ``templates``: the templates folder (default: the one in use, ``--templates``).
    ``now``: the time of the export (default: now), shown in the files and used as the
    calendar's ``DTSTAMP``.
    """
    from totkit.exports.report import gather

    writer = get_format(fmt).load()
    report = gather(workbook, workshop=workshop, lang=lang, projection=projection,
                    templates=templates, now=now)
    return writer(report)


def write_export(
    workbook: Workbook,
    fmt: str,
    folder: Path | str,
    filename: str | None = None,
    **options: Any,
) -> Path:
    """Export ``workbook`` as ``fmt`` into ``folder``; returns the file's path.

    ``filename`` is a plain file name (default: ``default_filename``); the format's suffix is
    added when it lacks it. An existing file of that name is replaced. ``options`` are
    ``export``'s keywords (``workshop``, ``lang``, ``projection``, ``templates``, ``now``).
    """
    spec = get_format(fmt)
    target = safe_target(folder, filename or default_filename(workbook, spec.name), spec.suffix)
    content = export(workbook, spec.name, **options)
    handle, temporary = tempfile.mkstemp(prefix=".totkit-", suffix=spec.suffix,
                                         dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temporary, 0o644 & ~_umask())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


# -- file names ------------------------------------------------------------------------------------

_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
_MAX_NAME = 200


def safe_target(folder: Path | str, filename: str, suffix: str = "") -> Path:
    """The path of ``filename`` inside ``folder``, or an ``InputError`` when it would land
    anywhere else: an absolute path, a folder separator (``/`` or ``\\``), ``.`` or ``..``,
    a drive (``C:``), a reserved Windows name, or an existing symbolic link that points out
    of ``folder``. ``suffix`` is appended when the name does not end with it."""
    directory = Path(folder).expanduser()
    try:
        is_folder = directory.is_dir()
    except OSError:  # a name too long to look up
        is_folder = False
    if not is_folder:
        raise InputError("error.export_folder", field="export_folder", folder=str(directory))
    directory = directory.resolve()
    name = str(filename).strip()
    if (
        not name
        or "/" in name
        or "\\" in name
        or ":" in name
        or "\x00" in name
        or name in {".", ".."}
        or Path(name).is_absolute()
        or _RESERVED.match(name)
        or any(unicodedata.category(char) == "Cc" for char in name)
        or len(name) > _MAX_NAME
    ):
        raise InputError("error.export_filename", field="export_file", name=name,
                         folder=str(directory), example=f"rtl{suffix}")
    if suffix and not name.lower().endswith(suffix.lower()):
        name += suffix
    target = directory / name
    if target.resolve().parent != directory:  # a symbolic link out of the folder
        raise InputError("error.export_symlink", field="export_file", name=name,
                         folder=str(directory))
    if target.exists() and not target.is_file():
        raise InputError("error.export_filename", field="export_file", name=name,
                         folder=str(directory), example=f"rtl{suffix}")
    return target


def slug(text: str, fallback: str = "workbook", limit: int = 60) -> str:
    """``text`` as a lower-case ASCII file-name part (``Sri Wahyuni`` -> ``sri-wahyuni``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:limit].rstrip("-") or fallback


def default_filename(workbook: Workbook, fmt: str) -> str:
    """``rtl-<planner>.<suffix>``, the planner's name from the plan's header, else the
    profile, as ASCII (``rtl-sri-wahyuni.docx``)."""
    spec = get_format(fmt)
    name = workbook.plan.header.name or workbook.profile.name
    return f"rtl-{slug(name, slug(workbook.id))}{spec.suffix}"
