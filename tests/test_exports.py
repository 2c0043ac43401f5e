"""Exports (totkit.exports), each read back by an independent reader.

openpyxl reads the xlsx, python-docx the docx, html.parser the HTML, icalendar the calendar,
and LibreOffice converts the xlsx and docx to PDF (skipped where ``soffice`` is missing,
unless ``TOTKIT_REQUIRE_OFFICE=1``, as in CI). Free texts in every field carry formula,
markup and template injections.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest

from totkit.errors import InputError
from totkit.exports import FORMATS, default_filename, export, get_format, write_export
from totkit.exports.safe import FORMULA_TRIGGERS, needs_quote, spreadsheet_text
from totkit.i18n import catalogue, t
from totkit.model import Workbook
from totkit.store.store import WorkshopInfo

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 9, 1, 3, 0, tzinfo=timezone.utc)
TOT_START, TOT_END = date(2026, 8, 10), date(2026, 8, 14)
INJECTIONS = [
    '=HYPERLINK("http://evil","x")',
    "+1",
    "-2",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
]
WORKSHOP = WorkshopInfo(
    id=1, title="TOT Pembelajaran Aktif <b>2026</b>", start_date=TOT_START, end_date=TOT_END,
    timezone="WIB", created_at=datetime(2026, 7, 1), workbooks=1,
)


# -- a realistic workbook --------------------------------------------------------------------------


def day(n: int) -> str:
    return (TOT_END + timedelta(days=n)).isoformat()


def build_workbook(text: str | None = None, *, timezone_: str | None = "WITA") -> Workbook:
    """A full workbook: profile, answers to every item of the shipped instrument, rated
    context factors with an own one, and a plan with every list. ``text`` replaces every
    free text (an injection attempt); without it the texts are an ordinary planner's."""
    from totkit.gaps import load_context
    from totkit.instrument import instrument_path, load_instrument

    def free(value: str) -> str:
        return value if text is None else text

    def title(value: str) -> str:  # titles must not be blank once stripped
        return value if text is None else (text if text.strip() else "x")

    instrument = load_instrument(instrument_path("readiness"))
    answers = {item_id: 1 + (n * 3) % 5 for n, item_id in enumerate(instrument.items)}
    context = load_context()
    entries = [
        {"factor": factor.id, "assumed": 4, "reality": 1 + n % 4, "importance": 1 + n % 3,
         "adaptation": free(f"Penyesuaian untuk {factor.id}")}
        for n, factor in enumerate(context.factors)
    ]
    entries.append({"factor": "own_1", "label": title("Jadwal ujian sekolah"), "assumed": 5,
                    "reality": 1, "importance": 3, "adaptation": free("Geser sesi setelah ujian")})
    name = title("Sri Wahyuni")
    plan = {
        "header": {"name": name, "nip": "19800101 200501 2 001", "position": free("Guru kelas IV"),
                   "work_unit": free("SD Negeri 1 Sukamaju"),
                   "superior_name": free("Drs. Bambang Hidayat"),
                   "superior_position": free("Kepala Sekolah"),
                   "superior_nip": "19700202 199303 1 002",
                   "timezone": timezone_},
        "sessions": [
            {"id": "s1", "title": title("KKG: pembelajaran aktif di kelas kita"),
             "objective": free("Rekan guru mencoba diskusi kelompok.\nDan tanya jawab terbuka."),
             "audience": free("Guru kelas"), "participants": 12, "date": day(21), "hours": 2.5,
             "venue": free("SD Negeri 1 Sukamaju"), "resources": free("Kertas plano, spidol"),
             "indicators": ["i1"], "notes": free("Setelah rapat KKG"), "owner": name},
            {"id": "s2", "title": title("Sesi kedua"), "date": day(50), "owner": name},
            {"id": "s3", "title": title("Sesi tanpa tanggal")},
        ],
        "commitments": [
            {"kind": "assignment_letter", "from_whom": free("Kepala sekolah"),
             "status": "received"},
            {"kind": "protected_time", "from_whom": free("Kepala sekolah"), "status": "agreed",
             "hours_per_month": 4, "months": [day(21)[:7], day(51)[:7]], "notes": free("Jumat")},
        ],
        "mentoring": [
            {"id": "m1", "date": day(14), "mentor": free("Pengawas sekolah"),
             "mode": "school_visit", "focus": free("Persiapan sesi KKG pertama")},
            {"id": "m2", "mentor": free("Rekan"), "mode": "online"},
        ],
        "indicators": [
            {"id": "i1", "statement": title("Guru memakai satu strategi aktif per minggu"),
             "level": "application", "baseline": free("1 dari 12 guru"),
             "target": free("8 dari 12"),
             "source": free("Lembar observasi"), "measurement_dates": [day(100), day(170)],
             "owner": name},
            {"id": "i2", "statement": title("Rekan guru puas"), "level": "reaction",
             "measurement_dates": [day(22)], "owner": free("Sri")},
        ],
        "actions": [
            {"id": "a1", "what": title("Minta surat tugas"), "owner": name, "due": day(7),
             "gaps": ["mandate", "own_1"], "dimensions": ["mandate"]},
        ],
    }
    return Workbook.model_validate({
        "id": "0f3c9a2b7d4e4c1aa1b2c3d4e5f60718",
        "workshop": "K7QM2P",
        "created_at": "2026-08-10T02:00:00+00:00",
        "profile": {"name": name, "role": title("Guru kelas IV"),
                    "institution": title("SD Negeri 1 Sukamaju")},
        "diagnostic": {"instrument": instrument.ref().model_dump(), "answers": answers,
                       "reflection": free("Saya perlu dukungan kepala sekolah.")},
        "gaps": {"instrument": context.ref().model_dump(), "entries": entries},
        "plan": plan,
        "versions": {"profile": 1, "diagnostic": 2, "gaps": 1, "plan": 4},
    })


