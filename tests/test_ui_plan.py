"""The follow-up plan app driven in-process, from an empty plan to "ready"."""

from __future__ import annotations

from datetime import date

import pytest

from totkit.diagnostic import score
from totkit.gaps import load_context, priority_gaps
from totkit.instrument import instrument_path, load_instrument
from totkit.model import Diagnostic
from totkit.parts import parse
from totkit.ui.plan import PlanApp
from totkit.ui.request import Request

TOT_END = date(2026, 7, 17)


@pytest.fixture
def planner(store):
    """A planner whose diagnostic and context gaps are done; mandate is at risk."""
    from totkit.gaps import Gaps

    created = store.create_workshop("TOT", start_date=date(2026, 7, 13), end_date=TOT_END)
    joined = store.join(created.code, {"name": "Sri Wahyuni"})
    instrument = load_instrument(instrument_path("readiness"))
    answers = {item.id: (5 - 4 if item.reverse else 4) for item in instrument.items.values()}
    for item in next(d for d in instrument.dimensions if d.id == "mandate").items:
        answers[item.id] = 5 if item.reverse else 1
    store.save_section(joined.workbook_id, "diagnostic",
                       Diagnostic(instrument=instrument.ref(), answers=answers), 0)
    context = load_context()
    entries = [{"factor": f.id, "assumed": 4, "reality": 4, "importance": 2}
               for f in context.factors]
    entries[0].update(assumed=5, reality=1, importance=3)  # time: the largest gap
    store.save_section(joined.workbook_id, "gaps", parse(Gaps, {
        "instrument": context.ref().model_dump(), "entries": entries}), 0)
    return joined


@pytest.fixture
def app(store, planner):
    return PlanApp(Request(in_voila=True, session=planner.token), store=store, chart_delay=None)


def add(app, name, **values):
    editor = app.editors[name]
    editor._new()
    for field, value in values.items():
        editor.form.inputs[field].value = value
    editor._save()
    return editor


def rules(app) -> set[str]:
    return {finding.rule for finding in app.last_findings}


def test_an_empty_plan_lists_what_to_do(app):
    assert "totkit-status-not_ready" in app.check_status.value
    assert {"no-application-indicator", "no-leadership-commitment", "no-cascade-session",
            "gap-without-action", "weak-dimension-unaddressed"} <= rules(app)
    assert "diagnostic-incomplete" not in rules(app) and "gaps-incomplete" not in rules(app)


def test_from_empty_to_ready_and_saved(app, store, planner):
    add(app, "indicators", statement="Guru memakai diskusi kelompok tiap minggu",
        level="application", owner="Sri", measurement_dates="2026-10-20, 2027-01-10")
    assert "no-application-indicator" not in rules(app)
    add(app, "sessions", title="KKG pembelajaran aktif", date=date(2026, 8, 10),
        participants="15", hours="2", owner="Sri", indicators=("i1",))
    assert "no-cascade-session" not in rules(app)
    add(app, "commitments", kind="assignment_letter", from_whom="Kepala sekolah",
        status="requested")
    add(app, "mentoring", date=date(2026, 8, 5), mentor="Pengawas", mode="school_visit")
    gap_ids = tuple(row.factor for row in priority_gaps(
        store.load_workbook(planner.workbook_id).gaps, load_context()))
    add(app, "actions", what="Minta waktu khusus dan surat tugas", owner="Sri",
        due=date(2026, 7, 31), gaps=gap_ids, dimensions=("mandate",))
    assert "totkit-status-ready" in app.check_status.value, app.findings.value
    saved = store.load_section(planner.workbook_id, "plan").data
    assert [s["title"] for s in saved["sessions"]] == ["KKG pembelajaran aktif"]
    assert saved["sessions"][0]["indicators"] == ["i1"]
    assert saved["actions"][0]["dimensions"] == ["mandate"]


def test_edit_and_remove_an_entry(app, store, planner):
    editor = add(app, "mentoring", date=date(2026, 8, 5), mentor="Pengawas")
    editor._edit(0)
    editor.form.inputs["mentor"].value = "Bu Ratna"
    editor._save()
    assert store.load_section(planner.workbook_id, "plan").data["mentoring"][0]["mentor"] == \
        "Bu Ratna"
    editor._remove(0)
    assert store.load_section(planner.workbook_id, "plan").data["mentoring"] == []


def test_bad_input_names_the_field_and_keeps_the_form_open(app, store, planner):
    editor = app.editors["sessions"]
    editor._new()
    editor.form.inputs["title"].value = "KKG"
    editor.form.inputs["participants"].value = "-3"
    save = editor.editor.children[2].children[0]
    save.click()
    assert "totkit-error" in editor.messages.widget.value
    assert editor.editor.layout.display == "flex"
    assert store.load_section(planner.workbook_id, "plan").version == 0
    editor.form.inputs["participants"].value = "dua belas"
    save.click()
    assert "dua belas" in editor.messages.widget.value


