"""The plan check: each rule fires on a plan made to break it, at both edges of its window,
and stays silent on a plan that keeps it; the status; messages; loading from the store."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from totkit.errors import InputError
from totkit.gaps import load_context, priority_gaps
from totkit.i18n import catalogue
from totkit.instrument import instrument_path, load_instrument
from totkit.model import Workbook
from totkit.plancheck import (
    ITEM_KINDS,
    RULES,
    Finding,
    check,
    check_file,
    check_loaded,
    check_workbook,
    report,
    status,
    status_message,
)
from totkit.settings import Settings, load_settings

TOT_END = date(2026, 8, 7)  # day 0
INSTRUMENT = load_instrument(instrument_path())
CONTEXT = load_context()
SETTINGS = Settings()


def day(n: int) -> str:
    return (TOT_END + timedelta(days=n)).isoformat()


def best_answers(skip: tuple[str, ...] = ()) -> dict[str, int]:
    """Every item answered at its best (reverse items 1): every dimension scores 100."""
    return {
        item.id: (1 if item.reverse else 5)
        for dim in INSTRUMENT.dimensions
        if dim.id not in skip
        for item in dim.items
    }


def dimension_answers(dim_id: str, mean_score: float) -> dict[str, int]:
    """Answers giving ``dim_id`` item scores whose mean is ``mean_score`` (1 to 5)."""
    dim = next(d for d in INSTRUMENT.dimensions if d.id == dim_id)
    total = round(mean_score * len(dim.items))
    scores = [total // len(dim.items)] * len(dim.items)
    for index in range(total - sum(scores)):
        scores[index] += 1
    pairs = zip(dim.items, scores, strict=True)
    return {item.id: (6 - s if item.reverse else s) for item, s in pairs}


# (assumed, reality, importance): time 12, workload 9, mandate 4 are the priority gaps.
RATINGS = {"time": (5, 1, 3), "workload": (5, 2, 3), "mandate": (4, 2, 2)}


def ready_data() -> dict:
    """A workbook whose plan the check finds nothing in: not even a warning."""
    return {
        "id": "wb1",
        "workshop": "TOT Pembelajaran Aktif",
        "created_at": "2026-08-03T08:00:00+00:00",
        "profile": {"name": "Sri Wahyuni"},
        "diagnostic": {"answers": best_answers()},
        "gaps": {
            "entries": [
                {"factor": factor.id, **dict(zip(("assumed", "reality", "importance"),
                                                 RATINGS.get(factor.id, (3, 3, 2)), strict=True))}
                for factor in CONTEXT.factors
            ]
        },
        "plan": {
            "header": {"name": "Sri Wahyuni", "superior_name": "Drs. Bambang"},
            "sessions": [
                {"id": "s1", "title": "Diskusi kelompok di KKG", "date": day(14), "hours": 2,
                 "participants": 12, "owner": "Sri", "indicators": ["i1"]},
            ],
            "commitments": [
                {"id": "c1", "kind": "assignment_letter", "from_whom": "Kepala sekolah",
                 "status": "received"},
                {"id": "c2", "kind": "protected_time", "from_whom": "Kepala sekolah",
                 "status": "agreed", "hours_per_month": 4, "months": ["2026-08", "2026-09"]},
            ],
            "mentoring": [
                {"id": "m1", "date": day(20), "mentor": "Pengawas", "mode": "school_visit",
                 "focus": "Kendala sesi pertama"},
            ],
            "indicators": [
                {"id": "i1", "statement": "Rekan guru yang menerapkan diskusi kelompok",
                 "level": "application", "baseline": "2", "target": "8",
                 "source": "Observasi kelas", "measurement_dates": [day(30), day(120)],
                 "owner": "Sri"},
            ],
            "actions": [
                {"id": "a1", "what": "Ajukan jam khusus pengimbasan", "owner": "Sri",
                 "due": day(7), "gaps": ["time", "workload", "mandate"],
                 "dimensions": []},
            ],
        },
    }


def run(data: dict, *, tot_end: date | None = TOT_END, settings: Settings = SETTINGS,
        instrument=INSTRUMENT) -> list[Finding]:
    workbook = Workbook.model_validate(data)
    return check(workbook, tot_end=tot_end, instrument=instrument, context=CONTEXT,
                 settings=settings)


def rules(findings: list[Finding]) -> list[str]:
    return [finding.rule for finding in findings]


def fired(data: dict, rule: str, **kwargs) -> list[Finding]:
    return [finding for finding in run(data, **kwargs) if finding.rule == rule]


@pytest.fixture
def data() -> dict:
    return ready_data()


# -- the ready plan ----------------------------------------------------------------------------


def test_the_ready_plan_has_no_finding(data):
    findings = run(data)
    assert findings == [], [f.message("en") for f in findings]
    assert status(findings) == "ready"


def test_the_fixture_really_has_three_priority_gaps(data):
    workbook = Workbook.model_validate(data)
    assert [gap.factor for gap in priority_gaps(workbook.gaps, CONTEXT)] == [
        "time", "workload", "mandate",
    ]


def test_every_rule_has_its_severity():
    assert set(RULES) == {
        "diagnostic-incomplete", "gaps-incomplete", "no-application-indicator",
        "gap-without-action", "weak-dimension-unaddressed", "no-leadership-commitment",
        "no-cascade-session", "late-first-mentoring", "no-follow-up-measurement",
        "missing-owner", "missing-date", "date-before-tot", "protected-time-exceeded",
    }
    warnings = {rule for rule, severity in RULES.items() if severity == "warning"}
    assert warnings == {"late-first-mentoring", "no-follow-up-measurement",
                        "protected-time-exceeded"}
    assert set(RULES.values()) == {"error", "warning"}


# -- diagnostic and gaps -----------------------------------------------------------------------


def test_no_answers_means_no_readiness_index(data):
    data["diagnostic"]["answers"] = {}
    found = fired(data, "diagnostic-incomplete")
    assert len(found) == 1 and found[0].severity == "error" and found[0].item == ""


def test_too_few_dimensions_for_an_index(data):
    # 7 of 9 dimensions scored is under 80%: no index
    data["diagnostic"]["answers"] = best_answers(skip=("selection", "evaluation"))
    assert fired(data, "diagnostic-incomplete")
    # 8 of 9 is enough
    data["diagnostic"]["answers"] = best_answers(skip=("selection",))
    assert not fired(data, "diagnostic-incomplete")


def test_answers_to_another_instrument_count_as_incomplete(data):
    data["diagnostic"]["answers"] = {"zz_1": 3}
    assert rules(run(data))[0] == "diagnostic-incomplete"


def test_without_an_instrument_the_diagnostic_is_incomplete(data):
    assert rules(run(data, instrument=None)) == ["diagnostic-incomplete"]


def test_no_gap_entries(data):
    data["gaps"]["entries"] = []
    found = fired(data, "gaps-incomplete")
    assert len(found) == 1 and found[0].severity == "error"
    assert found[0].params == {"rated": 0, "total": len(CONTEXT.factors)}
    assert not fired(data, "gap-without-action")  # no priorities without ratings


def test_a_factor_left_unrated(data):
    data["gaps"]["entries"] = [e for e in data["gaps"]["entries"] if e["factor"] != "language"]
    found = fired(data, "gaps-incomplete")
    assert found and "8" in found[0].message("en") and "9" in found[0].message("id")


def test_own_factors_do_not_replace_the_context_factors(data):
    data["gaps"]["entries"][-1] = {"factor": "own_1", "label": "Hujan", "assumed": 3,
                                   "reality": 3}
    assert fired(data, "gaps-incomplete")


# -- indicators, gaps and dimensions -----------------------------------------------------------


@pytest.mark.parametrize("level", ["participation", "reaction", "learning"])
def test_no_application_indicator(data, level):
    data["plan"]["indicators"][0]["level"] = level
    found = fired(data, "no-application-indicator")
    assert len(found) == 1 and found[0].severity == "error"


@pytest.mark.parametrize("level", ["application", "results"])
def test_an_application_or_results_indicator_is_enough(data, level):
    data["plan"]["indicators"][0]["level"] = level
    data["plan"]["indicators"].append(
        {"statement": "Hadir", "level": "participation", "owner": "Sri",
         "measurement_dates": [day(14)]}
    )
    assert not fired(data, "no-application-indicator")


def test_no_indicator_at_all(data):
    data["plan"]["indicators"] = []
    data["plan"]["sessions"][0]["indicators"] = []
    assert fired(data, "no-application-indicator")


def test_a_priority_gap_without_an_action(data):
    data["plan"]["actions"][0]["gaps"] = ["time", "mandate"]
    found = fired(data, "gap-without-action")
    assert [f.item for f in found] == ["gaps/workload"]
    assert found[0].severity == "error"
    assert "Workload" in found[0].message("en") and "Beban kerja" in found[0].message("id")


def test_gaps_may_be_linked_by_several_actions(data):
    data["plan"]["actions"][0]["gaps"] = ["time"]
    data["plan"]["actions"].append({"what": "Bagi peran", "owner": "Sri", "due": day(9),
                                    "gaps": ["workload", "mandate"]})
    assert not fired(data, "gap-without-action")


def test_a_gap_that_is_not_a_priority_needs_no_action(data):
    data["plan"]["actions"][0]["gaps"] = ["time", "workload", "mandate"]
    # peers has a small gap (score 1): not a priority
    peers = next(e for e in data["gaps"]["entries"] if e["factor"] == "peers")
    peers.update(assumed=2, reality=1, importance=1)
    assert not fired(data, "gap-without-action")


def test_a_weak_dimension_without_an_action(data):
    data["diagnostic"]["answers"].update(dimension_answers("mandate", 1))
    found = fired(data, "weak-dimension-unaddressed")
    assert [f.item for f in found] == ["dimensions/mandate"]
    assert found[0].severity == "error"
    name = next(d.name for d in INSTRUMENT.dimensions if d.id == "mandate")
    assert "At risk" in found[0].message("en") and name.en in found[0].message("en")
    assert "Berisiko" in found[0].message("id") and name.id in found[0].message("id")


def test_a_weak_dimension_with_an_action_is_addressed(data):
    data["diagnostic"]["answers"].update(dimension_answers("mandate", 1))
    data["plan"]["actions"][0]["dimensions"] = ["mandate"]
    assert not fired(data, "weak-dimension-unaddressed")


@pytest.mark.parametrize(
    ("mean", "at_risk"),
    [(3.0, False), (2.8, True)],  # 5 items: 50.0 is "developing", 45.0 is "at risk"
)
def test_the_weak_dimension_rule_at_the_band_edge(data, mean, at_risk):
    data["diagnostic"]["answers"].update(dimension_answers("mandate", mean))
    assert bool(fired(data, "weak-dimension-unaddressed")) is at_risk


def test_only_the_lowest_band_counts_as_weak(data):
    data["diagnostic"]["answers"].update(dimension_answers("mandate", 3.4))  # 60: developing
    assert not fired(data, "weak-dimension-unaddressed")


# -- leadership commitment ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["assignment_letter", "protected_time"])
@pytest.mark.parametrize("commitment_status", ["requested", "agreed", "received"])
def test_a_requested_mandate_is_a_commitment(data, kind, commitment_status):
    data["plan"]["commitments"] = [{"kind": kind, "status": commitment_status}]
    assert not fired(data, "no-leadership-commitment")


@pytest.mark.parametrize(
    ("kind", "commitment_status"),
    [
        ("assignment_letter", "to_request"),
        ("protected_time", "to_request"),
        ("facility", "received"),
        ("budget", "agreed"),
        ("other", "received"),
    ],
)
def test_no_leadership_commitment(data, kind, commitment_status):
    data["plan"]["commitments"] = [{"kind": kind, "status": commitment_status}]
    found = fired(data, "no-leadership-commitment")
    assert len(found) == 1 and found[0].severity == "error"


def test_no_commitment_at_all(data):
    data["plan"]["commitments"] = []
    assert fired(data, "no-leadership-commitment")


# -- the windows -------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "fires"), [(-3, True), (0, True), (1, False), (60, False),
                                          (61, True)])
def test_first_cascade_session_window(data, n, fires):
    data["plan"]["sessions"][0]["date"] = day(n)
    found = fired(data, "no-cascade-session")
    assert bool(found) is fires
    if fires:
        assert found[0].severity == "error"
        assert found[0].params["first"] == day(1) and found[0].params["last"] == day(60)
        assert "60" in found[0].message("en") and "60" in found[0].message("id")


def test_an_undated_session_does_not_count(data):
    data["plan"]["sessions"][0]["date"] = None
    assert fired(data, "no-cascade-session")


def test_any_session_in_the_window_is_enough(data):
    data["plan"]["sessions"][0]["date"] = day(90)
    data["plan"]["sessions"].append({"title": "MGMP", "date": day(45), "owner": "Sri"})
    assert not fired(data, "no-cascade-session")


@pytest.mark.parametrize(("n", "fires"), [(0, True), (1, False), (30, False), (31, True)])
def test_first_mentoring_window(data, n, fires):
    data["plan"]["mentoring"][0]["date"] = day(n)
    found = fired(data, "late-first-mentoring")
    assert bool(found) is fires
    if fires:
        assert found[0].severity == "warning"
        assert "30" in found[0].message("en")


def test_no_mentoring_at_all(data):
    data["plan"]["mentoring"] = []
    assert fired(data, "late-first-mentoring")


@pytest.mark.parametrize(("n", "fires"), [(89, True), (90, False), (180, False), (181, True)])
def test_follow_up_measurement_window(data, n, fires):
    data["plan"]["indicators"][0]["measurement_dates"] = [day(30), day(n)]
    found = fired(data, "no-follow-up-measurement")
    assert bool(found) is fires
    if fires:
        assert found[0].severity == "warning"
        assert found[0].params["day_from"] == 90 and found[0].params["day_to"] == 180


def test_a_measurement_of_any_indicator_counts(data):
    data["plan"]["indicators"][0]["measurement_dates"] = [day(30)]
    data["plan"]["indicators"].append({"statement": "Nilai siswa", "level": "results",
                                       "owner": "Sri", "measurement_dates": [day(150)]})
    assert not fired(data, "no-follow-up-measurement")


def test_the_windows_come_from_the_settings(data):
    narrow = Settings(first_mentoring_days=10, first_session_days=10, follow_up_from_days=100,
                      follow_up_to_days=110)
    found = rules(run(data, settings=narrow))  # session day 14, mentoring day 20, measure 120
    assert found == ["no-cascade-session", "late-first-mentoring", "no-follow-up-measurement"]
    data["plan"]["sessions"][0]["date"] = day(10)
    data["plan"]["mentoring"][0]["date"] = day(10)
    data["plan"]["indicators"][0]["measurement_dates"] = [day(110)]
    assert run(data, settings=narrow) == []


def test_without_the_tots_last_day_the_header_needs_a_date(data):
    found = run(data, tot_end=None)
    assert rules(found) == ["missing-date"]
    assert found[0].item == "header" and found[0].severity == "error"
    assert "TOT" in found[0].message("en") and "TOT" in found[0].message("id")


# -- owners and dates --------------------------------------------------------------------------

OWNER_FIELDS = {"sessions": "owner", "mentoring": "mentor", "indicators": "owner",
                "actions": "owner"}
DATE_FIELDS = {"sessions": ("date", None), "mentoring": ("date", None),
               "indicators": ("measurement_dates", []), "actions": ("due", None)}


@pytest.mark.parametrize("kind", list(OWNER_FIELDS))
@pytest.mark.parametrize("blank", ["", "   "])
def test_missing_owner_per_item_kind(data, kind, blank):
    entry = data["plan"][kind][0]
    entry[OWNER_FIELDS[kind]] = blank
    found = fired(data, "missing-owner")
    assert [f.item for f in found] == [f"{kind}/{entry['id']}"]
    assert found[0].severity == "error"
    assert found[0].key == f"plan.check.missing_owner.{kind}"
    title = {"sessions": "Diskusi kelompok", "mentoring": "Kendala sesi",
             "indicators": "Rekan guru", "actions": "Ajukan jam"}[kind]
    assert title in found[0].message("en") and title in found[0].message("id")


@pytest.mark.parametrize("kind", list(DATE_FIELDS))
def test_missing_date_per_item_kind(data, kind):
    entry = data["plan"][kind][0]
    name, empty = DATE_FIELDS[kind]
    entry[name] = empty
    found = fired(data, "missing-date")
    assert [f.item for f in found] == [f"{kind}/{entry['id']}"]
    assert found[0].severity == "error"
    assert found[0].key == f"plan.check.missing_date.{kind}"


def test_commitments_need_neither_owner_nor_date(data):
    data["plan"]["commitments"].append({"kind": "facility", "status": "to_request"})
    assert run(data) == []


@pytest.mark.parametrize(("n", "fires"), [(-30, True), (0, True), (1, False)])
@pytest.mark.parametrize("kind", ["sessions", "mentoring", "indicators"])
def test_date_before_tot(data, kind, n, fires):
    entry = data["plan"][kind][0]
    if kind == "indicators":
        entry["measurement_dates"].append(day(n))
    else:
        entry["date"] = day(n)
    found = fired(data, "date-before-tot")
    assert [f.item for f in found] == ([f"{kind}/{entry['id']}"] if fires else [])
    if fires:
        assert found[0].severity == "error"
        assert found[0].params["date"] == day(n)
        assert found[0].key == f"plan.check.date_before_tot.{kind}"


def test_an_action_may_be_due_during_the_tot(data):
    data["plan"]["actions"][0]["due"] = day(-2)  # e.g. "ask for the letter during the TOT"
    assert run(data) == []


# -- protected time ----------------------------------------------------------------------------


def sessions_in(data: dict, *dated_hours: tuple[str, float]) -> None:
    data["plan"]["sessions"] = [
        {"title": f"Sesi {i}", "date": when, "hours": hours, "owner": "Sri"}
        for i, (when, hours) in enumerate(dated_hours, start=1)
    ]


def test_hours_within_the_protected_time(data):
    sessions_in(data, ("2026-08-20", 2), ("2026-08-27", 2), ("2026-09-10", 4))
    assert not fired(data, "protected-time-exceeded")  # exactly 4 a month


def test_hours_over_the_protected_time_in_one_month(data):
    sessions_in(data, ("2026-08-20", 2), ("2026-09-03", 2.5), ("2026-09-24", 2))
    found = fired(data, "protected-time-exceeded")
    assert [f.params["month"] for f in found] == ["2026-09"]
    assert found[0].severity == "warning"
    assert found[0].params["planned"] == 4.5 and found[0].params["protected"] == 4
    assert "September 2026" in found[0].message("en")
    assert "September 2026" in found[0].message("id") and "4,5" in found[0].message("id")
    assert status(run(data)) == "ready"  # a warning does not block


def test_a_month_the_commitments_do_not_cover(data):
    sessions_in(data, ("2026-08-20", 2), ("2026-10-08", 1))
    found = fired(data, "protected-time-exceeded")
    assert [f.params["month"] for f in found] == ["2026-10"]
    assert found[0].params["protected"] == 0


@pytest.mark.parametrize(("commitment_status", "counts"),
                         [("to_request", False), ("requested", False), ("agreed", True),
                          ("received", True)])
def test_only_agreed_or_received_protected_time_counts(data, commitment_status, counts):
    data["plan"]["commitments"][1]["status"] = commitment_status
    assert bool(fired(data, "protected-time-exceeded")) is not counts


def test_protected_time_of_several_commitments_adds_up(data):
    sessions_in(data, ("2026-09-03", 3), ("2026-09-17", 3))
    assert fired(data, "protected-time-exceeded")
    data["plan"]["commitments"].append({"kind": "protected_time", "status": "received",
                                        "hours_per_month": 2, "months": ["2026-09"]})
    assert not fired(data, "protected-time-exceeded")


def test_other_kinds_give_no_protected_time(data):
    data["plan"]["commitments"][1]["kind"] = "budget"
    data["plan"]["commitments"][0]["kind"] = "assignment_letter"
    assert fired(data, "protected-time-exceeded")


def test_sessions_without_hours_or_date_take_no_protected_time(data):
    sessions_in(data, ("2026-09-03", 4))
    data["plan"]["sessions"].append({"title": "Tanpa jam", "date": "2026-09-10", "owner": "S"})
    data["plan"]["sessions"].append({"title": "Tanpa tanggal", "hours": 8, "owner": "S"})
    assert not fired(data, "protected-time-exceeded")


# -- status, messages and JSON -----------------------------------------------------------------


def test_status_is_ready_with_warnings_only(data):
    data["plan"]["mentoring"] = []
    data["plan"]["indicators"][0]["measurement_dates"] = [day(30)]
    findings = run(data)
    assert {f.severity for f in findings} == {"warning"}
    assert status(findings) == "ready"
    assert "ready" in status_message(findings, "en")


def test_status_is_not_ready_with_an_error(data):
    data["plan"]["actions"][0]["owner"] = ""
    findings = run(data)
    assert status(findings) == "not_ready"
    assert "1" in status_message(findings, "en") and "1" in status_message(findings, "id")
    assert status([]) == "ready"


def test_every_message_key_is_in_both_languages():
    keys = set()
    for rule in RULES:
        for kind in ITEM_KINDS.get(rule, ("",)):
            keys.add(Finding(rule, RULES[rule], f"{kind}/x" if kind else "").key)
    keys |= {"plan.check.status.ready", "plan.check.status.not_ready"}
    missing = sorted(key for key in keys if key not in catalogue())
    assert missing == []
    for key in keys:
        assert set(catalogue()[key]) == {"id", "en"}


def test_a_plan_breaking_every_rule_gets_every_finding_with_a_message(data):
    data["diagnostic"]["answers"] = dimension_answers("mandate", 1)
    data["gaps"]["entries"] = data["gaps"]["entries"][:3]
    data["plan"] = {
        "sessions": [{"title": "<script>x</script>", "date": day(-1), "hours": 9}],
        "mentoring": [{"date": day(0)}],
        "indicators": [{"statement": "=1+1", "level": "reaction",
                        "measurement_dates": [day(0)]}],
        "actions": [{"what": "x" * 300}],
        "commitments": [{"kind": "protected_time", "status": "to_request",
                         "hours_per_month": 20, "months": ["2026-08"]}],
    }
    findings = run(data)
    assert set(rules(findings)) == set(RULES)
    assert rules(findings) == sorted(rules(findings), key=list(RULES).index)  # in RULES order
    for finding in findings:
        for lang in ("id", "en"):
            message = finding.message(lang)
            assert message.strip() and "{" not in message, message
    titles = {f.params.get("title", "") for f in findings}
    assert all(len(title) <= 80 for title in titles)
    assert {"<script>x</script>", "=1+1"} <= titles  # plain data, escaped by displays
    json.dumps(report(findings))


def test_report_as_json(data):
    data["plan"]["mentoring"] = []
    data["plan"]["actions"][0]["owner"] = ""
    result = report(run(data))
    assert result["status"] == "not_ready"
    assert result["errors"] == 1 and result["warnings"] == 1
    first = result["findings"][0]
    assert set(first) == {"rule", "severity", "item", "params", "message"}
    assert set(first["message"]) == {"id", "en"}
    assert json.loads(json.dumps(result)) == result


def test_the_check_does_not_change_the_workbook(data):
    workbook = Workbook.model_validate(data)
    before = workbook.model_dump()
    check(workbook, tot_end=TOT_END, instrument=INSTRUMENT, context=CONTEXT, settings=SETTINGS)
    assert workbook.model_dump() == before


# -- loading: the store, a file, the settings --------------------------------------------------


def saved(store, data: dict, **workshop: object) -> str:
    created = store.create_workshop("TOT", **workshop)
    joined = store.join(created.code, data["profile"])
    for section in ("diagnostic", "gaps", "plan"):
        store.save_section(joined.workbook_id, section, data[section], based_on=0)
    return joined.workbook_id


def test_a_stored_workbook_uses_its_workshops_dates(store, data):
    workbook_id = saved(store, data, start_date=date(2026, 8, 3), end_date=TOT_END,
                        timezone_name="WITA")
    assert check_workbook(store, workbook_id) == []


def test_the_plans_header_overrides_the_workshops_dates(store, data):
    data["plan"]["header"]["tot_end"] = day(15)  # the session on day 14 is now before day 0
    workbook_id = saved(store, data, start_date=date(2026, 8, 3), end_date=TOT_END)
    found = rules(check_workbook(store, workbook_id))
    assert "date-before-tot" in found and "no-cascade-session" in found


def test_a_workshop_without_dates_asks_for_the_tots_last_day(store, data):
    workbook_id = saved(store, data)
    assert [(f.rule, f.item) for f in check_workbook(store, workbook_id)] == [
        ("missing-date", "header")
    ]


def test_an_unknown_workbook_is_refused(store):
    with pytest.raises(Exception) as caught:
        check_workbook(store, "nope")
    assert getattr(caught.value, "key", "") == "error.unknown_workbook"


def test_a_json_export_is_checked_with_its_headers_dates(tmp_path, data):
    path = tmp_path / "workbook.json"
    path.write_text(Workbook.model_validate(data).to_json(), encoding="utf-8")
    assert [f.item for f in check_file(path)] == ["header"]
    data["plan"]["header"]["tot_end"] = TOT_END.isoformat()
    path.write_text(Workbook.model_validate(data).to_json(), encoding="utf-8")
    assert check_file(path) == []


def test_a_broken_json_file_is_refused(tmp_path):
    path = tmp_path / "workbook.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        check_file(path)
    assert caught.value.key == "error.json_invalid"


def test_check_loaded_takes_a_workshop(data):
    class Workshop:
        start_date, end_date, timezone = date(2026, 8, 3), TOT_END, "WIT"

    workbook = Workbook.model_validate(data)
    assert check_loaded(workbook, Workshop()) == []
    assert rules(check_loaded(workbook, None)) == ["missing-date"]


def test_the_shipped_settings_hold_the_documented_windows():
    settings = load_settings()
    assert (settings.first_mentoring_days, settings.first_session_days,
            settings.follow_up_from_days, settings.follow_up_to_days) == (30, 60, 90, 180)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("first_session_days: 45.5\n", "error.settings_whole_days"),
        ("first_mentoring_days: 0\n", "error.settings_positive"),
        ("follow_up_to_days: true\n", "error.settings_positive"),
        ("follow_up_from_days: 200\nfollow_up_to_days: 100\n", "error.settings_window_order"),
        ("first_session_days: sixty\n", "error.settings_positive"),
    ],
)
def test_bad_window_settings_are_refused(tmp_path, text, key):
    (tmp_path / "settings.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_settings(tmp_path)
    assert caught.value.key == key
    assert "settings.yaml" in caught.value.message("en")


def test_window_settings_may_be_changed(tmp_path):
    (tmp_path / "settings.yaml").write_text("first_session_days: 45\nfollow_up_to_days: 120.0\n",
                                            encoding="utf-8")
    settings = load_settings(tmp_path)
    assert settings.first_session_days == 45 and settings.follow_up_to_days == 120
    assert isinstance(settings.follow_up_to_days, int)


def test_created_at_is_not_a_plan_date(data):
    data["created_at"] = datetime(2020, 1, 1, tzinfo=timezone.utc).isoformat()
    assert run(data) == []
