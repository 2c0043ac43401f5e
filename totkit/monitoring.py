"""Monitoring: what happened after the TOT, against the follow-up plan.

One to six months after the TOT the planner logs the cascade sessions held, the mentoring
touchpoints held, the indicator measurements and the obstacles met (each tagged with one of
the source essay's seven causes, or ``other``), and a short reflection. The models are pure
pydantic (base ``Part``, extra fields forbidden), with the plan's text types and limits:
each list at most ``MAX_ENTRIES`` (200) entries, each text at most ``MAX_TEXT`` (2,000)
characters, free text stored verbatim (HTML and formula-like text are data; escaping belongs
to each display and export), invisible control characters refused. Every refusal is an
``InputError`` whose ``field`` is ``monitoring_<name>`` and whose ``path`` says where it is.

The models do not check references to the plan (``planned``, ``indicator``): a plan entry may
be removed after the log was written, and nothing typed is lost for it. The rules check them
(``MonitoringStatus.unknown_references``). Nor do they compare dates with today: the log is
of the past, but "as of" is a parameter of every rule.

The rules (``status``, ``reach_against_projection``)
--------------------------------------------------
Pure functions: a workbook, the TOT's last day (day 0, see ``totkit.plan.tot_days``), an
explicit ``as_of`` date (today when ``None``) and the settings in; a result out. Activity
counts at the date it **happened**, never the date it was logged: a session dated after
``as_of`` does not count yet, a session logged late but dated earlier counts from its date.

* **Due**: a planned session (or touchpoint) is due when it is dated on or before ``as_of``;
  an undated one is never due. An indicator's measurement is due once per planned
  measurement date on or before ``as_of``.
* **Held**: every logged session dated on or before ``as_of`` counts as held, planned or not
  (an unplanned session is cascade work too, and often stands in for a planned one that was
  moved). A planned session is **realised** when a held session names it in ``planned``.
* **Something due**: a due planned session or touchpoint not realised, or an indicator with
  fewer measurements (dated on or before ``as_of``) than measurement dates due.
* **Last activity**: the latest date of a held session, touchpoint or measurement, on or
  before ``as_of``. Obstacles are not activity (they record what blocked it). The clock for
  "days since" starts at the later of the last activity and the TOT's last day, so a planner
  who has done nothing yet counts from day 0, and a baseline measured before the TOT does not
  make a planner stalled earlier. With no TOT day and no activity there is no clock
  (``None``) and the planner is never stalled.

Status, the first rule that holds:

1. ``done``: the plan has at least one session, every planned session is realised (matched
   by ``planned`` id; a count would let one unplanned session tick off another planned one),
   and every indicator of the plan has at least one measurement. Mentoring is not required.
   A plan with no session is never done: an empty plan has cascaded nothing.
2. ``stalled``: something is due and ``days_since_last_activity >= stalled_days`` (45 by
   default, ``templates/settings.yaml``). Day 45 exactly counts: "nothing happened for 45
   days" holds on the 45th day after the last activity; day 44 does not.
3. ``behind``: fewer sessions held than sessions due (counts, as the issue says, so an
   unplanned session held offsets a planned one not held).
4. ``on_track``: otherwise, including when nothing is due yet.

Reach against the projection (``reach_against_projection``): the people reached (the
participants of every session held by ``as_of``) against the level-1 reach the cascade
projection expects from the sessions due by then: on paper (every trainer runs every session,
p = 1: planned participants of the due sessions x team) and realistic (x the planner's p, the
share of trainers who run their sessions, from the readiness band), both computed by
``totkit.cascade`` with ``templates/cascade.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from totkit.errors import InputError
from totkit.parts import EntryLists, RefusingPart
from totkit.plan import (
    MAX_ENTRIES,
    MAX_PARTICIPANTS,
    MAX_SESSION_HOURS,
    MAX_TEXT,
    Day,
    EntryId,
    Line,
    MentoringMode,
    Paragraph,
    Ref,
    Title,
    day_number,
    plan_error,
    tot_days,
)

if TYPE_CHECKING:
    from totkit.cascade import CascadeSettings
    from totkit.instrument import Instrument
    from totkit.model import Workbook
    from totkit.plan import Plan
    from totkit.settings import Settings

__all__ = [
    "CAUSES",
    "KINDS",
    "LISTS",
    "MAX_ENTRIES",
    "MAX_TEXT",
    "STATUSES",
    "IndicatorProgress",
    "Measurement",
    "MentoringHeld",
    "Monitoring",
    "MonitoringStatus",
    "Obstacle",
    "Reflection",
    "SessionHeld",
    "first_number",
    "last_activity",
    "monitoring_error",
    "reach_against_projection",
    "sessions_due",
    "status",
    "status_of",
]

Cause = Literal[
    "certificates",
    "structural",
    "no_mentoring",
    "context_gap",
    "motivation_peers",
    "culture_leadership",
    "process_evaluation",
    "other",
]
MeasurementKind = Literal["observed", "self_reported"]
StatusName = Literal["done", "stalled", "behind", "on_track"]

# The essay's seven causes, in its order, then "other".
CAUSES: tuple[str, ...] = Cause.__args__
KINDS: tuple[str, ...] = MeasurementKind.__args__
STATUSES: tuple[str, ...] = StatusName.__args__

Number = Annotated[float, Field(allow_inf_nan=False, ge=-1e12, le=1e12)]


# -- errors named for monitoring ---------------------------------------------------------------

_REFERENCES = {"planned", "indicator"}
_NUMBER_ERRORS = {"float_parsing", "float_type", "finite_number", "greater_than_equal",
                  "less_than_equal"}


def monitoring_error(exc: ValidationError) -> InputError:
    """The first problem in a monitoring part, as ``totkit.plan.plan_error`` says it (dates,
    hours, whole numbers, full lists, control characters), with ``field`` =
    ``monitoring_<name>``."""
    error = plan_error(exc)
    first = exc.errors()[0]
    names = [str(part) for part in first["loc"] if not isinstance(part, int)]
    name = names[-1] if names else "monitoring"
    kind = first["type"]
    key = error.key
    if name in _REFERENCES and kind == "string_pattern_mismatch":
        key = "error.plan_reference"
    elif name == "number" and kind in _NUMBER_ERRORS:
        key = "error.monitoring_number"
    field_name = name if kind == "extra_forbidden" else f"monitoring_{name}"
    return InputError(key, field=field_name, **error.params)


class MonitoringPart(RefusingPart):
    """A part of the monitoring log: validation errors come out as ``monitoring_error``."""

    _refusal = staticmethod(monitoring_error)


def _no_plan_link(value: Any) -> Any:
    """An empty or blank ``planned`` is no link (an unplanned entry)."""
    return None if isinstance(value, str) and not value.strip() else value


# -- what happened -----------------------------------------------------------------------------


class SessionHeld(MonitoringPart):
    """A cascade session that took place. ``planned`` names the plan session it realises;
    ``None`` for a session the plan did not have."""

    id: EntryId = ""
    planned: Ref | None = None
    date: Day
    participants: Annotated[int, Field(ge=0, le=MAX_PARTICIPANTS)]
    hours: Annotated[float, Field(gt=0, le=MAX_SESSION_HOURS)] | None = None
    notes: Paragraph = ""

    _planned = field_validator("planned", mode="before")(_no_plan_link)


class MentoringHeld(MonitoringPart):
    """A mentoring touchpoint that took place; ``planned`` names the plan's touchpoint."""

    id: EntryId = ""
    planned: Ref | None = None
    date: Day
    mentor: Line = ""
    mode: MentoringMode = "school_visit"
    notes: Paragraph = ""

    _planned = field_validator("planned", mode="before")(_no_plan_link)