def test_header_and_free_text_are_stored_verbatim_and_shown_escaped(app, store, planner):
    app.header.inputs["name"].value = "Sri Wahyuni, S.Pd."
    app.header.inputs["nip"].value = "19800101 200501 2 001"
    app.save_header()
    add(app, "actions", what='=HYPERLINK("http://x","<b>klik</b>")', owner="Sri",
        due=date(2026, 7, 31))
    saved = store.load_section(planner.workbook_id, "plan").data
    assert saved["header"]["nip"] == "19800101 200501 2 001"
    assert saved["actions"][0]["what"] == '=HYPERLINK("http://x","<b>klik</b>")'
    row = app.editors["actions"].rows.children[0].children[0].value
    assert "<b>klik</b>" not in row and "&lt;b&gt;klik" in row


def test_the_check_agrees_with_the_cli(app, store, planner):
    from totkit.plancheck import check_workbook

    add(app, "mentoring", date=date(2026, 7, 17), mentor="Pengawas")
    assert rules(app) == {f.rule for f in check_workbook(store, planner.workbook_id)}
    assert "date-before-tot" in rules(app)


def test_readiness_of_the_fixture(store, planner):
    instrument = load_instrument(instrument_path("readiness"))
    result = score(instrument, store.load_workbook(planner.workbook_id).diagnostic.answers)
    assert result.band_of_dimension("mandate") == "at_risk"


def test_cli_plan_check_by_id_and_by_file(store, planner, tmp_path, monkeypatch, capsys):
    from totkit.cli import main

    monkeypatch.setenv("TOTKIT_LANG", "en")
    monkeypatch.setenv("TOTKIT_DATA", str(store.folder))
    with pytest.raises(SystemExit) as caught:
        main(["plan", "check", planner.workbook_id, "--db", store.url, "--json"])
    assert caught.value.code == 1
    report = __import__("json").loads(capsys.readouterr().out)
    assert report["status"] == "not_ready"
    assert "no-cascade-session" in {f["rule"] for f in report["findings"]}
    exported = tmp_path / "wb.json"
    exported.write_text(store.load_workbook(planner.workbook_id).to_json(), encoding="utf-8")
    with pytest.raises(SystemExit):
        main(["plan", "check", str(exported)])
    out = capsys.readouterr().out
    # A file carries no workshop: without the TOT dates the dated rules wait for them.
    assert "[missing-date]" in out and "[no-application-indicator]" in out


def test_the_header_may_override_the_workshops_tot_dates(app, store, planner):
    add(app, "sessions", title="KKG", date=date(2026, 8, 10), participants="5", owner="Sri")
    assert "no-cascade-session" not in rules(app)
    app.header.inputs["tot_start"].value = date(2026, 8, 11)
    app.header.inputs["tot_end"].value = date(2026, 8, 15)
    app.header.inputs["timezone"].value = "WITA"
    app.save_header()
    assert "date-before-tot" in rules(app)  # the session is now before the TOT ended
    assert "WITA" in app.tot_note.value and "15 Agu 2026" in app.tot_note.value
    header = store.load_section(planner.workbook_id, "plan").data["header"]
    assert (header["tot_end"], header["timezone"]) == ("2026-08-15", "WITA")


def test_the_projection_follows_the_plans_sessions(app):
    add(app, "sessions", title="KKG", date=date(2026, 8, 10), participants="10", owner="Sri")
    add(app, "sessions", title="MGMP", date=date(2026, 9, 10), participants="20", owner="Sri")
    app.projection_debounced.flush()
    summary = app.projection_text.value
    assert "Di atas kertas" in summary or "kertas" in summary
    assert app.projection_chart.value.startswith("<svg")
    from totkit.cascade import inputs_for_workbook, instrument_for

    inputs = inputs_for_workbook(app.workbook.model_copy(update={"plan": app.plan}),
                                 instrument_for(app.workbook))
    assert (inputs.levels[0].s, inputs.levels[0].m) == (2, 15)


def test_export_buttons_give_download_links(app):
    import base64
    import io

    from openpyxl import load_workbook

    bar = next(c for c in app.body.children if "totkit-exports" in c._dom_classes)
    buttons = {b._dom_classes[-1]: b for b in bar.children[1].children}
    buttons["totkit-export-xlsx"].click()
    link = bar.children[2].value
    assert 'download="rtl-sri-wahyuni.xlsx"' in link
    data = base64.b64decode(link.split("base64,")[1].split('"')[0])
    sheets = load_workbook(io.BytesIO(data)).sheetnames
    assert len(sheets) >= 8, sheets  # profile, diagnostic, gaps, five plan lists, ...
    buttons["totkit-export-docx"].click()
    assert 'download="rtl-sri-wahyuni.docx"' in bar.children[2].value
