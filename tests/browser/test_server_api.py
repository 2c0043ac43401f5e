"""What a real ``totkit serve`` answers besides the apps: nothing of a Jupyter server.

Also how it is tuned for a workshop: a closed tab ends its kernel within seconds, the
shutdown beacon keeps its XSRF check, idle kernels are culled, a cell that hangs is
stopped, and an app that raises shows no traceback while the facilitator's log has it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest

from .conftest import TOTKIT, demo_workshop, fetch, free_port, open_app, wait_for_port

# -- a `totkit serve` whose process and kernels a test can see ------------------------------

LAUNCH = """import json, sys
from pathlib import Path
from totkit.serve import ServeOptions, serve
a = json.loads(sys.argv[1])
serve(ServeOptions(port=a["port"], open_browser=False, preheat=a["preheat"],
                   notebooks=Path(a["notebooks"]) if a["notebooks"] else None,
                   voila_args=tuple(a["voila_args"])), "en")
"""


@dataclass
class Served:
    url: str
    process: subprocess.Popen
    log_path: Path
    env: dict[str, str]
    workshop_code: str

    def app(self, notebook: str = "00_start.ipynb", query: str = "") -> str:
        return f"{self.url}/voila/render/{notebook}" + (f"?{query}" if query else "")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kernels(self) -> dict[str, int]:
        """kernel id -> pid of every live kernel this server started."""
        import psutil

        found = {}
        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return found
        for child in children:
            try:
                if child.status() == psutil.STATUS_ZOMBIE:
                    continue
                match = re.search(r"kernel-([0-9a-f-]+)\.json", " ".join(child.cmdline()))
            except psutil.Error:
                continue
            if match:
                found[match.group(1)] = child.pid
        return found

    def wait_for_kernels(self, check, timeout: float = 30, page=None) -> dict[str, int]:
        """Poll the live kernels until ``check(kernels)`` holds; returns them.

        With a ``page``, waits with it: the sync Playwright API only runs the context's
        route handler (``new_context``'s loopback guard), which lets a page's request go
        on, while a Playwright call is running; with ``time.sleep`` a beacon would wait.
        """
        deadline = time.monotonic() + timeout
        while True:
            kernels = self.kernels()
            if check(kernels) or time.monotonic() > deadline:
                return kernels
            if page is None:
                time.sleep(0.2)
            else:
                page.wait_for_timeout(200)


def launch(data: Path, *, preheat: int = 0, notebooks: Path | None = None,
           voila_args: tuple[str, ...] = ()) -> Iterator[Served]:
    """``totkit serve`` on a demo workshop in ``data`` (the command itself when it can)."""
    env, code, _demo = demo_workshop(data)
    port = free_port()
    if notebooks is None and not voila_args:
        command = [str(TOTKIT), "serve", "--port", str(port), "--no-browser",
                   "--preheat", str(preheat)]
    else:
        command = [sys.executable, "-c", LAUNCH, json.dumps(
            {"port": port, "preheat": preheat, "voila_args": list(voila_args),
             "notebooks": str(notebooks) if notebooks else None})]
    log_path = data / "serve.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    served = Served(f"http://127.0.0.1:{port}", process, log_path, env, code)
    try:
        wait_for_port(port, process)
        yield served
    finally:
        kernels = served.kernels()
        os.killpg(process.pid, signal.SIGTERM)  # Voilà shuts its kernels down on TERM
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        for pid in kernels.values():  # kernels run in their own sessions
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    yield from launch(tmp_path_factory.mktemp("api-data"))


# -- plain HTTP -------------------------------------------------------------------------------


def render(served: Served, notebook: str = "00_start.ipynb", query: str = ""):
    """Load an app's page as a browser does (its kernel starts and runs the app);
    returns the page's HTML, its kernel id and the cookie jar it got."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    status, html, _ = fetch(served.app(notebook, query), opener)
    assert status == 200, html[:2000]
    config = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                       html, re.S)
    kernel_id = json.loads(config.group(1))["kernelId"]
    return html, kernel_id, jar, opener