@pytest.fixture(scope="module")
def workbook() -> Workbook:
    return build_workbook()


@pytest.fixture(scope="module")
def exported(workbook) -> dict[tuple[str, str], bytes]:
    """Every format in both languages, once for the module."""
    return {
        (fmt, lang): export(workbook, fmt, workshop=WORKSHOP, lang=lang, now=NOW)
        for fmt in FORMATS for lang in ("id", "en")
    }


# -- the registry ----------------------------------------------------------------------------------


def test_the_five_formats_with_suffix_and_media_type():
    assert list(FORMATS) == ["xlsx", "docx", "html", "ics", "json"]
    assert {name: spec.suffix for name, spec in FORMATS.items()} == {
        "xlsx": ".xlsx", "docx": ".docx", "html": ".html", "ics": ".ics", "json": ".json"}
    assert FORMATS["ics"].media_type.startswith("text/calendar")
    assert get_format(" .XLSX ").name == "xlsx"


def test_an_unknown_format_lists_the_formats(workbook):
    with pytest.raises(InputError) as caught:
        export(workbook, "pdf")
    assert caught.value.key == "error.export_format"
    assert caught.value.field == "export_format"
    for lang in ("id", "en"):
        message = caught.value.message(lang)
        assert "pdf" in message and "xlsx, docx, html, ics, json" in message


