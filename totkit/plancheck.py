"""The plan check: what the source essay warns about, found in a workbook's follow-up plan.

``check`` is a pure function (a workbook and what it is checked against in, findings out: no
store, no widgets); ``check_workbook`` (a stored workbook) and ``check_file`` (a workbook's
JSON export) load the TOT's dates, the instrument, the context file and the settings, then
call it, so the app and the CLI (``totkit plan check FILE|ID [--json]``) find the same things.

Day 0 is the TOT's last day; every window counts whole days and includes both ends. A plan is
"ready" when no finding is an error; warnings do not block it.

| rule | severity | fires when |
|---|---|---|
| ``diagnostic-incomplete`` | error | the workbook has no readiness index yet |
| ``gaps-incomplete`` | error | a factor of the context file is not rated (or none is) |
| ``no-application-indicator`` | error | no indicator at level application or results |
| ``gap-without-action`` | error | a priority gap no action is linked to |
| ``weak-dimension-unaddressed`` | error | a dimension in the lowest ("at risk") band, no action |
| ``no-leadership-commitment`` | error | no assignment letter or protected time requested,
  agreed or received |
| ``no-cascade-session`` | error | no session dated day 1 to ``first_session_days`` |
| ``late-first-mentoring`` | warning | no touchpoint dated day 1 to ``first_mentoring_days`` |
| ``no-follow-up-measurement`` | warning | no measurement dated ``follow_up_from_days`` to
  ``follow_up_to_days`` |
| ``missing-owner`` | error | a session, touchpoint (its mentor), indicator or action has none |
| ``missing-date`` | error | a session, touchpoint or action has no date, an indicator no
  measurement date, or the TOT has no last day (item ``header``) |
| ``date-before-tot`` | error | a session, touchpoint or measurement on or before day 0 |
| ``protected-time-exceeded`` | warning | a calendar month's cascade hours exceed the protected
  hours per month of the agreed or received commitments covering that month |
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from totkit.errors import InputError
from totkit.plan import day_number, tot_days

if TYPE_CHECKING:
    from totkit.diagnostic import DiagnosticResult
    from totkit.gaps import ContextFile
    from totkit.instrument import Instrument
    from totkit.model import Workbook
    from totkit.settings import Settings
    from totkit.store import Store

Severity = Literal["error", "warning"]

# Every rule and its severity, in the order findings are listed.
RULES: dict[str, Severity] = {
    "diagnostic-incomplete": "error",
    "gaps-incomplete": "error",
    "no-application-indicator": "error",
    "gap-without-action": "error",
    "weak-dimension-unaddressed": "error",
    "no-leadership-commitment": "error",
    "no-cascade-session": "error",
    "late-first-mentoring": "warning",
    "no-follow-up-measurement": "warning",
    "missing-owner": "error",
    "missing-date": "error",
    "date-before-tot": "error",
    "protected-time-exceeded": "warning",
}
# Rules whose message depends on the kind of item (``plan.check.<rule>.<list>``).
ITEM_KINDS: dict[str, tuple[str, ...]] = {
    "missing-owner": ("sessions", "mentoring", "indicators", "actions"),
    "missing-date": ("header", "sessions", "mentoring", "indicators", "actions"),
    "date-before-tot": ("sessions", "mentoring", "indicators"),
}
APPLICATION_LEVELS = ("application", "results")
COMMITTED = ("requested", "agreed", "received")
SECURED = ("agreed", "received")
MANDATE_KINDS = ("assignment_letter", "protected_time")
_TITLE_LENGTH = 80


# -- findings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One thing the plan check found.

    ``item`` is where: ``"<list>/<entry id>"`` (``sessions/s2``, ``indicators/i1``),
    ``gaps/<factor>``, ``dimensions/<dimension>``, ``header``, or ``""`` for the plan as a
    whole. ``params`` are JSON values: dates as ``YYYY-MM-DD``, months as ``YYYY-MM``, names
    in both languages as ``{"id": ..., "en": ...}``; ``message`` formats them for a language.
    """

    rule: str
    severity: Severity
    item: str = ""
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def key(self) -> str:
        """The catalogue key of the message."""
        base = "plan.check." + self.rule.replace("-", "_")
        kind = self.item.split("/", 1)[0]
        return f"{base}.{kind}" if kind in ITEM_KINDS.get(self.rule, ()) else base

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def message(self, lang: str | None = None) -> str:
        """What was found and what to do, in ``lang`` (``id`` by default)."""
        from totkit.i18n import t

        return t(self.key, lang, **{k: _shown(k, v, lang) for k, v in self.params.items()})

    def to_dict(self) -> dict[str, Any]:
        """As JSON: rule, severity, item, params and the message in both languages."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "item": self.item,
            "params": dict(self.params),
            "message": {lang: self.message(lang) for lang in ("id", "en")},
        }


def _finding(rule: str, item: str = "", **params: Any) -> Finding:
    return Finding(rule, RULES[rule], item, params)


def _shown(name: str, value: Any, lang: str | None) -> Any:
    from totkit.i18n import format_date, format_number, normalize_language

    if isinstance(value, Mapping):
        return value.get(normalize_language(lang), "")
    if isinstance(value, str) and name in {"date", "tot_end", "first", "last"}:
        return format_date(date.fromisoformat(value), lang)
    if name == "month":
        from babel.dates import format_date as babel_format_date

        year, month = (int(part) for part in value.split("-"))
        return babel_format_date(date(year, month, 1), "MMMM y", locale=normalize_language(lang))
    if isinstance(value, float):
        return format_number(value, lang)
    return value


def status(findings: Iterable[Finding]) -> Literal["ready", "not_ready"]:
    """``"ready"`` when no finding is an error (warnings allowed), else ``"not_ready"``."""
    return "not_ready" if any(finding.is_error for finding in findings) else "ready"


def report(findings: list[Finding]) -> dict[str, Any]:
    """The check as JSON (for ``--json``): status, counts and every finding."""
    return {
        "status": status(findings),
        "errors": sum(1 for finding in findings if finding.is_error),
        "warnings": sum(1 for finding in findings if not finding.is_error),
        "findings": [finding.to_dict() for finding in findings],
    }


def status_message(findings: list[Finding], lang: str | None = None) -> str:
    from totkit.i18n import t

    errors = sum(1 for finding in findings if finding.is_error)
    warnings = len(findings) - errors
    return t(f"plan.check.status.{status(findings)}", lang, errors=errors, warnings=warnings)


# -- the check ---------------------------------------------------------------------------------


def check(
    workbook: Workbook,
    *,
    tot_end: date | None,
    instrument: Instrument | None,
    context: ContextFile | None,
    settings: Settings,
) -> list[Finding]:
    """Every finding on ``workbook``'s plan, in the order of ``RULES``.

    ``tot_end`` is the TOT's last day (day 0; see ``totkit.plan.tot_days``); without it the
    dated rules cannot run and ``missing-date`` names the header. ``instrument`` scores the
    diagnostic, ``context`` names the factors for the priority gaps, ``settings`` gives the
    windows.
    """
    plan = workbook.plan
    found: list[Finding] = []
    add = found.append

    result = _diagnostic(workbook, instrument)
    if result is None or result.index is None:
        add(_finding("diagnostic-incomplete"))

    gaps = workbook.gaps
    rated = {entry.factor for entry in gaps.entries}
    expected = [factor.id for factor in context.factors] if context is not None else []
    open_factors = [factor for factor in expected if factor not in rated]
    if not gaps.entries or open_factors:
        total = len(expected) + sum(1 for entry in gaps.entries if entry.factor not in expected)
        add(_finding("gaps-incomplete", rated=total - len(open_factors), total=total))

    if not any(indicator.level in APPLICATION_LEVELS for indicator in plan.indicators):
        add(_finding("no-application-indicator"))

    linked_gaps = {gap for action in plan.actions for gap in action.gaps}
    if gaps.entries:
        from totkit.gaps import priority_gaps

        for gap in priority_gaps(gaps, context):
            if gap.factor not in linked_gaps:
                add(_finding("gap-without-action", f"gaps/{gap.factor}", factor=gap.factor,
                             name=dict(gap.names)))

    linked_dimensions = {dim for action in plan.actions for dim in action.dimensions}
    if result is not None and instrument is not None:
        lowest = min(instrument.bands, key=lambda band: band.lower)
        names = {dim.id: dim.name for dim in instrument.dimensions}
        for dimension in result.dimensions:
            if dimension.band == lowest.id and dimension.id not in linked_dimensions:
                name = names[dimension.id]
                add(_finding("weak-dimension-unaddressed", f"dimensions/{dimension.id}",
                             dimension=dimension.id, score=dimension.score,
                             name={"id": name.id, "en": name.en},
                             band={"id": lowest.name.id, "en": lowest.name.en}))

    if not any(
        commitment.kind in MANDATE_KINDS and commitment.status in COMMITTED
        for commitment in plan.commitments
    ):
        add(_finding("no-leadership-commitment"))

    if tot_end is not None:
        found += _windows(plan, tot_end, settings)

    found += _owners_and_dates(plan, tot_end)
    found += _protected_time(plan)
    return found


def _diagnostic(workbook: Workbook, instrument: Instrument | None) -> DiagnosticResult | None:
    """The workbook's diagnostic scored, or ``None`` (no instrument, answers it refuses)."""
    if instrument is None:
        return None
    from totkit.diagnostic import score

    try:
        return score(instrument, workbook.diagnostic.answers)
    except InputError:  # answers to another instrument's items
        return None