def xsrf_cookie(jar: CookieJar) -> str | None:
    return next((cookie.value for cookie in jar if cookie.name == "_xsrf"), None)


NOT_SERVED = [
    "/api/contents", "/api/contents/00_start.ipynb", "/api/kernels", "/api/kernels/",
    "/api/sessions", "/api/kernelspecs", "/api/terminals", "/api/config/notebook",
    "/lab", "/lab/tree/00_start.ipynb", "/tree", "/tree/facilitator", "/notebooks/00_start.ipynb",
    "/edit/00_start.ipynb", "/files/00_start.ipynb", "/terminals/1",
    "/voila/tree", "/voila/tree/", "/voila/tree/facilitator", "/voila/api/contents",
    "/voila/api/contents/facilitator", "/voila/files/00_start.ipynb",
]


@pytest.mark.parametrize("path", NOT_SERVED)
def test_no_jupyter_server_api_nor_notebook_listing(served, path):
    status, body, _ = fetch(served.url + path)
    assert status in (403, 404), f"{path} answered {status}: {body[:300]}"
    assert "00_start" not in body and "dashboard.ipynb" not in body


def test_the_bare_address_leads_a_browser_to_the_start_app(served):
    before = served.kernels()
    status, html, final = fetch(served.url + "/?lang=en")
    assert status == 200 and final == served.url + "/?lang=en"
    assert 'http-equiv="refresh" content="0; url=/voila/render/00_start.ipynb?lang=en"' in html
    assert served.kernels() == before  # a script or a link checker starts no kernel


def test_no_kernel_can_be_started_or_listed_through_the_api(served):
    before = served.kernels()
    for method in ("POST", "GET"):
        request = urllib.request.Request(served.url + "/api/kernels", method=method,
                                         data=b"{}" if method == "POST" else None)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code in (403, 404, 405)
    assert served.kernels() == before


def test_execute_request_over_the_pages_websocket_is_refused(served, tmp_path):
    from websockets.sync.client import connect

    marker = tmp_path / "executed"
    _, kernel_id, jar, opener = render(served)
    session = uuid.uuid4().hex
    url = f"ws://127.0.0.1:{served.url.rsplit(':', 1)[1]}/api/kernels/{kernel_id}/channels" \
          f"?session_id={session}"

    def message(msg_type: str, content: dict) -> dict:
        return {"header": {"msg_id": uuid.uuid4().hex, "username": "planner",
                           "session": session, "msg_type": msg_type, "version": "5.3",
                           "date": "2026-09-01T00:00:00Z"},
                "parent_header": {}, "metadata": {}, "content": content,
                "channel": "shell", "buffers": []}

    execute = message("execute_request", {
        "code": f"open({str(marker)!r}, 'w').write('executed')", "silent": False,
        "store_history": False, "user_expressions": {}, "allow_stdin": False,
        "stop_on_error": True})
    info = message("kernel_info_request", {})
    seen = []
    with connect(url, open_timeout=30, max_size=2**24) as websocket:
        websocket.send(json.dumps(execute))
        websocket.send(json.dumps(info))  # allowed: proves the channel works
        deadline = time.monotonic() + 20
        info_replied_at = None
        while time.monotonic() < deadline:
            if info_replied_at and time.monotonic() > info_replied_at + 3:
                break  # 3 s more for any late reply to the execute request
            try:
                raw = websocket.recv(timeout=0.5)
            except TimeoutError:
                continue
            if isinstance(raw, bytes):
                continue  # binary frames carry widget buffers, not replies
            received = json.loads(raw)
            seen.append(received)
            if received.get("parent_header", {}).get("msg_id") == info["header"]["msg_id"] \
                    and received["header"]["msg_type"] == "kernel_info_reply":
                info_replied_at = time.monotonic()
    assert info_replied_at, "no kernel_info_reply: the websocket did not work at all"
    answered = [m for m in seen
                if m.get("parent_header", {}).get("msg_id") == execute["header"]["msg_id"]]
    assert answered == [], f"the kernel answered the execute request: {answered}"
    assert not marker.exists(), "the code sent over the websocket ran"
    assert "execute_request" in served.log() and "not allowed" in served.log()
    shut_down(served, kernel_id, opener, jar)


