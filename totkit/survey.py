"""Answers to an instrument collected elsewhere: Google Forms, KoboToolbox, ODK exports.

``import_responses(path, instrument, mapping_path=None)`` reads a CSV or XLSX export and
returns one row per respondent with the item answers as numbers 1..5, who answered, and the
cells it could not read (``Problem``: row and column as the spreadsheet numbers them, the
header being row 1 and the first column A).

Which column holds which item comes from a mapping file (format documented in
``templates/mappings/example.yaml``) or, without one, from the headers: a column
named by an item id (``sel_1``), by a group path ending in it (KoboToolbox ``dim_x/sel_1``,
ODK Central ``dim_x-sel_1``), or by the item's text in either language. Answers may be the
digits 1..5, the instrument's own scale labels in either language, or the labels the mapping
file lists under ``values:``, matched ignoring case and spacing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pandas as pd

from totkit.errors import InputError
from totkit.i18n import t
from totkit.instrument import SCALE, Instrument

RESPONDENT_FIELDS: tuple[str, ...] = ("name", "institution", "role", "id")
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
DELIMITERS = (",", ";", "\t")
SNIFF_RECORDS = 50
# A cohort's answers take well under a megabyte; these limits refuse, with a message, a file
# that would take minutes and gigabytes to read (openpyxl holds every cell in memory).
MAX_FILE_MB = 10  # the file as it is on disk, CSV or XLSX
MAX_UNPACKED_MB = 10  # an XLSX's parts once unzipped (a small file can unzip to gigabytes)

# Headers that name a respondent field without a mapping file (compared normalised, also
# against the last segment of a group path). The catalogue's own labels are added below.
RESPONDENT_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "nama",
        "nama lengkap",
        "full name",
        "your name",
        "nama anda",
        "nama peserta",
        "nama responden",
        "respondent name",
        "respondent_name",
        "participant name",
    ),
    "institution": (
        "institution",
        "instansi",
        "institusi",
        "lembaga",
        "asal instansi",
        "nama instansi",
        "asal sekolah",
        "sekolah",
        "unit kerja",
        "organisation",
        "organization",
        "respondent_institution",
    ),
    "role": (
        "role",
        "peran",
        "jabatan",
        "posisi",
        "position",
        "job title",
        "respondent_role",
    ),
    "id": (
        "respondent_id",
        "id responden",
        "email address",
        "alamat email",
        "email",
        "e-mail",
        "_uuid",
        "instanceid",
        "meta/instanceid",
        "key",
        "_id",
    ),
}
# The catalogue keys whose texts (both languages) also name a respondent field: the labels
# ``write_xlsform`` gives those fields, so a label-headed export is read without a mapping.
RESPONDENT_LABEL_KEYS = {
    "name": "field.name",
    "institution": "field.institution",
    "role": "field.role",
}


# -- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """A cell (or a missing column) that was not read.

    ``row`` and ``column`` are the spreadsheet's own numbering: the header is row 1 and the
    first column is ``A``. ``column`` is empty when no column exists (an item without one);
    ``header`` is that column's header text, ``item`` the item concerned, if any.
    """

    row: int
    column: str
    value: str
    key: str
    header: str = ""
    item: str = ""

    def message(self, lang: str | None = None) -> str:
        return t(
            self.key,
            lang,
            row=self.row,
            column=self.column or "-",
            value=self.value,
            header=self.header,
            item=self.item,
        )

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        return {**asdict(self), "message": self.message(lang)}


@dataclass
class ImportResult:
    """What ``import_responses`` read.

    ``answers``: one row per respondent (same index as ``respondents``), one ``Int64`` column
    per item of the instrument in its order, 1..5 or ``<NA>`` (unanswered, unreadable, or no
    column). ``respondents``: ``name``, ``institution``, ``role``, ``id`` (strings, empty when
    the file has no such column) and ``row``, the respondent's row in the spreadsheet.
    ``columns``: item id -> header of the column read for it. ``problems``: what was not read.
    """

    answers: pd.DataFrame
    respondents: pd.DataFrame
    problems: list[Problem]
    columns: dict[str, str]
    file: str
    sheet: str | None = None

    def messages(self, lang: str | None = None) -> list[str]:
        return [problem.message(lang) for problem in self.problems]

    def records(self) -> list[dict[str, Any]]:
        """One plain dict per respondent: its fields, ``row`` and ``answers`` (read cells only)."""
        out = []
        for (_, who), (_, answers) in zip(
            self.respondents.iterrows(), self.answers.iterrows(), strict=True
        ):
            out.append(
                {
                    **{name: str(who[name]) for name in RESPONDENT_FIELDS},
                    "row": int(who["row"]),
                    "answers": {
                        item: int(value) for item, value in answers.items() if not pd.isna(value)
                    },
                }
            )
        return out


# -- reading a table ------------------------------------------------------------------------------


@dataclass
class Table:
    """A sheet as read: headers by position, and the non-blank rows with their row numbers."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]
    header_row: int = 1
    sheet: str | None = None


