"""The follow-up plan (rencana tindak lanjut, RTL): its header and its five lists.

Pure pydantic models (base ``Part``, extra fields forbidden), no widgets, no store.

The rules
---------
* **Day 0 is the TOT's last day.** The TOT's dates and time zone belong to the workshop; the
  plan's header may override them (``None`` = use the workshop's), see ``tot_days``.
  ``day_number(d, tot_end)`` counts whole days from day 0; every window of the plan check
  (``totkit.plancheck``) includes both ends.
* Each list holds at most ``MAX_ENTRIES`` (200) entries and each text at most ``MAX_TEXT``
  (2,000) characters; past either, the input is refused with a message that says the limit.
* Entry ids are unique within their list; an entry given without an id gets the next free one
  (``new_id``: ``s1``, ``s2``, ... for sessions). A session's ``indicators`` must name
  indicators of the plan; ``Plan.remove`` drops such links along with the indicator.
* Free text is stored verbatim: HTML or text that looks like a spreadsheet formula is data.
  Escaping belongs to whatever displays or exports it. Invisible control characters (other
  than tab and line breaks) are refused, since no export can carry them.
* Every refusal is an ``InputError`` whose ``field`` is ``plan_<name>`` (labelled in the
  catalogue as ``field.plan_<name>``), and whose ``path`` says where it is.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationError, field_validator, model_validator

from totkit.errors import InputError
from totkit.parts import EntryLists, RefusingPart, input_error, parse
from totkit.parts import new_id as new_id

MAX_ENTRIES = 200
MAX_TEXT = 2000
MAX_PARTICIPANTS = 100_000
MAX_SESSION_HOURS = 24
MAX_PROTECTED_HOURS = 200  # a month holds about 170 working hours
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)

_NO_CONTROL = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"

# One line (stripped) and a paragraph (kept as typed), both at most 2,000 characters.
Line = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=MAX_TEXT, pattern=_NO_CONTROL)
]
Paragraph = Annotated[str, StringConstraints(max_length=MAX_TEXT, pattern=_NO_CONTROL)]
Title = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=MAX_TEXT, pattern=_NO_CONTROL
    ),
]
EntryId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_-]{0,40}$")]
Ref = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_.-]{1,60}$")]
Nip = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9 ]{0,30}$")]
Month = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
Day = Annotated[date, Field(ge=EARLIEST, le=LATEST)]

TimeZone = Literal["WIB", "WITA", "WIT"]
CommitmentKind = Literal["assignment_letter", "protected_time", "facility", "budget", "other"]
CommitmentStatus = Literal["to_request", "requested", "agreed", "received"]
MentoringMode = Literal["school_visit", "online", "peer_community"]
Level = Literal["participation", "reaction", "learning", "application", "results"]

COMMITMENT_KINDS: tuple[str, ...] = CommitmentKind.__args__
COMMITMENT_STATUSES: tuple[str, ...] = CommitmentStatus.__args__
MENTORING_MODES: tuple[str, ...] = MentoringMode.__args__
LEVELS: tuple[str, ...] = Level.__args__
TIMEZONES: tuple[str, ...] = TimeZone.__args__


# -- errors named for the plan -----------------------------------------------------------------

_DATE_FIELDS = {"date", "due", "tot_start", "tot_end", "measurement_dates"}
_WHOLE_NUMBERS = {"participants": (0, MAX_PARTICIPANTS)}
_HOURS = {"hours": MAX_SESSION_HOURS, "hours_per_month": MAX_PROTECTED_HOURS}
_PATTERN_KEYS = {
    "nip": "error.plan_nip",
    "superior_nip": "error.plan_nip",
    "months": "error.plan_month",
    "id": "error.plan_reference",
    "indicators": "error.plan_reference",
    "gaps": "error.plan_reference",
    "dimensions": "error.plan_reference",
}
_NUMBER_ERRORS = {
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
    "int_parsing",
    "int_from_float",
    "int_type",
    "float_parsing",
    "float_type",
    "finite_number",
}


def plan_error(exc: ValidationError) -> InputError:
    """The first problem in a plan part, with ``field`` = ``plan_<name>`` and a key that says
    the fix for plan fields (dates, hours, months, NIP, full lists)."""
    error = input_error(exc)
    first = exc.errors()[0]
    names = [str(part) for part in first["loc"] if not isinstance(part, int)]
    name = names[-1] if names else "plan"
    kind = first["type"]
    key, params = error.key, dict(error.params)
    if kind == "too_long":  # a list (strings have string_too_long)
        key = "error.plan_list_full"
        params["max"] = (first.get("ctx") or {}).get("max_length", MAX_ENTRIES)
    elif name in _DATE_FIELDS and kind.startswith(("date", "greater", "less")):
        in_range = kind.startswith(("greater", "less"))
        key = "error.plan_date_range" if in_range else "error.plan_date"
        params.update(min=EARLIEST.isoformat(), max=LATEST.isoformat())
    elif name in _WHOLE_NUMBERS and kind in _NUMBER_ERRORS:
        key = "error.plan_whole_number"
        params["min"], params["max"] = _WHOLE_NUMBERS[name]
    elif name in _HOURS and kind in _NUMBER_ERRORS:
        key = "error.plan_hours"
        params["max"] = _HOURS[name]
    elif kind == "string_pattern_mismatch":
        key = _PATTERN_KEYS.get(name, "error.plan_control_character")
    # A field the plan does not have keeps its own name: there is no label for it.
    field = name if kind == "extra_forbidden" else f"plan_{name}"
    return InputError(key, field=field, **params)


class PlanPart(RefusingPart):
    """A part of the plan: validation errors come out as ``plan_error``."""

    _refusal = staticmethod(plan_error)


# -- the header --------------------------------------------------------------------------------


class PlanHeader(PlanPart):
    """Who signs the RTL, and the TOT's dates when they differ from the workshop's."""

    name: Line = ""
    nip: Nip = ""
    position: Line = ""
    work_unit: Line = ""
    superior_name: Line = Field(default="", description="Who signs under 'Mengetahui'.")
    superior_position: Line = ""
    superior_nip: Nip = ""
    tot_start: Day | None = Field(default=None, description="None: the workshop's.")
    tot_end: Day | None = Field(default=None, description="None: the workshop's. Day 0.")
    timezone: TimeZone | None = Field(default=None, description="None: the workshop's.")

    @model_validator(mode="after")
    def _end_not_before_start(self) -> PlanHeader:
        if self.tot_start and self.tot_end and self.tot_end < self.tot_start:
            raise InputError("error.dates_order", field="plan_tot_end")
        return self


# -- the five lists ----------------------------------------------------------------------------


class CascadeSession(PlanPart):
    """A cascade session (kegiatan pengimbasan) the planner will run."""

    id: EntryId = ""
    title: Title
    objective: Paragraph = ""
    audience: Line = ""
    participants: Annotated[int, Field(ge=0, le=MAX_PARTICIPANTS)] = 0
    date: Day | None = None
    hours: Annotated[float, Field(gt=0, le=MAX_SESSION_HOURS)] | None = None
    venue: Line = ""
    resources: Paragraph = ""
    indicators: Annotated[list[Ref], Field(max_length=MAX_ENTRIES)] = []
    notes: Paragraph = ""
    owner: Line = ""

    @field_validator("indicators")
    @classmethod
    def _unique_links(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


class Commitment(PlanPart):
    """A commitment asked of a leader; protected time says its hours and months."""

    id: EntryId = ""
    kind: CommitmentKind
    from_whom: Line = ""
    status: CommitmentStatus = "to_request"
    hours_per_month: Annotated[float, Field(gt=0, le=MAX_PROTECTED_HOURS)] | None = None
    months: Annotated[list[Month], Field(max_length=60)] = Field(
        default=[], description="The calendar months (YYYY-MM) the protected time covers."
    )
    notes: Paragraph = ""

    @field_validator("months")
    @classmethod
    def _months_in_order(cls, value: list[str]) -> list[str]:
        return sorted(set(value))


class Mentoring(PlanPart):
    """A mentoring touchpoint after the TOT."""

    id: EntryId = ""
    date: Day | None = None
    mentor: Line = ""
    mode: MentoringMode = "school_visit"
    focus: Paragraph = ""


class Indicator(PlanPart):
    """What will show the change, at a level of Kirkpatrick's model and LTEM."""

    id: EntryId = ""
    statement: Title
    level: Level
    baseline: Line = ""
    target: Line = ""
    source: Line = ""
    measurement_dates: Annotated[list[Day], Field(max_length=60)] = []
    owner: Line = ""

    @field_validator("measurement_dates")
    @classmethod
    def _dates_in_order(cls, value: list[date]) -> list[date]:
        return sorted(set(value))


