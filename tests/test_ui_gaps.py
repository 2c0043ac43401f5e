"""The context-gap app driven in-process."""

from __future__ import annotations

import pytest

from totkit.gaps import load_context, priority_gaps
from totkit.ui.gaps import GapsApp
from totkit.ui.request import Request


@pytest.fixture(scope="module")
def context():
    return load_context()


@pytest.fixture
def app(store, joined, context):
    return GapsApp(Request(in_voila=True, session=joined.token), store=store, context=context,
                   chart_delay=None)


def card(app, factor_id):
    return next(c for c in app.cards.children if f"totkit-factor-{factor_id}" in c._dom_classes)


def pick(app, factor_id, field, value):
    box = card(app, factor_id).children[1]
    dropdown = next(b.children[1] for b in box.children
                    if f"totkit-{field}" in b.children[1]._dom_classes)
    dropdown.value = value


def test_a_factor_is_saved_once_both_ratings_are_given(app, store, joined):
    pick(app, "time", "assumed", 5)
    assert store.load_section(joined.workbook_id, "gaps").version == 0
    pick(app, "time", "reality", 1)
    saved = store.load_section(joined.workbook_id, "gaps")
    assert saved.version == 1
    assert saved.data["entries"] == [{"factor": "time", "label": "", "assumed": 5, "reality": 1,
                                      "importance": 2, "adaptation": ""}]
    assert "totkit-priority" in app.ranking.value and "<b>8</b>" in app.ranking.value


def test_priorities_get_an_adaptation_box_that_is_saved(app, store, joined, context):
    for factor, (assumed, reality, importance) in {
        "time": (5, 2, 3), "mandate": (4, 1, 2), "peers": (4, 3, 1), "facilities": (3, 3, 3),
    }.items():
        pick(app, factor, "importance", importance)
        pick(app, factor, "assumed", assumed)
        pick(app, factor, "reality", reality)
    expected = [row.factor for row in priority_gaps(app.current(), context)]
    boxes = [b.children[1] for b in app.adaptations.children]
    assert [next(c for c in b._dom_classes if c.startswith("totkit-adaptation-"))[18:]
            for b in boxes] == expected == ["time", "mandate", "peers"]
    boxes[0].value = "Sesi 30 menit saat rapat KKG, bukan lokakarya sehari penuh."
    saved = store.load_section(joined.workbook_id, "gaps").data["entries"]
    assert next(e for e in saved if e["factor"] == "time")["adaptation"].startswith("Sesi 30")
    assert app.chart.value == ""  # the chart waits for a quiet moment
    app.chart_debounced.flush()
    assert app.chart.value.startswith("<svg")


def test_own_factors_up_to_ten_then_a_clear_refusal(app, store, joined):
    for n in range(10):
        app.own_label.value = f"Faktor {n}"
        app.add_own()
    assert sum(1 for f in app.entries if f.startswith("own_")) == 10
    app.own_label.value = "Satu lagi"
    add = next(c for c in app.body.children if "totkit-own" in c._dom_classes).children[1]
    add.click()
    assert "10" in app.messages.widget.value
    saved = store.load_section(joined.workbook_id, "gaps").data["entries"]
    assert len([e for e in saved if e["factor"].startswith("own_")]) == 10


def test_html_in_an_own_factor_is_shown_as_text(app):
    app.own_label.value = "<img src=x onerror=alert(1)>"
    app.add_own()
    assert "<img" not in app.ranking.value and "&lt;img" in app.ranking.value
    own_card = card(app, "own_1")
    assert "<img" not in own_card.children[0].value


def test_reload_keeps_ratings(app, store, joined, context):
    pick(app, "workload", "assumed", 4)
    pick(app, "workload", "reality", 2)
    again = GapsApp(Request(in_voila=True, session=joined.token), store=store, context=context)
    assert again.entries["workload"]["reality"] == 2
