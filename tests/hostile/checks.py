"""What every hostile input must come to: a clear refusal, or a value stored exactly and
exported safely. Each export is read back with an independent reader: openpyxl (and the
sheets' raw XML), python-docx, html.parser and icalendar."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections import Counter
from html.parser import HTMLParser
from typing import Any

from totkit.errors import AccessDenied, InputError, TotkitError
from totkit.i18n import t
from totkit.model import SECTIONS

from .corpus import FORMULA_TRIGGERS, SPREADSHEET_LEADING_SPACE

MAX_MESSAGE = 4_000  # a message that quotes a whole 100k text back is not "clear"


def assert_clear(error: BaseException, *, field: bool = True, short: bool = True) -> None:
    """A refusal the user can act on: ``InputError`` or ``AccessDenied``, a message in both
    languages (not the generic "something went wrong"), that names a field or a file."""
    assert isinstance(error, (InputError, AccessDenied)), f"{type(error).__name__}: {error!r}"
    for lang in ("id", "en"):
        text = error.message(lang)  # a missing placeholder would raise KeyError here
        assert text.strip(), (error.key, lang)
        assert text != t("error.unexpected", lang), error.key
        assert not short or len(text) <= MAX_MESSAGE, (error.key, len(text))
    if field:
        assert error.field is not None or "file" in error.params, (error.key, error.params)


def refusal(action: Any) -> TotkitError | None:
    """Run ``action``; the totkit error it raised, else None. Any other exception escapes
    (and fails the test): that is a crash."""
    try:
        action()
    except TotkitError as error:
        return error
    return None


def snapshot(store: Any, workbook_id: str) -> dict[str, list[tuple[int, Any]]]:
    """Every revision of every section of a workbook: what must not change."""
    return {section: [(revision.version, revision.data)
                      for revision in store.history(workbook_id, section)]
            for section in SECTIONS}


def stored_text(value: str, stripped: bool) -> str:
    return value.strip() if stripped else value


# -- xlsx ---------------------------------------------------------------------------------------

_FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[ >/]")


def could_run_as_formula(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as the start of a formula (an independent
    statement of the rule: a trigger first, or first after leading spaces and breaks)."""
    if not text:
        return False
    rest = text.lstrip(SPREADSHEET_LEADING_SPACE)
    return text[0] in FORMULA_TRIGGERS or (bool(rest) and rest[0] in FORMULA_TRIGGERS)


def check_xlsx(content: bytes) -> list[str]:
    """No formula anywhere (cell types and raw XML); every text that could start a formula
    is quoted. Returns every text cell."""
    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert not _FORMULA_ELEMENT.search(archive.read(name)), name
    texts: list[str] = []
    book = load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    if could_run_as_formula(cell.value):
                        assert cell.value.startswith("'"), (sheet.title, cell.coordinate)
    return texts


# -- html ---------------------------------------------------------------------------------------


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.shapes: set[tuple[str, tuple[str, ...]]] = set()
        self.text: list[str] = []
        self.problems: list[str] = []
        self._in_style = False
        self._svg = 0  # charts are SVG that totkit draws: their shapes vary with the data

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        if tag == "svg":
            self._svg += 1
        if not self._svg:
            self.shapes.add((tag, tuple(sorted(name for name, _ in attrs))))
        if tag in ("script", "object", "embed", "base", "form"):
            self.problems.append(f"<{tag}>")
        if tag == "iframe":  # the dashboard's own views: sandboxed, and checked inside too
            values = dict(attrs)
            if values.get("sandbox") is None or "allow-scripts" in (values["sandbox"] or ""):
                self.problems.append("<iframe> without sandbox")
            if values.get("srcdoc"):
                inner = _Collector()
                inner.feed(values["srcdoc"])
                inner.close()
                self.problems += [f"srcdoc: {problem}" for problem in inner.problems]
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            download = tag == "a" and "download" in dict(attrs)  # a file to save, not a page
            if name in ("href", "src", "xlink:href", "action") and value and not download and \
                    value.strip().lower().startswith(("javascript:", "data:text/html")):
                self.problems.append(f"<{tag} {name}={value[:30]}>")
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False
        if tag == "svg" and self._svg:
            self._svg -= 1

    def handle_data(self, data: str) -> None:
        if not self._in_style:
            self.text.append(data)


def parse_html(content: bytes) -> _Collector:
    collector = _Collector()
    collector.feed(content.decode("utf-8"))
    collector.close()
    return collector


def check_html(content: bytes, baseline: _Collector | None = None) -> _Collector:
    """No script, event handler or javascript: URL; every tag shape (a tag and its
    attribute names) is one the same report of plain text has too."""
    page = parse_html(content)
    assert not page.problems, page.problems
    if baseline is not None:
        extra = page.shapes - baseline.shapes
        assert not extra, sorted(extra)[:10]
    return page


# -- ics, docx, json ----------------------------------------------------------------------------


def check_ics(content: bytes) -> list[Any]:
    """The calendar parses; returns its events."""
    from icalendar import Calendar

    calendar = Calendar.from_ical(content)
    assert calendar.name == "VCALENDAR"
    lines = content.decode("utf-8").split("\r\n")
    for line in lines:  # every line break is a content line's end, CRLF
        assert "\n" not in line and "\r" not in line
    events = [component for component in calendar.walk("VEVENT")]
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == len(events)
    return events


_FIELD_CODES = re.compile(rb"<w:(?:fldSimple|instrText|fldChar)\b")


def check_docx(content: bytes) -> str:
    """python-docx opens it and the document carries no field codes; returns its text."""
    from docx import Document

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        assert not _FIELD_CODES.search(archive.read("word/document.xml"))
    document = Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def check_json(content: bytes, workbook: Any) -> None:
    """It reads back (the import's reader) to the same workbook."""
    from totkit.exports.json import loads

    json.loads(content)
    assert loads(content).model_dump(mode="json") == workbook.model_dump(mode="json")
