"""The workbook as one self-contained, printable HTML file (Jinja2).

The layout is ``templates/reports/workbook.html.j2`` (with ``base.html.j2`` and
``style.css.j2``), looked up first in the templates folder in use (a facilitator's copy,
``--templates``) and then in the shipped one, so a copy may override only some of them.

* **Self-contained**: the style is inline, the charts are inline SVG (``totkit.charts``),
  and the page's Content-Security-Policy forbids every request (``default-src 'none'``): it
  opens the same with no network.
* **Escaped**: autoescape is on for every template, so a planner's text is text
  (``<script>`` shows as ``<script>``); only the SVG totkit draws is inserted as markup.
  Templates run in Jinja2's sandbox, and a planner's text is never a template: ``{{ 7*7 }}``
  typed in a field prints as typed.
* **Print-friendly**: ``@media print`` hides the contents list, keeps table headers on each
  page and avoids breaking rows and charts.

A broken template is an ``InputError`` naming the file and line.
"""

from __future__ import annotations

import math
import re
import traceback
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from totkit.errors import InputError
from totkit.exports.safe import xml_text

if TYPE_CHECKING:
    from jinja2 import Environment

    from totkit.exports.report import Report

TEMPLATE = "workbook.html.j2"
REPORTS = "reports"
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->\s*", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_ID = re.compile(r'(\sid)="([^"]+)"')
_REFERENCE = re.compile(r'((?:url\(|xlink:href="|\shref="))#([^)"]+)')


def write(report: Report) -> bytes:
    return render(report).encode("utf-8")


def render(report: Report, template: str = TEMPLATE) -> str:
    """``report`` rendered with ``template`` (a name in the reports folders)."""
    from jinja2 import TemplateError

    jinja = environment(tuple(str(folder) for folder in report_folders(report.templates)))
    try:
        return jinja.get_template(template).render(_context(report))
    except TemplateError as exc:
        raise _template_error(exc, template) from None


def report_folders(templates: Path | None = None) -> list[Path]:
    """Where report templates are looked up: the templates folder in use, then the shipped
    one (each's ``reports`` subfolder)."""
    from totkit.paths import default_templates_dir, templates_dir

    folders = [(templates or templates_dir()) / REPORTS, default_templates_dir() / REPORTS]
    return list(dict.fromkeys(folder.resolve() for folder in folders if folder.is_dir()))


@lru_cache(maxsize=8)
def environment(folders: tuple[str, ...]) -> Environment:
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(
        loader=FileSystemLoader(list(folders)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _context(report: Report) -> dict[str, Any]:
    from markupsafe import Markup

    from totkit import __version__
    from totkit.plancheck import status, status_message

    workbook = report.workbook
    result = report.result

    def shown(value: Any, kind: str = "") -> str:
        """A table value as text in the report's language."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return report.yes_no(value)
        if isinstance(value, date):
            return report.date(value, "medium")
        if isinstance(value, float):  # scores, hours and people: one decimal is enough
            return report.number(round(value, 1)) if math.isfinite(value) else ""
        if isinstance(value, int):
            return report.number(value)
        return xml_text(value)

    index_text = ""
    if result is not None and result.index is not None:
        index_text = report.t("readiness.index", index=report.number(result.index),
                              band=report.band_names.get(result.band or "", ""))
    elif result is not None:
        index_text = report.t("readiness.index_none")
    return {
        "r": report,
        "t": report.t,
        "lang": report.lang,
        "workbook": workbook,
        "profile": workbook.profile,
        "header": workbook.plan.header,
        "tables": {table.name: table for table in report.tables},
        "charts": {name: Markup(svg) if svg else None for name, svg in _charts(report).items()},
        "index_text": index_text,
        "projection_summary": _projection_summary(report),
        "weakest": [report.dimension_names.get(d, d) for d in (result.weakest if result else ())],
        "findings": report.findings,
        "check_status": status(report.findings),
        "check_message": status_message(report.findings, report.lang),
        "shown": shown,
        "version": __version__,
    }


def _charts(report: Report) -> dict[str, str | None]:
    """The charts as inline SVG, each drawn with its own ``svg.hashsalt`` so that the ids
    inside one chart never clash with another's and the same workbook draws the same file."""
    import matplotlib

    from totkit import charts as drawn

    wanted: dict[str, Any] = {"readiness": None, "gaps": None, "projection": None}
    if report.instrument is not None and report.result is not None:
        wanted["readiness"] = lambda: drawn.readiness_chart(report.instrument, report.result,
                                                           report.lang)
    if report.workbook.gaps.entries:
        wanted["gaps"] = lambda: drawn.gap_chart(report.context, report.workbook.gaps,
                                                 report.lang)
    if report.projection is not None:
        wanted["projection"] = lambda: drawn.cascade_chart(report.projection, report.lang)
    charts: dict[str, str | None] = {}
    for name, draw in wanted.items():
        if draw is None:
            charts[name] = None
            continue
        with matplotlib.rc_context({"svg.hashsalt": f"totkit-{name}"}):
            charts[name] = _inline(draw(), prefix=f"{name}-")
    return charts


def _projection_summary(report: Report) -> str:
    """The projection's summary in the planner's words, when it has one."""
    summary = getattr(report.projection, "summary", None)
    return str(summary(report.lang)) if callable(summary) else ""


def _inline(svg: str, prefix: str = "") -> str:
    """matplotlib's SVG without its prologue, comments and metadata (which would name web
    addresses and the time it was drawn): only the drawing, its ids prefixed with ``prefix``
    (matplotlib numbers its groups ``figure_1``, ``axes_1``... in every chart alike)."""
    start = svg.find("<svg")
    svg = svg[start:] if start >= 0 else svg
    svg = _METADATA.sub("", svg)
    svg = _COMMENT.sub("", svg).strip()
    if prefix:  # in tags only: a planner's text in a chart stays as typed

        def prefixed(tag: re.Match[str]) -> str:
            text = _ID.sub(lambda m: f'{m[1]}="{prefix}{m[2]}"', tag[0])
            return _REFERENCE.sub(lambda m: f"{m[1]}#{prefix}{m[2]}", text)

        svg = _TAG.sub(prefixed, svg)
    return svg


def _template_error(exc: Exception, template: str) -> InputError:
    filename = getattr(exc, "filename", None) or getattr(exc, "name", None)
    line = getattr(exc, "lineno", None)
    if line is None:  # a runtime error: Jinja2 puts the template's line in the traceback
        for frame, number in traceback.walk_tb(exc.__traceback__):
            if frame.f_code.co_filename.endswith(".j2"):
                filename, line = frame.f_code.co_filename, number
    return InputError("error.export_template", field="templates",
                      file=str(filename or template), line=line or "?",
                      problem=str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
