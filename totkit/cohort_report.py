"""The cohort's exports: the facilitator dashboard as an Excel workbook or one HTML report.

* ``cohort_xlsx(dashboard, lang) -> bytes``: a sheet per table and view (overview, planners,
  readiness, reliability, priority gaps, plan-check findings, reach, obstacles, stalled,
  success cases, interview prompts). Headers are in ``lang``, bold and frozen
  (``freeze_panes`` below the header, and left of the names where a sheet has them), with an
  autofilter; numbers are numbers (shares formatted as percentages), dates are dates, and
  every text cell is written with the string type after ``totkit.exports.safe``'s
  ``spreadsheet_text`` (a text that could start a formula gets a leading ``'``): no cell is
  ever a formula.
* ``cohort_html(dashboard, lang) -> str``: ``templates/reports/cohort.html.j2`` (looked up in
  the templates folder in use, then the shipped one), rendered in Jinja2's sandbox with
  autoescape: the same tables, the dashboard's charts as inline SVG, no request to any host
  (a Content-Security-Policy of ``default-src 'none'``) and a print stylesheet.
* ``write_cohort(dashboard, fmt, path, lang)``: either one written to a file (a temporary file
  renamed, so a reader never sees half of it), for ``totkit cohort``.

Both take ``progress``, a callable ``(share done from 0 to 1, what is being done)`` that is
called as the work advances and last with 1.0 (the app shows a progress bar with it).
"""

from __future__ import annotations

import io
import math
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from totkit.i18n import format_date, format_number, format_percent, t

if TYPE_CHECKING:

    from totkit.dashboard import Dashboard

FORMATS = ("xlsx", "html")
TEMPLATE = "cohort.html.j2"
WIDTHS = {"code": 14, "number": 11, "percent": 10, "date": 12, "text": 26, "long": 48}
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->\s*", re.DOTALL)

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Column:
    """A column's header (in the report's language) and kind: ``text``, ``long``, ``code``,
    ``number``, ``percent`` (a share 0..1), ``date``."""

    header: str
    kind: str = "text"


