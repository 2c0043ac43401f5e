"""The instrument as an XLSForm: its sheets, pyxform's verdict, and the round trip back.

The round trip builds a CSV shaped like KoboToolbox's export of the converted form (headers
from the XForm's own instance paths, answers as choice names or labels) and reads it with
``import_responses`` without a mapping file.
"""

from __future__ import annotations

import csv
import io
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from totkit.errors import InputError
from totkit.instrument import instrument_path, load_instrument
from totkit.survey import import_responses
from totkit.xlsform import form_id, write_xlsform

DATA = Path(__file__).parent / "data"
ID_LABEL = "label::Bahasa Indonesia (id)"
EN_LABEL = "label::English (en)"
XFORMS = "{http://www.w3.org/2002/xforms}"


@pytest.fixture(scope="module")
def mini():
    return load_instrument(DATA / "mini-instrument.yaml")


def sheet_rows(path: Path, name: str) -> list[dict[str, str]]:
    sheet = load_workbook(path)[name]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    return [
        {column: value for column, value in zip(header, row, strict=True) if value is not None}
        for row in rows[1:]
    ]


def convert(path: Path):
    """pyxform's conversion, with every warning it gives (its list and Python's)."""
    from pyxform.xls2xform import convert as pyxform_convert

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = pyxform_convert(str(path), validate=False, pretty_print=True)
    return result, [*result.warnings, *(str(w.message) for w in caught)]


# -- the sheets -----------------------------------------------------------------------------------


def test_survey_sheet(tmp_path, mini):
    path = write_xlsform(mini, tmp_path / "form.xlsx")
    assert load_workbook(path).sheetnames == ["survey", "choices", "settings"]
    rows = sheet_rows(path, "survey")
    assert rows[:3] == [
        {"type": "text", "name": "name", ID_LABEL: "Nama", EN_LABEL: "Name", "required": "false"},
        {
            "type": "text",
            "name": "institution",
            ID_LABEL: "Instansi",
            EN_LABEL: "Institution",
            "required": "false",
        },
        {
            "type": "text",
            "name": "role",
            ID_LABEL: "Peran atau jabatan",
            EN_LABEL: "Role or position",
            "required": "false",
        },
    ]
    assert [(row["type"], row["name"]) for row in rows[3:]] == [
        ("begin_group", "dim_selection"),
        *[("select_one agree5", item) for item in ("sel_1", "sel_2", "sel_3")],
        ("end_group", "dim_selection"),
        ("begin_group", "dim_support"),
        *[("select_one agree5", item) for item in ("sup_1", "sup_2", "sup_3")],
        ("end_group", "dim_support"),
        ("begin_group", "dim_practice"),
        *[("select_one agree5", item) for item in ("pra_1", "pra_2", "pra_3")],
        ("end_group", "dim_practice"),
    ]
    group = rows[3]
    assert (group[ID_LABEL], group[EN_LABEL]) == ("Seleksi peserta", "Participant selection")
    question = rows[4]
    assert question[ID_LABEL] == mini.items["sel_1"].text.id
    assert question[EN_LABEL] == mini.items["sel_1"].text.en
    assert question["required"] == "false"
    for row in rows:
        if row["type"].startswith("select_one"):
            assert row[ID_LABEL] and row[EN_LABEL] and row["required"] == "false"


def test_choices_and_settings_sheets(tmp_path, mini):
    path = write_xlsform(mini, tmp_path / "form.xlsx")
    assert sheet_rows(path, "choices") == [
        {
            "list_name": "agree5",
            "name": str(scale.value),
            ID_LABEL: scale.label.id,
            EN_LABEL: scale.label.en,
        }
        for scale in mini.scale
    ]
    assert sheet_rows(path, "settings") == [
        {
            "form_title": "Kesiapan Mini / Mini Readiness",
            "form_id": "mini_0.1",
            "version": "0.1",
            "default_language": "Bahasa Indonesia (id)",
        }
    ]


def test_form_id_is_xml_safe(mini):
    assert form_id(mini.model_copy(update={"version": "2025 rev 2"})) == "mini_2025_rev_2"


def test_unwritable_path_is_refused(tmp_path, mini):
    with pytest.raises(InputError) as raised:
        write_xlsform(mini, tmp_path / "no" / "such" / "form.xlsx")
    assert raised.value.key == "error.xlsform.write"
    assert "form.xlsx" in raised.value.message("en")


# -- pyxform --------------------------------------------------------------------------------------


def test_pyxform_converts_it_without_warnings(tmp_path, mini):
    result, found = convert(write_xlsform(mini, tmp_path / "form.xlsx"))
    assert found == []
    xform = ET.fromstring(result.xform)
    languages = [t.get("lang") for t in xform.iter(f"{XFORMS}translation")]
    assert languages == ["Bahasa Indonesia (id)", "English (en)"]
    default = next(xform.iter(f"{XFORMS}translation"))
    assert default.get("default") == "true()"
    assert "Kesiapan Mini / Mini Readiness" in result.xform


