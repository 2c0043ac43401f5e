"""The readiness app driven in-process: answers saved as given, results that agree."""

from __future__ import annotations

import pytest

from totkit.diagnostic import score
from totkit.instrument import instrument_path, load_instrument
from totkit.ui.readiness import ReadinessApp
from totkit.ui.request import Request


@pytest.fixture(scope="module")
def instrument():
    return load_instrument(instrument_path("readiness"))


@pytest.fixture
def app(store, joined, instrument):
    return ReadinessApp(Request(in_voila=True, session=joined.token), store=store,
                        instrument=instrument, chart_delay=None)


def answer_all(app, instrument, value_of):
    for item_id in instrument.items:
        app.radios[item_id].value = value_of(item_id)


def test_without_a_session_it_asks_for_the_codes(store, instrument):
    app = ReadinessApp(Request(in_voila=True), store=store, instrument=instrument)
    assert app.gate.layout.display != "none"
    assert app.body.children == ()


def test_every_answer_is_saved_as_a_new_revision(app, store, joined, instrument):
    first, second = list(instrument.items)[:2]
    app.radios[first].value = 4
    app.radios[second].value = 2
    saved = store.load_section(joined.workbook_id, "diagnostic")
    assert saved.version == 2
    assert saved.data["answers"] == {first: 4, second: 2}
    assert saved.data["instrument"]["sha256"] == instrument.sha256
    assert "totkit" not in app.messages.widget.value


def test_a_reload_keeps_every_answer(app, store, joined, instrument):
    answer_all(app, instrument, lambda item: 1 + len(item) % 5)
    again = ReadinessApp(Request(in_voila=True, session=joined.token), store=store,
                         instrument=instrument)
    assert {item: radio.value for item, radio in again.radios.items()} == app.answers
    assert again.progress.value == len(instrument.items)


def test_results_agree_with_the_core_scoring(app, instrument):
    answer_all(app, instrument, lambda item: 2 if item.startswith("man") else 4)
    expected = score(instrument, app.answers)
    shown = f"{expected.index:.1f}".replace(".", ",")  # id: a decimal comma
    assert shown in app.summary.value  # at once, on the dimension's own page
    app.show_page(len(instrument.dimensions))  # the results page catches up when opened
    assert shown in app.index_line.value
    app.lang.value = "en"
    assert f"{expected.index:.1f}" in app.index_line.value
    assert expected.weakest and all(
        next(d for d in instrument.dimensions if d.id == w).name("en") in app.weakest_line.value
        for w in expected.weakest
    )
    assert "<li>" in app.recommendations.value


def test_chart_is_drawn_on_the_results_page_and_fits_a_phone(app, instrument):
    answer_all(app, instrument, lambda item: 3)
    app.show_page(len(instrument.dimensions))
    assert app.pages.selected_index == len(instrument.dimensions)
    assert app.chart.value.startswith("<svg") and 'width="100%"' in app.chart.value[:300]


def test_reflection_is_saved(app, store, joined):
    app.reflection.value = "Saya akan menemui kepala sekolah minggu depan."
    saved = store.load_section(joined.workbook_id, "diagnostic")
    assert saved.data["reflection"].startswith("Saya akan menemui")


def test_two_tabs_on_the_diagnostic_get_a_conflict_and_keep_both_texts(store, joined,
                                                                        instrument):
    tab_one = ReadinessApp(Request(in_voila=True, session=joined.token), store=store,
                           instrument=instrument)
    tab_two = ReadinessApp(Request(in_voila=True, session=joined.token), store=store,
                           instrument=instrument)
    tab_one.reflection.value = "from tab one"
    tab_two.reflection.value = "from tab two"
    assert "totkit-error" in tab_two.conflict.children[0].value
    assert store.load_section(joined.workbook_id, "diagnostic").data["reflection"] == "from tab one"
    keep = tab_two.conflict.children[1].children[0]
    keep.click()
    assert store.load_section(joined.workbook_id, "diagnostic").data["reflection"] == "from tab two"
    assert tab_two.reflection.value == "from tab two"
    assert tab_two.conflict.children == ()


def test_navigation_moves_one_dimension_at_a_time(app, instrument):
    assert app.pages.selected_index == 0
    app.show_page(1)
    assert app.page_picker.value == 1
    app.show_page(99)
    assert app.pages.selected_index == len(instrument.dimensions)