@dataclass(frozen=True)
class Sheet:
    """One table of the report: ``name`` (stable), ``title`` (translated), its columns and
    rows of typed values (``None`` for empty), and how many leading columns stay in view."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    frozen_columns: int = 0
    note: str = ""


def _no_progress(_share: float, _what: str) -> None:
    return None


# -- the tables ----------------------------------------------------------------------------------


def cohort_sheets(dashboard: Dashboard, lang: str) -> list[Sheet]:
    """Every table of the cohort report, with headers and labels in ``lang``."""
    from totkit.dashboard import PROGRESS_COLUMNS, column_header

    def h(column: str, kind: str = "text") -> Column:
        return Column(column_header(column, lang), kind)

    def status_label(value: str) -> str:
        return t(f"monitoring.status_label.{value}", lang)

    def plan_label(value: str) -> str:
        return t(f"dashboard.plan_status.{value}", lang)

    def weakest_names(value: Any) -> str:
        ids = [d for d in str(value or "").split(";") if d]
        return ", ".join(dashboard.dimension_name(d, lang) for d in ids)

    def cause_label(value: str) -> str:
        return t(f"monitoring.cause.{value}", lang) if value else ""

    table = dashboard.table
    counts = dashboard.counts()
    workshop = dashboard.workshop
    sheets: list[Sheet] = []

    # overview
    tot = ""
    if workshop.start_date or workshop.end_date:
        tot = " – ".join(format_date(d, lang) for d in (workshop.start_date, workshop.end_date)
                         if d)
    overview_rows: list[tuple[Any, ...]] = [
        (t("dashboard.report.workshop", lang), workshop.title),
        (t("dashboard.report.tot_dates", lang), tot),
        (t("dashboard.report.as_of", lang), dashboard.as_of),
        (t("dashboard.report.planners", lang), counts["planners"]),
        (t("dashboard.report.with_index", lang), counts["with_index"]),
    ]
    overview_rows += [
        (t("dashboard.report.in_band", lang, band=dashboard.band_name(band, lang)),
         counts["bands"].get(band, 0))
        for band in _band_ids(dashboard)
    ]
    overview_rows += [
        (t("dashboard.report.plans_ready", lang), counts["plans_ready"]),
        *[(t("dashboard.report.with_status", lang, status=status_label(s)),
           counts["statuses"].get(s, 0)) for s in _statuses()],
        (t("dashboard.col.sessions_held", lang), counts["sessions_held"]),
        (t("dashboard.col.people_reached", lang), counts["people_reached"]),
    ]
    sheets.append(Sheet("overview", t("dashboard.view.overview", lang),
                        (Column(t("dashboard.col.measure", lang)),
                         Column(t("dashboard.col.value", lang))),
                        overview_rows, frozen_columns=1))

    # planners
    kinds = {column: "percent" for column in (*PROGRESS_COLUMNS, "progress")}
    kinds.update({c: "number" for c in ("index", "plan_errors", "plan_warnings",
                                         "sessions_planned", "sessions_due", "sessions_held",
                                         "people_reached", "indicators_measured", "obstacles",
                                         "days_since_last_activity")})
    kinds.update({"last_activity": "date", "workbook_id": "code"})
    shown_columns = [c for c in table.columns if c != "workbook_id"] + ["workbook_id"]
    converters: dict[str, Callable[[Any], Any]] = {
        "band": lambda v: dashboard.band_name(v, lang),
        "weakest": weakest_names,
        "plan_status": plan_label,
        "monitoring_status": status_label,
    }
    sheets.append(Sheet(
        "planners", t("dashboard.view.planners", lang),
        tuple(h(c, kinds.get(c, "text")) for c in shown_columns),
        _rows(table, shown_columns, converters), frozen_columns=1,
    ))

    # readiness per dimension
    instrument = dashboard.instrument
    if instrument is not None:
        dims = [d.id for d in instrument.dimensions]
        names = table.set_index("workbook_id")["name"]
        readiness = dashboard.readiness
        rows = [
            (names.get(workbook_id, ""), *[_plain(readiness.at[workbook_id, d]) for d in dims])
            for workbook_id in readiness.index
        ]
        sheets.append(Sheet(
            "readiness", t("dashboard.view.readiness", lang),
            (h("name"), *[Column(dashboard.dimension_name(d, lang), "number") for d in dims]),
            rows, frozen_columns=1,
        ))
        reliability = dashboard.reliability
        rows = [
            (dashboard.dimension_name(d, lang), *[_plain(reliability.at[d, c]) for c in
                                                  ("n", "mean", "median", "q1", "q3",
                                                   "alpha", "n_alpha")],
             _yes_no(reliability.at[d, "alpha_low"], lang))
            for d in reliability.index
        ]
        sheets.append(Sheet(
            "reliability", t("dashboard.view.reliability", lang),
            (h("dimension"), *[h(c, "number") for c in ("n", "mean", "median", "q1", "q3",
                                                          "alpha", "n_alpha")],
             h("alpha_low")),
            rows, frozen_columns=1, note=t("dashboard.report.reliability_note", lang),
        ))

    # priority gaps and plan-check findings
    gaps = dashboard.top_gaps
    sheets.append(Sheet(
        "top_gaps", t("dashboard.view.top_gaps", lang),
        (h("factor"), h("planners", "number"), h("mean_score", "number")),
        [(dashboard.factor_name(f, lang), int(gaps.at[f, "planners"]),
          _plain(gaps.at[f, "mean_score"])) for f in gaps.index],
        frozen_columns=1,
    ))
    found = dashboard.top_findings
    sheets.append(Sheet(
        "top_findings", t("dashboard.view.top_findings", lang),
        (h("rule"), h("severity"), h("planners", "number"), h("findings", "number"),
         Column(t("dashboard.col.rule_id", lang), "code")),
        [(t(f"dashboard.rule.{r.replace('-', '_')}", lang),
          t(f"plan.check.severity.{found.at[r, 'severity']}", lang),
          int(found.at[r, "planners"]), int(found.at[r, "findings"]), r)
         for r in found.index],
        frozen_columns=1,
    ))

    # reach: the cohort's totals, then each planner
    from totkit.dashboard import REACH_COLUMNS

    totals = dashboard.reach_totals
    reach = dashboard.reach
    rows = [(t("dashboard.report.cohort_total", lang), "", None,
             *[_plain(totals[c]) for c in REACH_COLUMNS])]
    rows += _rows(reach, ["name", "band", "p", *REACH_COLUMNS],
                  {"band": lambda v: dashboard.band_name(v, lang)})
    sheets.append(Sheet(
        "reach", t("dashboard.view.reach", lang),
        (h("name"), h("band"), h("p", "percent"), *[h(c, "number") for c in REACH_COLUMNS]),
        rows, frozen_columns=1, note=t("dashboard.report.reach_note", lang),
    ))

    # obstacles, stalled
    obstacles = dashboard.obstacles
    sheets.append(Sheet(
        "obstacles", t("dashboard.view.obstacles", lang),
        (h("cause"), h("obstacles", "number"), h("planners", "number")),
        [(cause_label(c), int(obstacles.at[c, "obstacles"]), int(obstacles.at[c, "planners"]))
         for c in obstacles.index],
        frozen_columns=1,
    ))
    stalled_columns = ["name", "institution", "band", "sessions_due", "sessions_held",
                       "last_activity", "days_since_last_activity", "main_obstacle"]
    sheets.append(Sheet(
        "stalled", t("dashboard.view.stalled", lang),
        tuple(h(c, kinds.get(c, "text")) for c in stalled_columns),
        _rows(dashboard.stalled, stalled_columns,
              {"band": lambda v: dashboard.band_name(v, lang), "main_obstacle": cause_label}),
        frozen_columns=1,
    ))

    # success cases and the interview prompts
    cases = dashboard.success_cases()
    success_columns = ["name", "institution", "monitoring_status", "sessions_held",
                       "people_reached", "indicators_measured", "reach_score",
                       "indicator_progress", "success_score"]
    success_kinds = {"sessions_held": "number", "people_reached": "number",
                     "indicators_measured": "number", "reach_score": "percent",
                     "indicator_progress": "percent", "success_score": "percent"}
    rows = []
    for group, frame in (("most", cases.most), ("least", cases.least)):
        label = t(f"dashboard.view.{group}", lang)
        rows += [(label, *row) for row in _rows(frame, success_columns,
                                                 {"monitoring_status": status_label})]
    sheets.append(Sheet(
        "success", t("dashboard.view.success", lang),
        (h("group"), *[h(c, success_kinds.get(c, "text")) for c in success_columns]),
        rows, frozen_columns=2, note=t("dashboard.report.success_note", lang),
    ))
    prompt_rows = [
        (t(f"dashboard.view.{group}", lang), number, prompt)
        for group in ("most", "least")
        for number, prompt in enumerate(cases.prompts[group][_lang(lang)], start=1)
    ]
    sheets.append(Sheet(
        "prompts", t("dashboard.view.prompts", lang),
        (h("group"), Column(t("dashboard.col.number", lang), "number"), h("prompt", "long")),
        prompt_rows, frozen_columns=1,
    ))
    return sheets


def _lang(lang: str) -> str:
    from totkit.i18n import normalize_language

    return normalize_language(lang)


def _band_ids(dashboard: Dashboard) -> list[str]:
    if dashboard.instrument is None:
        return []
    return [band.id for band in sorted(dashboard.instrument.bands, key=lambda b: b.lower)]


def _statuses() -> tuple[str, ...]:
    from totkit.monitoring import STATUSES

    return STATUSES


def _plain(value: Any) -> Any:
    """A frame's value as a plain Python value: ``None`` for NaN or NA."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    try:
        if value != value:  # NaN
            return None
    except (TypeError, ValueError):  # pandas.NA
        return None
    return value


