"""Free text made safe for each kind of file.

A planner's text is stored verbatim (``totkit.plan``): HTML, or text that looks like a
spreadsheet formula, is data. Each export makes it inert for its reader.

Spreadsheets (xlsx)
    openpyxl turns any string that begins with ``=`` into a formula, and Excel or
    LibreOffice evaluate a cell typed or pasted back (or re-imported from a CSV saved from
    the workbook) that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return.
    The mitigation chosen is OWASP's for CSV injection: **prefix such a text with a single
    quote** (``'=HYPERLINK(...)``), and write every text cell with the explicit string type
    (``data_type = "s"``). The quote is visible in the cell: it survives a copy, a paste and
    a save as CSV, which Excel's hidden "quote prefix" style would not. A text is prefixed
    when its first character, or its first character after leading spaces and line breaks,
    is one of those (or their full-width forms ``＝ ＋ － ＠``), so ``-2`` and ``" =1"`` are
    prefixed too; numbers stay numbers, since only text passes through here.

XML (xlsx, docx, html, ics)
    Control characters other than tab and line breaks cannot be written in XML at all;
    ``xml_text`` replaces them (and the non-characters U+FFFE, U+FFFF, lone surrogates)
    with U+FFFD so that no export fails on a pasted text.

HTML is escaped by Jinja2's autoescape (``totkit.exports.html``); docx text goes into plain
runs (no fields, so nothing is evaluated); icalendar escapes calendar text, and
``calendar_text`` turns a lone carriage return into a line break first.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_TRIGGERS = frozenset("=+-@\t\r＝＋－＠")
QUOTE = "'"
_LEADING_SPACE = " \t\r\n\u00a0\u3000"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(value: Any) -> str:
    """``value`` as text that XML can carry: forbidden characters become U+FFFD."""
    text = "" if value is None else str(value)
    return _NOT_XML.sub("\ufffd", text)


def needs_quote(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as the start of a formula."""
    if not text:
        return False
    if text[0] in FORMULA_TRIGGERS:
        return True
    rest = text.lstrip(_LEADING_SPACE)
    return bool(rest) and rest[0] in FORMULA_TRIGGERS


def spreadsheet_text(value: Any) -> str:
    """``value`` as a spreadsheet text that never runs as a formula (see the module)."""
    text = xml_text(value)
    return QUOTE + text if needs_quote(text) else text


def calendar_text(value: Any) -> str:
    """``value`` for a calendar property: XML-safe, line breaks as ``\\n`` only."""
    return xml_text(value).replace("\r\n", "\n").replace("\r", "\n")
