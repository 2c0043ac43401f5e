"""The workbook: one planner's record for one TOT programme, in sections.

Each section is stored and versioned on its own (see ``totkit.store``); the
``Workbook`` assembles the latest revision of each. ``SCHEMA_VERSION`` changes
whenever a section's shape does, with a migration of stored data.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from totkit.errors import InputError

SCHEMA_VERSION = 1
SECTIONS: tuple[str, ...] = ("profile", "diagnostic", "gaps", "plan", "monitoring")

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=5000)]
Language = Literal["id", "en"]


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Profile(Part):
    name: Name
    role: ShortText = ""
    institution: ShortText = ""
    language: Language = "id"


class InstrumentRef(Part):
    """Which instrument the answers refer to: its id, version and content hash."""

    id: ShortText
    version: ShortText = ""
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]

    @classmethod
    def of(cls, instrument_id: str, version: str, content: bytes) -> InstrumentRef:
        return cls(id=instrument_id, version=version, sha256=hashlib.sha256(content).hexdigest())


class Diagnostic(Part):
    instrument: InstrumentRef | None = None
    answers: dict[str, Annotated[int, Field(ge=1, le=5)]] = {}
    reflection: LongText = ""


class GapEntry(Part):
    factor: ShortText
    assumed: Annotated[int, Field(ge=1, le=5)]
    reality: Annotated[int, Field(ge=1, le=5)]
    importance: Annotated[int, Field(ge=1, le=3)] = 2
    adaptation: LongText = ""


class Gaps(Part):
    instrument: InstrumentRef | None = None
    entries: list[GapEntry] = []


class Plan(Part):
    """The follow-up plan (RTL); its lists get their full shape with the plan app."""

    sessions: list[dict[str, Any]] = []
    commitments: list[dict[str, Any]] = []
    mentoring: list[dict[str, Any]] = []
    indicators: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = []


class Monitoring(Part):
    sessions_held: list[dict[str, Any]] = []
    measurements: list[dict[str, Any]] = []
    obstacles: list[dict[str, Any]] = []
    reflection: LongText = ""


SECTION_MODELS: dict[str, type[Part]] = {
    "profile": Profile,
    "diagnostic": Diagnostic,
    "gaps": Gaps,
    "plan": Plan,
    "monitoring": Monitoring,
}


class Workbook(Part):
    schema_version: Literal[1] = SCHEMA_VERSION
    id: str
    workshop: str
    created_at: datetime
    profile: Profile
    diagnostic: Diagnostic = Diagnostic()
    gaps: Gaps = Gaps()
    plan: Plan = Plan()
    monitoring: Monitoring = Monitoring()
    versions: dict[str, int] = Field(
        default={}, description="The stored revision each section was read from."
    )

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    @classmethod
    def from_json(cls, text: str | bytes) -> Workbook:
        return parse(cls, text)


def parse(model: type[Part], data: Any) -> Any:
    """Validate ``data`` (a dict, or JSON text) as ``model``; refuse it with an ``InputError``."""
    try:
        if isinstance(data, (str, bytes)):
            return model.model_validate_json(data)
        return model.model_validate(data)
    except ValidationError as exc:
        raise input_error(exc) from None


def parse_section(section: str, data: Any) -> Part:
    if section not in SECTION_MODELS:
        raise InputError("error.unknown_section", field="section", section=section)
    return parse(SECTION_MODELS[section], data)


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


def json_schema() -> dict[str, Any]:
    return Workbook.model_json_schema()


def progress(workbook: Workbook) -> dict[str, float]:
    """How far each section is filled in, from 0 to 1."""
    profile = workbook.profile
    plan = workbook.plan
    monitoring = workbook.monitoring
    return {
        "profile": _share([profile.name, profile.role, profile.institution]),
        "diagnostic": 1.0 if workbook.diagnostic.answers else 0.0,
        "gaps": 1.0 if workbook.gaps.entries else 0.0,
        "plan": _share([plan.sessions, plan.commitments, plan.mentoring, plan.indicators]),
        "monitoring": 1.0 if monitoring.sessions_held or monitoring.measurements else 0.0,
    }


def _share(parts: list[Any]) -> float:
    return sum(1 for part in parts if part) / len(parts)
