"""A real ``totkit serve`` on loopback and Debian's Chromium driven by Playwright.

Browser tests skip where no Chromium exists, unless ``TOTKIT_REQUIRE_BROWSER=1``
(as in CI), which makes a missing browser a failure. Every test fails on
traceback or error text on the page, on an uncaught page error, and on any
request to a host other than the server.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = os.environ.get("TOTKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK = {"127.0.0.1", "localhost"}
BAD_TEXT = re.compile(r"Traceback|Exception:|Error:|Kesalahan:|There was an error")
TOTKIT = Path(sys.executable).with_name("totkit")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return CHROMIUM
    message = f"no Chromium at {CHROMIUM} (apt-get install chromium, or set TOTKIT_CHROMIUM)"
    if os.environ.get("TOTKIT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required (TOTKIT_REQUIRE_BROWSER=1) but {message}")
    pytest.skip(message)


def fetch(url: str, opener=None, data: bytes | None = None, headers=None, timeout: float = 120):
    """(status, body text, final url) of a request; HTTP errors are answers too."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=timeout) as reply:
            return reply.status, reply.read().decode("utf-8", "replace"), reply.url
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace"), url


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """For ``fetch``'s opener: a redirect is the answer (a refusal sent to a login page)."""

    def redirect_request(self, *args, **kwargs):
        return None


def load_benchmark(name: str):
    """``benchmarks/<name>.py`` as a module (the load and hub tests run their benchmark's code)."""
    path = Path(__file__).resolve().parents[2] / "benchmarks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"totkit serve exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"totkit serve did not listen on {port} within {timeout} s")


@dataclass
class Server:
    url: str
    workshop_code: str
    demo_output: str
    env: dict[str, str]

    def app(self, query: str = "") -> str:
        return f"{self.url}/voila/render/00_start.ipynb" + (f"?{query}" if query else "")


def demo_workshop(data: Path) -> tuple[dict[str, str], str, str]:
    """``totkit demo`` into the data folder ``data``: the environment that serves it (English),
    the workshop code and what the command printed."""
    env = {
        **os.environ,
        "TOTKIT_DATA": str(data),
        "TOTKIT_DB": f"sqlite:///{data}/totkit.db",
        "TOTKIT_LANG": "en",
    }
    command = [str(TOTKIT), "demo", "--as-of", "2026-09-01"]
    demo = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    code = demo.split("Workshop code (for planners):")[1].split()[0]
    return env, code, demo


def start_server(data: Path, *extra: str) -> Iterator[Server]:
    env, code, demo = demo_workshop(data)
    port = free_port()
    log_path = data / "serve.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [str(TOTKIT), "serve", "--port", str(port), "--no-browser", *extra],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            wait_for_port(port, process)
            yield Server(f"http://127.0.0.1:{port}", code, demo, env)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def server(tmp_path_factory, chromium_path) -> Iterator[Server]:
    yield from start_server(tmp_path_factory.mktemp("browser-data"))


@pytest.fixture(scope="session")
def preheated_server(tmp_path_factory, chromium_path) -> Iterator[Server]:
    yield from start_server(tmp_path_factory.mktemp("preheated-data"), "--preheat", "1")


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Watch:
    """What a browser context did that a test must not allow."""

    foreign_requests: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    pages: list = field(default_factory=list)


VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request) -> dict[str, int]:
    """Every browser test runs at a laptop's and at a phone's 360 px width, unless it
    asks for one with ``@pytest.mark.parametrize("viewport", [...], indirect=True)``."""
    return VIEWPORTS[request.param]


@pytest.fixture
def new_context(browser, viewport):
    """Makes browser contexts that refuse and record any request off loopback."""
    watch = Watch()
    contexts = []

    def guard(route):
        host = urlparse(route.request.url).hostname
        if host in LOOPBACK:
            route.continue_()
        else:
            watch.foreign_requests.append(route.request.url)
            route.abort()

    def make():
        context = browser.new_context(viewport=viewport)
        context.route("**/*", guard)
        context.on("page", lambda page: _watch_page(page, watch))
        contexts.append(context)
        return context

    yield make
    try:
        for page in watch.pages:
            if not page.is_closed():
                text = page.locator("body").inner_text()
                assert not BAD_TEXT.search(text), f"error text on {page.url}:\n{text[:2000]}"
        assert watch.foreign_requests == [], "requests left loopback"
        assert watch.page_errors == [], "uncaught errors in the page"
    finally:
        for context in contexts:
            context.close()


def _watch_page(page, watch: Watch) -> None:
    watch.pages.append(page)
    page.on("pageerror", lambda error: watch.page_errors.append(str(error)))


SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def screenshot(page, name: str) -> None:
    """Keep the facilitator's guide true: its pictures are taken by these tests."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def open_app(context, url: str, ready: str = ".totkit-app"):
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(ready, timeout=60_000)
    return page
