"""JupyterHub serving the apps (deploy/jupyterhub/), on loopback, driven by Chromium.

A real hub (its own configuration file, SimpleLocalProcessSpawner, tmpauthenticator and
configurable-http-proxy from npm, installed by ``make test``; started by
benchmarks/bench_hub.py's ``start_hub``) spawns ``totkit serve --hub``
for each of two users; both join one workshop in one store (PostgreSQL when
``TOTKIT_TEST_PG`` gives a server, as in CI; a SQLite file otherwise). The tests check what
each user can reach: their own workbook, their own server, and through the hub neither a
kernel list, nor code run over a kernel's websocket, nor another user's kernel.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests import pg

from .conftest import LOOPBACK, NoRedirect, fetch, load_benchmark

REFUSED = "Couldn't authenticate"  # jupyter_server's log line for a request with no user


@dataclass
class Planner:
    """A hub user with their browser context, signed in to the start app."""

    user: str
    context: object
    page: object
    name: str
    kernel_ids: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    ready_after: float = 0.0

    def server(self, hub) -> str:
        return f"{hub.url}/user/{self.user}"

    def cookie_header(self, url: str) -> str:
        return "; ".join(f"{c['name']}={c['value']}" for c in self.context.cookies(url))


@contextlib.contextmanager
def hub_store(data: Path) -> Iterator[str]:
    """PostgreSQL in a fresh schema where the tests have a server (required in CI), else
    a SQLite file: either way one store for every user server."""
    if os.environ.get(pg.PG_ENV) or os.environ.get(pg.REQUIRE_ENV) == "1":
        with pg.fresh_schema(pg.server_url(), prefix="totkit_hub") as url:
            yield url
    else:
        yield f"sqlite:///{data / 'totkit.db'}"


@pytest.fixture(scope="module")
def hub(tmp_path_factory, chromium_path):
    hubs = load_benchmark("bench_hub")
    reason = hubs.hub_missing()
    if reason:
        if os.environ.get("TOTKIT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"the hub test is required (TOTKIT_REQUIRE_BROWSER=1) but {reason}")
        pytest.skip(f"hub test skipped: {reason}")
    state = tmp_path_factory.mktemp("hub")
    with hub_store(state) as store_url, hubs.start_hub(state, store_url, cull=3600) as started:
        yield started


def log_in_and_join(hub, browser, name: str) -> Planner:
    """A new browser at /hub/tmplogin: a throwaway user, their server, the start app; joins."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    planner = Planner(user="", context=context, page=None, name=name)
    context.route("**/*", lambda route: guard(route, planner.requests))
    page = context.new_page()
    page.on("websocket", lambda socket: record_kernel(socket.url, planner.kernel_ids))
    started = time.monotonic()
    page.goto(f"{hub.url}/hub/tmplogin")
    page.wait_for_selector(".totkit-join", timeout=120_000)
    planner.ready_after = time.monotonic() - started
    planner.page = page
    planner.user = re.search(r"/user/([^/]+)/", page.url).group(1)
    page.locator(".totkit-workshop-code input").fill(hub.workshop_code)
    page.locator(".totkit-name input").fill(name)
    page.locator(".totkit-consent input").check()
    page.locator(".totkit-join").click()
    page.wait_for_selector(".totkit-resume-code", timeout=60_000)
    return planner


def guard(route, requests: list[str]) -> None:
    """Every request is recorded; any off loopback is refused (and fails the test)."""
    requests.append(route.request.url)
    if urlparse(route.request.url).hostname in LOOPBACK:
        route.continue_()
    else:
        route.abort()


def record_kernel(url: str, kernel_ids: list[str]) -> None:
    found = re.search(r"/api/kernels/([0-9a-f-]{36})/channels", url)
    if found:
        kernel_ids.append(found.group(1))