def test_writers_and_their_libraries_are_imported_only_when_used():
    code = (
        "import sys, totkit.exports\n"
        "heavy = {'openpyxl', 'docx', 'icalendar', 'jinja2', 'matplotlib'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    assert result.stdout.strip() == "[]"


# -- xlsx ------------------------------------------------------------------------------------------

SHEETS = ("profile", "diagnostic", "answers", "gaps", "sessions", "commitments", "mentoring",
          "indicators", "measurements", "actions", "findings")


def _book(content: bytes):
    import openpyxl

    return openpyxl.load_workbook(BytesIO(content))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_xlsx_has_a_sheet_per_part_with_headers_in_the_language(exported, lang):
    book = _book(exported[("xlsx", lang)])
    assert book.sheetnames == [t(f"export.sheet.{name}", lang) for name in SHEETS]
    sessions = book[t("export.sheet.sessions", lang)]
    headers = [cell.value for cell in sessions[1]]
    assert headers[:3] == [t("export.col.id", lang), t("field.plan_title", lang),
                           t("field.plan_objective", lang)]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(cell.value for cell in sheet[1]), f"an empty header in {sheet.title}"
        assert all(cell.font.b for cell in sheet[1])
    if lang == "id":
        assert "Kegiatan" in headers and "Tujuan" in headers and "Sasaran" in headers


def test_xlsx_dates_are_dates_and_numbers_are_numbers(exported, workbook):
    book = _book(exported[("xlsx", "en")])
    sessions = book[t("export.sheet.sessions", "en")]
    header = [cell.value for cell in sessions[1]]
    first = {name: cell for name, cell in zip(header, sessions[2], strict=True)}
    assert first[t("field.plan_date", "en")].is_date
    assert first[t("field.plan_date", "en")].value.date() == workbook.plan.sessions[0].date
    assert first[t("field.plan_date", "en")].number_format == "yyyy-mm-dd"
    assert first[t("field.plan_participants", "en")].value == 12
    assert first[t("field.plan_participants", "en")].data_type == "n"
    assert first[t("field.plan_hours", "en")].value == 2.5
    assert first[t("field.plan_objective", "en")].value == workbook.plan.sessions[0].objective
    measurements = book[t("export.sheet.measurements", "en")]
    assert [row[2].value.date() for row in measurements.iter_rows(min_row=2)] == [
        date.fromisoformat(day(100)), date.fromisoformat(day(170)), date.fromisoformat(day(22))]
    diagnostic = book[t("export.sheet.diagnostic", "en")]
    scores = [row[3].value for row in diagnostic.iter_rows(min_row=2)]
    assert all(isinstance(value, (int, float)) for value in scores)
    assert diagnostic.cell(diagnostic.max_row, 3).value == t("export.index", "en")
    answers = book[t("export.sheet.answers", "en")]
    assert answers.max_row - 1 == len(workbook.diagnostic.answers)
    profile = book[t("export.sheet.profile", "en")]
    values = {row[0].value: row[1] for row in profile.iter_rows(min_row=2)}
    assert values[t("field.plan_tot_end", "en")].is_date
    assert values[t("field.plan_nip", "en")].value == "19800101 200501 2 001"  # text, not a number
    assert values[t("field.plan_timezone", "en")].value == "WITA (Asia/Makassar)"


def test_xlsx_gaps_are_ranked_and_findings_are_listed(exported):
    book = _book(exported[("xlsx", "id")])
    gaps = book[t("export.sheet.gaps", "id")]
    scores = [row[7].value for row in gaps.iter_rows(min_row=2)]
    assert scores == sorted(scores, reverse=True) and scores[0] == 12
    findings = book[t("export.sheet.findings", "id")]
    rules = [row[1].value for row in findings.iter_rows(min_row=2)]
    assert "missing-date" in rules  # session s3 and touchpoint m2 have no date


# -- docx ------------------------------------------------------------------------------------------


def _document(content: bytes):
    import docx

    return docx.Document(BytesIO(content))


def _all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def test_docx_is_the_rtl_document_with_indonesian_labels(exported, workbook):
    from docx.enum.section import WD_ORIENT

    document = _document(exported[("docx", "id")])
    assert document.sections[0].orientation == WD_ORIENT.LANDSCAPE
    rtl = next(table for table in document.tables if table.rows[0].cells[1].text == "Kegiatan")
    assert [cell.text for cell in rtl.rows[0].cells] == [
        "No.", "Kegiatan", "Tujuan", "Sasaran", "Waktu", "Tempat", "Penanggung jawab",
        "Sumber daya", "Indikator keberhasilan", "Keterangan"]
    first = [cell.text for cell in rtl.rows[1].cells]
    session = workbook.plan.sessions[0]
    assert first[1] == session.title and first[2] == session.objective
    assert "12 peserta" in first[3]
    assert "4 September 2026" in first[4] and "2,5 jam" in first[4]
    assert workbook.plan.indicators[0].statement in first[8]
    assert len(rtl.rows) == 1 + len(workbook.plan.sessions)
    text = _all_text(document)
    header = workbook.plan.header
    for value in (header.name, header.nip, header.position, header.work_unit):
        assert value in text
    for heading in ("Komitmen pimpinan", "Pendampingan", "Indikator", "Langkah tindak lanjut"):
        assert heading in text
    assert "Surat tugas" in text and "Kunjungan ke sekolah" in text and "Penerapan" in text


def test_docx_signature_block(exported, workbook):
    document = _document(exported[("docx", "id")])
    left, right = document.tables[-1].rows[0].cells
    header = workbook.plan.header
    assert left.paragraphs[0].text == "Mengetahui,"
    assert header.superior_position in left.text and header.superior_name in left.text
    assert f"NIP. {header.superior_nip}" in left.text
    assert "1 September 2026" in right.text  # the date of the export, written out
    assert header.name in right.text and f"NIP. {header.nip}" in right.text
    signed = next(p for p in left.paragraphs if p.text == header.superior_name)
    assert signed.runs[0].bold


def test_docx_in_english(exported):
    document = _document(exported[("docx", "en")])
    text = _all_text(document)
    assert "Objective" in text and "Success indicators" in text
    assert "Acknowledged (Mengetahui)," in text
    assert "September 4, 2026" in text


def test_docx_has_no_fields(exported):
    with zipfile.ZipFile(BytesIO(exported[("docx", "id")])) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert "fldSimple" not in body and "fldChar" not in body and "instrText" not in body


# -- html ------------------------------------------------------------------------------------------


class Page(HTMLParser):
    """Every tag with its attributes, and the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        (self.styles if self._in_style else self.text).append(data)


def _page(content: bytes) -> Page:
    page = Page()
    page.feed(content.decode("utf-8"))
    page.close()
    return page


def _assert_offline(page: Page) -> None:
    """No element loads or links anything outside the file."""
    names = {tag for tag, _ in page.tags}
    assert not names & {"script", "link", "iframe", "img", "object", "embed", "base", "image"}
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            if name.startswith("xmlns"):
                continue  # a namespace name, never fetched
            assert name not in {"src", "srcset", "action", "formaction", "background"}, tag
            assert not name.startswith("on"), (tag, name)
            if name in {"href", "xlink:href"}:
                assert value and value.startswith("#"), (tag, name, value)
    style = "\n".join(page.styles)
    assert "url(" not in style and "@import" not in style


def test_html_is_self_contained_printable_with_its_charts(exported, workbook):
    content = exported[("html", "id")]
    page = _page(content)
    _assert_offline(page)
    svgs = [tag for tag, _ in page.tags if tag == "svg"]
    assert len(svgs) == 2  # readiness and gaps
    assert "@media print" in "\n".join(page.styles)
    csp = [a for tag, a in page.tags if tag == "meta" and a.get("http-equiv")]
    assert csp and "default-src 'none'" in csp[0]["content"]
    text = "\n".join(page.text)
    assert workbook.plan.sessions[0].title in text
    assert WORKSHOP.title in text  # the workshop's markup is text too
    assert b'<html lang="id">' in content
    assert b"<html lang=\"en\">" in exported[("html", "en")]
    assert t("export.sheet.findings", "en") in exported[("html", "en")].decode()


def test_html_ids_are_unique_and_every_reference_resolves(exported):
    content = exported[("html", "en")].decode()
    ids = re.findall(r'\sid="([^"]+)"', content)
    assert len(ids) == len(set(ids))
    references = set(re.findall(r'(?:url\(|href=")#([^)"]+)', content))
    assert references and references <= set(ids)


def test_the_same_workbook_and_time_give_the_same_bytes(workbook, exported):
    for fmt in FORMATS:
        assert export(workbook, fmt, workshop=WORKSHOP, lang="id", now=NOW) == \
            exported[(fmt, "id")], fmt


def test_html_uses_a_facilitators_template_and_names_a_broken_one(tmp_path, workbook):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "workbook.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block content %}<p id="own">{{ r.planner }}</p>'
        "{% endblock %}", encoding="utf-8")
    content = export(workbook, "html", lang="en", templates=tmp_path).decode()
    assert '<p id="own">Sri Wahyuni</p>' in content  # base.html.j2 comes from the shipped ones
    assert "Content-Security-Policy" in content
    (reports / "workbook.html.j2").write_text("line one\n{{ r.no_such_thing }}\n",
                                              encoding="utf-8")
    with pytest.raises(InputError) as caught:
        export(workbook, "html", templates=tmp_path)
    assert caught.value.key == "error.export_template"
    assert caught.value.params["line"] == 2
    assert "workbook.html.j2" in caught.value.message("en")


def test_report_templates_use_only_keys_of_the_catalogue():
    used = set()
    for path in (ROOT / "templates" / "reports").glob("*.j2"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_.]+)["']\s*[,)]""", path.read_text("utf-8")))
    assert used and sorted(used - set(catalogue())) == []