def shut_down(served: Served, kernel_id: str, opener, jar) -> int:
    """The page's beacon: a POST with the `_xsrf` cookie's value as a form field."""
    form = urlencode({"_xsrf": xsrf_cookie(jar) or ""}).encode()
    status, _, _ = fetch(f"{served.url}/voila/api/shutdown/{kernel_id}", opener, data=form)
    return status


def test_the_shutdown_beacon_keeps_its_xsrf_check(served):
    html, kernel_id, jar, opener = render(served)
    token = xsrf_cookie(jar)
    assert token, "the page set no _xsrf cookie, so its shutdown beacon would be refused"
    assert "Traceback" not in html
    shutdown = f"{served.url}/voila/api/shutdown/{kernel_id}"
    refused = [
        # no cookie, no field: what Voilà 0.5's page sent (403 "_xsrf argument missing")
        fetch(shutdown, data=b""),
        fetch(shutdown, data=urlencode({"_xsrf": ""}).encode()),
        # a field without the cookie, and the cookie with a wrong field
        fetch(shutdown, data=urlencode({"_xsrf": token}).encode()),
        fetch(shutdown, opener, data=urlencode({"_xsrf": "2|00000000|" + "0" * 32 + "|1"})
              .encode()),
        # another site's page cannot read the cookie; even with it, its Origin is refused
        fetch(shutdown, opener, data=urlencode({"_xsrf": token}).encode(),
              headers={"Origin": "http://evil.example"}),
    ]
    assert [status for status, _, _ in refused] == [403, 403, 403, 403, 404]
    assert kernel_id in served.kernels()
    assert shut_down(served, kernel_id, opener, jar) == 204
    assert kernel_id not in served.wait_for_kernels(lambda k: kernel_id not in k, 15)
    logged = served.log().count(kernel_id)
    assert shut_down(served, kernel_id, opener, jar) == 204  # a late second beacon: no-op,
    assert served.log().count(kernel_id) == logged  # and no warning in the facilitator's log
    assert fetch(f"{served.url}/voila/api/shutdown/../../api/kernels", opener,
                 data=urlencode({"_xsrf": token}).encode())[0] == 404


@pytest.mark.parametrize("viewport", ["laptop"], indirect=True)
def test_closing_or_reloading_a_tab_ends_its_kernel_within_seconds(served, new_context):
    context = new_context()
    other = context.new_page()  # another tab, to wait with (see Served.wait_for_kernels)
    page = open_app(context, served.url + "/", ".totkit-join")  # the bare address
    assert page.url == served.app()
    first = page.evaluate(KERNEL_ID_JS)
    assert first in served.kernels()

    page.reload()
    page.wait_for_selector(".totkit-join", timeout=60_000)
    second = page.evaluate(KERNEL_ID_JS)
    assert second != first
    started = time.monotonic()
    kernels = served.wait_for_kernels(lambda k: first not in k, 10, other)
    assert first not in kernels, "reloading left the old kernel running"
    assert second in kernels

    with page.expect_event("close"):
        page.close(run_before_unload=True)  # as a person closes the tab: unload handlers run
    kernels = served.wait_for_kernels(lambda k: second not in k, 10, other)
    assert second not in kernels, f"closing the tab left its kernel running: {kernels}"
    assert time.monotonic() - started < 20
    for kernel_id in (first, second):
        assert f"403 POST /voila/api/shutdown/{kernel_id}" not in served.log()


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_tab_left_without_beforeunload_ends_its_kernel_on_pagehide(served, new_context):
    """Phones' browsers may skip beforeunload: the template's pagehide beacon covers it."""
    page = open_app(new_context(), served.app(), ".totkit-join")
    page.wait_for_function("() => document.readyState === 'complete'")
    kernel_id = page.evaluate(KERNEL_ID_JS)
    assert kernel_id in served.kernels()
    page.evaluate("() => window.dispatchEvent(new PageTransitionEvent('pagehide', "
                  "{persisted: true}))")  # kept in the back-forward cache: keep the kernel
    page.wait_for_timeout(2000)
    assert kernel_id in served.kernels()
    page.evaluate("() => window.dispatchEvent(new PageTransitionEvent('pagehide', "
                  "{persisted: false}))")
    kernels = served.wait_for_kernels(lambda k: kernel_id not in k, 10, page)
    assert kernel_id not in kernels, "pagehide did not end the kernel"