def _in_window(days: Iterable[date | None], tot_end: date, first: int, last: int) -> bool:
    return any(d is not None and first <= day_number(d, tot_end) <= last for d in days)


def _window(tot_end: date, first: int, last: int) -> dict[str, Any]:
    from datetime import timedelta

    return {
        "day_from": first,
        "day_to": last,
        "first": (tot_end + timedelta(days=first)).isoformat(),
        "last": (tot_end + timedelta(days=last)).isoformat(),
    }


def _windows(plan: Any, tot_end: date, settings: Settings) -> list[Finding]:
    found = []
    last = settings.first_session_days
    if not _in_window((s.date for s in plan.sessions), tot_end, 1, last):
        found.append(_finding("no-cascade-session", **_window(tot_end, 1, last)))
    last = settings.first_mentoring_days
    if not _in_window((m.date for m in plan.mentoring), tot_end, 1, last):
        found.append(_finding("late-first-mentoring", **_window(tot_end, 1, last)))
    first, last = settings.follow_up_from_days, settings.follow_up_to_days
    measured = (d for indicator in plan.indicators for d in indicator.measurement_dates)
    if not _in_window(measured, tot_end, first, last):
        found.append(_finding("no-follow-up-measurement", **_window(tot_end, first, last)))
    return found


def _title(text: str, fallback: str) -> str:
    text = " ".join(text.split()) or fallback
    return text if len(text) <= _TITLE_LENGTH else text[: _TITLE_LENGTH - 1] + "…"


