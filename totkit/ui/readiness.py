"""The readiness diagnostic app: one dimension at a time, saved as answered, then results."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import ipywidgets as w

from totkit.i18n import format_number, t
from totkit.ui.request import Request
from totkit.ui.section import SectionApp
from totkit.ui.widgets import action_button, full_width, styled

if TYPE_CHECKING:
    from totkit.diagnostic import DiagnosticResult
    from totkit.instrument import Dimension, Instrument, Item
    from totkit.model import Diagnostic
    from totkit.store import Store

CHART_DELAY = 0.4  # seconds of quiet before the chart is redrawn


class ReadinessApp(SectionApp):
    section = "diagnostic"
    title_key = "readiness.title"
    css_class = "totkit-readiness"

    def __init__(self, request: Request, store: Store | None = None,
                 instrument: Instrument | None = None, chart_delay: float | None = CHART_DELAY):
        self._instrument = instrument
        self.chart_delay = chart_delay
        super().__init__(request, store)

    @property
    def instrument(self) -> Instrument:
        if self._instrument is None:
            from totkit.instrument import instrument_path, load_instrument

            self._instrument = load_instrument(instrument_path("readiness"))
        return self._instrument

    # -- building ----------------------------------------------------------------------------

    def build(self) -> list[w.Widget]:
        assert self.workbook is not None
        saved = self.workbook.diagnostic
        known = self.instrument.items
        self.answers = {item: value for item, value in saved.answers.items() if item in known}
        self.reflection_text = saved.reflection
        self.radios: dict[str, w.RadioButtons] = {}
        self.dimension_scores: dict[str, w.HTML] = {}
        pages = [self._dimension_page(n, dim) for n, dim in enumerate(self.instrument.dimensions)]
        pages.append(self._results_page())
        self.pages = styled(w.Stack(pages, selected_index=0, layout=full_width()), "totkit-pages")
        self.progress = styled(w.FloatProgress(min=0, max=len(known), layout=full_width()),
                               "totkit-answer-progress")
        self.progress_label = styled(w.HTML(), "totkit-answer-count")
        self.summary = styled(w.HTML(layout=full_width()), "totkit-live-score")
        # The results page (texts and chart) is redrawn after a quiet moment, and its chart
        # only when it is shown: an answer updates just the numbers on its own page first.
        self.chart_debounced = self.debounce(self.chart_delay, self.redraw_results)
        self.redraw_numbers()
        return [self.progress_label, self.progress, self.summary, self._navigation(),
                self.pages]

    def _navigation(self) -> w.HBox:
        texts = self.texts
        self.page_picker = styled(w.Dropdown(layout=w.Layout(width="auto", max_width="100%")),
                                  "totkit-page")
        texts.bind(self.page_picker, "options", self._page_options)
        self.page_picker.value = 0
        self.page_picker.observe(self._on_page_picked, names="value")
        previous = action_button(texts, self.messages, "readiness.previous", "totkit-previous",
                                 lambda: self.show_page(self.pages.selected_index - 1), "")
        following = action_button(texts, self.messages, "readiness.next", "totkit-next",
                                  lambda: self.show_page(self.pages.selected_index + 1))
        return w.HBox([previous, self.page_picker, following],
                      layout=w.Layout(flex_flow="row wrap", align_items="center"))

    def _page_options(self, lang: str) -> list[tuple[str, int]]:
        dims = self.instrument.dimensions
        options = [(f"{n + 1}. {dim.name(lang)}", n) for n, dim in enumerate(dims)]
        return [*options, (t("readiness.results", lang), len(dims))]

    def _dimension_page(self, number: int, dimension: Dimension) -> w.VBox:
        texts = self.texts
        total = len(self.instrument.dimensions)
        title = texts.bind(w.HTML(), "value", lambda lang: "<h3>{}</h3>".format(html.escape(
            t("readiness.dimension_of", lang, number=number + 1, total=total,
              name=dimension.name(lang)))))
        description = texts.bind(w.HTML(layout=full_width()), "value",
                                 lambda lang: f"<p>{html.escape(dimension.description(lang))}</p>")
        items = [self._item(item) for item in dimension.items]
        score = styled(w.HTML(layout=full_width()), "totkit-dimension-score")
        self.dimension_scores[dimension.id] = score
        return styled(w.VBox([title, description, *items, score], layout=full_width()),
                      "totkit-dimension", f"totkit-dimension-{dimension.id}")

    def _item(self, item: Item) -> w.VBox:
        texts = self.texts
        scale = self.instrument.scale
        text = texts.bind(w.HTML(layout=full_width()), "value",
                          lambda lang: f"<b>{html.escape(item.text(lang))}</b>")
        radio = w.RadioButtons(value=None, layout=full_width())
        texts.bind(radio, "options", lambda lang: [(label.label(lang), label.value)
                                                   for label in scale])
        radio.value = self.answers.get(item.id)
        radio.observe(lambda change: self.answer(item.id, change.new), names="value")
        self.radios[item.id] = styled(radio, "totkit-item", f"totkit-item-{item.id}")
        return styled(w.VBox([text, radio], layout=full_width()), "totkit-question")

    def _results_page(self) -> w.VBox:
        texts = self.texts
        self.chart = styled(w.HTML(layout=full_width()), "totkit-chart")
        self.scores_table = styled(w.HTML(layout=full_width()), "totkit-scores")
        self.index_line = styled(w.HTML(layout=full_width()), "totkit-index")
        self.weakest_line = styled(w.HTML(layout=full_width()), "totkit-weakest")
        self.recommendations = styled(w.HTML(layout=full_width()), "totkit-recommendations")
        self.reflection = styled(w.Textarea(value=self.reflection_text, continuous_update=False,
                                            layout=w.Layout(width="100%", height="8em")),
                                 "totkit-reflection")
        self.reflection.observe(lambda change: self.reflect(change.new), names="value")
        self.reflection_prompt = styled(w.HTML(layout=full_width()), "totkit-reflection-prompt")
        save = action_button(texts, self.messages, "readiness.save_reflection",
                             "totkit-save-reflection", lambda: self.reflect(self.reflection.value))
        return styled(
            w.VBox([self.index_line, self.chart, self.scores_table, self.weakest_line,
                    self.recommendations, self.reflection_prompt, self.reflection, save],
                   layout=full_width()),
            "totkit-results",
        )

    # -- reacting --------------------------------------------------------------------------

    def _on_page_picked(self, change) -> None:  # type: ignore[no-untyped-def]
        if not self.texts.redrawing:
            self.show_page(change.new)

    def show_page(self, index: int) -> None:
        index = max(0, min(index, len(self.pages.children) - 1))
        self.pages.selected_index = index
        self.page_picker.value = index
        if self.on_results():
            self.chart_debounced.flush()
            if not self.chart.value:
                self.redraw_chart()

    def on_results(self) -> bool:
        return self.pages.selected_index == len(self.instrument.dimensions)

    def answer(self, item_id: str, value: int | None) -> None:
        if self.texts.redrawing or value is None or self.answers.get(item_id) == value:
            return
        self.answers[item_id] = value
        self.redraw_progress(self.instrument.dimension_of[item_id])
        if self.save():
            self.chart_debounced()

    def redraw_results(self) -> None:
        self.redraw_numbers()
        if self.on_results():
            self.redraw_chart()
        else:
            self.chart.value = ""  # drawn when the results page is opened

    def reflect(self, text: str) -> None:
        if text != self.reflection_text:
            kept, self.reflection_text = self.reflection_text, text
            if not self.save():  # refused (the message says why): later answers still save
                self.reflection_text = kept

    def current(self) -> Diagnostic:
        from totkit.model import Diagnostic

        return Diagnostic(instrument=self.instrument.ref(), answers=dict(self.answers),
                          reflection=self.reflection_text)

    def result(self) -> DiagnosticResult:
        from totkit.diagnostic import score

        return score(self.instrument, self.answers)

    def language_changed(self, lang: str) -> None:
        if self.workbook is not None:
            self.chart.value = ""
            self.redraw_results()

    # -- drawing -----------------------------------------------------------------------------

    def redraw_progress(self, dimension_id: str) -> None:
        """What an answer changes on its own page: the counts, its dimension, the index."""
        lang = self.texts.lang
        result = self.result()
        answered, total = len(self.answers), len(self.instrument.items)
        self.progress.value = answered
        self.progress_label.value = html.escape(
            t("readiness.answered", lang, answered=answered, total=total))
        dimension = next(dim for dim in result.dimensions if dim.id == dimension_id)
        self.dimension_scores[dimension_id].value = self._dimension_line(dimension, lang)
        self.summary.value = self._index_text(result, lang)

    def redraw_numbers(self) -> None:
        lang = self.texts.lang
        result = self.result()
        answered, total = len(self.answers), len(self.instrument.items)
        self.progress.value = answered
        self.progress_label.value = html.escape(
            t("readiness.answered", lang, answered=answered, total=total))
        for dim in result.dimensions:
            self.dimension_scores[dim.id].value = self._dimension_line(dim, lang)
        self.summary.value = self._index_text(result, lang)
        self.index_line.value = f"<h3>{self._index_text(result, lang)}</h3>"
        self.scores_table.value = self._scores_table(result, lang)
        self.weakest_line.value = self._weakest_text(result, lang)
        self.recommendations.value = self._recommendations_html(result, lang)
        self.reflection_prompt.value = self._reflection_prompt(result, lang)

    def _band_name(self, band_id: str | None, lang: str) -> str:
        band = next((b for b in self.instrument.bands if b.id == band_id), None)
        return band.name(lang) if band else ""

    def _dimension_line(self, dim, lang: str) -> str:  # type: ignore[no-untyped-def]
        if dim.score is None:
            from totkit.diagnostic import required_answers

            needed = required_answers(dim.items)
            return html.escape(t("readiness.dimension_insufficient", lang, needed=needed,
                                 total=dim.items))
        band = self._band_name(self.result_band(dim.score), lang)
        return html.escape(t("readiness.dimension_score", lang,
                             score=format_number(dim.score, lang), band=band))

    def result_band(self, value: float) -> str:
        from totkit.diagnostic import band_for

        return band_for(self.instrument, value)

    def _index_text(self, result: DiagnosticResult, lang: str) -> str:
        if result.index is None:
            return html.escape(t("readiness.index_none", lang))
        return html.escape(t("readiness.index", lang, index=format_number(result.index, lang),
                             band=self._band_name(result.band, lang)))

    def _scores_table(self, result: DiagnosticResult, lang: str) -> str:
        names = {dim.id: dim.name(lang) for dim in self.instrument.dimensions}
        rows = "".join(
            f"<tr><td>{html.escape(names[dim.id])}</td><td style='text-align:right'>"
            f"{format_number(dim.score, lang) if dim.score is not None else '–'}</td></tr>"
            for dim in result.dimensions
        )
        header = (f"<tr><th style='text-align:left'>{html.escape(t('readiness.dimension', lang))}"
                  f"</th><th>{html.escape(t('readiness.score', lang))}</th></tr>")
        return f"<table style='width:100%'>{header}{rows}</table>"

    def _weakest_text(self, result: DiagnosticResult, lang: str) -> str:
        if not result.weakest:
            return ""
        names = ", ".join(self._dimension(d).name(lang) for d in result.weakest)
        return f"<p><b>{html.escape(t('readiness.weakest', lang, names=names))}</b></p>"

    def _dimension(self, dim_id: str) -> Dimension:
        return next(dim for dim in self.instrument.dimensions if dim.id == dim_id)

    def _recommendations_html(self, result: DiagnosticResult, lang: str) -> str:
        from totkit.diagnostic import recommendations

        chosen = recommendations(self.instrument, result)
        if not chosen:
            return ""
        entries = "".join(
            f"<li><b>{html.escape(self._dimension(dim_id).name(lang))}:</b> "
            f"{html.escape(rec.text(lang))} <small>({html.escape(rec.source)})</small></li>"
            for dim_id, rec in chosen
        )
        title = html.escape(t("readiness.recommendations", lang))
        return f"<h4>{title}</h4><ul>{entries}</ul>"

    def _reflection_prompt(self, result: DiagnosticResult, lang: str) -> str:
        if not result.weakest:
            return html.escape(t("readiness.reflection_prompt_general", lang))
        names = ", ".join(self._dimension(d).name(lang) for d in result.weakest)
        return f"<p>{html.escape(t('readiness.reflection_prompt', lang, names=names))}</p>"

    def redraw_chart(self) -> None:
        from totkit.charts import readiness_chart

        self.chart.value = readiness_chart(self.instrument, self.result(), self.texts.lang)
