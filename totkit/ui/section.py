"""The shell of a section's app: sign in from the session link, save with conflict handling."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import ipywidgets as w

from totkit.errors import ConflictError, TotkitError
from totkit.i18n import format_time, t
from totkit.ui.base import App
from totkit.ui.request import Request
from totkit.ui.widgets import (
    action_button,
    full_width,
    guarded,
    heading,
    paragraph,
    styled,
    text_field,
)

if TYPE_CHECKING:
    from totkit.model import Part
    from totkit.store import Store

START_APP = "00_start.ipynb"


class SectionApp(App):
    """An app that edits one section of the workbook.

    Subclasses set ``section`` and ``title_key`` and implement ``build()`` (make
    the widgets from ``self.workbook``) and ``current()`` (the section as a model).
    """

    section = ""
    title_key = ""

    def __init__(self, request: Request, store: Store | None = None):
        super().__init__(request, store)
        self.version = 0
        self.save_state = styled(w.HTML(), "totkit-save-state")
        self.conflict = styled(w.VBox(layout=full_width()), "totkit-conflict")
        self.body = styled(w.VBox(layout=full_width()), "totkit-body")
        self.gate = self._sign_in_form()
        self.widget.children = [
            heading(self.texts, self.title_key),
            w.HBox([self.lang, self.save_state], layout=w.Layout(flex_flow="row wrap",
                                                                 align_items="center")),
            self.gate,
            self.messages.widget,
            self.conflict,
            self.body,
        ]
        self.apply(request)

    # -- signing in ------------------------------------------------------------------------

    def _sign_in_form(self) -> w.VBox:
        texts = self.texts
        code_box, self.gate_workshop = text_field(
            texts, "workshop_code", "totkit-resume-workshop", "start.placeholder_workshop_code"
        )
        resume_box, self.gate_resume = text_field(
            texts, "resume_code", "totkit-resume-code-input", "start.placeholder_resume_code"
        )
        button = action_button(texts, self.messages, "start.resume", "totkit-resume",
                               self._on_gate)
        start_link = texts.bind(w.HTML(), "value", self._start_link)
        return styled(
            w.VBox([paragraph(texts, "section.sign_in"), code_box, resume_box, button,
                    start_link], layout=full_width()),
            "totkit-sign-in",
        )

    def _start_link(self, lang: str) -> str:
        query = urlencode({"s": self.token, "lang": lang} if self.token else {"lang": lang})
        label = html.escape(t("section.back_to_start", lang))
        return f'<a class="totkit-start-link" href="{START_APP}?{query}">{label}</a>'

    def _on_gate(self) -> None:
        self.open(self.store.resume(self.gate_workshop.value, self.gate_resume.value))

    def open(self, token: str) -> None:
        workbook = self.sign_in(token)
        self.version = workbook.versions.get(self.section, 0)
        self.gate.layout.display = "none"
        start_link = self.texts.bind(w.HTML(), "value", self._start_link)
        self.body.children = [start_link, *self.build()]

    # -- saving ----------------------------------------------------------------------------

    def build(self) -> list[w.Widget]:
        raise NotImplementedError

    def current(self) -> Part:
        raise NotImplementedError

    def reload(self) -> None:
        """Redraw from the latest saved revision (after a conflict)."""
        assert self.workbook is not None
        self.open(self.token)

    def save(self) -> bool:
        """Save the section as a new revision; on a conflict, offer the user's text back."""
        assert self.workbook is not None
        try:
            part = self.current()
            self.version = self.store.save_section(self.workbook.id, self.section, part,
                                                   self.version)
        except ConflictError as conflict:
            self._show_conflict(conflict)
            return False
        except TotkitError as error:
            self._set_state("section.save_failed")
            self.messages.show(error)
            return False
        self._set_state("section.saved", time=format_time(datetime.now(), self.texts.lang),
                        version=str(self.version))
        return True

    def _set_state(self, key: str, **params: str) -> None:
        self.save_state.value = f"<span>{html.escape(t(key, self.texts.lang, **params))}</span>"

    def _show_conflict(self, conflict: ConflictError) -> None:
        self._set_state("section.not_saved")
        texts = self.texts
        message = texts.bind(w.HTML(layout=full_width()), "value", lambda lang: (
            f'<div class="totkit-error" role="alert">{html.escape(conflict.message(lang))}</div>'
        ))
        keep = action_button(texts, self.messages, "section.keep_mine", "totkit-keep-mine",
                             lambda: self._resolve(conflict, keep=True))
        discard = action_button(texts, self.messages, "section.load_saved", "totkit-load-saved",
                                lambda: self._resolve(conflict, keep=False), style="warning")
        self.conflict.children = [message, w.HBox([keep, discard],
                                                  layout=w.Layout(flex_flow="row wrap"))]

    def _resolve(self, conflict: ConflictError, keep: bool) -> None:
        assert self.workbook is not None
        self.conflict.children = []
        if keep:
            self.store.save_section(self.workbook.id, self.section, conflict.data,
                                    conflict.current)
        self.reload()
        self._set_state("section.saved_now" if keep else "section.reloaded")

    def debounce(self, delay: float | None, action: Callable[[], None]) -> Callable[[], None]:
        from totkit.ui.widgets import Debouncer

        return Debouncer(delay, lambda: guarded(self.messages, action))
