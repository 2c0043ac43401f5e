"""The apps driven in-process, as a planner types: the start app's join and resume forms,
and a free-text field of each section app, fed the corpus.

No exception may escape a handler (a button's handler is guarded: an unexpected error is
logged for the facilitator and shown as "something went wrong", which counts as a failure
here); the message area shows a clear error, or the value is saved; the app's HTML shows a
planner's text as text; the bystander workbook is untouched.
"""

from __future__ import annotations

import html
import logging

import pytest

from totkit.errors import TotkitError
from totkit.i18n import t
from totkit.model import SECTIONS, parse_section
from totkit.ui.request import Request

from .checks import parse_html
from .corpus import CODES, STRINGS, base

GENERIC = {html.escape(t("error.unexpected", lang)) for lang in ("id", "en")}
# A text area that saves when it loses focus is observed, not clicked: its handler is not
# guarded, so a refused text escapes it (totkit/ui is not ours to change: reported).


def widgets(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from widgets(child)


def by_class(root, css_class: str):
    found = [w for w in widgets(root) if css_class in getattr(w, "_dom_classes", ())]
    assert found, css_class
    return found[0]


def html_of(root) -> str:
    return "".join(w.value for w in widgets(root)
                   if type(w).__name__ == "HTML" and isinstance(w.value, str))


def errors_shown(root) -> list[str]:
    return [w.value for w in widgets(root) if "totkit-message" in getattr(w, "_dom_classes", ())
            and "totkit-error" in w.value]


@pytest.fixture
def unexpected(caplog):
    """The errors the apps' guard logged as unexpected (a crash a planner never sees)."""
    caplog.set_level(logging.ERROR, logger="totkit.ui")
    return lambda: [r.getMessage() for r in caplog.records if r.name == "totkit.ui"]


def settle(app, root, unexpected, saved, value_ok) -> None:
    """After an action: a clear error is shown, or ``saved()`` holds the typed text."""
    assert not unexpected(), unexpected()
    shown = errors_shown(root)
    if shown:
        for message in shown:
            assert not any(generic in message for generic in GENERIC), message
    else:
        assert value_ok(saved())
    page = parse_html(html_of(root).encode("utf-8", "surrogatepass")
                      .decode("utf-8", "replace").encode())
    assert not page.problems, page.problems


def planner(world, sections=SECTIONS[1:]):
    joined = world.store.join(world.code, base("profile"))
    for section in sections:
        world.store.save_section(joined.workbook_id, section, base(section), 0)
    return joined


def refused(section: str, change) -> bool:
    data = base(section)
    change(data)
    try:
        parse_section(section, data)
    except TotkitError:
        return True
    return False


def type_into_area(app, area, value: str, saved, unexpected, is_refused: bool, later: str) -> None:
    """Type ``value`` into ``area``, a text area that saves when it loses focus: a clear error
    is shown or ``saved()`` holds it. A refused text (``is_refused``) is shown as an error and
    leaves what was saved; a ``later`` text still saves."""
    before = area.value
    area.value = value
    settle(app, app.widget, unexpected, saved, lambda text: text == value)
    if is_refused:
        assert errors_shown(app.widget) and saved() == before
        area.value = later
        assert saved() == later


# -- the start app ---------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["name", "role", "institution", "join_code"])
@pytest.mark.parametrize("name", list(STRINGS))
def test_start_join(world, unexpected, name, field):
    from totkit.ui.start import StartApp

    value = STRINGS[name]
    app = StartApp(Request(in_voila=True), store=world.store)
    app.join_code.value = world.code
    app.name.value, app.role.value, app.institution.value = "Sri", "Guru", "SDN 1"
    getattr(app, field).value = value
    if hasattr(app, "consent"):
        app.consent.value = True
    bystander, counts = world.bystander_snapshot(), world.counts()
    app.join_button.click()
    assert not unexpected(), unexpected()
    shown = errors_shown(app.widget)
    if shown:
        assert not any(generic in message for generic in GENERIC for message in shown)
        assert app.workbook is None and world.counts() == counts
    else:
        profile = world.store.load_workbook(world.store.open_session(app.token)).profile
        if field != "join_code":
            assert getattr(profile, field) == value.strip()
        assert not parse_html(html_of(app.widget).encode("utf-8", "replace")).problems
    assert world.bystander_snapshot() == bystander


@pytest.mark.parametrize("field", ["resume_workshop", "resume_code_entry"])
@pytest.mark.parametrize("name", list(CODES))
def test_start_resume(world, unexpected, name, field):
    from totkit.ui.start import StartApp

    app = StartApp(Request(in_voila=True), store=world.store)
    app.mode.value = "resume"
    app.resume_workshop.value, app.resume_code_entry.value = world.code, world.bystander_code
    getattr(app, field).value = CODES[name]
    bystander = world.bystander_snapshot()
    app.resume_button.click()
    assert not unexpected(), unexpected()
    shown = errors_shown(app.widget)
    assert shown and app.workbook is None
    assert not any(generic in message for generic in GENERIC for message in shown)
    assert world.bystander_snapshot() == bystander


@pytest.mark.parametrize("name", list(CODES))
def test_session_link(world, unexpected, name):
    """``?s=`` with a hostile token: the forms and an error, never a workbook."""
    from totkit.ui.plan import PlanApp
    from totkit.ui.start import StartApp

    for cls in (StartApp, PlanApp):
        app = cls(Request(in_voila=True, session=CODES[name]), store=world.store)
        assert not unexpected(), unexpected()
        assert app.workbook is None
        assert errors_shown(app.widget) or not CODES[name]


# -- the section apps ------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(STRINGS))
def test_plan_app(world, unexpected, name):
    from totkit.ui.plan import PlanApp

    value = STRINGS[name]
    joined = planner(world)
    app = PlanApp(Request(in_voila=True, session=joined.token), store=world.store,
                  chart_delay=None)
    bystander = world.bystander_snapshot()

    def plan():
        return world.store.load_section(joined.workbook_id, "plan").data

    app.header.inputs["name"].value = value
    by_class(app.widget, "totkit-save-header").click()
    settle(app, app.widget, unexpected, lambda: plan()["header"]["name"],
           lambda saved: saved == value.strip())

    editor = app.editors["actions"]
    editor._new()
    editor.form.inputs["what"].value = value
    by_class(editor.widget, "totkit-save-actions").click()
    settle(app, editor.widget, unexpected, lambda: plan()["actions"][-1]["what"],
           lambda saved: saved == value.strip())

    editor = app.editors["sessions"]
    editor._new()
    editor.form.inputs["title"].value = "KKG"
    editor.form.inputs["objective"].value = value
    editor.form.inputs["participants"].value = value if name.startswith("formula") else "12"
    by_class(editor.widget, "totkit-save-sessions").click()
    settle(app, editor.widget, unexpected, lambda: plan()["sessions"][-1]["objective"],
           lambda saved: saved == value)
    assert world.bystander_snapshot() == bystander


@pytest.mark.parametrize("name", list(STRINGS))
def test_monitoring_app(world, unexpected, name):
    from totkit.ui.monitoring import MonitoringApp

    value = STRINGS[name]
    joined = planner(world)
    app = MonitoringApp(Request(in_voila=True, session=joined.token), store=world.store)
    bystander = world.bystander_snapshot()

    def log():
        return world.store.load_section(joined.workbook_id, "monitoring").data

    editor = app.editors["obstacles"]
    editor._new()
    editor.form.inputs["text"].value = value
    by_class(editor.widget, "totkit-save-obstacles").click()
    settle(app, editor.widget, unexpected, lambda: log()["obstacles"][-1]["text"],
           lambda saved: saved == value)

    app.reflection.inputs["blocked"].value = value
    by_class(app.widget, "totkit-save-reflection").click()
    settle(app, app.widget, unexpected, lambda: log()["reflection"]["blocked"],
           lambda saved: saved == value)

    editor = app.editors["measurements"]
    editor._new()
    editor.form.inputs["value"].value = value
    editor.form.inputs["number"].value = value
    by_class(editor.widget, "totkit-save-measurements").click()
    assert not unexpected(), unexpected()
    assert world.bystander_snapshot() == bystander


@pytest.mark.parametrize("name", list(STRINGS))
def test_gaps_app_own_factor(world, unexpected, name):
    from totkit.gaps import load_context
    from totkit.ui.gaps import GapsApp

    value = STRINGS[name]
    joined = planner(world, sections=())
    app = GapsApp(Request(in_voila=True, session=joined.token), store=world.store,
                  context=load_context(), chart_delay=None)
    bystander = world.bystander_snapshot()
    app.own_label.value = value
    by_class(app.widget, "totkit-add-own").click()

    def saved():
        entries = world.store.load_section(joined.workbook_id, "gaps").data["entries"]
        return next(entry["label"] for entry in entries if entry["factor"] == "own_1")

    settle(app, app.widget, unexpected, saved, lambda label: label == value.strip())
    app.chart_debounced.flush()
    assert not unexpected(), unexpected()
    assert world.bystander_snapshot() == bystander


def _adaptation_refused(value: str) -> bool:
    return refused("gaps", lambda data: data["entries"][0].update(adaptation=value))


@pytest.mark.parametrize("name", list(STRINGS))
def test_gaps_app_adaptation(world, unexpected, name):
    from totkit.gaps import load_context
    from totkit.ui.gaps import GapsApp

    value = STRINGS[name]
    joined = planner(world, sections=("gaps",))
    app = GapsApp(Request(in_voila=True, session=joined.token), store=world.store,
                  context=load_context(), chart_delay=None)

    def saved():
        entries = world.store.load_section(joined.workbook_id, "gaps").data["entries"]
        return next(entry["adaptation"] for entry in entries if entry["factor"] == "time")

    area, is_refused = by_class(app.widget, "totkit-adaptation-time"), _adaptation_refused(value)
    type_into_area(app, area, value, saved, unexpected, is_refused, later="Dua sesi 45 menit.")


def _reflection_refused(value: str) -> bool:
    return refused("diagnostic", lambda data: data.update(reflection=value))


def readiness_app(world):
    """A new planner, their readiness app and ``saved()``: the reflection the store holds."""
    from totkit.ui.readiness import ReadinessApp

    joined = planner(world, sections=())
    app = ReadinessApp(
        Request(in_voila=True, session=joined.token), store=world.store, chart_delay=None
    )

    def saved():
        return world.store.load_section(joined.workbook_id, "diagnostic").data.get("reflection", "")

    return joined, app, saved


@pytest.mark.parametrize("name", list(STRINGS))
def test_readiness_reflection_area(world, unexpected, name):
    value = STRINGS[name]
    _joined, app, saved = readiness_app(world)
    area, is_refused = app.reflection, _reflection_refused(value)
    type_into_area(app, area, value, saved, unexpected, is_refused, later="Diskusi kelompok.")


@pytest.mark.parametrize("name", list(STRINGS))
def test_readiness_reflection_button(world, unexpected, name):
    """The same text through the "save reflection" button, which is guarded."""
    value = STRINGS[name]
    joined, app, saved = readiness_app(world)
    app.reflection.unobserve_all("value")  # only the button saves
    app.reflection.value = value
    by_class(app.widget, "totkit-save-reflection").click()
    settle(app, app.widget, unexpected, saved, lambda text: text == value)
    if _reflection_refused(value):
        assert errors_shown(app.widget) and saved() == ""
        item = app.instrument.dimensions[0].items[0].id
        app.answer(item, 4)  # a refused reflection does not block the answers
        assert world.store.load_section(joined.workbook_id, "diagnostic").data["answers"] == {
            item: 4}


# -- the facilitator's dashboard --------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_cohort(world):
    """A workshop whose planners are named with every string of the corpus that joins."""
    created = world.store.create_workshop("Kohort <script>alert(1)</script>")
    for value in STRINGS.values():
        try:
            joined = world.store.join(created.code, {"name": value, "institution": value,
                                                     "role": value})
        except TotkitError:
            continue
        for section in SECTIONS[1:]:
            try:
                data = base(section)
                if section == "plan":
                    data["actions"][0]["what"] = value
                world.store.save_section(joined.workbook_id, section, data, 0)
            except TotkitError:
                world.store.save_section(joined.workbook_id, section, base(section), 0)
    return created


def open_dashboard(world, code, key):
    from totkit.ui.dashboard import DashboardApp

    app = DashboardApp(Request(in_voila=True), store=world.store)
    app.code_entry.value, app.key_entry.value = code, key
    app.gate.children[-1].click()
    return app


@pytest.mark.parametrize("field", ["code", "key"])
@pytest.mark.parametrize("name", list(CODES))
def test_dashboard_gate(world, unexpected, name, field):
    code, key = (CODES[name], world.key) if field == "code" else (world.code, CODES[name])
    app = open_dashboard(world, code, key)
    assert not unexpected(), unexpected()
    assert app.dashboard is None and errors_shown(app.widget)


@pytest.mark.parametrize("name", list(STRINGS))
def test_dashboard_filter(world, hostile_cohort, unexpected, name):
    app = open_dashboard(world, hostile_cohort.code, hostile_cohort.key)
    assert app.dashboard is not None, errors_shown(app.widget)
    app.text_filter.value = STRINGS[name]
    assert not unexpected(), unexpected()
    if app.planner.value:  # the filter matched a planner: open their workbook
        by_class(app.widget, "totkit-open-planner").click()
        assert not unexpected(), unexpected()
    assert not parse_html(html_of(app.widget).encode("utf-8", "replace")).problems


@pytest.mark.parametrize("button", ["totkit-open-planner", "totkit-reissue"])
def test_dashboard_with_no_planner_matching(world, hostile_cohort, unexpected, button):
    app = open_dashboard(world, hostile_cohort.code, hostile_cohort.key)
    app.text_filter.value = "nobody is called this"
    assert not app.planner.value
    by_class(app.widget, button).click()
    assert not unexpected(), unexpected()
    shown = errors_shown(app.widget)
    assert len(shown) == 1 and "Peserta" in shown[0] and "saringan" in shown[0], shown


def test_dashboard_report_and_exports(world, hostile_cohort, unexpected):
    import base64

    from .checks import check_html, check_xlsx

    app = open_dashboard(world, hostile_cohort.code, hostile_cohort.key)
    app.show_report()
    for fmt, check in (("xlsx", check_xlsx), ("html", check_html)):
        app.export(fmt)
        assert not unexpected(), unexpected()
        link = app.download.value
        check(base64.b64decode(link.split("base64,")[1].split('"')[0]))
    assert not parse_html(html_of(app.widget).encode("utf-8", "replace")).problems
