"""The catalogue: both languages complete, placeholders matching, every key used exists."""

from __future__ import annotations

import re
import string
from datetime import date
from pathlib import Path

import pytest

import totkit
from totkit.i18n import LANGUAGES, catalogue, format_date, format_number, normalize_language, t

PACKAGE = Path(totkit.__file__).parent
FILE_SUFFIXES = (".py", ".yaml", ".json", ".ipynb", ".db", ".md")


def key_literals(text: str) -> set[str]:
    """Quoted strings that look like catalogue keys: a known prefix, then dotted words."""
    prefixes = "|".join(sorted({key.split(".")[0] for key in catalogue()}))
    pattern = re.compile(rf"""["']((?:{prefixes})(?:\.[a-z_]+)+)["']""")
    return {key for key in pattern.findall(text) if not key.endswith(FILE_SUFFIXES)}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_every_key_and_no_empty_value():
    for key, entry in catalogue().items():
        assert set(entry) == set(LANGUAGES), f"{key} lacks a language: {sorted(entry)}"
        for lang, text in entry.items():
            assert isinstance(text, str) and text.strip(), f"{key} is empty in {lang}"


def test_placeholders_agree_between_languages():
    for key, entry in catalogue().items():
        assert placeholders(entry["id"]) == placeholders(entry["en"]), key


def test_every_key_the_code_uses_is_in_the_catalogue():
    used = {
        match
        for path in PACKAGE.rglob("*.py")
        for match in key_literals(path.read_text(encoding="utf-8"))
    }
    assert used, "the scan found no keys at all"
    assert sorted(used - set(catalogue())) == []


def test_every_error_message_names_its_field():
    for key, entry in catalogue().items():
        if key.startswith("error.") and "{field}" in entry["en"]:
            assert "{field}" in entry["id"], key


@pytest.mark.parametrize(
    ("given", "expected"),
    [("en", "en"), ("EN", "en"), ("en-GB", "en"), ("id_ID", "id"), ("fr", "id"), (None, "id")],
)
def test_language_codes_are_normalised(given, expected):
    assert normalize_language(given) == expected


def test_messages_switch_language():
    assert t("start.join", "id") != t("start.join", "en")
    assert t("start.welcome", "en", name="Ani") == "Welcome, Ani"


def test_dates_and_numbers_follow_the_locale():
    day = date(2026, 8, 17)
    assert format_date(day, "id") == "17 Agustus 2026"
    assert format_date(day, "en") == "August 17, 2026"
    assert format_number(1234.5, "id") == "1.234,5"
    assert format_number(1234.5, "en") == "1,234.5"


def test_no_key_is_written_twice():
    """YAML keeps the last of two equal keys silently; the catalogue must not rely on it."""
    from totkit.i18n import CATALOGUE_FILE
    from totkit.yamlfile import load_yaml_with_lines

    data, _lines = load_yaml_with_lines(CATALOGUE_FILE.read_bytes(), str(CATALOGUE_FILE))
    assert len(data) == len(catalogue())


def test_the_pure_python_yaml_loader_reads_the_catalogue_too():
    """libyaml accepts some unquoted text (a '?' inside {...}) that PyYAML's own parser
    refuses; an install without libyaml must read the same catalogue."""
    import yaml

    from totkit.i18n import CATALOGUE_FILE

    with open(CATALOGUE_FILE, encoding="utf-8") as handle:
        assert yaml.load(handle, Loader=yaml.SafeLoader) == catalogue()
