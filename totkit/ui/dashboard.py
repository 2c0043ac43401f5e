"""The facilitator's dashboard: every planner of a workshop, the cohort, exports.

Opened with the workshop code and the facilitator key, typed into the app (never in
the URL). A wrong key shows nothing of the workshop. The dashboard only reads; the one
thing it writes is a new resume code for a planner who lost theirs.
"""

from __future__ import annotations

import base64
import html
import threading
from datetime import date
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from totkit.errors import InputError
from totkit.i18n import format_number, format_percent, t
from totkit.ui.base import App
from totkit.ui.request import Request
from totkit.ui.widgets import (
    action_button,
    full_width,
    heading,
    paragraph,
    styled,
    text_field,
)

if TYPE_CHECKING:
    from totkit.dashboard import Dashboard
    from totkit.model import Workbook
    from totkit.store import Store

SHOWN = ("name", "institution", "progress", "index", "band", "weakest", "plan_status",
         "plan_errors", "monitoring_status", "sessions_held", "people_reached")
SORTABLE = ("name", "institution", "progress", "index", "plan_errors", "monitoring_status",
            "sessions_held", "people_reached", "days_since_last_activity")
STATUSES = ("done", "on_track", "behind", "stalled")
ALL = ""  # a filter's "all" choice (a Dropdown cannot select an option whose value is None)


def _warm_up() -> None:
    import importlib

    for module in ("totkit.store", "pandas", "numpy", "totkit.dashboard", "totkit.diagnostic",
                   "totkit.plancheck", "totkit.monitoring", "totkit.cascade", "totkit.gaps"):
        importlib.import_module(module)


def _frame(document: str, css_class: str, height: str = "640px") -> str:
    """A report shown inside the app: a sandboxed frame, so its page cannot run anything."""
    return (f'<iframe class="{css_class}" sandbox="" style="width:100%;height:{height};'
            f'border:1px solid #ccc" srcdoc="{html.escape(document, quote=True)}"></iframe>')


