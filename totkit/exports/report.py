"""What every export shows: the workbook scored, ranked and checked, as tables with headers
in the chosen language.

A ``Report`` (from ``gather``) loads, on first use and once, the instrument, the context file
and the settings from the templates folder (the planner's instrument by id, else
``readiness``), scores the diagnostic, ranks the gaps and runs the plan check, so the xlsx,
html and docx exports agree with the apps and with ``totkit plan check``. Values in
``Table.rows`` keep their type (``date``, ``int``, ``float``, ``str``, ``None`` for empty);
each writer formats them for its reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from totkit.i18n import format_date, format_number, normalize_language, t

if TYPE_CHECKING:
    from totkit.diagnostic import DiagnosticResult
    from totkit.gaps import ContextFile, RankedGap
    from totkit.instrument import Instrument
    from totkit.model import Workbook
    from totkit.plancheck import Finding

# The plan's time zones and the IANA zones the calendar uses.
ZONES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}
DEFAULT_ZONE = "WIB"
PROJECTION_COLUMNS = ("level", "on_paper", "expected", "mean", "p10", "p90")


@dataclass(frozen=True)
class Column:
    """A column: its header (in the report's language) and kind, which sets the width and
    alignment: ``text``, ``long`` (wrapped), ``date``, ``number``, ``code``."""

    header: str
    kind: str = "text"


@dataclass(frozen=True)
class Table:
    name: str  # profile, diagnostic, answers, gaps, sessions, ... (stable, not translated)
    title: str  # in the report's language
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass
class Report:
    """One workbook and what its exports show. Everything beyond the workbook itself (the
    TOT's days, the instrument, the scores, the ranked gaps, the plan check) is computed on
    first use, so the json and ics exports do not load what they do not show."""

    workbook: Workbook
    lang: str
    now: datetime
    workshop: Any = None
    projection: Any = None
    templates: Path | None = None

    @cached_property
    def _days(self) -> tuple[date | None, date | None, str | None]:
        from totkit.plan import tot_days

        return tot_days(self.workbook.plan.header, self.workshop)

    @property
    def tot_start(self) -> date | None:
        return self._days[0]

    @property
    def tot_end(self) -> date | None:
        """The TOT's last day (day 0): the plan header's, else the workshop's."""
        return self._days[1]

    @property
    def zone(self) -> str | None:
        """WIB, WITA or WIT: the plan header's, else the workshop's; None when neither."""
        zone = self._days[2]
        return zone if zone in ZONES else None

    @property
    def workshop_title(self) -> str:
        return str(getattr(self.workshop, "title", "") or "")

    @cached_property
    def instrument(self) -> Instrument | None:
        return _instrument_of(self.workbook, self.templates)

    @cached_property
    def result(self) -> DiagnosticResult | None:
        """The diagnostic scored, or None (no instrument, no answers, or answers to another
        instrument's items)."""
        from totkit.diagnostic import score
        from totkit.errors import InputError

        if self.instrument is None or not self.workbook.diagnostic.answers:
            return None
        try:
            return score(self.instrument, self.workbook.diagnostic.answers)
        except InputError:
            return None

    @cached_property
    def context(self) -> ContextFile | None:
        from totkit.gaps import context_path, load_context

        path = context_path(self.templates)
        return load_context(path) if path.is_file() else None

    @cached_property
    def gaps(self) -> list[RankedGap]:
        from totkit.gaps import ranked

        return ranked(self.workbook.gaps, self.context)

    @cached_property
    def findings(self) -> list[Finding]:
        """The plan check, as ``totkit plan check`` runs it."""
        from totkit.plancheck import check
        from totkit.settings import load_settings

        return check(self.workbook, tot_end=self.tot_end, instrument=self.instrument,
                     context=self.context, settings=load_settings(self.templates))

    # -- words ---------------------------------------------------------------------------------

    def t(self, key: str, **params: Any) -> str:
        return t(key, self.lang, **params)

    def date(self, value: date | None, style: str = "long") -> str:
        return format_date(value, self.lang, style) if value else ""

    def number(self, value: float | None) -> str:
        return "" if value is None else format_number(value, self.lang)

    def yes_no(self, value: bool) -> str:
        return self.t("export.yes") if value else self.t("export.no")

    def choice(self, group: str, value: str) -> str:
        return self.t(f"plan.{group}.{value}")

    @property
    def zone_name(self) -> str:
        """``WIB (Asia/Jakarta)``, or empty when no time zone is known."""
        return f"{self.zone} ({ZONES[self.zone]})" if self.zone in ZONES else ""

    @property
    def planner(self) -> str:
        return self.workbook.plan.header.name or self.workbook.profile.name

    @property
    def today(self) -> date:
        return self.now.date()

    @cached_property
    def band_names(self) -> dict[str, str]:
        if self.instrument is None:
            return {}
        return {band.id: band.name(self.lang) for band in self.instrument.bands}

    @cached_property
    def dimension_names(self) -> dict[str, str]:
        if self.instrument is None:
            return {}
        return {dim.id: dim.name(self.lang) for dim in self.instrument.dimensions}

    @cached_property
    def indicators(self) -> dict[str, Any]:
        return {indicator.id: indicator for indicator in self.workbook.plan.indicators}

    @cached_property
    def projection_rows(self) -> list[dict[str, Any]]:
        if self.projection is None:
            return []
        from totkit.cascade import projection_table  # the projection's own module

        return list(projection_table(self.projection))

    # -- tables --------------------------------------------------------------------------------

    @cached_property
    def tables(self) -> list[Table]:
        """Every part as a table, in order; the projection only when there is one."""
        tables = [
            self._profile(), self._diagnostic(), self._answers(), self._gaps(),
            self._sessions(), self._commitments(), self._mentoring(), self._indicators(),
            self._measurements(), self._actions(), self._findings(),
        ]
        if self.projection is not None:
            tables.append(self._projection())
        return tables

    def table(self, name: str) -> Table:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(name)

    def _columns(self, *specs: tuple[str, str]) -> tuple[Column, ...]:
        return tuple(Column(self.t(key), kind) for key, kind in specs)

    def _profile(self) -> Table:
        wb = self.workbook
        profile, header = wb.profile, wb.plan.header
        rows: list[tuple[Any, ...]] = [
            (self.t("field.name"), profile.name),
            (self.t("field.role"), profile.role),
            (self.t("field.institution"), profile.institution),
            (self.t("field.plan_nip"), header.nip),
            (self.t("field.plan_position"), header.position),
            (self.t("field.plan_work_unit"), header.work_unit),
            (self.t("field.plan_superior_name"), header.superior_name),
            (self.t("field.plan_superior_position"), header.superior_position),
            (self.t("field.plan_superior_nip"), header.superior_nip),
            (self.t("field.title"), self.workshop_title),
            (self.t("field.plan_tot_start"), self.tot_start),
            (self.t("field.plan_tot_end"), self.tot_end),
            (self.t("field.plan_timezone"), self.zone_name),
            (self.t("export.workbook_id"), wb.id),
            (self.t("export.created_at"), wb.created_at.date()),
            (self.t("export.generated"), self.today),
        ]
        return Table("profile", self.t("export.sheet.profile"),
                     self._columns(("export.col.field", "text"), ("export.col.value", "long")),
                     rows)

    def _diagnostic(self) -> Table:
        columns = self._columns(
            ("export.col.number", "number"), ("export.col.id", "code"),
            ("readiness.dimension", "text"), ("readiness.score", "number"),
            ("export.col.band", "text"), ("export.col.answered", "number"),
            ("export.col.items", "number"), ("export.col.weakest", "text"),
        )
        rows: list[tuple[Any, ...]] = []
        result = self.result
        if result is not None:
            for number, dim in enumerate(result.dimensions, start=1):
                rows.append((number, dim.id, self.dimension_names.get(dim.id, dim.id), dim.score,
                             self.band_names.get(dim.band or "", ""), dim.answered, dim.items,
                             self.yes_no(dim.id in result.weakest)))
            rows.append((None, "index", self.t("export.index"), result.index,
                         self.band_names.get(result.band or "", ""), result.answered,
                         result.total, None))
        return Table("diagnostic", self.t("export.sheet.diagnostic"), columns, rows)

    def _answers(self) -> Table:
        columns = self._columns(
            ("export.col.number", "number"), ("readiness.dimension", "text"),
            ("export.col.item", "code"), ("export.col.statement", "long"),
            ("export.col.answer", "number"), ("export.col.item_score", "number"),
            ("export.col.reverse", "text"),
        )
        answers = self.workbook.diagnostic.answers
        rows: list[tuple[Any, ...]] = []
        if self.instrument is not None:
            number = 0
            for dim in self.instrument.dimensions:
                for item in dim.items:
                    number += 1
                    answer = answers.get(item.id)
                    rows.append((number, dim.name(self.lang), item.id, item.text(self.lang),
                                 answer, None if answer is None else item.score(answer),
                                 self.yes_no(item.reverse)))
        else:  # no instrument to name the items: the answers as stored
            for number, (item_id, answer) in enumerate(sorted(answers.items()), start=1):
                rows.append((number, None, item_id, None, answer, None, None))
        return Table("answers", self.t("export.sheet.answers"), columns, rows)

    def _gaps(self) -> Table:
        columns = self._columns(
            ("gaps.rank", "number"), ("export.col.id", "code"), ("gaps.factor", "text"),
            ("field.own_factor", "text"), ("gaps.assumed", "number"),
            ("gaps.reality", "number"), ("gaps.importance", "number"),
            ("gaps.score", "number"), ("export.col.priority", "text"),
            ("field.adaptation", "long"),
        )
        rows = [
            (gap.rank, gap.factor, gap.name(self.lang), self.yes_no(gap.own), gap.assumed,
             gap.reality, gap.importance, gap.score, self.yes_no(gap.priority), gap.adaptation)
            for gap in self.gaps
        ]
        return Table("gaps", self.t("export.sheet.gaps"), columns, rows)

    def _sessions(self) -> Table:
        columns = self._columns(
            ("export.col.id", "code"), ("field.plan_title", "text"),
            ("field.plan_objective", "long"), ("field.plan_audience", "text"),
            ("field.plan_participants", "number"), ("field.plan_date", "date"),
            ("field.plan_hours", "number"), ("field.plan_venue", "text"),
            ("field.plan_resources", "long"), ("field.plan_indicators", "code"),
            ("field.plan_notes", "long"), ("field.plan_owner", "text"),
        )
        rows = [
            (s.id, s.title, s.objective, s.audience, s.participants, s.date, s.hours, s.venue,
             s.resources, ", ".join(s.indicators), s.notes, s.owner)
            for s in self.workbook.plan.sessions
        ]
        return Table("sessions", self.t("export.sheet.sessions"), columns, rows)

    def _commitments(self) -> Table:
        columns = self._columns(
            ("export.col.id", "code"), ("field.plan_kind", "text"),
            ("field.plan_from_whom", "text"), ("field.plan_status", "text"),
            ("field.plan_hours_per_month", "number"), ("field.plan_months", "code"),
            ("field.plan_notes", "long"),
        )
        rows = [
            (c.id, self.choice("kind", c.kind), c.from_whom,
             self.choice("commitment_status", c.status), c.hours_per_month,
             ", ".join(c.months), c.notes)
            for c in self.workbook.plan.commitments
        ]
        return Table("commitments", self.t("export.sheet.commitments"), columns, rows)

    def _mentoring(self) -> Table:
        columns = self._columns(
            ("export.col.id", "code"), ("field.plan_date", "date"),
            ("field.plan_mentor", "text"), ("field.plan_mode", "text"),
            ("field.plan_focus", "long"),
        )
        rows = [(m.id, m.date, m.mentor, self.choice("mode", m.mode), m.focus)
                for m in self.workbook.plan.mentoring]
        return Table("mentoring", self.t("export.sheet.mentoring"), columns, rows)

    def _indicators(self) -> Table:
        columns = self._columns(
            ("export.col.id", "code"), ("field.plan_statement", "long"),
            ("field.plan_level", "text"), ("field.plan_baseline", "text"),
            ("field.plan_target", "text"), ("field.plan_source", "text"),
            ("field.plan_measurement_dates", "text"), ("field.plan_owner", "text"),
        )
        rows = [
            (i.id, i.statement, self.choice("level", i.level), i.baseline, i.target, i.source,
             "; ".join(self.date(day, "medium") for day in i.measurement_dates), i.owner)
            for i in self.workbook.plan.indicators
        ]
        return Table("indicators", self.t("export.sheet.indicators"), columns, rows)

    def _measurements(self) -> Table:
        columns = self._columns(
            ("export.col.id", "code"), ("field.plan_statement", "long"),
            ("field.plan_date", "date"), ("field.plan_owner", "text"),
        )
        rows = [(i.id, i.statement, day, i.owner)
                for i in self.workbook.plan.indicators for day in i.measurement_dates]
        return Table("measurements", self.t("export.sheet.measurements"), columns, rows)

    def _actions(self) -> Table:
        columns = self._columns(
            ("export.col.id", "code"), ("field.plan_what", "long"),
            ("field.plan_owner", "text"), ("field.plan_due", "date"),
            ("field.plan_gaps", "code"), ("field.plan_dimensions", "code"),
        )
        rows = [(a.id, a.what, a.owner, a.due, ", ".join(a.gaps), ", ".join(a.dimensions))
                for a in self.workbook.plan.actions]
        return Table("actions", self.t("export.sheet.actions"), columns, rows)

    def _findings(self) -> Table:
        columns = self._columns(
            ("export.col.severity", "text"), ("export.col.rule", "code"),
            ("export.col.where", "code"), ("export.col.message", "long"),
        )
        rows = [(self.t(f"plan.check.severity.{f.severity}"), f.rule, f.item,
                 f.message(self.lang)) for f in self.findings]
        return Table("findings", self.t("export.sheet.findings"), columns, rows)

    def _projection(self) -> Table:
        columns = self._columns(
            ("export.col.level", "text"), ("export.col.on_paper", "number"),
            ("export.col.expected", "number"), ("export.col.mean", "number"),
            ("export.col.p10", "number"), ("export.col.p90", "number"),
        )
        rows = [tuple(row.get(key) for key in PROJECTION_COLUMNS) for row in self.projection_rows]
        return Table("projection", self.t("export.sheet.projection"), columns, rows)


def gather(
    workbook: Workbook,
    *,
    workshop: Any = None,
    lang: str = "id",
    projection: Any = None,
    templates: Path | None = None,
    now: datetime | None = None,
) -> Report:
    """The report of ``workbook`` (see the module docstring); ``now`` defaults to now, and
    a naive ``now`` is taken as UTC."""
    moment = now or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return Report(workbook=workbook, lang=normalize_language(lang), now=moment,
                  workshop=workshop, projection=projection, templates=templates)


def _instrument_of(workbook: Workbook, templates: Path | None) -> Instrument | None:
    """The instrument the diagnostic was answered on (by id), else the readiness one."""
    import re

    from totkit.instrument import instrument_path, load_instrument

    ref = workbook.diagnostic.instrument
    wanted = ref.id if ref and re.fullmatch(r"[a-z][a-z0-9_]{0,39}", ref.id) else "readiness"
    for name in dict.fromkeys([wanted, "readiness"]):
        path = instrument_path(name, templates)
        if path.is_file():
            return load_instrument(path)
    return None
