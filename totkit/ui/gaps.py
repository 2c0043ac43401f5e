"""The context-gap app: rate each factor, see the ranked gaps, adapt for the priorities."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from totkit.i18n import t
from totkit.ui.request import Request
from totkit.ui.section import SectionApp
from totkit.ui.widgets import action_button, full_width, paragraph, styled, text_field

if TYPE_CHECKING:
    from totkit.gaps import ContextFactor, ContextFile, Gaps, RankedGap
    from totkit.store import Store

CHART_DELAY = 0.4


class GapsApp(SectionApp):
    section = "gaps"
    title_key = "gaps.title"
    css_class = "totkit-gaps"

    def __init__(self, request: Request, store: Store | None = None,
                 context: ContextFile | None = None, chart_delay: float | None = CHART_DELAY):
        self._context = context
        self.chart_delay = chart_delay
        super().__init__(request, store)

    @property
    def context(self) -> ContextFile:
        if self._context is None:
            from totkit.gaps import load_context

            self._context = load_context()
        return self._context

    # -- building ----------------------------------------------------------------------------

    def build(self) -> list[w.Widget]:
        assert self.workbook is not None
        self.entries: dict[str, dict[str, Any]] = {
            entry.factor: entry.model_dump() for entry in self.workbook.gaps.entries
        }
        # A factor is saved once both its ratings are chosen; until then it is a draft.
        self.drafts = {factor: dict(entry) for factor, entry in self.entries.items()}
        self.cards = styled(w.VBox(layout=full_width()), "totkit-factors")
        self.ranking = styled(w.HTML(layout=full_width()), "totkit-gap-ranking")
        self.chart = styled(w.HTML(layout=full_width()), "totkit-gap-chart")
        self.adaptations = styled(w.VBox(layout=full_width()), "totkit-adaptations")
        self.chart_debounced = self.debounce(self.chart_delay, self.redraw_chart)
        own_box, self.own_label = text_field(self.texts, "own_factor", "totkit-own-label",
                                             "gaps.own_placeholder")
        add_own = action_button(self.texts, self.messages, "gaps.add_own", "totkit-add-own",
                                self.add_own)
        self.render_cards()
        self.redraw()
        return [
            paragraph(self.texts, "gaps.intro"),
            self.cards,
            styled(w.VBox([own_box, add_own], layout=full_width()), "totkit-own"),
            self.texts.bind(w.HTML(), "value",
                            lambda lang: f"<h3>{html.escape(t('gaps.ranking', lang))}</h3>"),
            self.ranking,
            self.chart,
            self.texts.bind(w.HTML(), "value",
                            lambda lang: f"<h3>{html.escape(t('gaps.adapt_title', lang))}</h3>"),
            self.adaptations,
        ]

    def render_cards(self) -> None:
        cards = [self._card(factor.id, factor) for factor in self.context.factors]
        cards += [self._card(factor_id, None) for factor_id in self.entries
                  if factor_id not in self.context.by_id]
        self.cards.children = cards

    def _card(self, factor_id: str, factor: ContextFactor | None) -> w.VBox:
        texts = self.texts
        entry = self.entries.get(factor_id, {})
        if factor is not None:
            title = texts.bind(w.HTML(layout=full_width()), "value", lambda lang: (
                f"<b>{html.escape(factor.name(lang))}</b><br><small>"
                f"{html.escape(t('gaps.assumed_hint', lang))}: "
                f"{html.escape(factor.assumed_hint(lang))}<br>"
                f"{html.escape(t('gaps.reality_hint', lang))}: "
                f"{html.escape(factor.reality_hint(lang))}</small>"))
        else:
            label = html.escape(entry.get("label", factor_id))
            title = w.HTML(f"<b>{label}</b>", layout=full_width())
        pickers = [self._picker(factor_id, field) for field in
                   ("assumed", "reality", "importance")]
        parts: list[w.Widget] = [title, w.HBox(pickers, layout=w.Layout(flex_flow="row wrap"))]
        if factor is None:
            parts.append(action_button(texts, self.messages, "form.remove", "totkit-remove-own",
                                       lambda: self.remove_own(factor_id), style="danger"))
        return styled(w.VBox(parts, layout=w.Layout(width="100%", padding="4px 0",
                                                    border_bottom="1px solid #ddd")),
                      "totkit-factor", f"totkit-factor-{factor_id}")

    def _picker(self, factor_id: str, field: str) -> w.VBox:
        scale = self.context.scales.importance if field == "importance" else \
            self.context.scales.condition
        dropdown = styled(w.Dropdown(layout=w.Layout(width="auto")), f"totkit-{field}")
        self.texts.bind(dropdown, "options", lambda lang: [("—", None)] + [
            (f"{label.value}. {label.label(lang)}", label.value) for label in scale])
        default = 2 if field == "importance" else None
        dropdown.value = self.entries.get(factor_id, {}).get(field, default)
        dropdown.observe(lambda change: self.rate(factor_id, field, change.new), names="value")
        label = self.texts.key(w.HTML(), "value", f"gaps.{field}")
        return w.VBox([label, dropdown], layout=w.Layout(margin="0 8px 0 0"))

    # -- reacting ----------------------------------------------------------------------------

    def rate(self, factor_id: str, field: str, value: int | None) -> None:
        if self.texts.redrawing:
            return
        draft = self.drafts.setdefault(factor_id, {"factor": factor_id, "importance": 2})
        draft[field] = value
        if draft.get("assumed") and draft.get("reality") and draft.get("importance"):
            self.entries[factor_id] = {**self.entries.get(factor_id, {}), **draft}
            self.save_and_redraw()

    def add_own(self) -> None:
        from totkit.errors import InputError
        from totkit.gaps import MAX_OWN_FACTORS, is_own

        label = self.own_label.value.strip()
        if not label:
            raise InputError("error.required", field="own_factor")
        own = [f for f in self.entries if is_own(f)]
        if len(own) >= MAX_OWN_FACTORS:
            raise InputError("error.gaps.too_many_own", field="own_factors",
                             max=MAX_OWN_FACTORS, count=len(own) + 1)
        number = 1
        while f"own_{number}" in self.entries:
            number += 1
        factor_id = f"own_{number}"
        entry = {"factor": factor_id, "label": label, "assumed": 3, "reality": 3,
                 "importance": 2}
        self.entries[factor_id] = entry
        self.drafts[factor_id] = dict(entry)
        if self.save_and_redraw():
            self.own_label.value = ""
            self.render_cards()
        else:
            del self.entries[factor_id]

    def remove_own(self, factor_id: str) -> None:
        removed = self.entries.pop(factor_id, None)
        self.drafts.pop(factor_id, None)
        if self.save_and_redraw():
            self.render_cards()
        elif removed is not None:
            self.entries[factor_id] = removed

    def adapt(self, factor_id: str, text: str) -> None:
        if factor_id in self.entries and self.entries[factor_id].get("adaptation", "") != text:
            entry = self.entries[factor_id]
            kept, entry["adaptation"] = entry.get("adaptation", ""), text
            if not self.save():  # refused (the message says why): later changes still save
                entry["adaptation"] = kept

    def save_and_redraw(self) -> bool:
        saved = self.save()
        if saved:
            self.redraw()
        return saved

    def current(self) -> Gaps:
        from totkit.gaps import Gaps
        from totkit.parts import parse

        order = {factor.id: n for n, factor in enumerate(self.context.factors)}
        entries = sorted(self.entries.values(),
                         key=lambda e: (order.get(e["factor"], len(order)), e["factor"]))
        return parse(Gaps, {"instrument": self.context.ref().model_dump(), "entries": entries})

    def language_changed(self, lang: str) -> None:
        if self.workbook is not None:
            self.redraw()

    # -- drawing -----------------------------------------------------------------------------

    def ranked(self) -> list[RankedGap]:
        from totkit.gaps import ranked

        return ranked(self.current(), self.context)

    def redraw(self) -> None:
        rows = self.ranked()
        self.ranking.value = self._ranking_html(rows, self.texts.lang)
        self.adaptations.children = [self._adaptation(row) for row in rows if row.priority]
        self.chart_debounced()

    def _ranking_html(self, rows: list[RankedGap], lang: str) -> str:
        if not rows:
            return f"<p>{html.escape(t('gaps.none_yet', lang))}</p>"
        head = "".join(f"<th>{html.escape(t(key, lang))}</th>" for key in (
            "gaps.rank", "gaps.factor", "gaps.assumed", "gaps.reality", "gaps.importance",
            "gaps.score"))
        body = "".join(
            f"<tr class='{'totkit-priority' if row.priority else ''}'><td>{row.rank}</td>"
            f"<td>{'★ ' if row.priority else ''}{html.escape(row.name(lang))}</td>"
            f"<td>{row.assumed}</td><td>{row.reality}</td><td>{row.importance}</td>"
            f"<td><b>{row.score}</b></td></tr>"
            for row in rows
        )
        note = html.escape(t("gaps.priority_note", lang))
        return (f"<div style='overflow-x:auto'><table style='width:100%'><tr>{head}</tr>{body}"
                f"</table></div><small>★ {note}</small>")

    def _adaptation(self, row: RankedGap) -> w.VBox:
        factor = self.context.by_id.get(row.factor)
        title = self.texts.bind(w.HTML(layout=full_width()), "value", lambda lang: (
            f"<b>{html.escape(row.name(lang))}</b> "
            f"({html.escape(t('gaps.score', lang))} {row.score})"
            + (f"<br><small>{html.escape(factor.adaptation_hint(lang))}</small>"
               if factor else "")))
        area = styled(w.Textarea(value=row.adaptation, continuous_update=False,
                                 layout=w.Layout(width="100%", height="5em")),
                      "totkit-adaptation", f"totkit-adaptation-{row.factor}")
        self.texts.key(area, "placeholder", "gaps.adapt_placeholder")
        area.observe(lambda change: self.adapt(row.factor, change.new), names="value")
        return w.VBox([title, area], layout=full_width())

    def redraw_chart(self) -> None:
        from totkit.charts import gap_chart

        gaps = self.current()
        self.chart.value = gap_chart(self.context, gaps, self.texts.lang) if gaps.entries else ""
