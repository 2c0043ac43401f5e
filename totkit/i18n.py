"""The message catalogue (Bahasa Indonesia and English) and locale formatting.

Every user-facing string lives in ``totkit/data/messages.yaml`` as
``key: {id: ..., en: ...}``. Babel formats dates and numbers, imported on first use.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from functools import cache
from typing import Any

from totkit.paths import PACKAGE_DATA

LANGUAGES: tuple[str, ...] = ("id", "en")
DEFAULT_LANGUAGE = "id"
CATALOGUE_FILE = PACKAGE_DATA / "messages.yaml"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(CATALOGUE_FILE, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)


def normalize_language(value: str | None) -> str:
    """``'en'``, ``'EN'``, ``'en-GB'`` -> ``'en'``; anything unknown -> the default."""
    code = (value or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def cli_language() -> str:
    return normalize_language(os.environ.get("TOTKIT_LANG"))


def t(key: str, lang: str | None = None, /, **params: Any) -> str:
    """The message ``key`` in ``lang``, with ``{name}`` placeholders filled from ``params``."""
    entry = catalogue().get(key)
    if entry is None:
        raise KeyError(f"message key {key!r} is not in {CATALOGUE_FILE.name}")
    text = entry[normalize_language(lang)]
    return text.format(**params) if params else text


def field_label(field: str, lang: str | None = None) -> str:
    key = f"field.{field}"
    return t(key, lang) if key in catalogue() else field


def format_date(value: date, lang: str | None = None, style: str = "long") -> str:
    from babel.dates import format_date as babel_format_date

    return babel_format_date(value, format=style, locale=normalize_language(lang))


def format_datetime(value: datetime, lang: str | None = None, style: str = "medium") -> str:
    from babel.dates import format_datetime as babel_format_datetime

    return babel_format_datetime(value, format=style, locale=normalize_language(lang))


def format_time(value: datetime, lang: str | None = None, style: str = "medium") -> str:
    from babel.dates import format_time as babel_format_time

    return babel_format_time(value, format=style, locale=normalize_language(lang))


def format_number(value: float, lang: str | None = None) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=normalize_language(lang))


def format_percent(value: float, lang: str | None = None) -> str:
    from babel.numbers import format_percent as babel_format_percent

    return babel_format_percent(value, locale=normalize_language(lang))
