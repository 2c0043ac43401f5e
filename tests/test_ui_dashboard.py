"""The facilitator's dashboard app driven in-process."""

from __future__ import annotations

from datetime import date

import pytest

from totkit.demo import create_demo
from totkit.ui.dashboard import DashboardApp
from totkit.ui.request import Request

AS_OF = date(2026, 9, 1)


@pytest.fixture
def demo(store):
    return create_demo(store, as_of=AS_OF)


@pytest.fixture
def app(store):
    return DashboardApp(Request(in_voila=True), store=store)


def sign_in(app, code, key, as_of=date(2026, 11, 30)):
    app.code_entry.value = code
    app.key_entry.value = key
    app.as_of.value = as_of
    app.open_board()


def test_a_wrong_or_missing_key_shows_nothing_of_the_workshop(app, demo):
    for key in ("", "AAAA-BBBB-CCCC-DDDD"):
        app.code_entry.value = demo.workshop_code
        app.key_entry.value = key
        button = app.gate.children[-1]
        button.click()
        assert "totkit-error" in app.messages.widget.value
        assert app.dashboard is None and app.board.children == ()


def test_a_resume_code_does_not_open_the_dashboard(app, demo):
    app.code_entry.value = demo.workshop_code
    app.key_entry.value = demo.planners[0][1]
    app.gate.children[-1].click()
    assert app.dashboard is None and app.board.children == ()


def test_a_planners_session_link_opens_nothing_here(store, demo):
    from totkit.ui.request import Request

    token = store.resume(demo.workshop_code, demo.planners[0][1])
    app = DashboardApp(Request(in_voila=True, session=token), store=store)
    assert app.dashboard is None and "totkit-error" in app.messages.widget.value


def test_the_table_sorts_and_filters(app, demo):
    sign_in(app, demo.workshop_code, demo.facilitator_key)
    assert app.key_entry.value == ""  # the key does not stay on the page
    assert (app.band_filter.value, app.status_filter.value, app.sort.value) == ("", "", "name")
    assert app.band_filter.options[0][0] == "Semua kategori"
    assert app.table.value.count("totkit-planner-row") == 25
    app.text_filter.value = "Sri Wahyuni"
    assert app.table.value.count("totkit-planner-row") == 1
    app.text_filter.value = ""
    app.status_filter.value = "stalled"
    stalled = app.table.value.count("totkit-planner-row")
    assert 0 < stalled == len(app.dashboard.stalled)
    app.status_filter.value = ""
    app.sort.value = "people_reached"
    app.descending.value = True
    first = app.planner.options[0][1]
    assert app.dashboard.table.set_index("workbook_id").loc[first, "people_reached"] == \
        app.dashboard.table["people_reached"].max()


def test_a_row_opens_the_workbook_read_only_and_a_new_code_can_be_issued(app, store, demo):
    sign_in(app, demo.workshop_code, demo.facilitator_key)
    app.text_filter.value = "Sri Wahyuni"
    app.show_planner()
    frame = app.planner_view.children[0].value
    assert 'sandbox=""' in frame and "Sri Wahyuni" in frame
    old = demo.planners[0][1]
    app.reissue()
    new = app.planner_view.children[0].value.split("totkit-code")[1].split(">")[1].split("<")[0]
    assert store.open_session(store.resume(demo.workshop_code, new))
    with pytest.raises(Exception, match="resume code"):
        store.resume(demo.workshop_code, old)


def test_cohort_report_and_exports_with_progress(app, demo):
    sign_in(app, demo.workshop_code, demo.facilitator_key)
    app.show_report()
    assert "totkit-cohort-frame" in app.report.value and "&lt;svg" in app.report.value
    app.export("xlsx")
    assert app.progress.value == 1
    assert 'download="kohort-' in app.download.value
