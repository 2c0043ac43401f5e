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


def locate(error: InputError, data: Any, single: tuple[str, type[BaseModel]],
           lists: dict[str, tuple[type[BaseModel], Any]]) -> None:
    """Prefix ``error``'s path with the part it came from (``sessions.3.title``, or the
    single part's name) and set ``entry`` (from 1) for a list entry, by checking the parts
    of ``data`` one by one against their models (a plan's or a monitoring log's)."""
    if not isinstance(data, dict):
        return
    name, model = single
    parts: list[tuple[str, Any, type[BaseModel]]] = [(name, data.get(name), model)]
    for list_name, (entry_model, _prefix) in lists.items():
        value = data.get(list_name)
        if isinstance(value, (list, tuple)):
            parts += [(f"{list_name}.{index}", item, entry_model)
                      for index, item in enumerate(value)]
    for where, item, part_model in parts:
        if item is None:
            continue
        try:
            part_model.model_validate(item)
        except InputError as inner:
            if (inner.key, inner.field) == (error.key, error.field):
                error.params["path"] = f"{where}.{inner.params.get('path', '')}".rstrip(".")
                if where != name:
                    error.params["entry"] = int(where.split(".")[1]) + 1
                return


def entry_data(model: type[BaseModel], data: Any) -> dict[str, Any]:
    """One list entry as JSON data, validated as ``model``."""
    if isinstance(data, model):
        return data.model_dump(mode="json")
    return parse(model, data).model_dump(mode="json")