# -- ics -------------------------------------------------------------------------------------------


def _calendar(content: bytes):
    import icalendar

    return icalendar.Calendar.from_ical(content)


def test_ics_events_in_the_plans_time_zone_with_reminders(exported, workbook):
    calendar = _calendar(exported[("ics", "id")])
    events = calendar.walk("VEVENT")
    # dated sessions (2), dated touchpoints (1), measurement dates (3)
    assert len(events) == 2 + 1 + 3
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Makassar"]
    assert calendar["X-WR-TIMEZONE"] == "Asia/Makassar"
    session = next(e for e in events if e["UID"].endswith("-session-s1@totkit"))
    start, end = session.decoded("DTSTART"), session.decoded("DTEND")
    assert str(start.tzinfo) == "Asia/Makassar" and session["DTSTART"].params["TZID"] == \
        "Asia/Makassar"
    assert (start.date(), start.hour, end - start) == (
        workbook.plan.sessions[0].date, 8, timedelta(hours=2.5))
    assert str(session["LOCATION"]) == workbook.plan.sessions[0].venue
    untimed = next(e for e in events if e["UID"].endswith("-session-s2@totkit"))
    assert type(untimed.decoded("DTSTART")) is date  # no hours: all day
    for event in events:
        alarms = event.walk("VALARM")
        assert len(alarms) == 1 and alarms[0]["ACTION"] == "DISPLAY"
        assert alarms[0].decoded("TRIGGER") < timedelta(0)
        assert event["SEQUENCE"] == workbook.versions["plan"]
        assert event.decoded("DTSTAMP") == NOW