def read_table(
    path: Path | str, sheet: str | None = None, prefer: Sequence[str] = ()
) -> pd.DataFrame:
    """The first table of a CSV or XLSX file as a DataFrame of strings.

    CSV: UTF-8 with or without a byte-order mark (then Windows-1252), separated by commas,
    semicolons or tabs (sniffed), quoted fields. XLSX: the sheet named ``sheet``, else the
    first sheet named like one of ``prefer`` (a form's title or id) or like a form's
    responses sheet, else the first sheet. Blank rows are dropped; the index holds each row's
    number in the spreadsheet (header = row 1); header whitespace is trimmed and a repeated
    header gets a suffix (``.1``, ``.2``) as pandas does; empty cells are ``""``.
    """
    table = _read(Path(path), sheet, prefer)
    headers = _unique(table.headers)
    width = len(headers)
    frame = pd.DataFrame(
        [cells[:width] + [""] * (width - len(cells)) for _, cells in table.rows],
        columns=headers,
        index=pd.Index([number for number, _ in table.rows], name="row"),
        dtype=object,
    )
    return frame.astype(str) if width else frame


def _unique(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for header in headers:
        if header in seen:
            seen[header] += 1
            candidate = f"{header}.{seen[header]}"
            while candidate in seen:
                seen[header] += 1
                candidate = f"{header}.{seen[header]}"
            seen[candidate] = 0
            out.append(candidate)
        else:
            seen[header] = 0
            out.append(header)
    return out


def _read(path: Path, sheet: str | None = None, prefer: Sequence[str] = ()) -> Table:
    file = str(path)
    if not path.is_file():
        raise InputError("error.survey.file_missing", field="survey_file", file=file)
    suffix = path.suffix.lower()
    _check_size(path.stat().st_size, file)
    if suffix in XLSX_SUFFIXES:
        records, sheet_name = _xlsx_records(path, sheet, prefer)
    elif suffix in CSV_SUFFIXES or suffix == "":
        records, sheet_name = _csv_records(path), None
    else:
        raise InputError(
            "error.survey.file_type", field="survey_file", file=file, suffix=suffix or "-"
        )
    header_row = 0
    headers: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    for number, cells in records:
        cells = ["" if cell is None else str(cell) for cell in cells]
        if not any(cell.strip() for cell in cells):
            continue
        if not header_row:
            header_row = number
            headers = [_collapse(cell) for cell in cells]
            while headers and not headers[-1]:
                headers.pop()
            continue
        rows.append((number, cells))
    if not headers:
        raise InputError("error.survey.empty", field="survey_file", file=file)
    return Table(headers=headers, rows=rows, header_row=header_row, sheet=sheet_name)


def _check_size(size: int, file: str) -> None:
    if size > MAX_FILE_MB * 2**20:
        raise InputError("error.survey.too_large", field="survey_file", file=file,
                         size=round(size / 2**20), max=MAX_FILE_MB)


def _decode(content: bytes, file: str = "", field: str = "survey_file") -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError as exc:  # a byte-order mark, then no UTF-16 text
            raise InputError("error.survey.file_unreadable", field=field, file=file,
                             problem=f"UTF-16: {exc.reason}") from None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")


def _csv_records(path: Path) -> list[tuple[int, list[str]]]:
    text = _decode(path.read_bytes(), str(path))
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    try:
        # A record spanning several lines (a quoted line break) is one row in a spreadsheet.
        return [(number, cells) for number, cells in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise InputError(
            "error.survey.file_unreadable", field="survey_file", file=str(path), problem=str(exc)
        ) from None


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header most consistently with the rows below it."""
    best, best_score = ",", (-1.0, 0)
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
        counts: list[int] = []
        try:
            for cells in reader:
                if any(cell.strip() for cell in cells):
                    counts.append(len(cells))
                if len(counts) >= SNIFF_RECORDS:
                    break
        except csv.Error:
            continue
        if not counts or counts[0] < 2:
            continue
        header = counts[0]
        agreeing = sum(1 for count in counts[1:] if count == header)
        consistency = agreeing / (len(counts) - 1) if len(counts) > 1 else 1.0
        score = (consistency, header)
        if score > best_score:
            best, best_score = delimiter, score
    return best


# Names of a form's responses sheet in Google Sheets (both languages) and the like.
RESPONSE_SHEETS = ("form responses 1", "jawaban formulir 1", "responses", "jawaban", "data")


def _xlsx_records(
    path: Path, sheet: str | None, prefer: Sequence[str]
) -> tuple[list[tuple[int, list[Any]]], str]:
    import zipfile

    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as archive:  # the sizes it declares bound what it unzips to
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_MB * 2**20:
            raise InputError("error.survey.too_large", field="survey_file", file=str(path),
                             size=round(unpacked / 2**20), max=MAX_UNPACKED_MB)
        workbook = load_workbook(path, data_only=True, read_only=False)
    except InputError:
        raise
    except Exception as exc:  # a damaged file fails anywhere: in zip, in XML, in openpyxl
        raise InputError(
            "error.survey.file_unreadable",
            field="survey_file",
            file=str(path),
            problem=(str(exc) or type(exc).__name__)[:200],
        ) from None
    try:
        names = workbook.sheetnames
        chosen = _choose_sheet(names, sheet, prefer)
        if chosen is None:
            raise InputError(
                "error.survey.sheet",
                field="survey_file",
                file=str(path),
                sheet=sheet,
                sheets=", ".join(names),
            )
        worksheet = workbook[chosen]
        records = [
            (number, [_cell_text(value) for value in values])
            for number, values in enumerate(
                worksheet.iter_rows(min_row=1, min_col=1, values_only=True), start=1
            )
        ]
    finally:
        workbook.close()
    return records, chosen


def _sheet_key(name: str) -> str:
    """A sheet name as compared: case, spacing and punctuation ignored (Excel forbids some
    characters in sheet names, so an exporter replaces them)."""
    return " ".join(re.sub(r"[\W_]+", " ", name.casefold()).split())


def _choose_sheet(names: list[str], sheet: str | None, prefer: Sequence[str]) -> str | None:
    by_key = {_sheet_key(name): name for name in reversed(names)}
    if sheet is not None:
        return by_key.get(_sheet_key(sheet))
    # Excel cuts sheet names at 31 characters; KoboToolbox names the sheet after the form.
    for wanted in [*prefer, *RESPONSE_SHEETS]:
        key = _sheet_key(wanted)
        if not key:
            continue
        for candidate, name in by_key.items():
            if candidate == key or (len(name) >= 31 and key.startswith(candidate)):
                return name
    return names[0] if names else None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


# -- normalising --------------------------------------------------------------------------------


def _collapse(text: str) -> str:
    """Whitespace trimmed and runs of it (non-breaking spaces, line breaks) made one space."""
    return " ".join(str(text).split())


def _norm(text: str) -> str:
    return _collapse(text).casefold()


_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]0+)?$|^[+-]?\d*[.,]\d+$")


def column_letter(index: int) -> str:
    """0 -> ``A``, 25 -> ``Z``, 26 -> ``AA``: the spreadsheet's name of a column position."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


# -- the mapping file -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnSpec:
    """How to find a column: an exact header, a header prefix or a regular expression."""

    kind: str  # "header", "prefix" or "regex"
    text: str
    pattern: re.Pattern | None = None

    def matches(self, header: str) -> bool:
        if self.kind == "header":
            return _norm(header) == _norm(self.text)
        if self.kind == "prefix":
            return _norm(header).startswith(_norm(self.text))
        assert self.pattern is not None
        return self.pattern.search(_collapse(header)) is not None

    def describe(self) -> str:
        return self.text if self.kind == "header" else f"{self.kind}: {self.text}"


@dataclass
class Mapping:
    items: dict[str, ColumnSpec] = field(default_factory=dict)
    respondent: dict[str, ColumnSpec] = field(default_factory=dict)
    values: dict[str, int] = field(default_factory=dict)
    sheet: str | None = None
    file: str = ""


MAPPING_KEYS = {"instrument", "sheet", "items", "respondent", "values"}


def load_mapping(path: Path | str, instrument: Instrument) -> Mapping:
    """Read and check a mapping file; ``InputError`` names the file, the entry and the fix."""
    import yaml

    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise InputError("error.survey.mapping_missing", field="survey_mapping", file=file)
    try:
        data = yaml.safe_load(_decode(path.read_bytes(), file, "survey_mapping"))
    except RecursionError:
        raise InputError("error.survey.mapping_yaml", field="survey_mapping", file=file,
                         line="?", problem="nested too deeply") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else "?"
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(
            "error.survey.mapping_yaml",
            field="survey_mapping",
            file=file,
            line=line,
            problem=problem,
        ) from None
    if not isinstance(data, dict):
        raise InputError("error.survey.mapping_shape", field="survey_mapping", file=file)

    def fail(key: str, **params: Any) -> InputError:
        return InputError(key, field="survey_mapping", file=file, **params)

    unknown = sorted(str(key) for key in data if key not in MAPPING_KEYS)
    if unknown:
        raise fail(
            "error.survey.mapping_key", where=unknown[0], known=", ".join(sorted(MAPPING_KEYS))
        )
    if "instrument" in data and str(data["instrument"]) != instrument.id:
        raise fail(
            "error.survey.mapping_instrument", found=data["instrument"], expected=instrument.id
        )
    mapping = Mapping(file=file)
    if data.get("sheet") is not None:
        mapping.sheet = str(data["sheet"])

    items = data.get("items") or {}
    if not isinstance(items, dict):
        raise fail("error.survey.mapping_section", where="items")
    for item_id, spec in items.items():
        if str(item_id) not in instrument.items:
            raise fail("error.survey.mapping_item", item=item_id, instrument=instrument.id)
        mapping.items[str(item_id)] = _column_spec(spec, f"items.{item_id}", fail)

    respondent = data.get("respondent") or {}
    if not isinstance(respondent, dict):
        raise fail("error.survey.mapping_section", where="respondent")
    for name, spec in respondent.items():
        if name not in RESPONDENT_FIELDS:
            raise fail(
                "error.survey.mapping_key",
                where=f"respondent.{name}",
                known=", ".join(RESPONDENT_FIELDS),
            )
        mapping.respondent[name] = _column_spec(spec, f"respondent.{name}", fail)

    values = data.get("values") or {}
    if not isinstance(values, dict):
        raise fail("error.survey.mapping_section", where="values")
    for label, number in values.items():
        if not isinstance(label, (str, int)) or isinstance(label, bool):
            raise fail("error.survey.mapping_label", label=label)
        if isinstance(number, bool) or not isinstance(number, int) or number not in SCALE:
            raise fail("error.survey.mapping_value", label=label, value=number)
        mapping.values[_norm(str(label))] = number
    return mapping


def _column_spec(spec: Any, where: str, fail) -> ColumnSpec:
    if isinstance(spec, (str, int, float)) and not isinstance(spec, bool) and str(spec).strip():
        return ColumnSpec("header", str(spec))
    if isinstance(spec, dict) and len(spec) == 1:
        ((kind, text),) = spec.items()
        if kind in ("header", "prefix") and isinstance(text, str) and text.strip():
            return ColumnSpec(kind, text)
        if kind == "regex" and isinstance(text, str) and text:
            try:
                pattern = re.compile(text, re.IGNORECASE)
            except re.error as exc:
                raise fail("error.survey.mapping_regex", where=where, problem=str(exc)) from None
            return ColumnSpec("regex", text, pattern)
    raise fail("error.survey.mapping_column", where=where)


# -- finding the columns ------------------------------------------------------------------------


def _last_segment(header: str) -> str:
    """``dim_x/sel_1`` -> ``sel_1``; ``dim_x-sel_1`` -> ``sel_1`` (identifier-like headers)."""
    text = _norm(header)
    if "/" in text:
        text = text.rsplit("/", 1)[1].strip()
    if " " not in text and "-" in text:
        text = text.rsplit("-", 1)[1]
    return text


def _text_key(text: str) -> str:
    """An item text or a header as compared with item texts: normalised, end punctuation off."""
    return _norm(text).rstrip(" .?!:;")


_BRACKETED = re.compile(r"\[([^\[\]]*)\]$")


def _item_header_matches(header: str, item_id: str, texts: Iterable[str]) -> bool:
    """By id (``sel_1``, ``grp/sel_1``, ``grp-sel_1``) or by the item's text in either
    language (``text``, ``group label/text``, Google Forms grids' ``question [text]``)."""
    key = _norm(header)
    item = item_id.casefold()
    if key == item or key.endswith(("/" + item, "-" + item)):
        return True
    text_key = _text_key(header)
    bracketed = _BRACKETED.search(key)
    inner = _text_key(bracketed[1]) if bracketed else None
    return any(text_key == text or text_key.endswith("/" + text) or inner == text for text in texts)


def _find_columns(
    headers: list[str], instrument: Instrument, mapping: Mapping | None, header_row: int = 1
) -> tuple[dict[str, int], dict[str, int], list[Problem]]:
    """Item id -> column index, respondent field -> column index, and the header's problems."""
    problems: list[Problem] = []
    claimed: dict[int, str] = {}
    item_columns: dict[str, int] = {}
    specs = mapping.items if mapping else {}

    def claim(owner: str, candidates: list[int]) -> int | None:
        free = [index for index in candidates if index not in claimed]
        if not free:  # only columns another item already has
            index = candidates[0]
            problems.append(
                Problem(
                    header_row,
                    column_letter(index),
                    headers[index],
                    "error.survey.column_twice",
                    headers[index],
                    owner,
                )
            )
            return None
        for index in free[1:]:
            problems.append(
                Problem(
                    header_row,
                    column_letter(index),
                    headers[index],
                    "error.survey.ambiguous_column",
                    headers[index],
                    owner,
                )
            )
        claimed[free[0]] = owner
        return free[0]

    # The mapping's exact headers first, then its prefixes and patterns, then ids and texts.
    refused: set[str] = set()
    for exact in (True, False):
        for item_id in instrument.items:
            spec = specs.get(item_id)
            if spec is None or (spec.kind == "header") != exact:
                continue
            candidates = [i for i, header in enumerate(headers) if header and spec.matches(header)]
            if candidates:
                index = claim(item_id, candidates)
                if index is None:
                    refused.add(item_id)
                else:
                    item_columns[item_id] = index

    for item_id, item in instrument.items.items():
        if item_id in specs:
            continue
        texts = {_text_key(item.text.id), _text_key(item.text.en)}
        candidates = [
            i
            for i, header in enumerate(headers)
            if header and i not in claimed and _item_header_matches(header, item_id, texts)
        ]
        if candidates:
            index = claim(item_id, candidates)
            if index is not None:
                item_columns[item_id] = index

    for item_id in instrument.items:
        if item_id in item_columns or item_id in refused:
            continue
        spec = specs.get(item_id)
        if spec is None:
            problems.append(Problem(header_row, "", "", "error.survey.no_column", item=item_id))
        else:
            problems.append(
                Problem(header_row, "", spec.describe(), "error.survey.no_match", item=item_id)
            )

    respondent_columns: dict[str, int] = {}
    given = mapping.respondent if mapping else {}
    for name in RESPONDENT_FIELDS:
        spec = given.get(name)
        if spec is not None:
            candidates = [
                i
                for i, header in enumerate(headers)
                if header and i not in claimed and spec.matches(header)
            ]
            if not candidates:
                problems.append(
                    Problem(
                        header_row,
                        "",
                        spec.describe(),
                        "error.survey.no_respondent_column",
                        item=name,
                    )
                )
                continue
        else:
            aliases = _respondent_aliases(name)
            candidates = []
            for alias in aliases:  # the aliases in order of preference
                candidates += [
                    i
                    for i, header in enumerate(headers)
                    if header
                    and i not in claimed
                    and i not in candidates
                    and (_norm(header) == alias or _last_segment(header) == alias)
                ]
            candidates = candidates[:1]
        if candidates:
            index = claim(name, candidates)
            if index is not None:
                respondent_columns[name] = index
    return item_columns, respondent_columns, problems


def _respondent_aliases(name: str) -> list[str]:
    aliases = list(RESPONDENT_ALIASES[name])
    key = RESPONDENT_LABEL_KEYS.get(name)
    if key:
        aliases += [_norm(t(key, lang)) for lang in ("id", "en")]
    return list(dict.fromkeys(_norm(alias) for alias in aliases))


# -- reading the answers ------------------------------------------------------------------------


def answer_labels(instrument: Instrument, mapping: Mapping | None = None) -> dict[str, int]:
    """Normalised answer text -> 1..5: the scale labels in both languages, then the mapping's."""
    labels: dict[str, int] = {}
    for scale in instrument.scale:
        labels[_norm(scale.label.id)] = scale.value
        labels[_norm(scale.label.en)] = scale.value
    if mapping:
        labels.update(mapping.values)
    return labels


def parse_answer(text: str, labels: dict[str, int]) -> tuple[int | None, str | None]:
    """A cell -> (1..5, None), (None, None) when empty, or (None, problem key)."""
    key = _norm(text)
    if not key:
        return None, None
    if key in labels:
        return labels[key], None
    if _NUMBER.match(key):
        number = float(key.replace(",", "."))
        if number.is_integer() and int(number) in SCALE:
            return int(number), None
        return None, "error.survey.out_of_range"
    return None, "error.survey.unknown_label"


def import_responses(
    path: Path | str, instrument: Instrument, mapping_path: Path | str | None = None
) -> ImportResult:
    """Read an export of answers to ``instrument``; see the module's docstring.

    Raises ``InputError`` for a file or mapping that cannot be read, or a file in which no
    column holds an item. Cells that cannot be read become ``<NA>`` and are reported in
    ``problems``, as are items with no column (row 1, no column letter).
    """
    path = Path(path)
    mapping = load_mapping(mapping_path, instrument) if mapping_path is not None else None
    from totkit.xlsform import form_id, form_title

    # KoboToolbox names an XLSX export's sheet after the form's title (cut at 31 characters).
    prefer = [
        form_title(instrument),
        instrument.title.id,
        instrument.title.en,
        form_id(instrument),
        instrument.id,
    ]
    table = _read(path, mapping.sheet if mapping else None, prefer)
    headers = table.headers
    header_row = table.header_row
    item_columns, respondent_columns, problems = _find_columns(
        headers, instrument, mapping, header_row
    )
    if not item_columns:
        first = next(iter(instrument.items))
        raise InputError(
            "error.survey.no_items",
            field="survey_file",
            file=str(path),
            instrument=instrument.id,
            example=first,
        )
    labels = answer_labels(instrument, mapping)
    answers: dict[str, list[Any]] = {item_id: [] for item_id in instrument.items}
    who: dict[str, list[Any]] = {name: [] for name in (*RESPONDENT_FIELDS, "row")}
    in_file_order = sorted(item_columns.items(), key=lambda pair: pair[1])
    for number, cells in table.rows:
        read: dict[str, Any] = {}
        for item_id, index in in_file_order:
            text = cells[index] if index < len(cells) else ""
            value, problem = parse_answer(text, labels)
            read[item_id] = pd.NA if value is None else value
            if problem:
                problems.append(
                    Problem(
                        number,
                        column_letter(index),
                        _collapse(text),
                        problem,
                        headers[index],
                        item_id,
                    )
                )
        for item_id in instrument.items:
            answers[item_id].append(read.get(item_id, pd.NA))
        for name in RESPONDENT_FIELDS:
            index = respondent_columns.get(name)
            text = cells[index] if index is not None and index < len(cells) else ""
            who[name].append(_collapse(text))
        who["row"].append(number)

    index = pd.RangeIndex(len(table.rows))
    answer_frame = pd.DataFrame(
        {item_id: pd.array(values, dtype="Int64") for item_id, values in answers.items()},
        index=index,
    )
    respondents = pd.DataFrame(
        {
            **{name: pd.array(who[name], dtype=object) for name in RESPONDENT_FIELDS},
            "row": pd.array(who["row"], dtype="int64"),
        },
        index=index,
    )
    return ImportResult(
        answers=answer_frame,
        respondents=respondents,
        problems=problems,
        columns={item_id: headers[i] for item_id, i in item_columns.items()},
        file=str(path),
        sheet=table.sheet,
    )