def _yes_no(value: Any, lang: str) -> str | None:
    value = _plain(value)
    if value is None:
        return None
    return t("dashboard.report.yes" if value else "dashboard.report.no", lang)


def _rows(frame: Any, columns: list[str],
          converters: dict[str, Callable[[Any], Any]]) -> list[tuple[Any, ...]]:
    """The frame's ``columns`` as rows of plain values, ``converters`` applied per column."""
    values = []
    for column in columns:
        convert = converters.get(column)
        series = [_plain(v) for v in frame[column].tolist()]
        values.append([convert(v) for v in series] if convert else series)
    return list(zip(*values, strict=True)) if values else []


# -- xlsx ----------------------------------------------------------------------------------------


def cohort_xlsx(dashboard: Dashboard, lang: str = "id", *,
                progress: Progress | None = None) -> bytes:
    """The cohort as an Excel workbook (see the module); ``progress`` is told how far it is."""
    from openpyxl import Workbook

    from totkit.exports.safe import xml_text
    from totkit.exports.xlsx import sheet_title

    report = progress or _no_progress
    report(0.0, t("dashboard.export.tables", lang))
    sheets = cohort_sheets(dashboard, lang)
    book = Workbook()
    book.remove(book.active)
    titles: set[str] = set()
    for number, sheet in enumerate(sheets):
        report(0.1 + 0.8 * number / len(sheets),
               t("dashboard.export.sheet", lang, sheet=sheet.title))
        _fill(book.create_sheet(sheet_title(sheet.title, titles)), sheet)
    report(0.9, t("dashboard.export.saving", lang))
    properties = book.properties
    properties.creator = "totkit"
    properties.title = xml_text(f"{t('dashboard.title', lang)}: {dashboard.workshop.title}")
    properties.language = _lang(lang)
    buffer = io.BytesIO()
    book.save(buffer)
    report(1.0, t("dashboard.export.done", lang))
    return buffer.getvalue()



