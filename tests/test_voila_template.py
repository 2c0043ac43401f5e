"""The ``totkit`` Voilà template: Voilà's ``lab`` without requests to CDNs.

Starts a real Voilà server (the way ``totkit serve`` does: JUPYTER_PATH holding
``totkit/data/jupyter`` and ``--Voila.config_file_paths=totkit/data``) on a free
loopback port, then fetches its pages with urllib.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

pytest.importorskip("voila")
nbformat = pytest.importorskip("nbformat")

PACKAGE_DATA = Path(__file__).resolve().parents[1] / "totkit" / "data"
JUPYTER_DATA = PACKAGE_DATA / "jupyter"
TEMPLATE_DIR = JUPYTER_DATA / "voila" / "templates" / "totkit"
NOTEBOOK = "app.ipynb"
STARTUP_TIMEOUT = 60


# --------------------------------------------------------------------------- helpers


class _ExternalUrlFinder(HTMLParser):
    """Collect every absolute URL a page could make the browser fetch.

    Looked at: every attribute value, and the text of every element (inline
    <script> and <style> included).  Not looked at, because a browser never
    dereferences them: XML namespace declarations (``xmlns``, ``xmlns:*``),
    anything inside SVG ``<metadata>`` (RDF identifiers such as
    ``rdf:resource="http://purl.org/dc/dcmitype/StillImage"``), HTML comments
    and ``<!DOCTYPE ...>`` declarations.
    """

    TEXT_URL = re.compile(r"""https?://[^\s"'`<>()\\]+""", re.IGNORECASE)
    # in an attribute, a protocol-relative //host/... is a fetch as well
    ATTR_URL = re.compile(r"""(?:https?:)?//[^\s"'`<>()\\,]+""", re.IGNORECASE)

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._in_metadata = 0

    def handle_starttag(self, tag, attrs):
        if tag == "metadata":
            self._in_metadata += 1
        if self._in_metadata:
            return
        for name, value in attrs:
            if not value or name == "xmlns" or name.startswith("xmlns:"):
                continue
            for match in self.ATTR_URL.findall(value):
                if match.startswith("//") and not value.lstrip().startswith("//"):
                    continue  # "//" in the middle of a non-URL value (e.g. a comment in JS)
                self.urls.append(match)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "metadata":
            self._in_metadata -= 1

    def handle_endtag(self, tag):
        if tag == "metadata" and self._in_metadata:
            self._in_metadata -= 1

    def handle_data(self, data):
        if not self._in_metadata:
            self.urls.extend(self.TEXT_URL.findall(data))


def external_urls(html: str, server: str) -> list[str]:
    """Absolute URLs in ``html`` that point anywhere but ``server`` (scheme://host:port)."""
    finder = _ExternalUrlFinder()
    finder.feed(html)
    finder.close()
    own = urlsplit(server).netloc.lower()
    return [u for u in finder.urls if urlsplit(urljoin(server, u)).netloc.lower() != own]


def fetch(url: str, timeout: float = 120) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _write_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "import ipywidgets as widgets\nwidgets.Button(description='Press me', icon='check')"
        )
    )
    nbformat.write(nb, str(path))


# --------------------------------------------------------------------------- fixture


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A Voilà server on 127.0.0.1 using totkit's voila.json; yields its base URL."""
    root = tmp_path_factory.mktemp("voila_root")
    _write_notebook(root / NOTEBOOK)
    home = tmp_path_factory.mktemp("jupyter_home")
    port = _free_port()
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(JUPYTER_DATA), os.environ.get("JUPYTER_PATH", "")) if p
    )
    # keep the developer's own Jupyter config and runtime files out of the test
    env["JUPYTER_CONFIG_DIR"] = str(home / "config")
    env["JUPYTER_RUNTIME_DIR"] = str(home / "runtime")
    env.pop("JUPYTER_CONFIG_PATH", None)
    log_path = home / "voila.log"
    argv = [
        sys.executable,
        "-m",
        "voila",
        str(root),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0",
        f"--Voila.config_file_paths={PACKAGE_DATA}",
    ]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(argv, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)

    def server_log() -> str:
        return log_path.read_text(errors="replace")[-4000:]

    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"voila exited with {proc.returncode}:\n{server_log()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"voila did not listen on port {port}:\n{server_log()}")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        # SIGTERM to the PID we started; Voilà then shuts its kernels down itself.
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


# --------------------------------------------------------------------------- tests


def test_template_files_are_shipped():
    assert json.loads((TEMPLATE_DIR / "conf.json").read_text())["base_template"] == "lab"
    config = json.loads((PACKAGE_DATA / "voila.json").read_text())["VoilaConfiguration"]
    assert config["template"] == "totkit"
    assert config["allow_template_override"] == "NO"
    assert "preheat_kernel" not in config