def test_the_warning_collector_does_see_warnings(tmp_path, mini):
    # A language column without a machine-readable code makes pyxform warn: the check above
    # would notice a form that did.
    path = write_xlsform(mini, tmp_path / "form.xlsx")
    workbook = load_workbook(path)
    for name in ("survey", "choices"):
        for cell in workbook[name][1]:
            if cell.value == EN_LABEL:
                cell.value = "label::English"
    workbook.save(path)
    _, found = convert(path)
    assert any("English" in warning for warning in found), found


def test_shipped_instrument_converts_without_warnings(tmp_path):
    # Needs templates/instruments/readiness.yaml.
    readiness = load_instrument(instrument_path("readiness"))
    path = write_xlsform(readiness, tmp_path / "readiness.xlsx")
    _, found = convert(path)
    assert found == []
    questions = [row for row in sheet_rows(path, "survey") if row["type"] == "select_one agree5"]
    assert [row["name"] for row in questions] == list(readiness.items)


# -- the round trip: a KoboToolbox export of the form, read back ---------------------------------


def instance_paths(xform: str) -> list[str]:
    """The questions' paths below the instance root, as KoboToolbox heads its CSV columns."""
    root = ET.fromstring(xform)
    instance = next(root.iter(f"{XFORMS}instance"))
    data = next(iter(instance))
    paths = []

    def walk(node, prefix):
        for child in node:
            name = child.tag.removeprefix(XFORMS)
            if name == "meta":
                continue
            if len(child):
                walk(child, f"{prefix}{name}/")
            else:
                paths.append(f"{prefix}{name}")

    walk(data, "")
    return paths


def kobo_csv(path: Path, headers: list[str], rows: list[list[str]]) -> Path:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(["start", "end", *headers, "_id", "_uuid", "_submission_time", "_index"])
    for number, row in enumerate(rows, start=1):
        writer.writerow(
            [
                "2025-03-12T09:00:00.000+07:00",
                "2025-03-12T09:10:00.000+07:00",
                *row,
                str(100 + number),
                f"uuid-{number}",
                "2025-03-12T02:10:00",
                str(number),
            ]
        )
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_a_kobo_export_of_the_form_is_read_without_mapping_or_problems(tmp_path, mini):
    result, _ = convert(write_xlsform(mini, tmp_path / "form.xlsx"))
    headers = instance_paths(result.xform)
    assert headers[:4] == ["name", "institution", "role", "dim_selection/sel_1"]
    items = list(mini.items)
    labels = {scale.value: scale.label for scale in mini.scale}
    answers = [
        [5, 4, 3, 2, 1, 2, 3, 4, 5],
        [4, 4, 4, 4, None, 4, 4, 4, 4],
        [1, 2, 3, 4, 5, 5, 4, 3, 2],
    ]
    as_names = [str(v) if v else "" for v in answers[0]]  # the "XML values" export
    as_id = [labels[v].id if v else "" for v in answers[1]]  # the labels export, Indonesian
    as_en = [labels[v].en if v else "" for v in answers[2]]  # the labels export, English
    people = [
        ["Ani", "SDN 1", "Guru"],
        ["Budi", "SMPN 2", "Kepala sekolah"],
        ["Citra", "SDN 3", "Pengawas"],
    ]
    assert headers[3:] == [f"dim_{mini.dimension_of[item]}/{item}" for item in items]
    path = kobo_csv(
        tmp_path / "kobo.csv",
        headers,
        [person + values for person, values in zip(people, [as_names, as_id, as_en], strict=True)],
    )

    imported = import_responses(path, mini)
    assert imported.problems == []
    assert [
        [None if pd.isna(v) else int(v) for v in row]
        for row in imported.answers.itertuples(index=False)
    ] == answers
    assert imported.respondents[["name", "institution", "role", "id"]].values.tolist() == [
        ["Ani", "SDN 1", "Guru", "uuid-1"],
        ["Budi", "SMPN 2", "Kepala sekolah", "uuid-2"],
        ["Citra", "SDN 3", "Pengawas", "uuid-3"],
    ]


def test_a_kobo_xlsx_export_of_the_form_is_read_from_its_sheet(tmp_path, mini):
    from openpyxl import Workbook

    result, _ = convert(write_xlsform(mini, tmp_path / "form.xlsx"))
    headers = instance_paths(result.xform)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Kesiapan Mini - Mini Readiness"
    sheet.append(headers)
    sheet.append(["Ani", "SDN 1", "Guru", *range(1, 6), 5, 4, 3, 2])
    workbook.create_sheet("repeat_group")  # KoboToolbox adds a sheet per repeat
    workbook.save(tmp_path / "kobo.xlsx")
    imported = import_responses(tmp_path / "kobo.xlsx", mini)
    assert imported.problems == []
    assert imported.answers.iloc[0].tolist() == [1, 2, 3, 4, 5, 5, 4, 3, 2]
