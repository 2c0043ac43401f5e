"""The workbook: one planner's record for one TOT programme, in sections.

Each section is stored and versioned on its own (see ``totkit.store``); the
``Workbook`` assembles the latest revision of each. ``SCHEMA_VERSION`` changes
whenever a section's shape does, with a migration of stored data.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from totkit.errors import InputError
from totkit.parts import (
    InstrumentRef,
    Language,
    LongText,
    Name,
    Part,
    RefusingPart,
    ShortText,
    input_error,
    parse,
)

SCHEMA_VERSION = 1
SECTIONS: tuple[str, ...] = ("profile", "diagnostic", "gaps", "plan", "monitoring")
__all__ = [
    "SCHEMA_VERSION",
    "SECTIONS",
    "InstrumentRef",
    "Part",
    "Workbook",
    "input_error",
    "parse",
    "parse_section",
    "progress",
]


class Profile(Part):
    name: Name
    role: ShortText = ""
    institution: ShortText = ""
    language: Language = "id"
    consented_at: datetime | None = Field(
        default=None, description="When the planner agreed to the notice on what is stored."
    )


_ITEM_ID = re.compile(r"[a-z][a-z0-9_]{0,39}")  # an instrument's item ids (Identifier)


class Diagnostic(RefusingPart):  # the readiness app builds one: it refuses as parse does
    instrument: InstrumentRef | None = None
    answers: dict[str, Annotated[int, Field(ge=1, le=5)]] = {}
    reflection: LongText = ""

    @field_validator("answers", mode="before")
    @classmethod
    def _answers_keyed_by_item_ids(cls, value: Any) -> Any:
        """An answer's key is an item id: markup, paths or a 100k text are refused."""
        if isinstance(value, dict) and not all(
            isinstance(key, str) and _ITEM_ID.fullmatch(key) for key in value
        ):
            raise InputError("error.diagnostic_answers", field="answers")
        return value


# The context-gap section (GapEntry, Gaps) and its rules live in totkit.gaps.
from totkit.gaps import GapEntry as GapEntry  # noqa: E402
from totkit.gaps import Gaps  # noqa: E402
from totkit.gaps import completion as gaps_completion  # noqa: E402

# The monitoring log (sessions and mentoring held, measurements, obstacles, reflection) and
# its rules (status, reach against the projection) live in totkit.monitoring.
from totkit.monitoring import Monitoring  # noqa: E402

# The follow-up plan (RTL): header, sessions, commitments, mentoring, indicators, actions.
from totkit.plan import Plan  # noqa: E402

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


def parse_section(section: str, data: Any) -> Part:
    if section not in SECTION_MODELS:
        raise InputError("error.unknown_section", field="section", section=section)
    return parse(SECTION_MODELS[section], data)


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
        "gaps": gaps_completion(workbook.gaps),
        "plan": _share([plan.sessions, plan.commitments, plan.mentoring, plan.indicators]),
        "monitoring": 1.0 if monitoring.sessions_held or monitoring.measurements else 0.0,
    }


def _share(parts: list[Any]) -> float:
    return sum(1 for part in parts if part) / len(parts)