class Measurement(MonitoringPart):
    """A measurement of a plan indicator. Targets are free text ("8 dari 12 guru"), so the
    value is text as written; ``number`` is the figure to compare, when there is one (a
    number given as ``value`` fills both). ``kind`` says whether it was observed (a visit, a
    document, a record) or self-reported; self-reported is the default, so nothing claims to
    be observed unless the planner says so."""

    id: EntryId = ""
    indicator: Ref
    value: Title
    number: Number | None = None
    date: Day
    source: Line = ""
    kind: MeasurementKind = "self_reported"

    @model_validator(mode="before")
    @classmethod
    def _number_as_value(cls, data: Any) -> Any:
        if isinstance(data, dict):
            value = data.get("value")
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                shown = str(int(value)) if float(value).is_integer() else repr(float(value))
                data = {**data, "value": shown}
                data.setdefault("number", value)
        return data


class Obstacle(MonitoringPart):
    """An obstacle met, tagged with the essay's cause it comes closest to (``CAUSES``)."""

    id: EntryId = ""
    date: Day
    cause: Cause
    text: Paragraph = ""


class Reflection(MonitoringPart):
    """A short reflection: what helped, what blocked, what changes next."""

    helped: Paragraph = ""
    blocked: Paragraph = ""
    next: Paragraph = ""


