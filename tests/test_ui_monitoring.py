"""The monitoring app driven in-process: log, see status against the plan."""

from __future__ import annotations

from datetime import date

import pytest

from totkit.ui.monitoring import MonitoringApp
from totkit.ui.request import Request

TOT_END = date(2026, 7, 17)


@pytest.fixture
def planner(store):
    created = store.create_workshop("TOT", start_date=date(2026, 7, 13), end_date=TOT_END)
    joined = store.join(created.code, {"name": "Sri"})
    store.save_section(joined.workbook_id, "plan", {
        "sessions": [{"id": "s1", "title": "KKG", "date": "2026-08-10", "participants": 12,
                      "owner": "Sri"}],
        "indicators": [{"id": "i1", "statement": "Guru memakai diskusi", "level": "application",
                        "baseline": "1 dari 12", "target": "8 dari 12", "owner": "Sri",
                        "measurement_dates": ["2026-10-20"]}],
    }, 0)
    return joined


@pytest.fixture
def app(store, planner):
    monitoring = MonitoringApp(Request(in_voila=True, session=planner.token), store=store)
    monitoring.as_of.value = date(2026, 10, 30)
    return monitoring


def log(app, name, **values):
    editor = app.editors[name]
    editor._new()
    for field, value in values.items():
        editor.form.inputs[field].value = value
    editor._save()
    assert app.messages.widget.value == "" and editor.messages.widget.value == "", \
        editor.messages.widget.value


def test_nothing_done_after_the_due_session_is_stalled(app):
    assert "totkit-status-stalled" in app.status_box.value


def test_logging_the_session_and_a_measurement_makes_it_done(app, store, planner):
    log(app, "sessions_held", planned="s1", date=date(2026, 8, 12), participants="11")
    # The measurement planned for 20 October is due, and nothing happened since 12 August.
    assert "totkit-status-stalled" in app.status_box.value
    log(app, "measurements", indicator="i1", value="6 dari 12", number="6",
        date=date(2026, 10, 20), kind="observed")
    assert "totkit-status-done" in app.status_box.value
    assert "71" in app.status_box.value  # (6 - 1) / (8 - 1) of the way to the target
    saved = store.load_section(planner.workbook_id, "monitoring").data
    assert saved["sessions_held"][0]["planned"] == "s1"
    assert saved["measurements"][0]["kind"] == "observed"


def test_as_of_moves_the_rules(app):
    log(app, "sessions_held", planned="s1", date=date(2026, 8, 12), participants="11")
    app.as_of.value = date(2026, 8, 11)  # due the day before, held the day after
    assert "totkit-status-behind" in app.status_box.value
    app.as_of.value = date(2026, 8, 9)  # nothing due yet
    assert "totkit-status-on_track" in app.status_box.value


def test_obstacles_and_reflection_are_saved(app, store, planner):
    log(app, "obstacles", date=date(2026, 8, 20), cause="structural",
        text="Jadwal ujian <b>penuh</b>")
    app.reflection.inputs["blocked"].value = "Tidak ada surat tugas."
    app.save_reflection()
    saved = store.load_section(planner.workbook_id, "monitoring").data
    assert saved["obstacles"][0]["cause"] == "structural"
    assert saved["reflection"]["blocked"] == "Tidak ada surat tugas."
    row = app.editors["obstacles"].rows.children[0].children[0].value
    assert "<b>penuh</b>" not in row and "&lt;b&gt;penuh" in row