def _fill(worksheet: Any, sheet: Sheet) -> None:
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    shade = PatternFill("solid", fgColor="DCE6F1")
    wrap = Alignment(wrap_text=True, vertical="top")
    header = []
    for column, spec in enumerate(sheet.columns, start=1):
        cell = _cell(Cell(worksheet), spec.header, "text")
        cell.font, cell.fill, cell.alignment = bold, shade, wrap
        header.append(cell)
        worksheet.column_dimensions[get_column_letter(column)].width = WIDTHS.get(spec.kind, 20)
    worksheet.append(header)
    kinds = [spec.kind for spec in sheet.columns]
    for values in sheet.rows:
        row = [_cell(Cell(worksheet), value, kind)
               for value, kind in zip(values, kinds, strict=True)]
        for cell, kind in zip(row, kinds, strict=True):
            if kind == "long":
                cell.alignment = wrap
        worksheet.append(row)
    worksheet.freeze_panes = f"{get_column_letter(sheet.frozen_columns + 1)}2"
    last = get_column_letter(max(len(sheet.columns), 1))
    worksheet.auto_filter.ref = f"A1:{last}{max(len(sheet.rows) + 1, 1)}"
    worksheet.print_title_rows = "1:1"
    worksheet.page_setup.orientation = "landscape"
    worksheet.page_setup.fitToWidth = 1
    worksheet.page_setup.fitToHeight = 0
    worksheet.sheet_properties.pageSetUpPr.fitToPage = True


def _cell(cell: Any, value: Any, kind: str) -> Any:
    """``cell`` holding ``value`` with its real type: a number (a share formatted as a
    percentage), a date, or a text that can never be a formula (``spreadsheet_text``, and the
    string type set explicitly, so neither ``=`` nor ``#N/A`` is read as anything but text).
    NaN and empty values leave the cell empty."""
    from totkit.exports.safe import spreadsheet_text

    if value is None:
        return cell
    if isinstance(value, bool):
        cell.value = value
    elif isinstance(value, datetime):
        cell.value = value.replace(tzinfo=None) if value.tzinfo else value
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, (int, float)):
        if math.isfinite(value):
            cell.value = value
            if kind == "percent":
                cell.number_format = "0%"
    else:
        cell.value = spreadsheet_text(value)
        cell.data_type = "s"
    return cell


# -- html ----------------------------------------------------------------------------------------


