"""What every app shares: the language, the messages, the store and the signed-in workbook."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import ipywidgets as w

from totkit.i18n import DEFAULT_LANGUAGE
from totkit.ui.request import Request, current_request, in_voila
from totkit.ui.widgets import MessageArea, Texts, guarded, language_picker, styled

if sys.version_info >= (3, 11):
    from typing import Self
else:  # pragma: no cover
    from typing_extensions import Self

if TYPE_CHECKING:
    from totkit.model import Workbook
    from totkit.store import Store


class App:
    """An app's shell. Subclasses add their widgets to ``self.widget.children``."""

    css_class = "totkit-app"

    def __init__(self, request: Request, store: Store | None = None):
        self.request = request
        self._store = store
        self.token = ""
        self.workbook: Workbook | None = None
        self.texts = Texts(request.lang or DEFAULT_LANGUAGE)
        self.messages = MessageArea(self.texts)
        self.lang = language_picker(self.texts.lang)
        self.lang.observe(self._on_language, names="value")
        self.widget = styled(
            w.VBox(layout=w.Layout(width="100%", max_width="760px", padding="0 8px")),
            "totkit-app",
            self.css_class,
        )

    @classmethod
    def from_request(cls) -> Self:
        """Build the widgets, then apply the page's request.

        A preheated kernel builds the app before any page asks for it, and only the
        request (language, session) is left to do once a page does.
        """
        app = cls(Request(in_voila=in_voila()))
        app.apply(current_request())
        return app

    def apply(self, request: Request) -> None:
        self.request = request
        if request.lang and request.lang != self.lang.value:
            self.lang.value = request.lang
        if request.session:
            guarded(self.messages, lambda: self.open(request.session))

    def open(self, token: str) -> None:
        """Show the workbook a session token opens."""
        raise NotImplementedError

    @property
    def store(self) -> Store:
        # Opened on first use, so a page without a session shows before the store loads.
        if self._store is None:
            from totkit.store import open_store

            self._store = open_store()
        return self._store

    def sign_in(self, token: str) -> Workbook:
        """Open the workbook a session token gives, in its planner's language."""
        workbook_id = self.store.open_session(token)
        self.token = token
        self.workbook = self.store.load_workbook(workbook_id)
        if self.request.lang is None and self.workbook.profile.language != self.texts.lang:
            self.lang.value = self.workbook.profile.language
        return self.workbook

    def _on_language(self, change) -> None:  # type: ignore[no-untyped-def]
        self.texts.set_language(change.new)
        if self.workbook is not None:
            guarded(self.messages, self._save_language)
        self.language_changed(change.new)

    def _save_language(self) -> None:
        """Remember the language in the profile; a preference, so a conflict just retries."""
        from totkit.errors import ConflictError
        from totkit.model import Profile

        workbook = self.workbook
        assert workbook is not None
        if workbook.profile.language == self.texts.lang:
            return
        for _attempt in range(3):
            latest = self.store.load_section(workbook.id, "profile")
            profile = Profile.model_validate({**latest.data, "language": self.texts.lang})
            try:
                version = self.store.save_section(workbook.id, "profile", profile, latest.version)
            except ConflictError:
                continue
            self.workbook = workbook.model_copy(
                update={"profile": profile, "versions": {**workbook.versions, "profile": version}}
            )
            return

    def language_changed(self, lang: str) -> None:
        """A hook for what ``Texts`` bindings cannot redraw by themselves."""
