"""The follow-up plan (RTL) app: the header, five lists edited in forms, the live plan check."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from totkit.i18n import format_date, t
from totkit.ui.exports import ExportBar
from totkit.ui.forms import FieldSpec, Form, ListEditor
from totkit.ui.request import Request
from totkit.ui.section import SectionApp
from totkit.ui.widgets import action_button, full_width, paragraph, styled

CHART_DELAY = 0.6  # seconds of quiet before the projection is drawn again

if TYPE_CHECKING:
    from totkit.plan import Plan
    from totkit.plancheck import Finding
    from totkit.store import Store


def _choices(group: str, values: tuple[str, ...]):  # type: ignore[no-untyped-def]
    return lambda lang: [(t(f"plan.{group}.{value}", lang), value) for value in values]


def _field(name: str, kind: str = "text", options=None) -> FieldSpec:  # type: ignore[no-untyped-def]
    return FieldSpec(name, kind, label=f"field.plan_{name}", options=options)


def _date(value: Any, lang: str) -> str:
    from datetime import date

    if not value:
        return "—"
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    return format_date(day, lang, "medium")


class PlanApp(SectionApp):
    section = "plan"
    title_key = "plan.title"
    css_class = "totkit-plan"

    def __init__(self, request: Request, store: Store | None = None,
                 chart_delay: float | None = CHART_DELAY):
        self.chart_delay = chart_delay
        super().__init__(request, store)

    # -- building ----------------------------------------------------------------------------

    def build(self) -> list[w.Widget]:
        from totkit.plan import COMMITMENT_KINDS, COMMITMENT_STATUSES, LEVELS, MENTORING_MODES

        assert self.workbook is not None
        self.plan = self.workbook.plan
        self.workshop = self.store.workshop_of(self.workbook.id)
        self.tot_note = styled(w.HTML(layout=full_width()), "totkit-tot-dates")
        texts = self.texts
        self.header = Form(texts, [
            _field("name"), _field("nip"), _field("position"), _field("work_unit"),
            _field("superior_name"), _field("superior_position"), _field("superior_nip"),
            _field("tot_start", "date"), _field("tot_end", "date"),
            _field("timezone", "choice", self._timezone_options),
        ], "totkit-header")
        self.header.fill(self.plan.header.model_dump(mode="json"))
        save_header = action_button(texts, self.messages, "plan.save_header",
                                    "totkit-save-header", self.save_header)
        self.editors = {
            "sessions": self._editor("sessions", "s", [
                _field("title"), _field("objective", "textarea"), _field("audience"),
                _field("participants", "int"), _field("date", "date"),
                _field("hours", "float"), _field("venue"), _field("resources", "textarea"),
                _field("indicators", "choices", self._indicator_options),
                _field("notes", "textarea"), _field("owner"),
            ], self._session_line),
            "commitments": self._editor("commitments", "c", [
                _field("kind", "choice", _choices("kind", COMMITMENT_KINDS)),
                _field("from_whom"),
                _field("status", "choice", _choices("commitment_status", COMMITMENT_STATUSES)),
                _field("hours_per_month", "float"), _field("months", "dates"),
                _field("notes", "textarea"),
            ], self._commitment_line),
            "mentoring": self._editor("mentoring", "m", [
                _field("date", "date"), _field("mentor"),
                _field("mode", "choice", _choices("mode", MENTORING_MODES)),
                _field("focus", "textarea"),
            ], self._mentoring_line),
            "indicators": self._editor("indicators", "i", [
                _field("statement"), _field("level", "choice", _choices("level", LEVELS)),
                _field("baseline"), _field("target"), _field("source"),
                _field("measurement_dates", "dates"), _field("owner"),
            ], self._indicator_line),
            "actions": self._editor("actions", "a", [
                _field("what"), _field("owner"), _field("due", "date"),
                _field("gaps", "choices", self._gap_options),
                _field("dimensions", "choices", self._dimension_options),
            ], self._action_line),
        }
        for name, editor in self.editors.items():
            editor.load([e.model_dump(mode="json") for e in getattr(self.plan, name)])
        self.projection_text = styled(w.HTML(layout=full_width()), "totkit-projection-summary")
        self.projection_chart = styled(w.HTML(layout=full_width()), "totkit-projection-chart")
        self.projection_debounced = self.debounce(self.chart_delay, self.redraw_projection)
        self.check_status = styled(w.HTML(layout=full_width()), "totkit-check-status")
        self.findings = styled(w.HTML(layout=full_width()), "totkit-findings")
        self.run_check()
        return [
            paragraph(texts, "plan.intro"),
            styled(w.VBox([self.check_status, self.findings], layout=w.Layout(
                width="100%", border="1px solid #999", padding="6px")), "totkit-check"),
            texts.bind(w.HTML(), "value",
                       lambda lang: f"<h3>{html.escape(t('plan.header_title', lang))}</h3>"),
            self.header.widget, save_header, self.tot_note,
            *[editor.widget for editor in self.editors.values()],
            texts.bind(w.HTML(), "value",
                       lambda lang: f"<h3>{html.escape(t('plan.projection_title', lang))}</h3>"),
            styled(w.VBox([self.projection_text, self.projection_chart], layout=full_width()),
                   "totkit-projection"),
            ExportBar(texts, self.messages, self.export_source).widget,
        ]

    def _editor(self, name: str, prefix: str, fields: list[FieldSpec], line) -> ListEditor:  # type: ignore[no-untyped-def]
        return ListEditor(self.texts, name, fields, line,
                          lambda entries: self.save_list(name, entries), prefix)

    # -- options that follow the rest of the workbook ----------------------------------------

    def _timezone_options(self, lang: str) -> list[tuple[str, str | None]]:
        from totkit.plan import TIMEZONES

        workshop = t("plan.workshop_timezone", lang, timezone=self.workshop.timezone)
        return [(workshop, None), *[(zone, zone) for zone in TIMEZONES]]

    def _indicator_options(self, lang: str) -> list[tuple[str, str]]:
        plan = getattr(self, "plan", None)
        return [(i.statement, i.id) for i in plan.indicators] if plan else []

    def _gap_options(self, lang: str) -> list[tuple[str, str]]:
        from totkit.gaps import load_context, priority_gaps

        if self.workbook is None:
            return []
        gaps = self.store.load_workbook(self.workbook.id).gaps
        return [(row.name(lang), row.factor) for row in priority_gaps(gaps, load_context())]

    def _dimension_options(self, lang: str) -> list[tuple[str, str]]:
        from totkit.instrument import instrument_path, load_instrument

        instrument = load_instrument(instrument_path("readiness"))
        return [(dim.name(lang), dim.id) for dim in instrument.dimensions]

    # -- saving ------------------------------------------------------------------------------

    def save_header(self) -> None:
        self.plan = self.plan.with_header({**self.plan.header.model_dump(mode="json"),
                                           **self.header.read()})
        if self.save():
            self.run_check()

    def save_list(self, name: str, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        from totkit.parts import parse
        from totkit.plan import Plan

        previous = self.plan
        self.plan = parse(Plan, {**self.plan.model_dump(mode="json"), name: entries})
        if not self.save():
            self.plan = previous
            return [e.model_dump(mode="json") for e in getattr(previous, name)]
        if name == "indicators":
            self.editors["sessions"].form.refresh()
        self.run_check()
        return [e.model_dump(mode="json") for e in getattr(self.plan, name)]

    def current(self) -> Plan:
        return self.plan

    # -- the plan check ----------------------------------------------------------------------

    def findings_now(self) -> list[Finding]:
        from totkit.plancheck import check_loaded

        assert self.workbook is not None
        latest = self.store.load_workbook(self.workbook.id).model_copy(update={"plan": self.plan})
        return check_loaded(latest, self.workshop)

    def export_source(self) -> dict[str, Any]:
        assert self.workbook is not None
        latest = self.store.load_workbook(self.workbook.id)
        return {"workbook": latest, "workshop": self.workshop, "projection": self.projection()}

    def projection(self):  # type: ignore[no-untyped-def]
        from totkit.cascade import inputs_for_workbook, instrument_for, project

        assert self.workbook is not None
        workbook = self.workbook.model_copy(update={"plan": self.plan})
        return project(inputs_for_workbook(workbook, instrument_for(workbook)), 10_000, 0)

    def redraw_projection(self) -> None:
        from totkit.charts import cascade_chart

        projection = self.projection()
        lang = self.texts.lang
        self.projection_text.value = f"<p>{html.escape(projection.summary(lang))}</p>"
        self.projection_chart.value = cascade_chart(projection, lang)

    def run_check(self) -> None:
        self.projection_debounced()
        self.last_findings = self.findings_now()
        self._draw_check(self.texts.lang)
        self._draw_tot_dates(self.texts.lang)

    def _draw_tot_dates(self, lang: str) -> None:
        from totkit.plan import tot_days

        start, end, zone = tot_days(self.plan.header, self.workshop)
        self.tot_note.value = "<small>{}</small>".format(html.escape(t(
            "plan.tot_dates", lang, start=_date(start, lang), end=_date(end, lang),
            timezone=zone or "—")))

    def language_changed(self, lang: str) -> None:
        if self.workbook is not None:
            self._draw_check(lang)
            self._draw_tot_dates(lang)
            self.projection_debounced()
            for editor in self.editors.values():
                editor.render()

    def _draw_check(self, lang: str) -> None:
        from totkit.plancheck import status, status_message

        findings = self.last_findings
        ready = status(findings) == "ready"
        colour = "#2e7d32" if ready else "#b71c1c"
        self.check_status.value = (
            f"<b style='color:{colour}' class='totkit-status-{status(findings)}'>"
            f"{html.escape(status_message(findings, lang))}</b>")
        self.findings.value = "<ul>" + "".join(
            f"<li class='totkit-finding totkit-finding-{f.rule} totkit-{f.severity}'>"
            f"<b>{html.escape(t(f'plan.check.severity.{f.severity}', lang))}:</b> "
            f"{html.escape(f.message(lang))}</li>" for f in findings) + "</ul>"

    # -- one line per entry --------------------------------------------------------------------

    def _session_line(self, e: dict[str, Any], lang: str) -> str:
        return (f"<b>{html.escape(e.get('title', ''))}</b> · {_date(e.get('date'), lang)} · "
                f"{html.escape(t('plan.participants', lang, n=e.get('participants') or 0))}")

    def _commitment_line(self, e: dict[str, Any], lang: str) -> str:
        return (f"<b>{html.escape(t('plan.kind.' + e['kind'], lang))}</b> · "
                f"{html.escape(e.get('from_whom', ''))} · "
                f"{html.escape(t('plan.commitment_status.' + e['status'], lang))}")

    def _mentoring_line(self, e: dict[str, Any], lang: str) -> str:
        return (f"{_date(e.get('date'), lang)} · <b>{html.escape(e.get('mentor', ''))}</b> · "
                f"{html.escape(t('plan.mode.' + e['mode'], lang))}")

    def _indicator_line(self, e: dict[str, Any], lang: str) -> str:
        return (f"<b>{html.escape(t('plan.level.' + e['level'], lang))}</b>: "
                f"{html.escape(e.get('statement', ''))}")

    def _action_line(self, e: dict[str, Any], lang: str) -> str:
        return f"<b>{html.escape(e.get('what', ''))}</b> · {_date(e.get('due'), lang)}"
