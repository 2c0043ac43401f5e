"""Importing answers collected elsewhere: Google Forms, KoboToolbox and ODK exports.

The fixtures in tests/data are small, messy exports as they come from the field:
gforms-export.csv (UTF-8 with a BOM, CRLF, long question headers, a timestamp and extra
columns, blank rows, a quoted line break, Indonesian labels in odd spellings and bad cells)
read with gforms-mapping.yaml; kobo-export.csv (';' separators, every field quoted, group
paths, KoboToolbox's own columns). XLSX files are made in the tests with openpyxl. The
instrument is tests/data/mini-instrument.yaml, independent of the shipped one.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
import yaml

import totkit
from totkit.errors import InputError
from totkit.i18n import catalogue
from totkit.instrument import instrument_path, load_instrument
from totkit.survey import (
    Problem,
    answer_labels,
    column_letter,
    import_responses,
    load_mapping,
    parse_answer,
    read_table,
)

DATA = Path(__file__).parent / "data"
GFORMS = DATA / "gforms-export.csv"
GFORMS_MAP = DATA / "gforms-mapping.yaml"
KOBO = DATA / "kobo-export.csv"
EXAMPLE_MAP = (
    Path(totkit.__file__).parent.parent / "templates" / "mappings" / "example.yaml"
)
ITEMS = ["sel_1", "sel_2", "sel_3", "sup_1", "sup_2", "sup_3", "pra_1", "pra_2", "pra_3"]
NA = None


@pytest.fixture(scope="module")
def mini():
    return load_instrument(DATA / "mini-instrument.yaml")


def cells(problems: list[Problem]) -> list[tuple[int, str, str, str]]:
    return [(p.row, p.column, p.value, p.key.rsplit(".", 1)[1]) for p in problems]


def answers_of(result) -> list[list[int | None]]:
    return [
        [None if pd.isna(v) else int(v) for v in row]
        for row in result.answers.itertuples(index=False)
    ]


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


# -- read_table ---------------------------------------------------------------------------------


def test_read_table_google_forms_csv_with_bom_blank_rows_and_a_quoted_line_break():
    table = read_table(GFORMS)
    assert table.columns[0] == "Stempel waktu"  # no BOM left on the first header
    assert "Instansi / Sekolah" in table.columns  # header whitespace trimmed
    assert "3. Saya ikut pelatihan ini atas kemauan sendiri" in table.columns
    assert len(table.columns) == 15
    # blank rows (3 and 6) dropped; the index keeps the spreadsheet's row numbers
    assert table.index.tolist() == [2, 4, 5, 7, 8]
    assert table.loc[7, "Saran untuk panitia"] == "Bagus,\nlanjutkan"
    assert table.loc[5, "Saran untuk panitia"] == "Waktunya kurang, tambah sehari"
    assert table.loc[4, "Nama lengkap"] == "Budi Santoso"
    assert all(isinstance(value, str) for value in table.to_numpy().ravel())


def test_read_table_kobo_csv_sniffs_semicolons_and_keeps_quoted_ones():
    table = read_table(KOBO)
    assert table.columns[:6].tolist() == [
        "start",
        "end",
        "name",
        "institution",
        "role",
        "dim_selection/sel_1",
    ]
    assert table.index.tolist() == [2, 3, 5]
    assert table.loc[2, "institution"] == "SDN 5; Kota Malang"
    assert table.loc[3, "dim_support/sup_2"] == ""


def test_read_table_unquoted_semicolons_with_decimal_commas(tmp_path):
    path = write_csv(tmp_path / "semi.csv", "nama;sel_1;sel_2\nAni;4;3,5\nBudi;5;2\n")
    table = read_table(path)
    assert table.columns.tolist() == ["nama", "sel_1", "sel_2"]
    assert table.loc[2, "sel_2"] == "3,5"


def test_read_table_tabs_windows_1252_and_repeated_headers(tmp_path):
    text = "Nama\tsel_1\tsel_1\r\nRené\t4\t5\r\n"
    table = read_table(write_csv(tmp_path / "excel.txt", text, "cp1252"))
    assert table.columns.tolist() == ["Nama", "sel_1", "sel_1.1"]
    assert table.loc[2].tolist() == ["René", "4", "5"]


def test_read_table_short_rows_are_padded_and_header_only_file_has_no_rows(tmp_path):
    table = read_table(write_csv(tmp_path / "short.csv", "a,b,c\n1\n"))
    assert table.loc[2].tolist() == ["1", "", ""]
    assert read_table(write_csv(tmp_path / "head.csv", "a,b\n")).empty


def test_read_table_xlsx_first_sheet_numbers_and_dates(tmp_path):
    path = write_xlsx(
        tmp_path / "hand.xlsx",
        {
            "Sheet1": [
                ["  Nama ", "sel_1", "sel_2", "Waktu"],
                ["Ani", 4, 5.0, datetime(2025, 3, 10, 9, 15)],
                [None, None, None, None],
                ["Budi", "Setuju", 2.5, None],
            ],
            "Other": [["x"], ["y"]],
        },
    )
    table = read_table(path)
    assert table.columns.tolist() == ["Nama", "sel_1", "sel_2", "Waktu"]
    assert table.index.tolist() == [2, 4]
    assert table.loc[2].tolist() == ["Ani", "4", "5", "2025-03-10 09:15:00"]
    assert table.loc[4].tolist() == ["Budi", "Setuju", "2.5", ""]


def test_read_table_xlsx_prefers_the_sheet_named_like_the_form(tmp_path):
    sheets = {
        "Petunjuk": [["Isi lembar berikutnya"]],
        "Form Responses 1": [["sel_1"], ["3"]],
        "Kesiapan Mini": [["sel_1"], ["4"]],
    }
    path = write_xlsx(tmp_path / "book.xlsx", sheets)
    assert read_table(path, prefer=["Kesiapan Mini"]).loc[2, "sel_1"] == "4"
    assert read_table(path).loc[2, "sel_1"] == "3"  # a form's responses sheet
    assert read_table(path, sheet="petunjuk").columns.tolist() == ["Isi lembar berikutnya"]
    with pytest.raises(InputError) as raised:
        read_table(path, sheet="Jawaban")
    assert raised.value.key == "error.survey.sheet"
    assert "Kesiapan Mini" in raised.value.message("en")


@pytest.mark.parametrize(
    ("name", "content", "key"),
    [
        ("missing.csv", None, "error.survey.file_missing"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "error.survey.file_type"),
        ("empty.csv", b"\r\n,,\r\n", "error.survey.empty"),
        ("broken.xlsx", b"not a zip file", "error.survey.file_unreadable"),
    ],
)
def test_unreadable_files_are_refused_with_the_file_named(tmp_path, mini, name, content, key):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError) as raised:
        import_responses(path, mini)
    assert raised.value.key == key
    for lang in ("id", "en"):
        assert name in raised.value.message(lang)


# -- answers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sangat  setuju ", (5, None)),
        ("SETUJU", (4, None)),
        ("4", (4, None)),
        (" 5 ", (5, None)),
        ("4.0", (4, None)),
        ("Strongly AGREE", (5, None)),
        ("neither agree nor  disagree", (3, None)),
        ("Sangat\u00a0tidak setuju", (1, None)),
        ("", (None, None)),
        ("   ", (None, None)),
        ("6", (None, "error.survey.out_of_range")),
        ("0", (None, "error.survey.out_of_range")),
        ("-1", (None, "error.survey.out_of_range")),
        ("3.5", (None, "error.survey.out_of_range")),
        ("3,5", (None, "error.survey.out_of_range")),
        ("Kadang-kadang", (None, "error.survey.unknown_label")),
        ("n/a", (None, "error.survey.unknown_label")),
    ],
)
def test_parse_answer(mini, text, expected):
    assert parse_answer(text, answer_labels(mini)) == expected


def test_column_letters_follow_the_spreadsheet():
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


# -- Google Forms, with a mapping file ---------------------------------------------------------


def test_google_forms_export_with_mapping(mini):
    result = import_responses(GFORMS, mini, GFORMS_MAP)
    assert result.answers.columns.tolist() == ITEMS
    assert all(str(dtype) == "Int64" for dtype in result.answers.dtypes)
    assert answers_of(result) == [
        [5, 4, 4, 3, 2, 1, 4, 4, 2],  # Ani: the instrument's labels
        [5, 4, 4, 2, 3, 5, 4, 5, 1],  # Budi: "sangat  setuju ", "SETUJU", "4", mapping labels
        [4, NA, 4, NA, 4, 4, 4, 3, NA],  # Citra: two bad cells, one left empty
        [4, 4, 5, 3, 3, 2, 4, 4, 2],  # Dedi: digits
        [NA, NA, 4, 4, 4, 4, 4, 4, 4],  # Eka: 3.5 and 0
    ]
    assert result.respondents.to_dict("records") == [
        {
            "name": "Ani Lestari",
            "institution": "SDN 1 Sukamaju",
            "role": "Guru kelas V",
            "id": "ani@contoh.id",
            "row": 2,
        },
        {
            "name": "Budi Santoso",
            "institution": "SMPN 2 Sukamaju",
            "role": "Kepala sekolah",
            "id": "budi@contoh.id",
            "row": 4,
        },
        {
            "name": "Citra Dewi",
            "institution": "SDN 3 Sukamaju",
            "role": "Pengawas",
            "id": "citra@contoh.id",
            "row": 5,
        },
        {
            "name": "Dedi Kurniawan",
            "institution": "SDN 4 Sukamaju",
            "role": "Guru",
            "id": "dedi@contoh.id",
            "row": 7,
        },
        {
            "name": "Eka Putri",
            "institution": "SMPN 1 Sukamaju",
            "role": "Guru BK",
            "id": "eka@contoh.id",
            "row": 8,
        },
    ]
    # Rows and columns as a spreadsheet shows them: header row 1, blank rows 3 and 6 counted.
    assert cells(result.problems) == [
        (5, "G", "Kadang-kadang", "unknown_label"),
        (5, "I", "7", "out_of_range"),
        (8, "F", "3.5", "out_of_range"),
        (8, "G", "0", "out_of_range"),
    ]
    assert [p.item for p in result.problems] == ["sel_2", "sup_1", "sel_1", "sel_2"]
    assert result.problems[0].header.startswith("2. Saya tahu")
    assert result.columns["sel_3"] == "3. Saya ikut pelatihan ini atas kemauan sendiri"
    assert result.columns["pra_2"] == "Praktik: Saya mendapat umpan balik atas praktik saya"


def test_problems_read_in_both_languages(mini):
    problem = import_responses(GFORMS, mini, GFORMS_MAP).problems[0]
    assert problem.message("en") == (
        "Row 5, column G (sel_2): the answer 'Kadang-kadang' is not recognised. "
        "Add it under 'values:' in the mapping file, or correct the cell."
    )
    assert problem.message("id").startswith("Baris 5, kolom G (sel_2): jawaban 'Kadang-kadang'")
    assert problem.as_dict("en")["row"] == 5


def test_records_give_plain_answers_per_respondent(mini):
    records = import_responses(GFORMS, mini, GFORMS_MAP).records()
    assert records[2]["name"] == "Citra Dewi"
    assert records[2]["row"] == 5
    assert records[2]["answers"] == {
        "sel_1": 4,
        "sel_3": 4,
        "sup_2": 4,
        "sup_3": 4,
        "pra_1": 4,
        "pra_2": 3,
    }


# -- Google Forms, without a mapping file --------------------------------------------------------


def test_google_forms_without_mapping_reads_grid_items_and_reports_the_rest_once(mini):
    result = import_responses(GFORMS, mini)
    # "Dukungan [item text]" (a Google Forms grid) is found by the item's text.
    assert result.columns == {
        "sup_1": "Dukungan [Atasan saya mendukung penerapan hasil pelatihan]",
        "sup_2": "Dukungan [Saya punya waktu untuk melatih rekan]",
        "sup_3": "Dukungan [Ada anggaran untuk pelatihan lanjutan]",
    }
    missing = [p for p in result.problems if p.key == "error.survey.no_column"]
    assert [(p.row, p.column, p.item) for p in missing] == [
        (1, "", item) for item in ("sel_1", "sel_2", "sel_3", "pra_1", "pra_2", "pra_3")
    ]
    assert cells(result.problems[len(missing) :]) == [
        (4, "I", "Kurang setuju", "unknown_label"),  # not an instrument label: needs a mapping
        (4, "J", "netral", "unknown_label"),
        (5, "I", "7", "out_of_range"),
    ]
    assert result.answers["sel_1"].isna().all()
    assert result.respondents["name"].tolist()[0] == "Ani Lestari"  # "Nama lengkap"
    assert result.respondents["institution"].tolist()[0] == "SDN 1 Sukamaju"  # ".../ Sekolah"
    assert result.respondents["role"].tolist()[0] == "Guru kelas V"  # "Jabatan"
    assert result.respondents["id"].tolist()[0] == "ani@contoh.id"  # "Alamat email"


def test_a_file_with_no_item_column_is_refused_with_the_fix(tmp_path, mini):
    # Near misses: another item's id as a prefix, or a path ending in a longer id.
    text = "Nama,grp/sel_10,sel_1x,Pertanyaan 1\nAni,4,4,4\n"
    path = write_csv(tmp_path / "jawaban.csv", text)
    with pytest.raises(InputError) as raised:
        import_responses(path, mini)
    assert raised.value.key == "error.survey.no_items"
    assert raised.value.field == "survey_file"
    message = raised.value.message("en")
    assert "jawaban.csv" in message
    assert "sel_1" in message and "mappings/example.yaml" in message
    assert "jawaban.csv" in raised.value.message("id")


# -- KoboToolbox and ODK, without a mapping file -----------------------------------------------


def test_kobo_csv_export_with_group_paths(mini):
    result = import_responses(KOBO, mini)
    assert result.columns["sel_1"] == "dim_selection/sel_1"
    assert answers_of(result) == [
        [5, 4, 4, 3, 2, 2, 4, 4, 2],
        [4, 4, 5, 4, NA, 3, 3, NA, 1],
        [3, NA, 3, 3, 3, 3, 3, 3, 3],
    ]
    assert cells(result.problems) == [
        (3, "M", "6", "out_of_range"),
        (5, "G", "n/a", "unknown_label"),
    ]
    assert result.respondents.to_dict("records")[0] == {
        "name": "Fajar Nugroho",
        "institution": "SDN 5; Kota Malang",
        "role": "Guru",
        "id": "6a1c-0001",
        "row": 2,
    }
    assert result.respondents["row"].tolist() == [2, 3, 5]


def test_odk_central_dash_paths_and_label_headers(tmp_path, mini):
    # ODK Central joins group paths with '-'; KoboToolbox's "labels" export heads columns
    # with "group label/question label" and answers with choice labels.
    header = [
        "SubmissionDate",
        "name",
        "meta-instanceID",
        "dim_selection-sel_1",
        "dim_selection-sel_2",
        "dim_selection-sel_3",
        "Supervisor support/My supervisor supports applying the training.",
        "Supervisor support/I have time to train colleagues",
        "Dukungan atasan/Ada anggaran untuk pelatihan lanjutan.",
        "I have practised facilitating a session.",
        "pra_2",
        "PRA_3",
    ]
    row = [
        "2025-03-12",
        "Ina",
        "uuid:1",
        "1",
        "2",
        "3",
        "Agree",
        "Strongly agree",
        "Setuju",
        "Disagree",
        "4",
        "5",
    ]
    text = ",".join(header) + "\n" + ",".join(row) + "\n"
    result = import_responses(write_csv(tmp_path / "odk.csv", text), mini)
    assert result.problems == []
    assert answers_of(result) == [[1, 2, 3, 4, 5, 4, 2, 4, 5]]
    assert result.respondents.loc[0, "id"] == "uuid:1"


def test_two_columns_for_one_item_use_the_first_and_say_so(tmp_path, mini):
    text = "sel_1,sel_2,sel_3,grp/sel_1\n4,4,4,5\n"
    result = import_responses(write_csv(tmp_path / "twice.csv", text), mini)
    assert result.answers.loc[0, "sel_1"] == 4
    ambiguous = [p for p in result.problems if p.key == "error.survey.ambiguous_column"]
    assert [(p.row, p.column, p.header, p.item) for p in ambiguous] == [
        (1, "D", "grp/sel_1", "sel_1")
    ]


# -- XLSX ------------------------------------------------------------------------------------------


def test_xlsx_export_in_the_sheet_named_like_the_form(tmp_path, mini):
    header = ["Waktu", "name", "institution", "role", *[f"dim_x/{item}" for item in ITEMS]]
    path = write_xlsx(
        tmp_path / "kobo.xlsx",
        {
            "Petunjuk": [["Baca dulu"], ["Lembar berikutnya berisi jawaban."]],
            "Kesiapan Mini - Mini Readiness": [  # Excel forbids '/' in a sheet name
                header,
                [
                    datetime(2025, 3, 12, 9),
                    "Joko",
                    "SDN 9",
                    "Guru",
                    5,
                    4.0,
                    "Setuju",
                    "sangat setuju",
                    3,
                    2,
                    1,
                    2,
                    3,
                ],
                [None] * len(header),
                [None, "Kartika", "SDN 10", "Guru", 2.5, 4, "Agree", 4, 4, 4, 4, 4, 9],
            ],
        },
    )
    result = import_responses(path, mini)
    assert result.sheet == "Kesiapan Mini - Mini Readiness"
    assert answers_of(result) == [[5, 4, 4, 5, 3, 2, 1, 2, 3], [NA, 4, 4, 4, 4, 4, 4, 4, NA]]
    assert cells(result.problems) == [
        (4, "E", "2.5", "out_of_range"),
        (4, "M", "9", "out_of_range"),
    ]
    assert result.respondents["name"].tolist() == ["Joko", "Kartika"]


def test_xlsx_with_a_mapping_that_names_the_sheet(tmp_path, mini):
    path = write_xlsx(
        tmp_path / "gsheet.xlsx",
        {
            "Ringkasan": [["Jumlah", 1]],
            "Jawaban Formulir 1": [["Nama", "Soal satu"], ["Lia", "Setuju sekali"]],
        },
    )
    mapping = write_csv(
        tmp_path / "map.yaml",
        ("sheet: jawaban formulir 1\nitems:\n  sel_1: Soal satu\nvalues:\n  Setuju sekali: 5\n"),
    )
    result = import_responses(path, mini, mapping)
    assert result.sheet == "Jawaban Formulir 1"
    assert result.answers.loc[0, "sel_1"] == 5
    assert result.respondents.loc[0, "name"] == "Lia"


# -- mapping files -------------------------------------------------------------------------------


def test_mapping_problems_with_columns_are_reported_not_raised(tmp_path, mini):
    text = "Nama,Soal A satu,Soal A dua,Soal B\nAni,4,5,3\n"
    mapping = write_csv(
        tmp_path / "map.yaml",
        (
            "items:\n"
            "  sel_1: {prefix: Soal A}\n"  # matches two columns: the first is used
            "  sel_2: Soal C\n"  # matches none
            "  sel_3: {regex: '^soal b$'}\n"
            "respondent:\n"
            "  role: Jabatan\n"  # matches none
        ),
    )
    result = import_responses(write_csv(tmp_path / "a.csv", text), mini, mapping)
    assert answers_of(result)[0][:3] == [4, NA, 3]
    found = [(p.row, p.column, p.value, p.key.rsplit(".", 1)[1], p.item) for p in result.problems]
    assert (1, "C", "Soal A dua", "ambiguous_column", "sel_1") in found
    assert (1, "", "Jabatan", "no_respondent_column", "role") in found
    assert (1, "", "Soal C", "no_match", "sel_2") in found
    assert (1, "", "", "no_column", "sup_1") in found
    assert result.respondents.loc[0, "name"] == "Ani"  # not in the mapping: found by alias


def test_mapping_exact_headers_win_and_a_column_is_used_once(tmp_path, mini):
    text = "Nama,Soal A satu,Soal A dua\nAni,4,5\n"
    mapping = write_csv(
        tmp_path / "map.yaml",
        "items:\n"
        "  sel_1: {prefix: Soal A}\n"  # B and C start so, but C is sel_2's by its exact header
        "  sel_2: Soal A dua\n"
        "  sel_3: Soal A dua\n",  # C again: refused, sel_3 has no column
    )
    result = import_responses(write_csv(tmp_path / "a.csv", text), mini, mapping)
    assert answers_of(result)[0][:3] == [4, 5, NA]
    header_problems = [(p.row, p.column, p.key.rsplit(".", 1)[1], p.item) for p in result.problems]
    assert header_problems[0] == (1, "C", "column_twice", "sel_3")
    assert [p[2] for p in header_problems[1:]] == ["no_column"] * 6  # sup_1 .. pra_3
    assert "sel_3" in result.problems[0].message("en")


@pytest.mark.parametrize(
    ("content", "key"),
    [
        ("items:\n  sel_9: Soal\n", "error.survey.mapping_item"),
        ("items:\n  sel_1: {regex: '(unclosed'}\n", "error.survey.mapping_regex"),
        ("items:\n  sel_1: {prefix: a, regex: b}\n", "error.survey.mapping_column"),
        ("items:\n  sel_1: {contains: a}\n", "error.survey.mapping_column"),
        ("items:\n  sel_1: ''\n", "error.survey.mapping_column"),
        ("items: [sel_1]\n", "error.survey.mapping_section"),
        ("values:\n  Setuju: 6\n", "error.survey.mapping_value"),
        ("values:\n  Setuju: '4'\n", "error.survey.mapping_value"),
        ("values:\n  No: 1\n", "error.survey.mapping_label"),
        ("colums:\n  sel_1: Soal\n", "error.survey.mapping_key"),
        ("respondent:\n  email: Alamat email\n", "error.survey.mapping_key"),
        ("instrument: readiness\n", "error.survey.mapping_instrument"),
        ("items:\n  sel_1: [\n", "error.survey.mapping_yaml"),
        ("- sel_1\n", "error.survey.mapping_shape"),
    ],
)
def test_bad_mapping_files_are_refused_with_the_file_and_fix(tmp_path, mini, content, key):
    path = write_csv(tmp_path / "pemetaan.yaml", content)
    with pytest.raises(InputError) as raised:
        import_responses(KOBO, mini, path)
    assert raised.value.key == key
    assert raised.value.field == "survey_mapping"
    for lang in ("id", "en"):
        assert "pemetaan.yaml" in raised.value.message(lang)


def test_missing_mapping_file(tmp_path, mini):
    with pytest.raises(InputError) as raised:
        import_responses(KOBO, mini, tmp_path / "nowhere.yaml")
    assert raised.value.key == "error.survey.mapping_missing"


def test_mapping_example_documents_every_key_and_loads(mini):
    data = yaml.safe_load(EXAMPLE_MAP.read_text(encoding="utf-8"))
    assert set(data) == {"instrument", "items", "respondent", "values"}
    # The example is written for the shipped instrument; its items are sel_1..sel_3, which
    # the small test instrument has too.
    as_readiness = mini.model_copy(update={"id": "readiness"})
    mapping = load_mapping(EXAMPLE_MAP, as_readiness)
    assert {spec.kind for spec in mapping.items.values()} == {"header", "prefix", "regex"}
    assert mapping.values["sangat setuju"] == 5 and mapping.values["strongly disagree"] == 1
    assert set(mapping.respondent) == {"name", "institution", "role", "id"}


def test_mapping_example_loads_against_the_shipped_instrument():
    # Needs templates/instruments/readiness.yaml.
    readiness = load_instrument(instrument_path("readiness"))
    load_mapping(EXAMPLE_MAP, readiness)


# -- the catalogue -------------------------------------------------------------------------------


def test_every_message_key_of_the_import_and_xlsform_is_in_the_catalogue():
    package = Path(totkit.__file__).parent
    pattern = re.compile(r"""["']((?:error|field)\.[a-z_]+(?:\.[a-z_]+)*)["']""")
    used = set()
    for name in ("survey.py", "xlsform.py"):
        used |= set(pattern.findall((package / name).read_text(encoding="utf-8")))
    used |= {f"field.{name}" for name in ("name", "institution", "role")}
    assert {key for key in used if key.startswith("error.survey.")}, "the scan found no keys"
    assert sorted(used - set(catalogue())) == []