def _owners_and_dates(plan: Any, tot_end: date | None) -> list[Finding]:
    """``missing-owner``, ``missing-date`` and ``date-before-tot``, item by item."""
    # (list, entry, title, owner, field of the owner, dates, field of the dates)
    items: list[tuple[str, Any, str, str, str, list[date], str]] = []
    for s in plan.sessions:
        items.append(("sessions", s, s.title, s.owner, "owner", _some(s.date), "date"))
    for m in plan.mentoring:
        title = m.focus or m.mentor or (m.date.isoformat() if m.date else m.id)
        items.append(("mentoring", m, title, m.mentor, "mentor", _some(m.date), "date"))
    for i in plan.indicators:
        dates = list(i.measurement_dates)
        items.append(("indicators", i, i.statement, i.owner, "owner", dates, "measurement_dates"))
    for a in plan.actions:
        items.append(("actions", a, a.what, a.owner, "owner", _some(a.due), "due"))

    owners, dates, early = [], [], []
    if tot_end is None:
        dates.append(_finding("missing-date", "header", field="tot_end"))
    for kind, entry, title, owner, owner_field, days, date_field in items:
        item = f"{kind}/{entry.id}"
        shown = _title(title, entry.id)
        if not owner.strip():
            owners.append(_finding("missing-owner", item, title=shown, field=owner_field))
        if not days:
            dates.append(_finding("missing-date", item, title=shown, field=date_field))
        if tot_end is not None and kind != "actions":
            for day in days:
                if day_number(day, tot_end) <= 0:
                    early.append(_finding("date-before-tot", item, title=shown,
                                          date=day.isoformat(), tot_end=tot_end.isoformat(),
                                          field=date_field))
    return owners + dates + early