@pytest.fixture(scope="module")
def planners(hub, browser) -> Iterator[tuple[Planner, Planner]]:
    ani = log_in_and_join(hub, browser, "Ani Lestari")
    budi = log_in_and_join(hub, browser, "Budi Santoso")
    print(
        f"\nhub: login to an interactive start app: {ani.ready_after:.1f} s (first user), "
        f"{budi.ready_after:.1f} s (second user)"
    )
    yield ani, budi
    for planner in (ani, budi):
        planner.context.close()


def get(url: str, cookies: str = "") -> int:
    """The status of a GET with these cookies; a redirect (to the hub's login) is an answer."""
    opener = urllib.request.build_opener(NoRedirect)
    return fetch(url, opener, headers={"Cookie": cookies} if cookies else None, timeout=30)[0]


def kernel_socket(hub, owner: Planner, cookies: str):
    from websockets.sync.client import connect

    ws = hub.url.replace("http://", "ws://")
    url = (
        f"{ws}/user/{owner.user}/api/kernels/{owner.kernel_ids[-1]}/channels"
        f"?session_id={uuid.uuid4().hex}"
    )
    return connect(
        url,
        open_timeout=30,
        max_size=2**24,
        additional_headers={"Cookie": cookies} if cookies else None,
    )


def message(msg_type: str, content: dict) -> dict:
    return {
        "header": {
            "msg_id": uuid.uuid4().hex,
            "username": "planner",
            "session": uuid.uuid4().hex,
            "msg_type": msg_type,
            "version": "5.3",
            "date": "2026-09-01T00:00:00Z",
        },
        "parent_header": {},
        "metadata": {},
        "content": content,
        "channel": "shell",
        "buffers": [],
    }


def replies(websocket, sent: list[dict], seconds: float = 15) -> dict[str, list[str]]:
    """msg_id of each sent message -> the types of the replies to it seen in ``seconds``."""
    answers: dict[str, list[str]] = {m["header"]["msg_id"]: [] for m in sent}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            raw = websocket.recv(timeout=0.5)
        except TimeoutError:
            continue
        if isinstance(raw, bytes):
            continue  # widget buffers
        received = json.loads(raw)
        parent = received.get("parent_header", {}).get("msg_id")
        if parent in answers:
            answers[parent].append(received["header"]["msg_type"])
    return answers


# -- the tests -------------------------------------------------------------------------------


def test_two_hub_users_each_reach_only_their_own_workbook(hub, planners):
    from totkit.store import Store

    ani, budi = planners
    assert ani.user != budi.user
    for planner, other in ((ani, budi), (budi, ani)):
        shown = planner.page.locator(".totkit-signed-in").inner_text()
        assert planner.name in shown and other.name not in shown
        assert planner.page.url.startswith(f"{planner.server(hub)}/voila/render/00_start.ipynb")
    store = Store(hub.env["TOTKIT_DB"], folder=Path(hub.env["TOTKIT_DATA"]))
    try:
        names = sorted(wb.profile.name for wb in store.load_workbooks(store.list_workshops()[0].id))
    finally:
        store.close()
    assert names == ["Ani Lestari", "Budi Santoso"]  # one store behind both servers
    # Budi's browser, sent to Ani's server: the hub's login is Budi's, so Ani's server
    # refuses it (403), and nothing of Ani's page is shown.
    intruder = budi.context.new_page()
    response = intruder.goto(f"{ani.server(hub)}/voila/render/00_start.ipynb")
    assert response.status == 403
    assert "Ani Lestari" not in intruder.content()
    intruder.close()