def test_ics_time_zone_comes_from_the_workshop_when_the_plan_has_none():
    workbook = build_workbook(timezone_=None)
    workshop = replace(WORKSHOP, timezone="WIT")
    calendar = _calendar(export(workbook, "ics", workshop=workshop))
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Jayapura"]
    calendar = _calendar(export(workbook, "ics"))  # no workshop, no zone: WIB
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Jakarta"]


def test_ics_uids_are_unique_and_stable_so_a_second_export_updates(workbook):
    first = _calendar(export(workbook, "ics", now=NOW))
    later = workbook.model_copy(update={"versions": {**workbook.versions, "plan": 5}})
    second = _calendar(export(later, "ics", lang="en", now=NOW + timedelta(days=3)))
    uids = [str(event["UID"]) for event in first.walk("VEVENT")]
    assert len(set(uids)) == len(uids)
    assert uids == [str(event["UID"]) for event in second.walk("VEVENT")]
    assert all(uid.startswith(workbook.id) and uid.endswith("@totkit") for uid in uids)
    assert {event["SEQUENCE"] for event in second.walk("VEVENT")} == {5}


# -- json ------------------------------------------------------------------------------------------


def test_json_round_trip_gives_the_same_workbook(exported, workbook, tmp_path):
    from totkit.exports.json import loads, read_workbook

    content = exported[("json", "id")]
    assert json.loads(content)["schema_version"] == 1
    assert loads(content) == workbook
    path = write_export(workbook, "json", tmp_path)
    assert read_workbook(path) == workbook
    from totkit.transfer import read_workbook as read_for_import

    assert read_for_import(path) == workbook


def test_json_from_a_newer_totkit_is_refused(exported):
    from totkit.exports.json import loads

    data = json.loads(exported[("json", "id")])
    data["schema_version"] = 99
    with pytest.raises(InputError) as caught:
        loads(json.dumps(data))
    assert caught.value.key == "error.export_schema_newer"
    assert "99" in caught.value.message("en") and "Upgrade totkit" in caught.value.message("en")
    for bad in ("1", None, 0, -3):
        data["schema_version"] = bad
        with pytest.raises(InputError) as caught:
            loads(json.dumps(data))
        assert caught.value.key == "error.export_schema_unknown"
    for text in ("{not json", "[1, 2]", "null"):
        with pytest.raises(InputError) as caught:
            loads(text)
        assert caught.value.key in {"error.json_invalid", "error.export_not_workbook"}


def test_json_of_an_older_version_is_upgraded_step_by_step(exported, workbook, monkeypatch):
    from totkit.exports import json as json_export

    def step_0_to_1(data):  # a version 0 called the profile "person"
        data["profile"] = data.pop("person")
        return data

    monkeypatch.setitem(json_export.UPGRADES, 0, step_0_to_1)
    data = json.loads(exported[("json", "id")])
    data["schema_version"] = 0
    data["person"] = data.pop("profile")
    assert json_export.oldest_version() == 0
    assert json_export.loads(json.dumps(data)) == workbook