LogEntry = SessionHeld | MentoringHeld | Measurement | Obstacle

# list name -> (entry model, id prefix)
LISTS: dict[str, tuple[type[MonitoringPart], str]] = {
    "sessions_held": (SessionHeld, "sh"),
    "mentoring_held": (MentoringHeld, "mh"),
    "measurements": (Measurement, "me"),
    "obstacles": (Obstacle, "ob"),
}


class Monitoring(MonitoringPart, EntryLists[LogEntry]):
    """The monitoring log: sessions and touchpoints held, measurements, obstacles and a
    reflection. Ids are unique within their list; an entry without one gets the next free
    one (``sh1``, ``mh1``, ``me1``, ``ob1``, ...).

    A reflection given as plain text (the shape of the placeholder this section replaced)
    is kept verbatim as ``helped``, so a workbook exported before stays importable."""

    _lists = LISTS
    _most = MAX_ENTRIES
    _field = "monitoring_"
    _whose = "monitoring"

    sessions_held: list[SessionHeld] = Field(default=[], max_length=MAX_ENTRIES)
    mentoring_held: list[MentoringHeld] = Field(default=[], max_length=MAX_ENTRIES)
    measurements: list[Measurement] = Field(default=[], max_length=MAX_ENTRIES)
    obstacles: list[Obstacle] = Field(default=[], max_length=MAX_ENTRIES)
    reflection: Reflection = Reflection()

    @model_validator(mode="wrap")
    @classmethod
    def _limits_and_ids(cls, data: Any, handler: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("reflection"), str):
            data = {**data, "reflection": {"helped": data["reflection"]}}
        return cls._checked(data, handler, ("reflection", Reflection))

    # -- editing: entry, add, replace and remove come from EntryLists; each returns a new log --

    def with_reflection(self, data: Reflection | dict[str, Any]) -> Monitoring:
        reflection = data.model_dump(mode="json") if isinstance(data, Reflection) else data
        return self._with("reflection", reflection)


# -- the rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorProgress:
    """One indicator against its target, as of a date.

    ``latest`` is the measurement with the latest date on or before ``as_of`` (the last one
    logged wins a tie). ``share`` is how far the latest figure has come from the baseline to
    the target, ``(number - baseline) / (target - baseline)``: 0 at the baseline, 1 at the
    target, beyond 1 past it, negative when it moved away; it works for targets that go down
    as well. It needs three figures: the measurement's ``number`` and the first number written
    in the baseline and in the target ("8 dari 12 guru" reads 8; "1,5" reads 1.5), with a
    target different from the baseline; otherwise ``None``, and the texts speak for
    themselves. A baseline with no number reads 0 when the target has one.
    """

    indicator: str
    statement: str
    level: str
    baseline: str
    target: str
    measured: bool
    measurements: int
    measurements_due: int
    latest: Measurement | None
    share: float | None

    @property
    def overdue(self) -> bool:
        return self.measurements < self.measurements_due

    def to_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "statement": self.statement,
            "level": self.level,
            "baseline": self.baseline,
            "target": self.target,
            "measured": self.measured,
            "measurements": self.measurements,
            "measurements_due": self.measurements_due,
            "latest": self.latest.model_dump(mode="json") if self.latest else None,
            "share": self.share,
        }


