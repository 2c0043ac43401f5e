"""Small widgets every app shares: texts that follow the language, fields, messages."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from totkit.errors import TotkitError
from totkit.i18n import LANGUAGES, t

log = logging.getLogger("totkit.ui")


def full_width() -> w.Layout:
    """A new full-width layout (layouts are widgets: sharing one shares its display too)."""
    return w.Layout(width="100%")


class Texts:
    """Binds widget attributes to catalogue keys, so a language switch redraws them all."""

    def __init__(self, lang: str):
        self.lang = lang
        self.redrawing = False
        self._bindings: list[tuple[w.Widget, str, Callable[[str], Any]]] = []

    def bind(self, widget: w.Widget, attribute: str, render: Callable[[str], Any]) -> w.Widget:
        self._bindings.append((widget, attribute, render))
        setattr(widget, attribute, render(self.lang))
        return widget

    def key(self, widget: w.Widget, attribute: str, key: str, **params: Any) -> w.Widget:
        return self.bind(widget, attribute, lambda lang: t(key, lang, **params))

    def set_language(self, lang: str) -> None:
        """Redraw every bound text. New option labels keep the chosen value; observers
        that save or navigate check ``redrawing`` to ignore the passing changes."""
        self.lang = lang
        self.redrawing = True
        try:
            for widget, attribute, render in self._bindings:
                if attribute == "options":
                    kept = widget.value
                    widget.options = render(lang)
                    widget.value = kept
                else:
                    setattr(widget, attribute, render(lang))
        finally:
            self.redrawing = False


def styled(widget: w.Widget, *classes: str) -> w.Widget:
    for css_class in classes:
        widget.add_class(css_class)
    return widget


def language_picker(lang: str) -> w.ToggleButtons:
    picker = w.ToggleButtons(
        options=[(t(f"language.{code}", code), code) for code in LANGUAGES],
        value=lang,
        style={"button_width": "auto"},
    )
    return styled(picker, "totkit-lang")


def text_field(
    texts: Texts, field: str, css_class: str, placeholder_key: str | None = None
) -> tuple[w.VBox, w.Text]:
    """A label above a full-width text input: reads well at a phone's 360 px."""
    label = texts.key(w.HTML(), "value", f"field.{field}")
    entry = styled(w.Text(layout=full_width()), css_class)
    if placeholder_key:
        texts.key(entry, "placeholder", placeholder_key)
    return styled(w.VBox([label, entry], layout=full_width()), "totkit-field"), entry


def heading(texts: Texts, key: str, level: int = 2, **params: Any) -> w.HTML:
    return texts.bind(
        w.HTML(),
        "value",
        lambda lang: f"<h{level}>{html.escape(t(key, lang, **params))}</h{level}>",
    )


def paragraph(texts: Texts, key: str, css_class: str = "totkit-text", **params: Any) -> w.HTML:
    html_widget = texts.bind(
        w.HTML(layout=full_width()),
        "value",
        lambda lang: f"<p>{html.escape(t(key, lang, **params))}</p>",
    )
    return styled(html_widget, css_class)


class MessageArea:
    """One place for an app's errors and notices, in the current language."""

    def __init__(self, texts: Texts):
        self.texts = texts
        self.widget = styled(w.HTML(layout=full_width()), "totkit-message")
        self._error: TotkitError | None = None
        texts.bind(self.widget, "value", self._render)

    def _render(self, lang: str) -> str:
        if self._error is None:
            return ""
        text = html.escape(self._error.message(lang))
        return f'<div class="totkit-error" role="alert">{text}</div>'

    def show(self, error: TotkitError | None) -> None:
        self._error = error
        self.widget.value = self._render(self.texts.lang)

    def clear(self) -> None:
        self.show(None)


def guarded(messages: MessageArea, action: Callable[[], None]) -> None:
    """Run ``action``; show a TotkitError to the user, log anything else for the facilitator."""
    try:
        messages.clear()
        action()
    except TotkitError as error:
        messages.show(error)
    except Exception:
        log.exception("unexpected error in a totkit app")
        messages.show(TotkitError())


def action_button(
    texts: Texts,
    messages: MessageArea,
    key: str,
    css_class: str,
    handler: Callable[[], None],
    style: str = "primary",
) -> w.Button:
    """A button that runs ``handler`` once at a time, showing any error in ``messages``."""
    button = styled(w.Button(button_style=style, layout=w.Layout(width="auto")), css_class)
    texts.key(button, "description", key)

    def run(_button: w.Button) -> None:
        button.disabled = True
        try:
            guarded(messages, handler)
        finally:
            button.disabled = False

    button.on_click(run)
    return button


class Debouncer:
    """Calls ``action`` once, ``delay`` seconds after the last of a burst of calls.

    ``delay=0`` calls at once; ``delay=None`` waits for ``flush()`` (tests).
    """

    def __init__(self, delay: float | None, action: Callable[[], None]):
        import threading

        self.delay = delay
        self.action = action
        self._lock = threading.Lock()
        self._timer: Any = None
        self._pending = False

    def __call__(self) -> None:
        import threading

        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._pending = True
            if self.delay is None:
                return
            if self.delay > 0:
                self._timer = threading.Timer(self.delay, self.flush)
                self._timer.daemon = True
                self._timer.start()
                return
        self.flush()

    def flush(self) -> None:
        """Run a pending call now (before showing what it draws, and in tests)."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            pending, self._pending = self._pending, False
        if pending:
            self.action()