def test_url_finder_is_precise():
    page = """<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
    <html><head>
    <link rel="stylesheet" href="https://cdn.example.org/a.css">
    <link rel="stylesheet" href="//cdn.example.org/b.css">
    <link rel="stylesheet" href="/voila/static/c.css">
    <script src="http://127.0.0.1:8866/voila/x.js"></script>
    <style>@import url("https://fonts.example.org/d.css");</style>
    <script>import("https://esm.example.org/e.mjs"); // local comment</script>
    <!-- https://comment.example.org/ -->
    </head><body>
    <svg xmlns="http://www.w3.org/2000/svg" xmlns:cc="http://creativecommons.org/ns#">
      <metadata><rdf:RDF><cc:Work rdf:about="">
      <dc:type rdf:resource="http://purl.org/dc/dcmitype/StillImage"/></cc:Work></rdf:RDF></metadata>
      <image href="https://img.example.org/f.png"/>
    </svg></body></html>"""
    assert sorted(external_urls(page, "http://127.0.0.1:8866")) == [
        "//cdn.example.org/b.css",
        "https://cdn.example.org/a.css",
        "https://esm.example.org/e.mjs",
        "https://fonts.example.org/d.css",
        "https://img.example.org/f.png",
    ]


NOTEBOOK_PAGES = [
    f"/voila/render/{NOTEBOOK}",
    f"/voila/render/{NOTEBOOK}?template=lab",  # override is forbidden: CDN links must not return
    f"/voila/render/{NOTEBOOK}?template=lab&theme=dark",
]
TREE_PAGES = ["/voila/tree/", "/voila/tree/?classic-tree=true", "/voila/tree/?template=lab"]
ERROR_PAGES = [
    "/voila/render/does-not-exist.ipynb",
    "/voila/render/does-not-exist.ipynb?template=lab",
    "/voila/tree/does-not-exist",
]


@pytest.mark.parametrize(
    ("path", "status"),
    [(p, 200) for p in NOTEBOOK_PAGES + TREE_PAGES] + [(p, 404) for p in ERROR_PAGES],
)
def test_page_has_no_external_urls(server, path, status):
    code, html = fetch(server + path)
    assert code == status, html[:2000]
    assert external_urls(html, server) == []
    assert "cdn.jsdelivr.net" not in html
    assert "font-awesome" not in html.lower() and "fontawesome" not in html.lower()
    # every stylesheet and script comes from the totkit template (override ignored)
    assert "/voila/templates/lab/" not in html
    if '<link rel="stylesheet"' in html:
        assert "/voila/templates/totkit/static/index.css" in html


@pytest.mark.parametrize("path", NOTEBOOK_PAGES)
def test_notebook_page_renders_the_widget_cell_in_light_theme(server, path):
    code, html = fetch(server + path)
    assert code == 200
    assert "application/vnd.jupyter.widget-view+json" in html
    assert "/voila/templates/totkit/static/theme-light.css" in html  # ?theme= ignored
    assert "theme-dark.css" not in html


def test_bundled_style_still_carries_font_awesome(server):
    _, html = fetch(server + f"/voila/render/{NOTEBOOK}")
    scripts = re.findall(r'<script src="([^"]*/voila-style\.js[^"]*)"', html)
    assert scripts == [scripts[0]] and scripts[0].startswith("/voila/templates/totkit/static/")
    code, style = fetch(server + scripts[0])
    assert code == 200
    assert "Font Awesome Free 5" in style
    assert re.search(r'@font-face\{font-family:"Font Awesome 5 Free"', style)
    assert ".fa.fa-glass:before" in style  # the v4 shims, which the CDN used to add
    # the font files it points at are served by Voilà itself
    fonts = sorted(set(re.findall(r'"([0-9a-f]{20}\.woff2)"', style)))
    assert fonts
    static = urljoin(server, scripts[0].split("?")[0])
    for font in fonts:
        with urllib.request.urlopen(urljoin(static, font), timeout=30) as response:
            assert response.status == 200
            assert response.read(4) == b"wOF2"


def test_classic_tree_page_still_loads_the_bundled_style(server):
    _, html = fetch(server + "/voila/tree/?classic-tree=true")
    assert NOTEBOOK in html
    # Voilà 0.5 names this URL after the page ("tree.html"), not the template
    scripts = re.findall(
        r'<script src="(/voila/templates/[^/"]+/static/voila-style\.js[^"]*)"', html
    )
    assert len(scripts) == 1
    code, style = fetch(server + scripts[0])
    assert code == 200 and "Font Awesome Free 5" in style