@dataclass(frozen=True)
class MonitoringStatus:
    """The plan against what happened, as of ``as_of`` (see the module's rules).

    ``sessions_held`` counts every held session dated on or before ``as_of``, of which
    ``sessions_unplanned`` name no plan session (or one the plan no longer has);
    ``people_reached`` sums their participants. ``sessions_overdue`` and
    ``mentoring_overdue`` are the due plan entries not realised; ``unknown_references``
    names log entries pointing at plan ids that do not exist (``sessions_held/sh3``).
    ``obstacles`` counts the obstacles dated on or before ``as_of`` by cause, every cause
    listed. ``day`` is ``as_of``'s day number (day 0 the TOT's last day), ``None`` without it.
    """

    status: StatusName
    as_of: date
    day: int | None
    stalled_days: int
    sessions_planned: int
    sessions_due: int
    sessions_held: int
    sessions_unplanned: int
    sessions_overdue: tuple[str, ...]
    people_reached: int
    hours_held: float
    mentoring_due: int
    mentoring_held: int
    mentoring_overdue: tuple[str, ...]
    indicator_progress: tuple[IndicatorProgress, ...]
    commitments_received: int
    commitments_total: int
    last_activity: date | None
    days_since_last_activity: int | None
    something_due: bool
    obstacles: Mapping[str, int] = field(default_factory=dict, hash=False)
    unknown_references: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The catalogue key of the status's sentence (``monitoring.status.<status>``)."""
        return f"monitoring.status.{self.status}"

    @property
    def label_key(self) -> str:
        """The catalogue key of the status's short name (``monitoring.status_label.<status>``)."""
        return f"monitoring.status_label.{self.status}"

    @property
    def indicators_measured(self) -> int:
        return sum(1 for progress in self.indicator_progress if progress.measured)

    def message(self, lang: str | None = None) -> str:
        """The status in a sentence, in ``lang`` (``id`` by default)."""
        from totkit.i18n import t

        return t(self.key, lang, held=self.sessions_held, due=self.sessions_due,
                 days=self.days_since_last_activity if self.days_since_last_activity is not None
                 else "", planned=self.sessions_planned)

    def to_dict(self) -> dict[str, Any]:
        """As JSON: dates as ``YYYY-MM-DD``, the message in both languages."""
        last = self.last_activity.isoformat() if self.last_activity else None
        return {
            "status": self.status,
            "as_of": self.as_of.isoformat(),
            "day": self.day,
            "stalled_days": self.stalled_days,
            "sessions_planned": self.sessions_planned,
            "sessions_due": self.sessions_due,
            "sessions_held": self.sessions_held,
            "sessions_unplanned": self.sessions_unplanned,
            "sessions_overdue": list(self.sessions_overdue),
            "people_reached": self.people_reached,
            "hours_held": self.hours_held,
            "mentoring_due": self.mentoring_due,
            "mentoring_held": self.mentoring_held,
            "mentoring_overdue": list(self.mentoring_overdue),
            "indicator_progress": [progress.to_dict() for progress in self.indicator_progress],
            "indicators_measured": self.indicators_measured,
            "commitments_received": self.commitments_received,
            "commitments_total": self.commitments_total,
            "last_activity": last,
            "days_since_last_activity": self.days_since_last_activity,
            "something_due": self.something_due,
            "obstacles": dict(self.obstacles),
            "unknown_references": list(self.unknown_references),
            "message": {lang: self.message(lang) for lang in ("id", "en")},
        }


def sessions_due(plan: Plan, as_of: date) -> list[Any]:
    """The plan's sessions dated on or before ``as_of``, in the plan's order (undated
    sessions are never due)."""
    return [s for s in plan.sessions if s.date is not None and s.date <= as_of]


def last_activity(monitoring: Monitoring, as_of: date) -> date | None:
    """The latest date of a session, touchpoint or measurement held on or before ``as_of``
    (obstacles are not activity); ``None`` when there is none."""
    dates = [
        entry.date
        for entries in (monitoring.sessions_held, monitoring.mentoring_held,
                        monitoring.measurements)
        for entry in entries
        if entry.date <= as_of
    ]
    return max(dates, default=None)


