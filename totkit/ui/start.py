"""The start app: choose a language, join a workshop or resume, then see progress."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import ipywidgets as w

from totkit.i18n import format_percent, t
from totkit.paths import notebooks_dir
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
    from totkit.store import Store

# The app that edits each section; a link is shown once its notebook exists.
SECTION_APPS = {
    "diagnostic": "01_readiness.ipynb",
    "gaps": "02_context_gap.ipynb",
    "plan": "03_followup_plan.ipynb",
    "monitoring": "04_monitoring.ipynb",
}


class StartApp(App):
    """Owns the start app's widgets; ``widget`` is what the notebook displays."""

    css_class = "totkit-start"

    def __init__(self, request: Request, store: Store | None = None):
        super().__init__(request, store)
        self.entry = self._entry_forms()
        self.signed_in = styled(w.VBox(layout=full_width()), "totkit-signed-in")
        self.widget.children = [
            heading(self.texts, "start.title"),
            self.lang,
            self.entry,
            self.messages.widget,
            self.signed_in,
        ]
        self.apply(request)

    # -- the forms -----------------------------------------------------------------------

    def _entry_forms(self) -> w.VBox:
        texts = self.texts
        join_code_box, self.join_code = text_field(
            texts, "workshop_code", "totkit-workshop-code", "start.placeholder_workshop_code"
        )
        name_box, self.name = text_field(texts, "name", "totkit-name", "start.placeholder_name")
        role_box, self.role = text_field(texts, "role", "totkit-role", "start.placeholder_role")
        institution_box, self.institution = text_field(
            texts, "institution", "totkit-institution", "start.placeholder_institution"
        )
        notice = paragraph(texts, "start.consent_notice", "totkit-consent-notice")
        self.consent = styled(w.Checkbox(value=False, indent=False, layout=full_width()),
                              "totkit-consent")
        texts.key(self.consent, "description", "start.consent")
        self.join_button = self._button("start.join", "totkit-join", self._on_join)
        join_form = styled(
            w.VBox([join_code_box, name_box, role_box, institution_box, notice, self.consent,
                    self.join_button]),
            "totkit-join-form",
        )
        resume_code_box, self.resume_workshop = text_field(
            texts, "workshop_code", "totkit-resume-workshop", "start.placeholder_workshop_code"
        )
        resume_box, self.resume_code_entry = text_field(
            texts, "resume_code", "totkit-resume-code-input", "start.placeholder_resume_code"
        )
        self.resume_button = self._button("start.resume", "totkit-resume", self._on_resume)
        resume_form = styled(
            w.VBox([resume_code_box, resume_box, self.resume_button]), "totkit-resume-form"
        )
        self.mode = styled(w.ToggleButtons(style={"button_width": "auto"}), "totkit-mode")
        texts.bind(
            self.mode,
            "options",
            lambda lang: [
                (t("start.tab_join", lang), "join"),
                (t("start.tab_resume", lang), "resume"),
            ],
        )
        forms = w.Stack([join_form, resume_form], selected_index=0, layout=full_width())
        self.mode.observe(
            lambda change: setattr(forms, "selected_index", ["join", "resume"].index(change.new)),
            names="value",
        )
        parts: list[w.Widget] = [paragraph(texts, "start.intro"), self.mode, forms]
        if not self.request.in_voila:
            parts.append(paragraph(texts, "start.jupyter_note"))
        parts.append(paragraph(texts, "start.privacy", "totkit-privacy"))
        return styled(w.VBox(parts, layout=full_width()), "totkit-entry")

    def _button(self, key: str, css_class: str, handler: Callable[[], None]) -> w.Button:
        return action_button(self.texts, self.messages, key, css_class, handler)

    # -- actions ---------------------------------------------------------------------------

    def _on_join(self) -> None:
        from datetime import datetime, timezone

        from totkit.errors import InputError

        if not self.consent.value:
            raise InputError("error.consent_required", field="consent")
        profile = {
            "consented_at": datetime.now(timezone.utc),
            "name": self.name.value,
            "role": self.role.value,
            "institution": self.institution.value,
            "language": self.texts.lang,
        }
        joined = self.store.join(self.join_code.value, profile)
        self.open(joined.token, resume_code=joined.resume_code)

    def _on_resume(self) -> None:
        token = self.store.resume(self.resume_workshop.value, self.resume_code_entry.value)
        self.open(token)

    def open(self, token: str, resume_code: str | None = None) -> None:
        self.sign_in(token)
        self.entry.layout.display = "none"
        self._show_workbook(resume_code)

    # -- the signed-in view ----------------------------------------------------------------

    def _show_workbook(self, resume_code: str | None) -> None:
        workbook = self.workbook
        assert workbook is not None
        texts = self.texts
        parts: list[w.Widget] = [
            heading(texts, "start.welcome", 3, name=workbook.profile.name),
            paragraph(texts, "start.workshop_line", "totkit-workshop", title=workbook.workshop),
        ]
        if resume_code:
            parts.append(self._resume_code_box(resume_code))
        parts.append(heading(texts, "start.progress_title", 3))
        parts.append(self._progress_table())
        parts.append(self._delete_box())
        self.signed_in.children = parts

    def _delete_box(self) -> w.VBox:
        texts = self.texts
        confirm = self._button("start.delete_confirm", "totkit-delete-confirm", self._delete)
        confirm.button_style = "danger"
        confirm_box = w.VBox([paragraph(texts, "start.delete_warning", "totkit-delete-warning"),
                              confirm], layout=w.Layout(width="100%", display="none"))
        ask = self._button("start.delete", "totkit-delete",
                           lambda: setattr(confirm_box.layout, "display", "flex"))
        ask.button_style = ""
        return styled(w.VBox([ask, confirm_box], layout=full_width()), "totkit-delete-box")

    def _delete(self) -> None:
        """The planner deletes their own workbook, with every revision (UU PDP)."""
        assert self.workbook is not None
        self.store.delete_workbook(self.workbook.id)
        self.workbook = None
        self.token = ""
        self.signed_in.children = [paragraph(self.texts, "start.deleted", "totkit-deleted")]
        self.entry.layout.display = "flex"
        self.messages.show(None)

    def _resume_code_box(self, code: str) -> w.VBox:
        texts = self.texts
        code_widget = styled(
            w.HTML(
                f'<div class="totkit-code" style="font-size:1.6em;font-weight:bold;'
                f'letter-spacing:0.05em">{html.escape(code)}</div>'
            ),
            "totkit-resume-code",
        )
        box = w.VBox(
            [
                heading(texts, "start.resume_code_title", 4),
                code_widget,
                paragraph(texts, "start.resume_code_hint", "totkit-resume-hint"),
            ],
            layout=w.Layout(
                border="2px solid #2e7d32", padding="8px", margin="8px 0", width="100%"
            ),
        )
        return styled(box, "totkit-resume-box")

    def _progress_table(self) -> w.VBox:
        from totkit.model import progress

        available = {path.name for path in notebooks_dir().glob("*.ipynb")}
        rows = [
            self._progress_row(section, share, SECTION_APPS.get(section) in available)
            for section, share in progress(self.workbook).items()  # type: ignore[arg-type]
        ]
        return styled(w.VBox(rows, layout=full_width()), "totkit-progress")

    def _progress_row(self, section: str, share: float, has_app: bool) -> w.HBox:
        texts = self.texts
        name = texts.bind(
            w.HTML(layout=w.Layout(flex="1 1 40%")),
            "value",
            lambda lang: html.escape(t(f"section.{section}", lang)),
        )
        bar = w.FloatProgress(value=share, min=0, max=1, layout=w.Layout(flex="1 1 30%"))
        share_label = texts.bind(w.HTML(), "value", lambda lang: format_percent(share, lang))
        link = texts.bind(
            w.HTML(layout=w.Layout(flex="0 0 auto")),
            "value",
            lambda lang: (
                self._link(section, lang)
                if has_app
                else f'<span class="totkit-soon">{html.escape(t("start.soon", lang))}</span>'
            ),
        )
        row = w.HBox(
            [name, bar, share_label, link],
            layout=w.Layout(width="100%", align_items="center", flex_flow="row wrap"),
        )
        return styled(row, "totkit-progress-row", f"totkit-progress-{section}")

    def _link(self, section: str, lang: str) -> str:
        if section not in SECTION_APPS:
            return ""
        query = urlencode({"s": self.token, "lang": lang})
        return (
            f'<a class="totkit-section-link" href="{SECTION_APPS[section]}?{query}">'
            f"{html.escape(t('start.open', lang))}</a>"
        )
