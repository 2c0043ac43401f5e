"""An instrument as an XLSForm, for offline collection in KoboToolbox or ODK Collect.

``write_xlsform(instrument, path)`` writes three sheets: ``survey`` (the respondent's name,
institution and role, then one group per dimension with a ``select_one agree5`` question per
item, named by the item id), ``choices`` (the list ``agree5``: names 1..5 and the scale's
labels) and ``settings``. Every label is given in Bahasa Indonesia and English. An export of
the collected answers (CSV or XLSX, with group paths in the headers and choice names or
labels as values) is read back by ``totkit.survey.import_responses`` without a mapping file.
"""

from __future__ import annotations

import re
from pathlib import Path

from totkit.errors import InputError
from totkit.i18n import t
from totkit.instrument import Instrument

LANGUAGE_COLUMNS = {"id": "Bahasa Indonesia (id)", "en": "English (en)"}
DEFAULT_LANGUAGE = LANGUAGE_COLUMNS["id"]
CHOICE_LIST = "agree5"
RESPONDENT_FIELDS = ("name", "institution", "role")
GROUP_PREFIX = "dim_"

LABELS = [f"label::{column}" for column in LANGUAGE_COLUMNS.values()]
SURVEY_COLUMNS = ["type", "name", *LABELS, "required", "appearance"]
CHOICES_COLUMNS = ["list_name", "name", *LABELS]
SETTINGS_COLUMNS = ["form_title", "form_id", "version", "default_language"]


def form_id(instrument: Instrument) -> str:
    """``readiness`` version ``1.0`` -> ``readiness_1.0``: an XML-safe id for the form."""
    version = re.sub(r"[^A-Za-z0-9._-]+", "_", instrument.version.strip()).strip("_")
    return f"{instrument.id}_{version}" if version else instrument.id


def form_title(instrument: Instrument) -> str:
    """The form's title in both languages: ``Kesiapan TOT / TOT Readiness``."""
    if instrument.title.id == instrument.title.en:
        return instrument.title.id
    return f"{instrument.title.id} / {instrument.title.en}"


def group_name(dimension_id: str) -> str:
    """The group of a dimension's questions: its id, prefixed (``dim_selection``)."""
    return f"{GROUP_PREFIX}{dimension_id}"


def _labels(texts: dict[str, str]) -> dict[str, str]:
    return {f"label::{column}": texts[lang] for lang, column in LANGUAGE_COLUMNS.items()}


def _catalogue_labels(key: str) -> dict[str, str]:
    return _labels({lang: t(key, lang) for lang in LANGUAGE_COLUMNS})


def xlsform_sheets(instrument: Instrument) -> dict[str, list[dict[str, str]]]:
    """The XLSForm's rows per sheet, each row a dict column -> cell text."""
    survey: list[dict[str, str]] = []
    for name in RESPONDENT_FIELDS:
        survey.append(
            {
                "type": "text",
                "name": name,
                **_catalogue_labels(f"field.{name}"),
                "required": "false",
            }
        )
    for dimension in instrument.dimensions:
        group = group_name(dimension.id)
        survey.append(
            {
                "type": "begin_group",
                "name": group,
                **_labels({"id": dimension.name.id, "en": dimension.name.en}),
            }
        )
        for item in dimension.items:
            survey.append(
                {
                    "type": f"select_one {CHOICE_LIST}",
                    "name": item.id,
                    **_labels({"id": item.text.id, "en": item.text.en}),
                    "required": "false",
                    "appearance": "likert",
                }
            )
        survey.append({"type": "end_group", "name": group})
    choices = [
        {
            "list_name": CHOICE_LIST,
            "name": str(scale.value),
            **_labels({"id": scale.label.id, "en": scale.label.en}),
        }
        for scale in instrument.scale
    ]
    settings = [
        {
            "form_title": form_title(instrument),
            "form_id": form_id(instrument),
            "version": instrument.version,
            "default_language": DEFAULT_LANGUAGE,
        }
    ]
    return {"survey": survey, "choices": choices, "settings": settings}


def write_xlsform(instrument: Instrument, path: Path | str) -> Path:
    """Write ``instrument`` as an XLSForm workbook at ``path`` (``.xlsx``) and return the path."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    path = Path(path)
    columns = {"survey": SURVEY_COLUMNS, "choices": CHOICES_COLUMNS, "settings": SETTINGS_COLUMNS}
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet, rows in xlsform_sheets(instrument).items():
        worksheet = workbook.create_sheet(sheet)
        worksheet.append(columns[sheet])
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            worksheet.append([row.get(column, "") or None for column in columns[sheet]])
            for cell in worksheet[worksheet.max_row]:  # a text is text, even "=..." (no formula)
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        worksheet.freeze_panes = "A2"
        for letter, width in zip("ABCDEF", (22, 18, 60, 60, 10, 12), strict=False):
            worksheet.column_dimensions[letter].width = width
    try:
        workbook.save(path)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        raise InputError(
            "error.xlsform.write",
            field="xlsform_file",
            file=str(path),
            problem=getattr(exc, "strerror", None) or str(exc),
        ) from None
    return path