def status(
    workbook: Workbook,
    *,
    as_of: date | None = None,
    tot_end: date | None,
    settings: Settings | None = None,
) -> MonitoringStatus:
    """The workbook's monitoring status as of ``as_of`` (today when ``None``): the plan's
    sessions, touchpoints and measurements due against what the log says happened by then.
    ``tot_end`` is the TOT's last day (day 0), where the clock starts when nothing has
    happened; ``settings`` gives ``stalled_days`` (the defaults when ``None``)."""
    from totkit.settings import Settings

    as_of = as_of or date.today()
    stalled_days = (settings or Settings()).stalled_days
    plan, log = workbook.plan, workbook.monitoring
    unknown: list[str] = []

    # sessions
    planned_ids = {s.id for s in plan.sessions}
    held = [s for s in log.sessions_held if s.date <= as_of]
    realised = {s.planned for s in held if s.planned in planned_ids}
    unknown += [f"sessions_held/{s.id}" for s in log.sessions_held
                if s.planned is not None and s.planned not in planned_ids]
    due = sessions_due(plan, as_of)
    sessions_overdue = tuple(s.id for s in due if s.id not in realised)

    # mentoring
    touchpoint_ids = {m.id for m in plan.mentoring}
    mentoring = [m for m in log.mentoring_held if m.date <= as_of]
    mentored = {m.planned for m in mentoring if m.planned in touchpoint_ids}
    unknown += [f"mentoring_held/{m.id}" for m in log.mentoring_held
                if m.planned is not None and m.planned not in touchpoint_ids]
    mentoring_due = [m for m in plan.mentoring if m.date is not None and m.date <= as_of]
    mentoring_overdue = tuple(m.id for m in mentoring_due if m.id not in mentored)

    # indicators
    indicator_ids = {i.id for i in plan.indicators}
    unknown += [f"measurements/{m.id}" for m in log.measurements
                if m.indicator not in indicator_ids]
    progress = tuple(_progress(indicator, log.measurements, as_of)
                     for indicator in plan.indicators)

    something_due = bool(sessions_overdue or mentoring_overdue
                         or any(p.overdue for p in progress))
    last = last_activity(log, as_of)
    since = max((d for d in (last, tot_end) if d is not None), default=None)
    days = (as_of - since).days if since is not None else None

    if (plan.sessions and len(realised) == len(planned_ids)
            and all(p.measured for p in progress)):
        name: StatusName = "done"
    elif something_due and days is not None and days >= stalled_days:
        name = "stalled"
    elif len(held) < len(due):
        name = "behind"
    else:
        name = "on_track"

    obstacles = dict.fromkeys(CAUSES, 0)
    for obstacle in log.obstacles:
        if obstacle.date <= as_of:
            obstacles[obstacle.cause] += 1

    return MonitoringStatus(
        status=name,
        as_of=as_of,
        day=day_number(as_of, tot_end) if tot_end is not None else None,
        stalled_days=stalled_days,
        sessions_planned=len(plan.sessions),
        sessions_due=len(due),
        sessions_held=len(held),
        sessions_unplanned=sum(1 for s in held if s.planned not in planned_ids),
        sessions_overdue=sessions_overdue,
        people_reached=sum(s.participants for s in held),
        hours_held=_tidy(sum(s.hours or 0 for s in held)),
        mentoring_due=len(mentoring_due),
        mentoring_held=len(mentoring),
        mentoring_overdue=mentoring_overdue,
        indicator_progress=progress,
        commitments_received=sum(1 for c in plan.commitments if c.status == "received"),
        commitments_total=len(plan.commitments),
        last_activity=last,
        days_since_last_activity=days,
        something_due=something_due,
        obstacles=obstacles,
        unknown_references=tuple(unknown),
    )


def _progress(indicator: Any, measurements: list[Measurement], as_of: date) -> IndicatorProgress:
    mine = [m for m in measurements if m.indicator == indicator.id and m.date <= as_of]
    latest = None
    for measurement in mine:  # the latest date; the last logged of equal dates
        if latest is None or measurement.date >= latest.date:
            latest = measurement
    return IndicatorProgress(
        indicator=indicator.id,
        statement=indicator.statement,
        level=indicator.level,
        baseline=indicator.baseline,
        target=indicator.target,
        measured=bool(mine),
        measurements=len(mine),
        measurements_due=sum(1 for d in indicator.measurement_dates if d <= as_of),
        latest=latest,
        share=_share(latest, indicator.baseline, indicator.target),
    )


