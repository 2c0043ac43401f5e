"""The monitoring app: log what really happened after the TOT, see it against the plan."""

from __future__ import annotations

import html
from datetime import date
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from totkit.i18n import format_number, t
from totkit.ui.forms import FieldSpec, Form, ListEditor
from totkit.ui.section import SectionApp
from totkit.ui.widgets import action_button, full_width, paragraph, styled

if TYPE_CHECKING:
    from totkit.monitoring import Monitoring


def _field(name: str, kind: str = "text", options=None) -> FieldSpec:  # type: ignore[no-untyped-def]
    return FieldSpec(name, kind, label=f"field.monitoring_{name}", options=options)


def _choices(area: str, group: str, values: tuple[str, ...]):  # type: ignore[no-untyped-def]
    return lambda lang: [(t(f"{area}.{group}.{value}", lang), value) for value in values]


class MonitoringApp(SectionApp):
    section = "monitoring"
    title_key = "monitoring.title"
    css_class = "totkit-monitoring"

    def build(self) -> list[w.Widget]:
        from totkit.monitoring import CAUSES, KINDS
        from totkit.plan import MENTORING_MODES

        assert self.workbook is not None
        self.log = self.workbook.monitoring
        self.plan = self.workbook.plan
        self.workshop = self.store.workshop_of(self.workbook.id)
        texts = self.texts
        self.as_of = styled(w.DatePicker(value=date.today(), layout=w.Layout(width="12em")),
                            "totkit-as-of")
        self.as_of.observe(lambda _change: self.redraw_status(), names="value")
        self.status_box = styled(w.HTML(layout=full_width()), "totkit-monitoring-status")
        self.editors = {
            "sessions_held": self._editor("sessions_held", "sh", [
                _field("planned", "choice", self._planned_sessions), _field("date", "date"),
                _field("participants", "int"), _field("hours", "float"),
                _field("notes", "textarea"),
            ], self._session_line),
            "mentoring_held": self._editor("mentoring_held", "mh", [
                _field("planned", "choice", self._planned_mentoring), _field("date", "date"),
                _field("mentor"),
                _field("mode", "choice", _choices("plan", "mode", MENTORING_MODES)),
                _field("notes", "textarea"),
            ], self._mentoring_line),
            "measurements": self._editor("measurements", "me", [
                _field("indicator", "choice", self._indicators), _field("value"),
                _field("number", "float"), _field("date", "date"), _field("source"),
                _field("kind", "choice", _choices("monitoring", "kind", KINDS)),
            ], self._measurement_line),
            "obstacles": self._editor("obstacles", "ob", [
                _field("date", "date"),
                _field("cause", "choice", _choices("monitoring", "cause", CAUSES)),
                _field("text", "textarea"),
            ], self._obstacle_line),
        }
        for name, editor in self.editors.items():
            editor.load([entry.model_dump(mode="json") for entry in getattr(self.log, name)])
        self.reflection = Form(texts, [_field("helped", "textarea"),
                                       _field("blocked", "textarea"),
                                       _field("next", "textarea")], "totkit-reflection")
        self.reflection.fill(self.log.reflection.model_dump())
        save_reflection = action_button(texts, self.messages, "monitoring.save_reflection",
                                        "totkit-save-reflection", self.save_reflection)
        self.redraw_status()
        return [
            paragraph(texts, "monitoring.intro"),
            w.HBox([texts.key(w.HTML(), "value", "monitoring.as_of"), self.as_of],
                   layout=w.Layout(align_items="center", flex_flow="row wrap")),
            self.status_box,
            *[editor.widget for editor in self.editors.values()],
            texts.bind(w.HTML(), "value", lambda lang: "<h4>{}</h4>".format(
                html.escape(t("field.monitoring_reflection", lang)))),
            self.reflection.widget, save_reflection,
        ]

    def _editor(self, name: str, prefix: str, fields: list[FieldSpec], line) -> ListEditor:  # type: ignore[no-untyped-def]
        return ListEditor(self.texts, name, fields, line,
                          lambda entries: self.save_list(name, entries), prefix,
                          title_key=f"field.monitoring_{name}")

    # -- choices from the plan ---------------------------------------------------------------

    def _planned_sessions(self, lang: str) -> list[tuple[str, str | None]]:
        plan = getattr(self, "plan", None)
        sessions = [(f"{s.title} ({s.date or '—'})", s.id) for s in plan.sessions] if plan else []
        return [(t("monitoring.unplanned", lang), None), *sessions]

    def _planned_mentoring(self, lang: str) -> list[tuple[str, str | None]]:
        plan = getattr(self, "plan", None)
        touchpoints = [(f"{m.mentor} ({m.date or '—'})", m.id) for m in plan.mentoring] \
            if plan else []
        return [(t("monitoring.unplanned", lang), None), *touchpoints]

    def _indicators(self, lang: str) -> list[tuple[str, str]]:
        plan = getattr(self, "plan", None)
        return [(i.statement, i.id) for i in plan.indicators] if plan else []

    # -- saving --------------------------------------------------------------------------------

    def save_list(self, name: str, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        from totkit.monitoring import Monitoring
        from totkit.parts import parse

        previous = self.log
        self.log = parse(Monitoring, {**self.log.model_dump(mode="json"), name: entries})
        if not self.save():
            self.log = previous
        self.redraw_status()
        return [entry.model_dump(mode="json") for entry in getattr(self.log, name)]

    def save_reflection(self) -> None:
        self.log = self.log.with_reflection(self.reflection.read())
        self.save()

    def current(self) -> Monitoring:
        return self.log

    def language_changed(self, lang: str) -> None:
        if self.workbook is not None:
            self.redraw_status()
            for editor in self.editors.values():
                editor.render()

    # -- the plan against what happened ------------------------------------------------------

    def redraw_status(self) -> None:
        from totkit.cascade import instrument_for
        from totkit.monitoring import reach_against_projection, status_of
        from totkit.plan import tot_days

        assert self.workbook is not None
        workbook = self.workbook.model_copy(update={"monitoring": self.log})
        as_of = self.as_of.value or date.today()
        state = status_of(workbook, self.workshop, as_of=as_of)
        _start, tot_end, _zone = tot_days(self.plan.header, self.workshop)
        reach = reach_against_projection(workbook, instrument_for(workbook), as_of=as_of,
                                         tot_end=tot_end) if tot_end else None
        self.status_box.value = self._status_html(state, reach, self.texts.lang)

    def _status_html(self, state, reach, lang: str) -> str:  # type: ignore[no-untyped-def]
        label = html.escape(t(f"monitoring.status_label.{state.status}", lang))
        lines = [
            f"<h3 class='totkit-status-{state.status}'>{label}</h3>",
            f"<p>{html.escape(state.message(lang))}</p><ul>",
            "<li>" + html.escape(t("monitoring.line_sessions", lang, held=state.sessions_held,
                                   due=state.sessions_due, planned=state.sessions_planned))
            + "</li>",
        ]
        if reach is not None:
            lines.append("<li class='totkit-reach'>" + html.escape(t(
                "monitoring.line_reach", lang, realised=format_number(reach["realised"], lang),
                paper=format_number(round(reach["on_paper"]), lang),
                realistic=format_number(round(reach["realistic"]), lang))) + "</li>")
        lines.append("<li>" + html.escape(t(
            "monitoring.line_commitments", lang, received=state.commitments_received,
            total=state.commitments_total)) + "</li>")
        if state.days_since_last_activity is not None:
            lines.append("<li>" + html.escape(t("monitoring.line_days", lang,
                                                days=state.days_since_last_activity)) + "</li>")
        lines.append("</ul>")
        rows = "".join(
            f"<tr><td>{html.escape(p.statement)}</td><td>{html.escape(p.baseline)}</td>"
            f"<td>{html.escape(p.latest.value) if p.latest else '—'}</td>"
            f"<td>{html.escape(p.target)}</td>"
            f"<td>{format_number(round(p.share * 100), lang) + '%' if p.share is not None else '—'}"
            f"</td></tr>"
            for p in state.indicator_progress
        )
        if rows:
            head = "".join(f"<th>{html.escape(t(k, lang))}</th>" for k in (
                "monitoring.col_indicator", "monitoring.col_baseline", "monitoring.col_latest",
                "monitoring.col_target", "monitoring.col_progress"))
            lines.append(f"<div style='overflow-x:auto'><table class='totkit-indicator-progress'"
                         f" style='width:100%'><tr>{head}</tr>{rows}</table></div>")
        return "".join(lines)

    # -- one line per entry --------------------------------------------------------------------

    def _session_line(self, e: dict[str, Any], lang: str) -> str:
        return (f"{html.escape(str(e.get('date') or '—'))} · "
                f"<b>{html.escape(self._session_title(e.get('planned'), lang))}</b> · "
                f"{html.escape(t('plan.participants', lang, n=e.get('participants') or 0))}")

    def _session_title(self, planned: str | None, lang: str) -> str:
        found = next((s for s in self.plan.sessions if s.id == planned), None)
        return found.title if found else t("monitoring.unplanned", lang)

    def _mentoring_line(self, e: dict[str, Any], lang: str) -> str:
        return (f"{html.escape(str(e.get('date') or '—'))} · "
                f"<b>{html.escape(e.get('mentor', ''))}</b> · "
                f"{html.escape(t('plan.mode.' + e.get('mode', 'school_visit'), lang))}")

    def _measurement_line(self, e: dict[str, Any], lang: str) -> str:
        indicator = next((i for i in self.plan.indicators if i.id == e.get("indicator")), None)
        name = indicator.statement if indicator else e.get("indicator", "")
        return (f"{html.escape(str(e.get('date') or '—'))} · <b>{html.escape(name)}</b>: "
                f"{html.escape(str(e.get('value', '')))} "
                f"({html.escape(t('monitoring.kind.' + e.get('kind', 'self_reported'), lang))})")

    def _obstacle_line(self, e: dict[str, Any], lang: str) -> str:
        return (f"{html.escape(str(e.get('date') or '—'))} · "
                f"<b>{html.escape(t('monitoring.cause.' + e['cause'], lang))}</b>: "
                f"{html.escape(e.get('text', ''))}")
