"""Forms built from field specs, and list editors with add, edit and remove.

A ``Form`` turns a few ``FieldSpec`` into labelled widgets and reads them back as
plain dicts; the section's pydantic model validates them. ``ListEditor`` shows a
list of entries as rows and edits one at a time in a form; every change goes to
its ``on_change`` callback, which saves the section.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import ipywidgets as w

from totkit.errors import InputError
from totkit.i18n import t
from totkit.ui.widgets import MessageArea, Texts, action_button, full_width, styled

Options = Callable[[str], list[tuple[str, Any]]]


@dataclass(frozen=True)
class FieldSpec:
    """One field of a form: its model name, kind of widget, label key and choices."""

    name: str
    kind: str = "text"  # text, textarea, int, float, date, choice, choices, dates
    label: str = ""  # catalogue key; "field.<name>" when empty
    options: Options | None = None
    placeholder: str = ""  # catalogue key

    @property
    def label_key(self) -> str:
        return self.label or f"field.{self.name}"


def _widget(spec: FieldSpec) -> w.Widget:
    kind = spec.kind
    if kind == "textarea":
        return w.Textarea(layout=w.Layout(width="100%", height="5em"))
    if kind in ("int", "float"):
        return w.Text(layout=w.Layout(width="10em"))  # typed text, so a bad value gets a message
    if kind == "date":
        return w.DatePicker(value=None, layout=w.Layout(width="12em"))
    if kind == "choice":
        return w.Dropdown(layout=w.Layout(width="auto", max_width="100%"))
    if kind == "choices":
        return w.SelectMultiple(layout=w.Layout(width="100%"), rows=4)
    if kind == "dates":
        return w.Text(layout=full_width())  # comma-separated YYYY-MM-DD
    return w.Text(layout=full_width())


class Form:
    """Labelled widgets for a few fields; ``read()`` gives a dict for the model."""

    def __init__(self, texts: Texts, fields: list[FieldSpec], css_class: str):
        self.texts = texts
        self.fields = fields
        self.inputs: dict[str, w.Widget] = {}
        boxes = []
        for spec in fields:
            entry = styled(_widget(spec), f"totkit-field-{spec.name}")
            if spec.options is not None:
                texts.bind(entry, "options", spec.options)
            if spec.placeholder:
                texts.key(entry, "placeholder", spec.placeholder)
            elif spec.kind == "dates":
                texts.key(entry, "placeholder", "form.dates_placeholder")
            label = texts.key(w.HTML(), "value", spec.label_key)
            boxes.append(w.VBox([label, entry], layout=full_width()))
            self.inputs[spec.name] = entry
        self.widget = styled(w.VBox(boxes, layout=full_width()), "totkit-form", css_class)

    def read(self) -> dict[str, Any]:
        return {spec.name: _read(spec, self.inputs[spec.name]) for spec in self.fields}

    def fill(self, data: dict[str, Any]) -> None:
        for spec in self.fields:
            _fill(spec, self.inputs[spec.name], data.get(spec.name))

    def clear(self) -> None:
        self.fill({})

    def refresh(self) -> None:
        """Re-read choices that follow the rest of the workbook, keeping what is chosen."""
        for spec in self.fields:
            if spec.options is not None:
                entry = self.inputs[spec.name]
                kept = entry.value
                entry.options = spec.options(self.texts.lang)
                _fill(spec, entry, list(kept) if spec.kind == "choices" else kept)


def _read(spec: FieldSpec, entry: w.Widget) -> Any:
    value = entry.value
    if spec.kind in ("int", "float"):
        text = (value or "").strip().replace(",", ".")
        if not text:
            return None
        try:
            return int(text) if spec.kind == "int" else float(text)
        except ValueError:
            raise InputError("error.number", field=spec.name, value=value) from None
    if spec.kind == "date":
        return value.isoformat() if isinstance(value, date) else None
    if spec.kind == "choices":
        return list(value)
    if spec.kind == "dates":
        parts = [part.strip() for part in (value or "").replace(";", ",").split(",")]
        return [part for part in parts if part]
    return value


def _fill(spec: FieldSpec, entry: w.Widget, value: Any) -> None:
    if spec.kind in ("int", "float"):
        entry.value = "" if value is None else f"{value:g}"
    elif spec.kind == "date":
        entry.value = date.fromisoformat(value) if isinstance(value, str) and value else value
    elif spec.kind == "choices":
        allowed = {option[1] for option in entry.options}
        entry.value = tuple(v for v in (value or ()) if v in allowed)
    elif spec.kind == "dates":
        entry.value = ", ".join(str(v) for v in (value or ()))
    elif spec.kind == "choice":
        allowed = [option[1] for option in entry.options]
        entry.value = value if value in allowed else (allowed[0] if allowed else None)
    else:
        entry.value = "" if value is None else str(value)


class ListEditor:
    """Rows of entries with add, edit and remove, and one form to edit an entry.

    ``on_change(entries)`` saves the new list and returns the entries as stored (or
    raises a ``TotkitError``, which is shown, and the edit stays open).
    """

    def __init__(
        self,
        texts: Texts,
        name: str,
        fields: list[FieldSpec],
        summary: Callable[[dict[str, Any], str], str],
        on_change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
        id_prefix: str,
        title_key: str | None = None,
    ):
        self.texts = texts
        self.name = name
        self.summary = summary
        self.on_change = on_change
        self.id_prefix = id_prefix
        self.entries: list[dict[str, Any]] = []
        self.editing: int | None = None  # index being edited; len(entries) for a new one
        self.messages = MessageArea(texts)
        self.form = Form(texts, fields, f"totkit-form-{name}")
        self.rows = styled(w.VBox(layout=full_width()), "totkit-rows", f"totkit-rows-{name}")
        save = action_button(texts, self.messages, "form.save", f"totkit-save-{name}", self._save)
        cancel = action_button(texts, self.messages, "form.cancel", f"totkit-cancel-{name}",
                               self._close, style="")
        self.editor = styled(
            w.VBox([self.form.widget, self.messages.widget,
                    w.HBox([save, cancel], layout=w.Layout(flex_flow="row wrap"))],
                   layout=w.Layout(width="100%", border="1px solid #bbb", padding="6px",
                                   display="none")),
            "totkit-editor",
        )
        self.add = action_button(texts, self.messages, "form.add", f"totkit-add-{name}",
                                 self._new, style="")
        title_key = title_key or f"plan.list.{name}"
        title = texts.bind(w.HTML(), "value",
                           lambda lang: f"<h4>{html.escape(t(title_key, lang))}</h4>")
        self.widget = styled(w.VBox([title, self.rows, self.add, self.editor],
                                    layout=full_width()), "totkit-list", f"totkit-list-{name}")

    def load(self, entries: list[dict[str, Any]]) -> None:
        self.entries = [dict(entry) for entry in entries]
        self._close()
        self.render()

    def render(self) -> None:
        self.rows.children = [self._row(n, entry) for n, entry in enumerate(self.entries)]

    def _row(self, index: int, entry: dict[str, Any]) -> w.HBox:
        texts = self.texts
        text = texts.bind(w.HTML(layout=w.Layout(flex="1 1 60%")), "value",
                          lambda lang: self.summary(entry, lang))
        edit = action_button(texts, self.messages, "form.edit", "totkit-edit",
                             lambda: self._edit(index), style="")
        remove = action_button(texts, self.messages, "form.remove", "totkit-remove",
                               lambda: self._remove(index), style="danger")
        return styled(w.HBox([text, edit, remove], layout=w.Layout(
            width="100%", flex_flow="row wrap", align_items="center",
            border_bottom="1px solid #eee")), "totkit-row")

    def _new(self) -> None:
        self.editing = len(self.entries)
        self.form.refresh()
        self.form.clear()
        self.editor.layout.display = "flex"

    def _edit(self, index: int) -> None:
        self.editing = index
        self.form.refresh()
        self.form.fill(self.entries[index])
        self.editor.layout.display = "flex"

    def _close(self) -> None:
        self.editing = None
        self.editor.layout.display = "none"

    def _save(self) -> None:
        assert self.editing is not None
        entry = self.form.read()
        updated = list(self.entries)
        if self.editing < len(updated):
            entry["id"] = updated[self.editing].get("id")
            updated[self.editing] = entry
        else:
            entry["id"] = new_id(self.id_prefix, updated)
            updated.append(entry)
        self._commit(updated)
        self._close()

    def _remove(self, index: int) -> None:
        self._commit(self.entries[:index] + self.entries[index + 1:])

    def _commit(self, updated: list[dict[str, Any]]) -> None:
        self.entries = self.on_change(updated)  # a TotkitError leaves the list as it was
        self.render()


def new_id(prefix: str, entries: list[dict[str, Any]]) -> str:
    taken = {entry.get("id") for entry in entries}
    number = len(entries) + 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"
