"""The building blocks of every stored part: strict pydantic models, text limits and the
conversion of validation errors into messages that name the field."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from totkit.errors import InputError

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=5000)]
Language = Literal["id", "en"]


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class InstrumentRef(Part):
    """Which instrument the answers refer to: its id, version and content hash."""

    id: ShortText
    version: ShortText = ""
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]

    @classmethod
    def of(cls, instrument_id: str, version: str, content: bytes) -> InstrumentRef:
        return cls(id=instrument_id, version=version, sha256=hashlib.sha256(content).hexdigest())


def parse(model: type[Part], data: Any) -> Any:
    """Validate ``data`` (a dict, or JSON text) as ``model``; refuse it with an ``InputError``."""
    try:
        if isinstance(data, (str, bytes)):
            return model.model_validate_json(data)
        return model.model_validate(data)
    except ValidationError as exc:
        raise input_error(exc) from None


_ERROR_KEYS = {
    "missing": "error.required",
    "string_too_short": "error.required",
    "string_too_long": "error.too_long",
    "greater_than_equal": "error.out_of_range",
    "less_than_equal": "error.out_of_range",
    "literal_error": "error.choice",
    "extra_forbidden": "error.unknown_field",
    "json_invalid": "error.json_invalid",
}


def input_error(exc: ValidationError) -> InputError:
    """The first problem pydantic found, as a message key naming the field."""
    first = exc.errors()[0]
    location = [str(part) for part in first["loc"] if not isinstance(part, int)]
    field = location[-1] if location else "data"
    context = first.get("ctx") or {}
    params = {
        "max": context.get("max_length", context.get("le", "")),
        "min": context.get("ge", ""),
        "choices": context.get("expected", ""),
        "path": ".".join(str(part) for part in first["loc"]),
    }
    return InputError(_ERROR_KEYS.get(first["type"], "error.invalid"), field=field, **params)
