"""The start app driven in-process: the same widgets a planner clicks in the browser."""

from __future__ import annotations

import pytest

from totkit.ui.request import Request, parse_request
from totkit.ui.start import StartApp


def classes_in(widget) -> set[str]:
    found = set(getattr(widget, "_dom_classes", ()))
    for child in getattr(widget, "children", ()):
        found |= classes_in(child)
    return found


def html_of(widget) -> str:
    text = getattr(widget, "value", "") if isinstance(getattr(widget, "value", ""), str) else ""
    return text + "".join(html_of(child) for child in getattr(widget, "children", ()))


@pytest.fixture
def app(store):
    started = StartApp(Request(in_voila=True), store=store)
    started.consent.value = True  # the tests below are about other things
    return started


def test_query_string_gives_session_and_language():
    request = parse_request("s=abc&lang=EN&x=1")
    assert (request.session, request.lang) == ("abc", "en")
    assert parse_request("").lang is None


def test_join_shows_the_resume_code_once_and_links_with_the_session(app, store, workshop):
    app.join_code.value = workshop.code
    app.name.value = "Sri Wahyuni"
    app.institution.value = "SDN 1 Sukamaju"
    app.join_button.click()
    assert app.messages.widget.value == ""
    assert "totkit-resume-code" in classes_in(app.signed_in)
    text = html_of(app.signed_in)
    workbook_id = store.open_session(app.token)
    assert store.load_workbook(workbook_id).profile.institution == "SDN 1 Sukamaju"
    assert app.entry.layout.display == "none"
    assert "Sri Wahyuni" in text and "Selamat datang" in text


def test_resume_opens_the_same_workbook_without_showing_the_code(app, store, workshop, joined):
    app.mode.value = "resume"
    app.resume_workshop.value = workshop.code
    app.resume_code_entry.value = joined.resume_code
    app.resume_button.click()
    assert store.open_session(app.token) == joined.workbook_id
    assert "totkit-resume-code" not in classes_in(app.signed_in)
    assert "totkit-progress" in classes_in(app.signed_in)


def test_wrong_code_shows_an_error_and_opens_nothing(app, workshop, joined):
    app.mode.value = "resume"
    app.resume_workshop.value = workshop.code
    app.resume_code_entry.value = "salah-kode-ini"
    app.resume_button.click()
    assert "totkit-error" in app.messages.widget.value
    assert "Kode lanjut" in app.messages.widget.value
    assert app.workbook is None and app.signed_in.children == ()
    app.lang.value = "en"  # the error follows the language
    assert "resume code" in app.messages.widget.value


def test_empty_name_names_the_field(app, workshop, row_counts):
    before = row_counts()
    app.join_code.value = workshop.code
    app.join_button.click()
    assert "Nama wajib diisi" in app.messages.widget.value
    assert not app.join_button.disabled
    assert row_counts() == before


def test_session_link_opens_the_workbook_in_its_language(store, joined):
    store.save_section(joined.workbook_id, "profile", {"name": "Sri", "language": "en"}, 1)
    app = StartApp(Request(in_voila=True, session=joined.token), store=store)
    assert app.texts.lang == "en" and app.lang.value == "en"
    assert "Welcome, Sri" in html_of(app.signed_in)


def test_forged_session_link_shows_the_forms_and_an_error(store):
    app = StartApp(Request(in_voila=True, session="forged"), store=store)
    assert app.workbook is None
    assert "tidak berlaku" in app.messages.widget.value
    assert app.entry.layout.display != "none"


def test_switching_language_redraws_texts_and_saves_it(app, store, workshop):
    app.join_code.value = workshop.code
    app.name.value = "Budi"
    app.join_button.click()
    app.lang.value = "en"
    assert app.join_button.description == "Join the workshop"
    assert "Welcome, Budi" in html_of(app.signed_in)
    assert store.load_workbook(store.open_session(app.token)).profile.language == "en"


def test_user_text_is_escaped(app, workshop):
    app.join_code.value = workshop.code
    app.name.value = "<script>alert(1)</script>"
    app.join_button.click()
    assert "<script>" not in html_of(app.signed_in)
    assert "&lt;script&gt;" in html_of(app.signed_in)


def test_joining_needs_consent_and_records_when(store, workshop, row_counts):
    app = StartApp(Request(in_voila=True), store=store)
    app.join_code.value = workshop.code
    app.name.value = "Sri"
    before = row_counts()
    app.join_button.click()
    assert "persetujuan" in app.messages.widget.value.lower()
    assert row_counts() == before
    app.consent.value = True
    app.join_button.click()
    profile = store.load_workbook(store.open_session(app.token)).profile
    assert profile.consented_at is not None


def test_a_planner_deletes_their_own_workbook(app, store, workshop, row_counts):
    app.join_code.value = workshop.code
    app.name.value = "Budi"
    app.join_button.click()
    workbook_id = store.open_session(app.token)
    delete_box = next(c for c in app.signed_in.children if "totkit-delete-box" in c._dom_classes)
    ask, confirm_box = delete_box.children
    ask.click()
    assert confirm_box.layout.display == "flex"
    confirm_box.children[1].click()
    assert "dihapus" in app.signed_in.children[0].value
    assert store.history(workbook_id, "profile") == []
    assert row_counts()["workbooks"] == 0 and row_counts()["sessions"] == 0