# -- files: names, folders, escapes ----------------------------------------------------------------


def test_write_export_writes_inside_the_folder_with_a_safe_default_name(workbook, tmp_path):
    path = write_export(workbook, "xlsx", tmp_path, workshop=WORKSHOP, now=NOW)
    assert path == tmp_path.resolve() / "rtl-sri-wahyuni.xlsx"
    assert path.read_bytes() == export(workbook, "xlsx", workshop=WORKSHOP, now=NOW)
    assert write_export(workbook, "docx", tmp_path, "rencana").name == "rencana.docx"
    assert write_export(workbook, "ics", tmp_path, "Kalender RTL.ICS").name == "Kalender RTL.ICS"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "Kalender RTL.ICS", "rencana.docx", "rtl-sri-wahyuni.xlsx"]  # no temporary file left


def test_default_filename_is_ascii():
    workbook = build_workbook().model_copy(deep=True)
    workbook.plan.header.name = "Ni Kadek Ayu Śrī Dewi / Guru"
    assert default_filename(workbook, "docx") == "rtl-ni-kadek-ayu-sri-dewi-guru.docx"
    workbook.plan.header.name = "森"
    assert default_filename(workbook, "html") == f"rtl-{workbook.id}.html"


@pytest.mark.parametrize("name", [
    "../x.xlsx", "/etc/x", "sub/../../x", "sub/x.xlsx", "..", ".", "a\\b.xlsx", "C:x.xlsx",
    "   ", "x\x00.xlsx", "con.xlsx",
])
def test_an_output_path_cannot_escape_the_folder(workbook, tmp_path, name):
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(InputError) as caught:
        write_export(workbook, "xlsx", folder, name)
    assert caught.value.key == "error.export_filename"
    assert caught.value.field == "export_file"
    message = caught.value.message("en")
    assert "Export file name" in message and "file name only" in message
    assert list(tmp_path.rglob("*.xlsx")) == [] and not Path("/etc/x.xlsx").exists()


def test_a_symbolic_link_out_of_the_folder_is_refused(workbook, tmp_path):
    folder, outside = tmp_path / "out", tmp_path / "secret.xlsx"
    folder.mkdir()
    outside.write_bytes(b"keep me")
    (folder / "report.xlsx").symlink_to(outside)
    with pytest.raises(InputError) as caught:
        write_export(workbook, "xlsx", folder, "report.xlsx")
    assert caught.value.key == "error.export_symlink"
    assert outside.read_bytes() == b"keep me"


def test_a_missing_folder_is_named(workbook, tmp_path):
    with pytest.raises(InputError) as caught:
        write_export(workbook, "json", tmp_path / "nowhere")
    assert caught.value.key == "error.export_folder"
    assert "nowhere" in caught.value.message("id")


# -- injections in every free text -----------------------------------------------------------------


def test_spreadsheet_text_neutralises_formula_starts():
    for text in [*INJECTIONS[:6], " =1", "\n+1", "＝1", "@"]:
        assert needs_quote(text), repr(text)
        assert spreadsheet_text(text) == "'" + text
    for text in ("Guru", "1 dari 12", "", "a=b", "e-mail"):
        assert spreadsheet_text(text) == text
    assert spreadsheet_text("bell\x07") == "bell\ufffd"


@pytest.fixture(scope="module", params=INJECTIONS, ids=[repr(text) for text in INJECTIONS])
def injected(request):
    text = request.param
    workbook = build_workbook(text)
    files = {fmt: export(workbook, fmt, workshop=WORKSHOP, now=NOW) for fmt in FORMATS}
    return text, workbook, files


def test_injection_xlsx_has_no_formula_and_no_cell_starting_one(injected):
    text, _workbook, files = injected
    book = _book(files["xlsx"])
    seen = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.value[:1] not in FORMULA_TRIGGERS, (sheet.title, cell.value)
                    assert not needs_quote(cell.value), (sheet.title, cell.value)
                    seen += cell.value.lstrip("'") in (text, text.strip())
    assert seen >= 20  # the text is there, in many cells, neutralised where needed
    with zipfile.ZipFile(BytesIO(files["xlsx"])) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def test_injection_html_is_escaped(injected):
    text, _workbook, files = injected
    page = _page(files["html"])
    _assert_offline(page)
    content = files["html"].decode()
    assert "<script>alert(1)</script>" not in content
    if text == "{{ 7*7 }}":
        assert "{{ 7*7 }}" in "".join(page.text) and ">49<" not in content
    if "<script>" in text:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
        assert text in "".join(page.text)  # shown as typed


