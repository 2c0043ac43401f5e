"""What the page asked for: the query string Voilà hands to the kernel."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import parse_qs

from totkit.i18n import normalize_language


@dataclass(frozen=True)
class Request:
    in_voila: bool
    session: str = ""
    lang: str | None = None


def current_request() -> Request:
    """The request of the page this kernel serves; in JupyterLab there is none."""
    if os.environ.get("VOILA_PREHEAT") == "True":
        # A preheated kernel ran up to here before any page asked for it; wait for one.
        from voila.utils import wait_for_request

        wait_for_request()
    if "VOILA_BASE_URL" not in os.environ:
        return Request(in_voila=False)
    return parse_request(os.environ.get("QUERY_STRING", ""))


def parse_request(query: str) -> Request:
    params = parse_qs(query)
    lang = params.get("lang", [None])[0]
    return Request(
        in_voila=True,
        session=params.get("s", [""])[0],
        lang=normalize_language(lang) if lang else None,
    )