def cohort_html(dashboard: Dashboard, lang: str = "id", *, progress: Progress | None = None,
                templates: Path | None = None, now: datetime | None = None) -> str:
    """The cohort as one self-contained, printable HTML report (see the module).

    ``templates``: the templates folder whose ``reports/cohort.html.j2`` to use (the one in
    use, else the shipped one); ``now``: the time shown as generated (default: now)."""
    from jinja2 import TemplateError
    from markupsafe import Markup

    from totkit import __version__
    from totkit.charts import obstacles_chart, reach_chart, readiness_boxplot

    report = progress or _no_progress
    report(0.0, t("dashboard.export.tables", lang))
    sheets = cohort_sheets(dashboard, lang)
    charts: dict[str, Markup] = {}
    drawers = (("readiness", readiness_boxplot), ("reach", reach_chart),
               ("obstacles", obstacles_chart))
    for number, (name, draw) in enumerate(drawers):
        report(0.2 + 0.6 * number / len(drawers), t("dashboard.export.chart", lang))
        charts[name] = Markup(_inline(draw(dashboard, lang)))
    report(0.8, t("dashboard.export.rendering", lang))
    now = now or datetime.now(timezone.utc)

    def shown(value: Any, kind: str = "text") -> str:
        """A table value as text in the report's language."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return t("dashboard.report.yes" if value else "dashboard.report.no", lang)
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return format_date(value, lang, "medium")
        if isinstance(value, (int, float)):
            if kind == "percent":
                return format_percent(round(value, 2), lang)
            return format_number(round(value, 2) if isinstance(value, float) else value, lang)
        return str(value)

    context = {
        "t": lambda key, **params: t(key, lang, **params),
        "lang": _lang(lang),
        "dashboard": dashboard,
        "workshop": dashboard.workshop,
        "sheets": {sheet.name: sheet for sheet in sheets},
        "order": [sheet.name for sheet in sheets],
        "charts": charts,
        "counts": dashboard.counts(),
        "as_of": format_date(dashboard.as_of, lang),
        "generated": format_date(now.date(), lang),
        "shown": shown,
        "version": __version__,
    }
    from totkit.exports.html import environment, report_folders

    folders = tuple(str(folder) for folder in report_folders(templates))
    try:
        text = environment(folders).get_template(TEMPLATE).render(context)
    except TemplateError as exc:
        from totkit.errors import InputError

        raise InputError("error.export_template", field="templates",
                         file=str(getattr(exc, "filename", None) or TEMPLATE),
                         line=getattr(exc, "lineno", None) or "?",
                         problem=str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                         ) from None
    report(1.0, t("dashboard.export.done", lang))
    return text





def _inline(svg: str) -> str:
    """matplotlib's SVG without its prologue, comments and metadata (which name web
    addresses and the time it was drawn): only the drawing."""
    start = svg.find("<svg")
    svg = svg[start:] if start >= 0 else svg
    svg = _METADATA.sub("", svg)
    return _COMMENT.sub("", svg).strip()


# -- files -----------------------------------------------------------------------------------------


def render_cohort(dashboard: Dashboard, fmt: str, lang: str = "id", *,
                  progress: Progress | None = None) -> bytes:
    """The cohort export ``fmt`` (``xlsx`` or ``html``) as bytes."""
    from totkit.errors import InputError

    name = str(fmt).strip().lower().lstrip(".")
    if name == "xlsx":
        return cohort_xlsx(dashboard, lang, progress=progress)
    if name == "html":
        return cohort_html(dashboard, lang, progress=progress).encode("utf-8")
    raise InputError("error.export_format", field="export_format", format=str(fmt),
                     formats=", ".join(FORMATS))


def write_cohort(dashboard: Dashboard, fmt: str, path: Path | str, lang: str = "id", *,
                 progress: Progress | None = None) -> Path:
    """Write the cohort export ``fmt`` to ``path`` (its folder must exist); the file appears
    whole or not at all (written to a temporary name beside it, then renamed)."""
    from totkit.exports import safe_target

    target = Path(path).expanduser()
    # The folder must exist; the name is a plain file name (no NUL, control character, device
    # name or 200+ characters), not a folder, not a link out of the folder.
    target = safe_target(target.parent, target.name)
    content = render_cohort(dashboard, fmt, lang, progress=progress)
    handle, temporary = tempfile.mkstemp(prefix=".totkit-", suffix=target.suffix,
                                         dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        current = os.umask(0)
        os.umask(current)
        os.chmod(temporary, 0o644 & ~current)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def default_cohort_filename(dashboard: Dashboard, fmt: str) -> str:
    """``kohort-<workshop title as ASCII>-<as_of>.<fmt>``."""
    from totkit.exports import slug

    return f"kohort-{slug(dashboard.workshop.title, 'workshop', 40)}-{dashboard.as_of}.{fmt}"