class DashboardApp(App):
    css_class = "totkit-dashboard"

    def __init__(self, request: Request, store: Store | None = None):
        super().__init__(request, store)
        self.dashboard: Dashboard | None = None
        self.code = ""
        self.key = ""
        self.gate = self._gate()
        self.board = styled(w.VBox(layout=full_width()), "totkit-board")
        self.widget.layout.max_width = "1200px"
        self.widget.children = [heading(self.texts, "dashboard.title"), self.lang, self.gate,
                                self.messages.widget, self.board]
        self.apply(request)
        # The store, pandas and the cohort code take about 1.5 s to import: do it while the
        # facilitator types the code and the key, not after they press "open".
        threading.Thread(target=_warm_up, name="totkit-dashboard-warm-up", daemon=True).start()

    # -- opening -----------------------------------------------------------------------------

    def _gate(self) -> w.VBox:
        texts = self.texts
        code_box, self.code_entry = text_field(texts, "workshop_code", "totkit-workshop-code",
                                               "start.placeholder_workshop_code")
        self.key_entry = styled(w.Password(layout=full_width()), "totkit-facilitator-key")
        key_box = w.VBox([texts.key(w.HTML(), "value", "field.facilitator_key"),
                          self.key_entry], layout=full_width())
        self.as_of = styled(w.DatePicker(value=date.today()), "totkit-as-of")
        as_of_box = w.VBox([texts.key(w.HTML(), "value", "monitoring.as_of"), self.as_of])
        button = action_button(texts, self.messages, "dashboard.open", "totkit-open-dashboard",
                               self.open_board)
        return styled(w.VBox([paragraph(texts, "dashboard.intro"), code_box, key_box,
                              as_of_box, button], layout=w.Layout(width="100%",
                                                                  max_width="480px")),
                      "totkit-dashboard-gate")

    def open(self, token: str) -> None:
        """A planner's session link opens nothing here: the dashboard needs the key."""
        from totkit.errors import AccessDenied

        raise AccessDenied("error.wrong_facilitator_key", field="facilitator_key")

    def open_board(self) -> None:
        from totkit.dashboard import open_dashboard

        self.dashboard = None
        self.board.children = []
        dashboard = open_dashboard(self.store, self.code_entry.value, self.key_entry.value,
                                   as_of=self.as_of.value or date.today())
        self.code, self.key = self.code_entry.value, self.key_entry.value
        self.key_entry.value = ""
        self.dashboard = dashboard
        self.gate.layout.display = "none"
        self._build_board()

    def refresh(self) -> None:
        from totkit.dashboard import open_dashboard

        self.dashboard = open_dashboard(self.store, self.code, self.key,
                                        as_of=self.as_of.value or date.today())
        self._build_board()

    # -- the board ---------------------------------------------------------------------------

    def _build_board(self) -> None:
        texts = self.texts
        self.summary = styled(w.HTML(layout=full_width()), "totkit-summary")
        self.text_filter = styled(w.Text(continuous_update=False), "totkit-filter-text")
        texts.key(self.text_filter, "placeholder", "dashboard.filter_placeholder")
        self.band_filter = styled(w.Dropdown(), "totkit-filter-band")
        texts.bind(self.band_filter, "options", self._band_options)
        self.status_filter = styled(w.Dropdown(), "totkit-filter-status")
        texts.bind(self.status_filter, "options", self._status_options)
        self.sort = styled(w.Dropdown(), "totkit-sort")
        texts.bind(self.sort, "options", self._sort_options)
        self.band_filter.value = self.status_filter.value = ALL
        self.sort.value = "name"
        self.descending = styled(w.Checkbox(value=False, indent=False), "totkit-sort-desc")
        texts.key(self.descending, "description", "dashboard.descending")
        for control in (self.text_filter, self.band_filter, self.status_filter, self.sort,
                        self.descending):
            control.observe(lambda _change: self.draw_table(), names="value")
        self.table = styled(w.HTML(layout=full_width()), "totkit-planners")
        self.planner = styled(w.Dropdown(layout=w.Layout(width="auto", max_width="100%")),
                              "totkit-planner-pick")
        self.planner_view = styled(w.VBox(layout=full_width()), "totkit-planner-view")
        open_button = action_button(texts, self.messages, "dashboard.open_planner",
                                    "totkit-open-planner", self.show_planner, style="")
        reissue = action_button(texts, self.messages, "dashboard.reissue", "totkit-reissue",
                                self.reissue, style="warning")
        refresh = action_button(texts, self.messages, "dashboard.refresh", "totkit-refresh",
                                self.refresh, style="")
        self.report = styled(w.HTML(layout=full_width()), "totkit-cohort-report")
        self.progress = styled(w.FloatProgress(min=0, max=1, layout=full_width()),
                               "totkit-export-progress")
        self.download = styled(w.HTML(layout=full_width()), "totkit-download")
        exports = [action_button(texts, self.messages, f"export.button_{fmt}",
                                 f"totkit-cohort-{fmt}", lambda fmt=fmt: self.export(fmt),
                                 style="") for fmt in ("xlsx", "html")]
        show_report = action_button(texts, self.messages, "dashboard.show_report",
                                    "totkit-show-report", self.show_report, style="")
        row = w.Layout(flex_flow="row wrap", align_items="center")
        self.board.children = [
            self.summary, refresh,
            w.HBox([self.text_filter, self.band_filter, self.status_filter, self.sort,
                    self.descending], layout=row),
            self.table,
            w.HBox([self.planner, open_button, reissue], layout=row), self.planner_view,
            texts.bind(w.HTML(), "value", lambda lang: "<h3>{}</h3>".format(
                html.escape(t("dashboard.cohort_views", lang)))),
            show_report, self.report,
            w.HBox(exports, layout=row), self.progress, self.download,
        ]
        self.draw()

    def draw(self) -> None:
        self.draw_summary()
        self.draw_table()

    def language_changed(self, lang: str) -> None:
        if self.dashboard is not None:
            self.draw()
            if self.report.value:
                self.show_report()

    def _band_options(self, lang: str) -> list[tuple[str, str | None]]:
        from totkit.dashboard import NO_BAND

        bands = self.dashboard.instrument.bands if self.dashboard and \
            self.dashboard.instrument else []
        return [(t("dashboard.all_bands", lang), ALL),
                *[(band.name(lang), band.id) for band in bands],
                (t("dashboard.no_band", lang), NO_BAND)]

    def _status_options(self, lang: str) -> list[tuple[str, str | None]]:
        return [(t("dashboard.all_statuses", lang), ALL),
                *[(t(f"monitoring.status_label.{s}", lang), s) for s in STATUSES]]

    def _sort_options(self, lang: str) -> list[tuple[str, str]]:
        from totkit.dashboard import column_header

        return [(t("dashboard.sort_by", lang, column=column_header(c, lang)), c)
                for c in SORTABLE]

    def draw_summary(self) -> None:
        assert self.dashboard is not None
        lang = self.texts.lang
        counts = self.dashboard.counts()
        self.summary.value = "<p>{}</p>".format(html.escape(t(
            "dashboard.summary", lang, title=self.dashboard.workshop.title,
            planners=counts["planners"], ready=counts["plans_ready"],
            stalled=counts["stalled"],
            sessions=counts["sessions_held"], people=counts["people_reached"])))

    def draw_table(self) -> None:
        if self.dashboard is None or self.texts.redrawing:
            return
        lang = self.texts.lang
        view = self.dashboard.view(sort_by=self.sort.value or "name",
                                   descending=self.descending.value,
                                   text=self.text_filter.value or None,
                                   band=self.band_filter.value or None,
                                   status=self.status_filter.value or None)
        chosen = self.planner.value
        self.planner.options = [(row["name"], row["workbook_id"]) for _, row in view.iterrows()]
        ids = [value for _label, value in self.planner.options]
        self.planner.value = chosen if chosen in ids else (ids[0] if ids else None)
        self.table.value = self._table_html(view, lang)

    def _table_html(self, view: Any, lang: str) -> str:
        from totkit.dashboard import column_header

        head = "".join(f"<th>{html.escape(column_header(c, lang))}</th>" for c in SHOWN)
        rows = "".join(
            f"<tr class='totkit-planner-row' data-workbook='{html.escape(row['workbook_id'])}'>"
            + "".join(f"<td>{self._cell(column, row[column], lang)}</td>" for column in SHOWN)
            + "</tr>"
            for _, row in view.iterrows()
        )
        return (f"<div style='overflow-x:auto'><table style='width:100%;border-collapse:"
                f"collapse'><tr>{head}</tr>{rows}</table></div>")

    def _cell(self, column: str, value: Any, lang: str) -> str:
        dashboard = self.dashboard
        assert dashboard is not None
        if value is None or (isinstance(value, float) and value != value):
            return "—"
        if column == "band":
            return html.escape(dashboard.band_name(value, lang))
        if column == "weakest":
            return html.escape(", ".join(dashboard.dimension_name(d, lang)
                                         for d in str(value).split(";") if d))
        if column == "plan_status":
            return html.escape(t(f"dashboard.plan_status.{value}", lang))
        if column == "monitoring_status":
            return html.escape(t(f"monitoring.status_label.{value}", lang))
        if column == "progress":
            return format_percent(float(value), lang)
        if isinstance(value, (int, float)):
            return format_number(value, lang)
        return html.escape(str(value))

    # -- one planner -------------------------------------------------------------------------

    def show_planner(self) -> None:
        from totkit.exports import export

        workbook = self._chosen_workbook()
        document = export(workbook, "html", workshop=self.dashboard.workshop,
                          lang=self.texts.lang).decode("utf-8")
        self.planner_view.children = [w.HTML(_frame(document, "totkit-workbook-frame"),
                                             layout=full_width())]

    def reissue(self) -> None:
        workbook = self._chosen_workbook()
        assert self.dashboard is not None
        code = self.store.reissue_resume_code(self.dashboard.workshop.id, workbook.id)
        message = t("dashboard.reissued", self.texts.lang, name=workbook.profile.name)
        self.planner_view.children = [styled(w.HTML(
            f"<p>{html.escape(message)}</p><div class='totkit-code' style='font-size:1.5em;"
            f"font-weight:bold'>{html.escape(code)}</div>", layout=full_width()),
            "totkit-new-resume-code")]

    def _chosen_workbook(self) -> Workbook:
        assert self.dashboard is not None
        if not self.planner.value:  # the filters match nobody
            raise InputError("error.choose_planner", field="planner")
        return self.dashboard.workbook(self.planner.value)

    # -- the cohort --------------------------------------------------------------------------

    def show_report(self) -> None:
        from totkit.cohort_report import cohort_html

        assert self.dashboard is not None
        document = cohort_html(self.dashboard, self.texts.lang)
        self.report.value = _frame(document, "totkit-cohort-frame", "900px")

    def export(self, fmt: str) -> None:
        from totkit.cohort_report import default_cohort_filename, render_cohort

        assert self.dashboard is not None
        self.progress.value = 0

        def advance(share: float, _what: str) -> None:
            self.progress.value = share

        data = render_cohort(self.dashboard, fmt, self.texts.lang, progress=advance)
        self.progress.value = 1
        name = html.escape(default_cohort_filename(self.dashboard, fmt))
        media = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "html": "text/html"}[fmt]
        url = f"data:{media};base64,{base64.b64encode(data).decode()}"
        label = html.escape(t("export.download", self.texts.lang, name=name))
        self.download.value = (f'<a class="totkit-download-link" download="{name}" '
                               f'href="{url}">{label}</a>')