def test_injection_docx_keeps_the_text_as_text(injected):
    _text, workbook, files = injected
    document = _document(files["docx"])
    # python-docx reads a line break back as "\n", whether it was typed "\n" or "\r"
    assert workbook.plan.sessions[0].objective.replace("\r", "\n") in _all_text(document)
    with zipfile.ZipFile(BytesIO(files["docx"])) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert "fldSimple" not in body and "instrText" not in body and "<script>" not in body


def test_injection_ics_and_json_read_back(injected):
    _text, workbook, files = injected
    calendar = _calendar(files["ics"])
    session = next(e for e in calendar.walk("VEVENT") if e["UID"].endswith("-session-s1@totkit"))
    assert str(session["LOCATION"]) == workbook.plan.sessions[0].venue.replace("\r", "\n")
    from totkit.exports.json import loads

    assert loads(files["json"]) == workbook


# -- a projection, when there is one ---------------------------------------------------------------


def test_a_projection_adds_a_sheet_a_section_and_a_chart(workbook):
    from totkit.cascade import inputs_for_workbook, project, projection_table
    from totkit.instrument import instrument_path, load_instrument

    instrument = load_instrument(instrument_path("readiness"))
    projection = project(inputs_for_workbook(workbook, instrument), draws=200, seed=1)
    rows = projection_table(projection)
    book = _book(export(workbook, "xlsx", lang="en", projection=projection))
    assert book.sheetnames[-1] == t("export.sheet.projection", "en")
    sheet = book[t("export.sheet.projection", "en")]
    assert [c.value for c in sheet[1]] == [t(f"export.col.{key}", "en") for key in (
        "level", "on_paper", "expected", "mean", "p10", "p90")]
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 1 + len(rows)
    assert [c.value for c in sheet[2]] == pytest.approx(
        [rows[0][key] for key in ("level", "on_paper", "expected", "mean", "p10", "p90")])
    assert all(cell.data_type == "n" for row in sheet.iter_rows(min_row=2) for cell in row)
    page = _page(export(workbook, "html", lang="en", projection=projection))
    _assert_offline(page)
    assert sum(1 for tag, _ in page.tags if tag == "svg") == 3
    assert projection.summary("en") in "".join(page.text)
    assert t("export.sheet.projection", "en") not in _book(export(workbook, "xlsx", lang="en")
                                                           ).sheetnames


def test_projection_text_is_neutralised_in_the_sheet(workbook, monkeypatch):
    """Whatever a projection's rows hold, a text cell never starts a formula."""
    import totkit.cascade

    rows = [{"level": "=1+1", "on_paper": 3, "expected": 2.5, "mean": 2.4, "p10": 1.0,
             "p90": float("nan")}]
    monkeypatch.setattr(totkit.cascade, "projection_table", lambda projection: rows)
    sheet = _book(export(workbook, "xlsx", projection=object())).worksheets[-1]
    assert [c.value for c in sheet[2]] == ["'=1+1", 3, 2.5, 2.4, 1.0, None]


# -- LibreOffice opens the xlsx and the docx -------------------------------------------------------


def _soffice() -> str:
    found = os.environ.get("TOTKIT_SOFFICE") or shutil.which("soffice") or "/usr/bin/soffice"
    if not Path(found).is_file():
        message = f"LibreOffice (soffice) is not installed at {found}"
        if os.environ.get("TOTKIT_REQUIRE_OFFICE") == "1":
            pytest.fail(f"LibreOffice tests are required (TOTKIT_REQUIRE_OFFICE=1) but {message}")
        pytest.skip(message)
    return found


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_libreoffice_converts_the_export_to_pdf(exported, tmp_path, fmt):
    soffice = _soffice()
    source = tmp_path / f"rtl.{fmt}"
    source.write_bytes(exported[(fmt, "id")])
    out = tmp_path / "pdf"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--norestore", "--convert-to", "pdf", "--outdir", str(out), str(source)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    pdf = out / "rtl.pdf"
    assert result.returncode == 0 and pdf.is_file(), result.stdout + result.stderr
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF") and len(content) > 5000
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", content))
    assert pages >= (2 if fmt == "docx" else 1), pages