def test_the_facilitator_watches_both_planners_from_a_hub_user_of_their_own(
    hub, planners, browser
):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    requests: list[str] = []
    context.route("**/*", lambda route: guard(route, requests))
    page = context.new_page()
    kernel_ids: list[str] = []
    page.on("websocket", lambda socket: record_kernel(socket.url, kernel_ids))
    page.goto(f"{hub.url}/hub/tmplogin")
    page.wait_for_selector(".totkit-join", timeout=120_000)
    board = page.url.replace("00_start.ipynb", "facilitator/dashboard.ipynb")
    page.goto(board)
    page.locator(".totkit-workshop-code input").fill(hub.workshop_code)
    page.locator(".totkit-facilitator-key input").fill(hub.facilitator_key)
    page.locator(".totkit-open-dashboard").click()
    page.wait_for_selector(".totkit-planners table", timeout=60_000)
    rows = page.locator(".totkit-planners").inner_text()
    assert all(planner.name in rows for planner in planners)  # both, from one store
    assert all(urlparse(url).hostname in LOOPBACK for url in requests)
    # The start app's page was left for the dashboard: its beacon (XSRF-checked by the
    # hub's login here) ended its kernel.
    left = f"Kernel shutdown: {kernel_ids[0]}"
    deadline = time.monotonic() + 20
    while left not in hub.log() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert left in hub.log()
    context.close()


def test_no_kernel_list_nor_jupyter_api_through_the_hub(hub, planners):
    ani, _ = planners
    cookies = ani.cookie_header(ani.server(hub) + "/")
    status = get(f"{ani.server(hub)}/voila/render/00_start.ipynb", cookies)
    assert status == 200  # these cookies do open Ani's apps ...
    for path in (
        "/api/kernels",
        "/api/contents",
        "/api/sessions",
        "/lab",
        "/tree",
        "/voila/tree",
        "/voila/api/contents",
    ):
        status = get(f"{ani.server(hub)}{path}", cookies)
        assert status in (403, 404, 405), f"{path} answered {status}"  # ... and nothing else


def test_an_execute_request_through_the_hub_runs_nothing(hub, planners, tmp_path):
    ani, _ = planners
    marker = tmp_path / "executed"
    execute = message(
        "execute_request",
        {
            "code": f"open({str(marker)!r}, 'w').write('executed')",
            "silent": False,
            "store_history": False,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        },
    )
    info = message("kernel_info_request", {})
    with kernel_socket(hub, ani, ani.cookie_header(ani.server(hub) + "/")) as websocket:
        websocket.send(json.dumps(execute))
        websocket.send(json.dumps(info))
        answers = replies(websocket, [execute, info])
    assert "kernel_info_reply" in answers[info["header"]["msg_id"]]  # the channel works
    assert answers[execute["header"]["msg_id"]] == []
    assert not marker.exists(), "code sent over the kernel's websocket ran"


@pytest.mark.parametrize("whose", ["another user's", "no"])
def test_a_kernel_websocket_without_its_users_login_is_refused(hub, planners, whose):
    from websockets.exceptions import InvalidStatus

    ani, budi = planners
    cookies = budi.cookie_header(budi.server(hub) + "/") if whose == "another user's" else ""
    if cookies:
        # Budi's hub cookies, all of them, sent to Ani's kernel (a browser would not send
        # them to that path; an attacker who learnt the kernel id would).
        cookies += "; " + budi.cookie_header(f"{hub.url}/hub/")
    said_no = hub.log().count(REFUSED)
    with pytest.raises(InvalidStatus) as refused, kernel_socket(hub, ani, cookies):
        pass
    assert refused.value.response.status_code == 403
    assert hub.log().count(REFUSED) == said_no + 1  # Ani's server found no login it accepts
    assert "Uncaught exception" not in hub.log()  # one line in the log, no traceback


def test_the_idle_culler_runs_with_its_rights(hub, planners):
    log = hub.log()
    assert "Starting managed service idle-culler" in log
    assert "200 GET /hub/api/users" in log  # the culler's first look at the users
    assert "403 GET /hub/api/users" not in log


def test_no_request_left_loopback(planners):
    for planner in planners:
        assert planner.requests, "the guard saw no request"
        foreign = [url for url in planner.requests if urlparse(url).hostname not in LOOPBACK]
        assert foreign == []
