"""The workbook as an Excel file (openpyxl): one sheet per part.

Each sheet has one header row in the report's language (bold, frozen: ``freeze_panes =
"A2"``, with an autofilter), then one row per entry. Dates are real dates (``yyyy-mm-dd``),
numbers are numbers, and every text cell is written with the string type after
``safe.spreadsheet_text`` (a text that could start a formula gets a leading ``'``), so no
cell is ever a formula.
"""

from __future__ import annotations

import io
import math
import zipfile
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

from totkit.exports._zip import stamped
from totkit.exports.safe import spreadsheet_text, xml_text

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from totkit.exports.report import Report, Table

DATE_FORMAT = "yyyy-mm-dd"
WIDTHS = {"code": 12, "number": 11, "date": 12, "text": 24, "long": 48}
MAX_SHEET_TITLE = 31


def write(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook()
    book.remove(book.active)
    titles: set[str] = set()
    for table in report.tables:
        sheet = book.create_sheet(sheet_title(table.title, titles))
        _fill(sheet, table)
    properties = book.properties
    properties.creator = "totkit"
    properties.title = xml_text(f"{report.t('plan.title')}: {report.planner}")
    properties.language = report.lang
    stamp = report.now.astimezone(timezone.utc).replace(tzinfo=None)  # openpyxl: UTC
    properties.created = properties.modified = stamp
    buffer = io.BytesIO()
    # ExcelWriter rather than Workbook.save, which would date the file "now"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(book, archive).save()
    return stamped(buffer.getvalue(), report.now)


def sheet_title(title: str, taken: set[str]) -> str:
    """A valid, unique sheet title: no ``[]:*?/\\``, at most 31 characters."""
    cleaned = "".join(" " if char in '[]:*?/\\' else char for char in xml_text(title)).strip("' ")
    cleaned = cleaned[:MAX_SHEET_TITLE] or "Sheet"
    candidate, number = cleaned, 1
    while candidate.lower() in taken:
        number += 1
        suffix = f" ({number})"
        candidate = cleaned[: MAX_SHEET_TITLE - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def _fill(sheet: Worksheet, table: Table) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    shade = PatternFill("solid", fgColor="DCE6F1")
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for column, spec in enumerate(table.columns, start=1):
        cell = sheet.cell(row=1, column=column)
        _set(cell, spec.header)
        cell.font, cell.fill, cell.alignment = bold, shade, wrap
        sheet.column_dimensions[get_column_letter(column)].width = WIDTHS.get(spec.kind, 20)
    for row, values in enumerate(table.rows, start=2):
        for column, (spec, value) in enumerate(zip(table.columns, values, strict=True), start=1):
            cell = sheet.cell(row=row, column=column)
            _set(cell, value)
            cell.alignment = wrap if spec.kind in ("long", "text") else top
    sheet.freeze_panes = "A2"
    last = get_column_letter(max(len(table.columns), 1))
    sheet.auto_filter.ref = f"A1:{last}{max(len(table.rows) + 1, 1)}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _set(cell: Any, value: Any) -> None:
    """Write ``value`` with its real type: a date, a number, or a text that is never a
    formula (string type set explicitly)."""
    if value is None:
        return
    if isinstance(value, bool):
        cell.value = value
    elif isinstance(value, datetime):
        cell.value = value.replace(tzinfo=None) if value.tzinfo else value
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, (int, float)):
        if math.isfinite(value):  # NaN and infinity have no cell value: left empty
            cell.value = value
    else:
        cell.value = spreadsheet_text(value)
        cell.data_type = "s"
