"""A planner logs a session; the facilitator's dashboard, in another browser, shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from totkit.i18n import t
from totkit.store import Store

from .conftest import open_app, screenshot


@pytest.fixture
def planner(server):
    store = Store(server.env["TOTKIT_DB"], folder=Path(server.env["TOTKIT_DATA"]))
    joined = store.join(server.workshop_code, {"name": "Maria Goreti", "institution": "SDN 9"})
    store.save_section(joined.workbook_id, "plan", {"sessions": [
        {"id": "s1", "title": "KKG gugus 3", "date": "2026-08-20", "participants": 14,
         "owner": "Maria"}]}, 0)
    yield store, joined
    store.close()


def demo_key(server) -> str:
    return server.demo_output.split("Facilitator key (keep private):")[1].split()[0]


def open_dashboard(context, server):
    page = open_app(context, f"{server.url}/voila/render/facilitator/dashboard.ipynb",
                    ".totkit-open-dashboard")
    page.locator(".totkit-workshop-code input").fill(server.workshop_code)
    page.locator(".totkit-facilitator-key input").fill(demo_key(server))
    page.locator(".totkit-as-of input").fill("2026-11-30")
    page.locator(".totkit-open-dashboard").click()
    page.wait_for_selector(".totkit-planners table", timeout=60_000)
    return page


def row_of(page, name: str) -> str:
    return page.locator(".totkit-planner-row", has_text=name).inner_text()


@pytest.mark.parametrize("viewport", ["laptop"], indirect=True)
def test_a_logged_session_shows_on_the_dashboard_after_a_refresh(server, new_context, planner,
                                                                 viewport):
    store, joined = planner
    board = open_dashboard(new_context(), server)
    assert board.locator(".totkit-facilitator-key input").count() == 0 or \
        board.locator(".totkit-facilitator-key input").input_value() == ""
    before = row_of(board, "Maria Goreti")
    # A session was due in August and nothing is logged: stalled.
    assert t("monitoring.status_label.stalled", "id") in before

    log = open_app(new_context(), f"{server.url}/voila/render/04_monitoring.ipynb?s="
                   f"{joined.token}", ".totkit-add-sessions_held")
    log.locator(".totkit-as-of input").fill("2026-11-30")
    log.locator(".totkit-add-sessions_held").click()
    form = log.locator(".totkit-form-sessions_held")
    form.locator(".totkit-field-planned select").select_option(index=1)
    form.locator(".totkit-field-date input").fill("2026-08-21")
    form.locator(".totkit-field-participants input").fill("13")
    form.locator(".totkit-field-participants input").press("Tab")
    log.locator(".totkit-save-sessions_held").click()
    log.wait_for_selector(".totkit-rows-sessions_held .totkit-row")
    assert store.load_workbook(joined.workbook_id).monitoring.sessions_held[0].participants == 13
    screenshot(log, "monitoring")

    board.locator(".totkit-refresh").click()
    board.wait_for_function(
        """() => [...document.querySelectorAll('.totkit-planner-row')]
                 .some(r => r.innerText.includes('Maria Goreti') && r.innerText.includes('13'))""",
        timeout=30_000,
    )
    after = row_of(board, "Maria Goreti")
    assert "13" in after and t("monitoring.status_label.done", "id") in after
    screenshot(board, "dashboard")


@pytest.mark.parametrize("viewport", ["laptop"], indirect=True)
def test_a_wrong_key_shows_nothing(server, new_context, viewport):
    page = open_app(new_context(), f"{server.url}/voila/render/facilitator/dashboard.ipynb",
                    ".totkit-open-dashboard")
    page.locator(".totkit-workshop-code input").fill(server.workshop_code)
    page.locator(".totkit-facilitator-key input").fill("AAAA-BBBB-CCCC-DDDD")
    page.locator(".totkit-open-dashboard").click()
    page.wait_for_selector(".totkit-message [role=alert]")
    assert page.locator(".totkit-planners").count() == 0
    assert "Sri Wahyuni" not in page.locator("body").inner_text()