class Action(PlanPart):
    """A step, tied to the priority gaps (factor ids) and dimensions it addresses."""

    id: EntryId = ""
    what: Title
    owner: Line = ""
    due: Day | None = None
    gaps: Annotated[list[Ref], Field(max_length=MAX_ENTRIES)] = []
    dimensions: Annotated[list[Ref], Field(max_length=MAX_ENTRIES)] = []

    @field_validator("gaps", "dimensions")
    @classmethod
    def _unique_links(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


Entry = CascadeSession | Commitment | Mentoring | Indicator | Action

# list name -> (entry model, id prefix)
LISTS: dict[str, tuple[type[PlanPart], str]] = {
    "sessions": (CascadeSession, "s"),
    "commitments": (Commitment, "c"),
    "mentoring": (Mentoring, "m"),
    "indicators": (Indicator, "i"),
    "actions": (Action, "a"),
}


class Plan(PlanPart, EntryLists[Entry]):
    """The follow-up plan (RTL): header, cascade sessions, leadership commitments,
    mentoring touchpoints, indicators and actions."""

    _lists = LISTS
    _most = MAX_ENTRIES
    _field = "plan_"
    _whose = "the plan"

    header: PlanHeader = PlanHeader()
    sessions: list[CascadeSession] = Field(default=[], max_length=MAX_ENTRIES)
    commitments: list[Commitment] = Field(default=[], max_length=MAX_ENTRIES)
    mentoring: list[Mentoring] = Field(default=[], max_length=MAX_ENTRIES)
    indicators: list[Indicator] = Field(default=[], max_length=MAX_ENTRIES)
    actions: list[Action] = Field(default=[], max_length=MAX_ENTRIES)

    @model_validator(mode="wrap")
    @classmethod
    def _limits_ids_and_links(cls, data: Any, handler: Any) -> Any:
        plan = cls._checked(data, handler, ("header", PlanHeader))
        indicator_ids = {indicator.id for indicator in plan.indicators}
        for index, session in enumerate(plan.sessions):
            for ref in session.indicators:
                if ref not in indicator_ids:
                    raise InputError(
                        "error.plan_unknown_indicator", field="plan_indicators", id=ref,
                        path=f"sessions.{index}.indicators",
                    )
        return plan

    # -- editing: entry, add and replace come from EntryLists; each returns a new plan --------

    def remove(self, list_name: str, entry_id: str) -> Plan:
        """The plan without entry ``entry_id``; removing an indicator unlinks it from sessions."""
        self.entry(list_name, entry_id)
        data = self.model_dump(mode="json")
        data[list_name] = [item for item in data[list_name] if item["id"] != entry_id]
        if list_name == "indicators":
            for session in data["sessions"]:
                session["indicators"] = [i for i in session["indicators"] if i != entry_id]
        return parse(Plan, data)

    def with_header(self, data: PlanHeader | dict[str, Any]) -> Plan:
        header = data.model_dump(mode="json") if isinstance(data, PlanHeader) else data
        return self._with("header", header)


# -- the TOT's days ----------------------------------------------------------------------------


def tot_days(
    header: PlanHeader, workshop: Any = None
) -> tuple[date | None, date | None, str | None]:
    """The TOT's ``(start, end, time zone)``: the header's where it says them, else the
    workshop's (anything with ``start_date``, ``end_date`` and ``timezone``, such as
    ``totkit.store.WorkshopInfo``; ``None`` when there is none)."""
    start = header.tot_start or getattr(workshop, "start_date", None)
    end = header.tot_end or getattr(workshop, "end_date", None)
    zone = header.timezone or getattr(workshop, "timezone", None)
    if start and end and end < start:
        raise InputError("error.dates_order", field="plan_tot_end")
    return start, end, zone


def day_number(day: date, tot_end: date) -> int:
    """Whole days from the TOT's last day: day 0 is ``tot_end``, day 1 the next day."""
    return (day - tot_end).days
