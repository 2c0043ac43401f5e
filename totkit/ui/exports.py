"""Export buttons: one per format; the file comes back as a download link in the page."""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from totkit.i18n import t
from totkit.ui.widgets import MessageArea, Texts, action_button, full_width, styled


class ExportBar:
    """Buttons that export the workbook ``source()`` gives, each to a download link.

    The file travels inside the link (a data URL), so it needs no server route and works
    the same in Voilà, JupyterHub and JupyterLab.
    """

    def __init__(self, texts: Texts, messages: MessageArea,
                 source: Callable[[], dict[str, Any]]):
        from totkit.cli import EXPORT_FORMATS

        self.texts = texts
        self.source = source
        self.link = styled(w.HTML(layout=full_width()), "totkit-download")
        buttons = [
            action_button(texts, messages, f"export.button_{fmt}", f"totkit-export-{fmt}",
                          lambda fmt=fmt: self.export(fmt), style="")
            for fmt in EXPORT_FORMATS
        ]
        title = texts.bind(w.HTML(), "value",
                           lambda lang: f"<h3>{html.escape(t('export.title', lang))}</h3>")
        self.widget = styled(
            w.VBox([title, w.HBox(buttons, layout=w.Layout(flex_flow="row wrap")), self.link],
                   layout=full_width()),
            "totkit-exports",
        )

    def export(self, fmt: str) -> None:
        from totkit.exports import FORMATS, default_filename, export

        options = self.source()
        workbook = options.pop("workbook")
        data = export(workbook, fmt, lang=self.texts.lang, **options)
        name = html.escape(default_filename(workbook, fmt))
        url = f"data:{FORMATS[fmt].media_type};base64,{base64.b64encode(data).decode()}"
        label = html.escape(t("export.download", self.texts.lang, name=name))
        self.link.value = (
            f'<a class="totkit-download-link" download="{name}" href="{url}">{label}</a>'
        )