KERNEL_ID_JS = """() => JSON.parse(
    document.getElementById('jupyter-config-data').textContent).kernelId"""


# -- culling, timeouts and errors, on a server with short limits --------------------------------

RAISES = "raise RuntimeError('totkit-test-boom: the facilitator sees this')"
HANGS = "import time\ntime.sleep(600)"
FAILS_ON_CLICK = """import ipywidgets as w
from totkit.ui.widgets import MessageArea, Texts, action_button

def fail():
    raise RuntimeError("totkit-test-click-boom: the facilitator sees this")

texts = Texts("en")
messages = MessageArea(texts)
w.VBox([action_button(texts, messages, "start.join", "zz-fail", fail), messages.widget])"""


def notebook(source: str) -> dict:
    return {
        "cells": [{"cell_type": "code", "execution_count": None, "id": "cell0001",
                   "metadata": {}, "outputs": [], "source": source.splitlines(True)}],
        "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)",
                                    "language": "python", "name": "python3"},
                     "language_info": {"name": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }


CELL_TIMEOUT = 5
CULL_AFTER = 6


@pytest.fixture(scope="module")
def short_limits(tmp_path_factory) -> Iterator[Served]:
    """The apps plus one that raises and one that hangs; preheated kernels for the entry
    apps; idle kernels culled after 6 s and cells stopped after 5 s."""
    from totkit.paths import notebooks_dir

    root = tmp_path_factory.mktemp("short-limits")
    folder = root / "notebooks"
    shutil.copytree(notebooks_dir(), folder,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    (folder / "zz_raises.ipynb").write_text(json.dumps(notebook(RAISES)))
    (folder / "zz_hangs.ipynb").write_text(json.dumps(notebook(HANGS)))
    (folder / "zz_fails_on_click.ipynb").write_text(json.dumps(notebook(FAILS_ON_CLICK)))
    data = root / "data"
    data.mkdir()
    yield from launch(data, preheat=1, notebooks=folder, voila_args=(
        f"--MappingKernelManager.cull_idle_timeout={CULL_AFTER}",
        "--MappingKernelManager.cull_interval=1",
        f"--VoilaExecutor.timeout={CELL_TIMEOUT}",
    ))


def pooled(served: Served, expected: int = 2, timeout: float = 90) -> set[str]:
    """Wait until the pools (00_start and 01_readiness, one each) are full and quiet."""
    kernels = served.wait_for_kernels(lambda k: len(k) == expected, timeout)
    assert len(kernels) == expected, f"not just the pools: {kernels}\n{served.log()[-3000:]}"
    deadline = time.monotonic() + timeout
    while served.log().count("is filled with") < expected and time.monotonic() < deadline:
        time.sleep(0.2)
    return set(kernels)


def test_pools_only_for_the_entry_apps_and_stated_at_start(short_limits):
    pool = pooled(short_limits)
    log = short_limits.log()
    assert "Preheated kernels per app: 00_start 1, 01_readiness 1, every other app 0" in log
    assert "Kernel pool of 00_start.ipynb is filled with 1 kernel(s)" in log
    assert "Kernel pool of 01_readiness.ipynb is filled with 1 kernel(s)" in log
    assert "Kernel pool of 02_context_gap.ipynb is filled" not in log
    assert set(short_limits.kernels()) == pool


def test_a_preheated_kernel_waits_longer_than_the_cell_timeout(short_limits):
    pooled(short_limits)
    time.sleep(CELL_TIMEOUT + 2)  # the pooled kernel has waited for a page longer than that
    html, kernel_id, _, _ = render(short_limits, query="lang=en")
    assert f"Using pre-heated kernel: {kernel_id}" in short_limits.log()
    assert "application/vnd.jupyter.widget-view+json" in html
    assert "timed out" not in html and "There was an error" not in html


def test_an_app_that_raises_shows_no_traceback_and_the_log_has_it(short_limits):
    html, _, _, _ = render(short_limits, "zz_raises.ipynb")
    assert "totkit-test-boom" not in html and "Traceback" not in html
    assert "tell the facilitator" in html
    log = short_limits.log()
    assert "totkit-test-boom: the facilitator sees this" in log
    assert "Traceback" in log and "RuntimeError" in log


@pytest.mark.parametrize("viewport", ["laptop"], indirect=True)
def test_an_error_in_a_widget_callback_is_logged_for_the_facilitator(short_limits, browser,
                                                                    viewport):
    context = browser.new_context(viewport=viewport)
    try:
        page = open_app(context, short_limits.app("zz_fails_on_click.ipynb"), ".zz-fail")
        page.locator(".zz-fail").click()
        alert = page.wait_for_selector(".totkit-message [role=alert]", timeout=30_000)
        assert "totkit-test-click-boom" not in alert.inner_text()
        assert "Traceback" not in page.locator("body").inner_text()
        deadline = time.monotonic() + 10
        while "totkit-test-click-boom" not in short_limits.log() and \
                time.monotonic() < deadline:
            page.wait_for_timeout(200)
        logged = short_limits.log().split("ERROR totkit.ui: unexpected error in a totkit app")
        assert len(logged) == 2, "the error is not in the facilitator's log"
        assert logged[1].lstrip().startswith("Traceback (most recent call last)")
        assert "RuntimeError: totkit-test-click-boom: the facilitator sees this" in logged[1]
    finally:
        context.close()


def test_a_cell_that_hangs_is_stopped_and_its_kernel_freed(short_limits):
    started = time.monotonic()
    html, kernel_id, _, _ = render(short_limits, "zz_hangs.ipynb")
    assert time.monotonic() - started < CELL_TIMEOUT + 30
    assert "Traceback" not in html and "tell the facilitator" in html
    assert "Interrupting kernel" in short_limits.log()
    assert "KeyboardInterrupt" in short_limits.log()  # where it hung, for the facilitator
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # interrupted: idle, so the culler can end it
        status, model, _ = fetch(f"{short_limits.url}/api/kernels/{kernel_id}")
        if status == 404 or json.loads(model)["execution_state"] == "idle":
            break
        time.sleep(0.2)
    assert status == 404 or json.loads(model)["execution_state"] == "idle", model


def test_idle_kernels_without_a_page_are_culled_but_not_the_pools(short_limits):
    pool = pooled(short_limits)
    _, kernel_id, _, _ = render(short_limits, "02_context_gap.ipynb")  # nobody connects
    assert kernel_id in short_limits.kernels()
    kernels = short_limits.wait_for_kernels(lambda k: kernel_id not in k, CULL_AFTER + 20)
    assert kernel_id not in kernels, "an idle kernel with no page was not culled"
    assert f"Culling 'idle' kernel 'python3' ({kernel_id})" in short_limits.log()
    assert pool <= set(kernels), "a preheated kernel was culled"