_FIRST_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def first_number(text: str) -> float | None:
    """The first number written in ``text`` ("8 dari 12 guru" -> 8, "1,5 jam" -> 1.5), or
    ``None``. A comma or a point before the decimals both read as the decimal mark."""
    match = _FIRST_NUMBER.search(text)
    return float(match.group().replace(",", ".")) if match else None


def _share(latest: Measurement | None, baseline: str, target: str) -> float | None:
    if latest is None or latest.number is None:
        return None
    goal = first_number(target)
    if goal is None:
        return None
    start = first_number(baseline)
    start = 0.0 if start is None else start
    if goal == start:
        return None
    return round((latest.number - start) / (goal - start), 4)


def _tidy(value: float) -> float:
    value = round(value, 2)
    return int(value) if value == int(value) else value


# -- reach against the cascade projection --------------------------------------------------------


def reach_against_projection(
    workbook: Workbook,
    instrument: Instrument | None,
    *,
    as_of: date | None = None,
    tot_end: date | None = None,
    settings: CascadeSettings | None = None,
    team: int | None = None,
) -> dict[str, Any]:
    """People reached against the level-1 reach the cascade projection expects by ``as_of``.

    The projection is ``totkit.cascade``'s, for the plan's sessions due by ``as_of`` only
    (level 1 with ``s`` = the sessions due and ``m`` = their mean planned participants):

    * ``realised``: participants of every session held on or before ``as_of`` (planned or
      not), as ``status`` counts them.
    * ``on_paper``: every trainer runs every session (p = 1): the planned participants of the
      due sessions x ``team``.
    * ``realistic``: ``on_paper`` x ``p``, the share of trainers who run their sessions for
      the planner's readiness band (cascade.yaml's ``readiness_p``; a workbook without a
      readiness index counts as "developing", and ``band_assumed`` says so).
    * ``share_of_paper`` and ``share_of_realistic``: ``realised`` over each (``None`` when
      that is 0).

    ``settings`` are the cascade settings (``totkit.cascade.load_cascade_settings()`` when
    ``None``) and ``team`` the trainers at level 0 (cascade.yaml's ``team`` when ``None``);
    ``instrument`` scores the diagnostic for the band. ``realised`` is what this workbook's
    log records, so with a team above 1 the planner logs the team's sessions. ``tot_end``
    only gives ``day``, the day number of ``as_of``.
    """
    from dataclasses import replace

    from totkit.cascade import expected_reach, inputs_for_workbook, on_paper

    as_of = as_of or date.today()
    inputs = inputs_for_workbook(workbook, instrument, settings, team=team, levels=1)
    due = sessions_due(workbook.plan, as_of)
    planned = sum(s.participants for s in due)
    first = replace(inputs.levels[0], s=float(len(due)), m=planned / len(due) if due else 0.0)
    inputs = replace(inputs, levels=(first,))
    paper = expected_reach(on_paper(inputs))[1]
    realistic = expected_reach(inputs)[1]
    realised = sum(s.participants for s in workbook.monitoring.sessions_held
                   if s.date <= as_of)
    return {
        "as_of": as_of.isoformat(),
        "day": day_number(as_of, tot_end) if tot_end is not None else None,
        "sessions_due": len(due),
        "planned_participants": planned,
        "team": inputs.n0,
        "p": inputs.mean_p,
        "band": inputs.bands[0] if inputs.bands else None,
        "band_assumed": bool(inputs.assumed_developing),
        "realised": realised,
        "on_paper": _tidy(paper),
        "realistic": _tidy(realistic),
        "share_of_paper": round(realised / paper, 4) if paper else None,
        "share_of_realistic": round(realised / realistic, 4) if realistic else None,
    }


# -- loading what the rules need ---------------------------------------------------------------


def status_of(
    workbook: Workbook,
    workshop: Any = None,
    *,
    as_of: date | None = None,
    templates: Path | None = None,
) -> MonitoringStatus:
    """``status`` with the TOT's last day from the plan's header or ``workshop`` (a
    ``WorkshopInfo``, or ``None``) and the settings from the templates folder."""
    from totkit.settings import load_settings

    _start, tot_end, _zone = tot_days(workbook.plan.header, workshop)
    return status(workbook, as_of=as_of, tot_end=tot_end, settings=load_settings(templates))
