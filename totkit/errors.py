"""Errors that carry a message key into the catalogue and the field they concern.

The apps show ``error.message(lang)``; the CLI prints it in ``TOTKIT_LANG``.
"""

from __future__ import annotations

from typing import Any

from totkit.i18n import cli_language, field_label, t


class TotkitError(Exception):
    """Base class: ``key`` names the message, ``field`` the input it concerns."""

    default_key = "error.unexpected"

    def __init__(self, key: str | None = None, field: str | None = None, **params: Any):
        self.key = key or self.default_key
        self.field = field
        self.params = params
        super().__init__(self.key)

    def message(self, lang: str | None = None) -> str:
        params = dict(self.params)
        if self.field is not None:
            params.setdefault("field", field_label(self.field, lang))
        return t(self.key, lang, **params)

    def __str__(self) -> str:
        return self.message(cli_language())


class InputError(TotkitError):
    """A value typed by the user cannot be accepted; nothing was saved."""

    default_key = "error.invalid"


class AccessDenied(TotkitError):
    """A code, key or session token does not open what was asked for."""

    default_key = "error.access_denied"


class ConflictError(TotkitError):
    """A save was based on a revision that is no longer the latest one.

    ``data`` holds the text the user tried to save, so the app can offer it back.
    """

    default_key = "error.conflict"

    def __init__(self, section: str, based_on: int, current: int, data: Any = None):
        super().__init__(field=section, section=section, based_on=based_on, current=current)
        self.section = section
        self.based_on = based_on
        self.current = current
        self.data = data


class StoreError(TotkitError):
    """The store cannot be reached or written; what was saved before is untouched."""

    default_key = "error.store"
