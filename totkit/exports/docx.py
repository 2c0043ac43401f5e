"""The RTL document a planner submits to their office (python-docx), editable in Word and
LibreOffice.

A4 landscape, in the report's language (Indonesian labels from the catalogue when
``lang="id"``): the title and the TOT, the planner's header (name, NIP, position, work unit),
the usual RTL table (no, kegiatan, tujuan, sasaran, waktu, tempat, penanggung jawab, sumber
daya, indikator keberhasilan, keterangan), then commitments, mentoring, indicators and
actions, and the signature block: "Mengetahui," with the superior's position, name and NIP
on the left, the place (dots to fill in) and date, the planner's name and NIP on the right.
Dates are written out with Babel (``17 Agustus 2026``). Tables use Word's built-in
"Table Grid" style, repeat their header row on each page, and every text is a plain run: no
field, so nothing a planner typed is ever evaluated.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from totkit.exports._zip import stamped
from totkit.exports.safe import xml_text

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table

    from totkit.exports.report import Report

MARGIN_CM = 1.5
# Relative widths of the RTL table's columns (they share the page's width).
RTL_WIDTHS = (1.1, 3.2, 3.5, 2.6, 2.6, 2.3, 2.3, 2.8, 3.8, 2.8)
EMPTY = "–"


def write(report: Report) -> bytes:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(2)

    _title(document, report)
    _identity(document, report)
    _rtl_table(document, report)
    _commitments(document, report)
    _mentoring(document, report)
    _indicators(document, report)
    _actions(document, report)
    _signatures(document, report)

    properties = document.core_properties
    properties.title = xml_text(report.t("export.docx.title"))
    properties.subject = xml_text(report.workshop_title)
    properties.author = xml_text(report.planner)
    properties.last_modified_by = "totkit"
    properties.language = report.lang
    stamp = report.now.replace(tzinfo=None)
    properties.created = properties.modified = stamp
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return stamped(buffer.getvalue(), report.now)


# -- parts -----------------------------------------------------------------------------------------


def _title(document: Document, report: Report) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(report.t("export.docx.title"))
    run.bold, run.font.size = True, Pt(14)
    lines = [report.workshop_title]
    if report.tot_start and report.tot_end:
        lines.append(report.t("export.docx.tot_dates", start=report.date(report.tot_start),
                              end=report.date(report.tot_end)))
    elif report.tot_end:
        lines.append(report.t("export.docx.tot_end", end=report.date(report.tot_end)))
    for line in filter(None, lines):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(xml_text(line)).bold = True


def _identity(document: Document, report: Report) -> None:
    from docx.shared import Cm

    header = report.workbook.plan.header
    rows = [
        ("field.plan_name", report.planner),
        ("field.plan_nip", header.nip),
        ("field.plan_position", header.position or report.workbook.profile.role),
        ("field.plan_work_unit", header.work_unit or report.workbook.profile.institution),
    ]
    document.add_paragraph()
    table = document.add_table(rows=len(rows), cols=3)
    for row, (key, value) in zip(table.rows, rows, strict=True):
        _cell(row.cells[0], report.t(key))
        _cell(row.cells[1], ":")
        _cell(row.cells[2], value)
    _widths(table, (Cm(4.5), Cm(0.6), Cm(21.6)))


def _heading(document: Document, text: str) -> None:
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(10)
    paragraph.paragraph_format.keep_with_next = True
    paragraph.add_run(xml_text(text)).bold = True


def _rtl_table(document: Document, report: Report) -> None:
    _heading(document, f"A. {report.t('field.plan_sessions')}")
    headers = [report.t(key) for key in (
        "export.col.number", "field.plan_title", "field.plan_objective", "field.plan_audience",
        "export.docx.time", "field.plan_venue", "field.plan_owner", "field.plan_resources",
        "export.docx.success_indicators", "field.plan_notes",
    )]
    rows = []
    for number, session in enumerate(report.workbook.plan.sessions, start=1):
        audience = [session.audience]
        if session.participants:
            audience.append(report.t("plan.participants", n=session.participants))
        when = [report.date(session.date)]
        if session.hours:
            when.append(report.t("export.hours", hours=report.number(session.hours)))
        indicators = []
        for ref in session.indicators:
            indicator = report.indicators.get(ref)
            if indicator is not None:
                text = indicator.statement
                if indicator.target:
                    text += f" ({report.t('field.plan_target')}: {indicator.target})"
                indicators.append(f"• {text}" if len(session.indicators) > 1 else text)
        rows.append([str(number), session.title, session.objective, _lines(audience),
                     _lines(when), session.venue, session.owner, session.resources,
                     _lines(indicators), session.notes])
    _grid(document, headers, rows, RTL_WIDTHS)


def _commitments(document: Document, report: Report) -> None:
    _heading(document, f"B. {report.t('field.plan_commitments')}")
    headers = [report.t(key) for key in (
        "export.col.number", "field.plan_kind", "field.plan_from_whom", "field.plan_status",
        "field.plan_hours_per_month", "field.plan_months", "field.plan_notes",
    )]
    rows = [
        [str(number), report.choice("kind", c.kind), c.from_whom,
         report.choice("commitment_status", c.status), report.number(c.hours_per_month),
         ", ".join(_month(report, month) for month in c.months), c.notes]
        for number, c in enumerate(report.workbook.plan.commitments, start=1)
    ]
    _grid(document, headers, rows, (1.1, 3.5, 4.0, 3.0, 2.6, 5.0, 7.5))


def _mentoring(document: Document, report: Report) -> None:
    _heading(document, f"C. {report.t('field.plan_mentoring')}")
    headers = [report.t(key) for key in (
        "export.col.number", "field.plan_date", "field.plan_mentor", "field.plan_mode",
        "field.plan_focus",
    )]
    rows = [
        [str(number), report.date(m.date), m.mentor, report.choice("mode", m.mode), m.focus]
        for number, m in enumerate(report.workbook.plan.mentoring, start=1)
    ]
    _grid(document, headers, rows, (1.1, 4.0, 5.0, 4.5, 12.1))


def _indicators(document: Document, report: Report) -> None:
    _heading(document, f"D. {report.t('field.plan_indicators')}")
    headers = [report.t(key) for key in (
        "export.col.number", "field.plan_statement", "field.plan_level", "field.plan_baseline",
        "field.plan_target", "field.plan_source", "field.plan_measurement_dates",
        "field.plan_owner",
    )]
    rows = [
        [str(number), i.statement, report.choice("level", i.level), i.baseline, i.target,
         i.source, _lines(report.date(day) for day in i.measurement_dates), i.owner]
        for number, i in enumerate(report.workbook.plan.indicators, start=1)
    ]
    _grid(document, headers, rows, (1.1, 6.2, 2.6, 3.0, 3.0, 3.4, 4.0, 3.4))


def _actions(document: Document, report: Report) -> None:
    _heading(document, f"E. {report.t('field.plan_actions')}")
    headers = [report.t(key) for key in (
        "export.col.number", "field.plan_what", "field.plan_owner", "field.plan_due",
        "field.plan_gaps", "field.plan_dimensions",
    )]
    gap_names = {gap.factor: gap.name(report.lang) for gap in report.gaps}
    rows = [
        [str(number), a.what, a.owner, report.date(a.due),
         _lines(gap_names.get(ref, ref) for ref in a.gaps),
         _lines(report.dimension_names.get(ref, ref) for ref in a.dimensions)]
        for number, a in enumerate(report.workbook.plan.actions, start=1)
    ]
    _grid(document, headers, rows, (1.1, 8.6, 3.6, 3.4, 5.0, 5.0))


def _signatures(document: Document, report: Report) -> None:
    from docx.shared import Cm

    header = report.workbook.plan.header
    document.add_paragraph().paragraph_format.keep_with_next = True
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    place_and_date = report.t("export.docx.place_date", date=report.date(report.today))
    _signature(left, [report.t("export.docx.acknowledged"), header.superior_position],
               header.superior_name, header.superior_nip, report)
    _signature(right, [place_and_date, report.t("export.docx.planner")], report.planner,
               header.nip, report)
    _cant_split(table.rows[0])
    _widths(table, (Cm(13.35), Cm(13.35)))


def _signature(cell: Any, above: Sequence[str], name: str, nip: str, report: Report) -> None:
    cell.paragraphs[0].text = ""
    lines = [*[line for line in above if line], "", "", ""]
    first = True
    for line in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        paragraph.paragraph_format.keep_with_next = True
        paragraph.add_run(xml_text(line))
        first = False
    signed = cell.add_paragraph()
    signed.paragraph_format.keep_with_next = True
    run = signed.add_run(xml_text(name) or "(" + "." * 40 + ")")
    run.bold, run.underline = True, bool(name)
    cell.add_paragraph().add_run(xml_text(report.t("export.docx.nip", nip=nip or "")))


# -- helpers ---------------------------------------------------------------------------------------


def _lines(parts: Any) -> str:
    return "\n".join(part for part in parts if part)


def _month(report: Report, month: str) -> str:
    from datetime import date

    from babel.dates import format_date

    year, number = (int(part) for part in month.split("-"))
    return format_date(date(year, number, 1), "MMMM y", locale=report.lang)


def _cell(cell: Any, text: Any, *, bold: bool = False, size: float | None = None) -> None:
    from docx.shared import Pt

    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(xml_text(text))
    run.bold = bold or None
    if size:
        run.font.size = Pt(size)


def _grid(document: Document, headers: list[str], rows: list[list[Any]],
          weights: Sequence[float]) -> None:
    """A bordered table, its header row repeated on every page; a row with dashes when the
    list is empty. Rows may break across pages (a long text may be taller than a page)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    if not rows:
        rows = [[EMPTY] * len(headers)]
    table = document.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = document.styles["Table Grid"]
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        _cell(cell, header, bold=True, size=9)
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:fill"), "DCE6F1")
        cell._tc.get_or_add_tcPr().append(shading)
    header_properties = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_properties.append(repeat)
    for row, values in zip(table.rows[1:], rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            _cell(cell, value if value not in (None, "") else "", size=9)
    usable = 29.7 - 2 * MARGIN_CM
    total = sum(weights)
    _widths(table, [Cm(usable * weight / total) for weight in weights])


def _cant_split(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _widths(table: Table, widths: Sequence[Any]) -> None:
    """Column widths for LibreOffice (on the grid) and Word (on each cell)."""
    table.autofit = False
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        column.w = width
    for row in table._tbl.tr_lst:
        for cell, width in zip(row.tc_lst, widths, strict=True):
            cell.width = width
