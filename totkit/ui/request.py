"""What the page asked for: the query string Voilà hands to the kernel."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from urllib.parse import parse_qs

from totkit.i18n import normalize_language


@dataclass(frozen=True)
class Request:
    in_voila: bool
    session: str = ""
    lang: str | None = None


def in_voila() -> bool:
    return "VOILA_BASE_URL" in os.environ


def preheated() -> bool:
    return os.environ.get("VOILA_PREHEAT") == "True"


def current_request() -> Request:
    """The request of the page this kernel serves; in JupyterLab there is none.

    A preheated kernel runs before any page asks for it: this waits for the page.
    """
    if preheated():
        wait_for_request()
    if not in_voila():
        return Request(in_voila=False)
    return parse_request(os.environ.get("QUERY_STRING", ""))


def wait_for_request() -> None:
    """What ``voila.utils.wait_for_request`` does, without importing ``voila.utils``.

    That import pulls in jupyter_server and jsonschema: about 4 s of CPU and 45 MiB in
    every preheated kernel. The protocol is one JSON message of environment variables
    on Voilà's ``voila/query/<kernel id>`` websocket, sent when a page takes the kernel.
    """
    from websockets.sync.client import connect

    env = os.environ
    base = env.get("VOILA_WS_BASE_URL") or env.get("VOILA_SERVER_URL", "/")
    url = "{}://{}:{}{}voila/query/{}".format(
        env.get("VOILA_WS_PROTOCOL", "ws"),
        env.get("VOILA_APP_IP", "127.0.0.1"),
        env.get("VOILA_APP_PORT", "8866"),
        base,
        env.get("VOILA_KERNEL_ID", ""),
    )
    with connect(url, open_timeout=10, max_size=2**20) as websocket:
        message = websocket.recv()
    os.environ.update({str(k): str(v) for k, v in json.loads(message).items()})


def parse_request(query: str) -> Request:
    params = parse_qs(query)
    lang = params.get("lang", [None])[0]
    return Request(
        in_voila=True,
        session=params.get("s", [""])[0],
        lang=normalize_language(lang) if lang else None,
    )