def _some(day: date | None) -> list[date]:
    return [day] if day is not None else []


def _protected_time(plan: Any) -> list[Finding]:
    planned: dict[str, float] = defaultdict(float)
    sessions: dict[str, list[str]] = defaultdict(list)
    for session in plan.sessions:
        if session.date is not None and session.hours:
            month = f"{session.date.year:04d}-{session.date.month:02d}"
            planned[month] += session.hours
            sessions[month].append(session.id)
    protected: dict[str, float] = defaultdict(float)
    for commitment in plan.commitments:
        if (
            commitment.kind == "protected_time"
            and commitment.status in SECURED
            and commitment.hours_per_month
        ):
            for month in commitment.months:
                protected[month] += commitment.hours_per_month
    return [
        _finding("protected-time-exceeded", "", month=month, planned=_number(planned[month]),
                 protected=_number(protected[month]), sessions=sessions[month])
        for month in sorted(planned)
        if planned[month] > protected[month] + 1e-9
    ]


def _number(value: float) -> float | int:
    value = round(value, 2)
    return int(value) if value == int(value) else value


# -- loading what the check needs ----------------------------------------------------------------


def check_loaded(
    workbook: Workbook, workshop: Any = None, *, templates: Path | None = None
) -> list[Finding]:
    """``check`` with the TOT's days from the plan's header or ``workshop`` (a
    ``WorkshopInfo``, or ``None``), and the instrument, context file and settings from the
    templates folder (``templates``, else the one in use)."""
    from totkit.gaps import context_path, load_context
    from totkit.settings import load_settings

    _start, tot_end, _zone = tot_days(workbook.plan.header, workshop)
    path = context_path(templates)
    return check(
        workbook,
        tot_end=tot_end,
        instrument=_instrument_of(workbook, templates),
        context=load_context(path) if path.is_file() else None,
        settings=load_settings(templates),
    )


def check_workbook(
    store: Store, workbook_id: str, *, templates: Path | None = None
) -> list[Finding]:
    """The check of a stored workbook, with its workshop's dates."""
    workbook = store.load_workbook(workbook_id)
    return check_loaded(workbook, _workshop_of(store, workbook_id), templates=templates)


def check_file(path: Path | str, *, templates: Path | None = None) -> list[Finding]:
    """The check of a workbook's JSON export. The file carries no workshop, so the TOT's
    last day comes from the plan's header (else ``missing-date`` names the header)."""
    from totkit.model import Workbook

    workbook = Workbook.from_json(Path(path).read_bytes())
    return check_loaded(workbook, None, templates=templates)


def _instrument_of(workbook: Workbook, templates: Path | None) -> Instrument | None:
    """The instrument the diagnostic was answered on (by id), else the readiness one."""
    from totkit.instrument import instrument_path, load_instrument

    ref = workbook.diagnostic.instrument
    for name in dict.fromkeys([ref.id if ref else "readiness", "readiness"]):
        path = instrument_path(name, templates)
        if path.is_file():
            return load_instrument(path)
    return None


def _workshop_of(store: Store, workbook_id: str) -> Any:
    return store.workshop_of(workbook_id)
