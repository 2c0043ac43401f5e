"""The facilitator dashboard: access, every number against an independent computation, the
views, the demo's story after the TOT, the charts and the cohort exports."""

from __future__ import annotations

import io
import json
import math
import random
import re
from collections import Counter
from datetime import date, timedelta
from fractions import Fraction
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
import yaml
from sqlalchemy import event, select

from totkit.dashboard import NO_BAND, build_dashboard, open_dashboard
from totkit.demo import COHORT, create_demo
from totkit.demo_monitoring import STORY_DAYS, add_monitoring
from totkit.errors import AccessDenied, InputError
from totkit.instrument import instrument_path, load_instrument
from totkit.paths import templates_dir
from totkit.store.schema import revisions, workbooks

AS_OF = date(2026, 9, 1)  # the demo's as_of: the TOT ended 30 days before
LATER = AS_OF + timedelta(days=90)  # the monitoring logs' horizon
FORMULA_NAME = '=HYPERLINK("http://evil.example","klik")'
SCRIPT_TEXT = "<script>alert(1)</script>"


@pytest.fixture
def demo(store):
    made = create_demo(store, as_of=AS_OF)
    add_monitoring(store, made.workshop_code, made.end_date, random.Random(27))
    return made


@pytest.fixture
def mixed(store, demo):
    """The demo plus the odd ones: a formula-like name, markup in the institution, answers to
    another instrument's items, and a planner who only joined."""
    odd = store.join(demo.workshop_code, {"name": FORMULA_NAME, "institution": SCRIPT_TEXT,
                                          "role": "-1+2"})
    store.save_section(odd.workbook_id, "diagnostic", {"answers": {"zz_1": 3, "zz_2": 4}}, 0)
    store.join(demo.workshop_code, {"name": "Baru Bergabung"})
    instrument = load_instrument(instrument_path("readiness"))
    half = store.join(demo.workshop_code, {"name": "Separuh Jawaban"})
    answers = {item.id: 1 for dim in instrument.dimensions for item in dim.items[:3]}
    store.save_section(half.workbook_id, "diagnostic",
                       {"instrument": instrument.ref().model_dump(), "answers": answers}, 0)
    return demo


@pytest.fixture
def dashboard(store, mixed):
    return open_dashboard(store, mixed.workshop_code, mixed.facilitator_key, as_of=LATER)


# -- the bulk loader -------------------------------------------------------------------------------


def test_load_workbooks_equals_loading_each_in_one_query(store, demo):
    workshop_id = store.workshop_id(demo.workshop_code)
    ids = store.workbook_ids(workshop_id)
    # a section saved twice: the latest revision counts
    store.save_section(ids[0], "diagnostic", {"reflection": "again"},
                       store.load_section(ids[0], "diagnostic").version)
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(store.engine, "before_cursor_execute", listener)
    try:
        loaded = store.load_workbooks(workshop_id)
    finally:
        event.remove(store.engine, "before_cursor_execute", listener)
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) <= 2  # the workshop's title and every latest revision
    assert [w.id for w in loaded] == ids
    assert loaded == [store.load_workbook(workbook_id) for workbook_id in ids]
    assert loaded[0].diagnostic.reflection == "again"
    with pytest.raises(AccessDenied):
        store.load_workbooks(workshop_id + 99)


# -- access ----------------------------------------------------------------------------------------


def _refuse_reading(monkeypatch, store) -> None:
    def refused(*_args, **_kwargs):
        raise AssertionError("read a workbook before the key was checked")

    for name in ("load_workbooks", "load_workbook", "workbook_ids", "load_section"):
        monkeypatch.setattr(store, name, refused)


@pytest.mark.parametrize("key", ["", None, "WRONG-KEY-1234", "resume"])
def test_a_wrong_or_missing_key_or_a_resume_code_opens_nothing(store, demo, monkeypatch, key):
    if key == "resume":
        key = demo.planners[0][1]  # a planner's resume code is not a facilitator key
    _refuse_reading(monkeypatch, store)
    result = None
    with pytest.raises(AccessDenied) as caught:
        result = open_dashboard(store, demo.workshop_code, key, as_of=LATER)
    assert result is None
    assert caught.value.field == "facilitator_key"


def test_an_unknown_workshop_or_another_workshops_key_is_refused(store, demo, monkeypatch):
    other = store.create_workshop("Lokakarya lain")
    _refuse_reading(monkeypatch, store)
    with pytest.raises(AccessDenied) as caught:
        open_dashboard(store, "NO-SUCH-CODE", demo.facilitator_key)
    assert caught.value.field == "workshop_code"
    with pytest.raises(AccessDenied) as caught:
        open_dashboard(store, demo.workshop_code, other.key)
    assert caught.value.field == "facilitator_key"


def test_the_key_is_normalised_like_everywhere_else(store, demo):
    board = open_dashboard(store, demo.workshop_code.lower(),
                           f"  {demo.facilitator_key.lower()} ", as_of=LATER)
    assert len(board.table) == COHORT


# -- every number, computed again independently ----------------------------------------------------


def _raw(store, workshop_id) -> pd.DataFrame:
    """The latest revision of each section of each workbook, read straight from the tables:
    one row per workbook (index: id), one column per section (parsed JSON, {} if none)."""
    query = (
        select(revisions.c.workbook_id, revisions.c.section, revisions.c.version,
               revisions.c.data)
        .join(workbooks, workbooks.c.id == revisions.c.workbook_id)
        .where(workbooks.c.workshop_id == workshop_id)
    )
    with store.engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(query).all(),
                             columns=["workbook_id", "section", "version", "data"])
    latest = frame.loc[frame.groupby(["workbook_id", "section"])["version"].idxmax()]
    wide = latest.pivot(index="workbook_id", columns="section", values="data")
    for section in ("profile", "diagnostic", "gaps", "plan", "monitoring"):
        if section not in wide:
            wide[section] = None
    return wide.map(lambda text: json.loads(text) if isinstance(text, str) else {})


def _values(series: pd.Series) -> list:
    """The values with every kind of missing (None, NaN, NaT) as None."""
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT
            else v for v in series.tolist()]


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _tenths(value: Fraction) -> float:
    return math.floor(value * 10 + Fraction(1, 2)) / 10


def _instrument() -> dict:
    return yaml.safe_load((templates_dir() / "instruments" / "readiness.yaml").read_text("utf-8"))


def _score(instrument: dict, answers: dict) -> dict | None:
    """The diagnostic scored by hand: dimension scores, index, band, weakest."""
    dimensions = instrument["dimensions"]
    items = {item["id"] for d in dimensions for item in d["items"]}
    if not set(answers) <= items:
        return None
    exact, shown = {}, {}
    for d in dimensions:
        given = [6 - answers[i["id"]] if i.get("reverse") else answers[i["id"]]
                 for i in d["items"] if i["id"] in answers]
        if given and len(given) >= math.ceil(2 * len(d["items"]) / 3):
            exact[d["id"]] = Fraction(sum(given) - len(given), len(given)) * 25
            shown[d["id"]] = _tenths(exact[d["id"]])
    bands = sorted(instrument["bands"], key=lambda b: b["from"])

    def band(value: float) -> str:
        return [b["id"] for b in bands if value >= b["from"]][-1]

    index = None
    if exact and len(exact) >= Fraction(4, 5) * len(dimensions):
        weights = {d["id"]: Fraction(str(d.get("weight", 1))) for d in dimensions}
        index = _tenths(sum(weights[d] * v for d, v in exact.items())
                        / sum(weights[d] for d in exact))
    lowest = min(shown.values(), default=None)
    return {
        "scores": shown,
        "index": index,
        "band": band(index) if index is not None else None,
        "weakest": ";".join(d["id"] for d in dimensions if shown.get(d["id"]) == lowest)
        if shown else "",
    }


def _cutoff(scores: list[int]) -> int | None:
    nonzero = sorted((s for s in scores if s > 0), reverse=True)
    if not nonzero:
        return None
    if sum(1 for s in nonzero if s >= 4) >= 3:
        return 4
    return nonzero[min(3, len(nonzero)) - 1]


def _monitoring(plan: dict, log: dict, tot_end: date, as_of: date) -> dict:
    """The monitoring rules by hand, on the stored JSON."""
    sessions = plan.get("sessions", [])
    planned = {s["id"] for s in sessions}
    held = [s for s in log.get("sessions_held", []) if _day(s["date"]) <= as_of]
    realised = {s.get("planned") for s in held} & planned
    due = [s for s in sessions if s.get("date") and _day(s["date"]) <= as_of]
    overdue = [s for s in due if s["id"] not in realised]
    touchpoints = {m["id"] for m in plan.get("mentoring", [])}
    mentored = {m.get("planned") for m in log.get("mentoring_held", [])
                if _day(m["date"]) <= as_of} & touchpoints
    mentoring_overdue = [m for m in plan.get("mentoring", [])
                         if m.get("date") and _day(m["date"]) <= as_of
                         and m["id"] not in mentored]
    measured = [m for m in log.get("measurements", []) if _day(m["date"]) <= as_of]
    indicators = plan.get("indicators", [])
    late = [i for i in indicators
            if sum(1 for m in measured if m["indicator"] == i["id"])
            < sum(1 for d in i.get("measurement_dates", []) if _day(d) <= as_of)]
    dates = [_day(e["date"]) for name in ("sessions_held", "mentoring_held", "measurements")
             for e in log.get(name, []) if _day(e["date"]) <= as_of]
    last = max(dates, default=None)
    days = (as_of - max(d for d in (last, tot_end) if d)).days
    something_due = bool(overdue or mentoring_overdue or late)
    every_indicator = all(any(m["indicator"] == i["id"] for m in measured) for i in indicators)
    if sessions and realised == planned and every_indicator:
        status = "done"
    elif something_due and days >= 45:
        status = "stalled"
    elif len(held) < len(due):
        status = "behind"
    else:
        status = "on_track"
    shares = []
    for i in indicators:
        mine = [m for m in measured if m["indicator"] == i["id"]]
        latest = max(mine, key=lambda m: _day(m["date"])) if mine else None
        numbers = [re.search(r"\d+", i.get(k, "")) for k in ("baseline", "target")]
        share = 0.0
        if latest and latest.get("number") is not None and numbers[1]:
            start = float(numbers[0].group()) if numbers[0] else 0.0
            goal = float(numbers[1].group())
            if goal != start:
                share = min(1.0, max(0.0, round((latest["number"] - start) / (goal - start), 4)))
        shares.append(share)
    return {
        "monitoring_status": status,
        "sessions_planned": len(sessions),
        "sessions_due": len(due),
        "sessions_held": len(held),
        "people_reached": sum(s["participants"] for s in held),
        "indicators_measured": sum(1 for i in indicators
                                   if any(m["indicator"] == i["id"] for m in measured)),
        "last_activity": last,
        "days_since_last_activity": days,
        "indicator_progress": sum(shares) / len(shares) if shares else 0.0,
        "due_participants": sum(s.get("participants", 0) for s in due),
        "plan_participants": sum(s.get("participants", 0) for s in sessions),
        "obstacles": [o["cause"] for o in log.get("obstacles", []) if _day(o["date"]) <= as_of],
    }


def _progress(sections: pd.Series) -> dict[str, float]:
    profile, plan, log = sections["profile"], sections["plan"], sections["monitoring"]
    entries = sections["gaps"].get("entries", [])
    if not entries:
        gaps = 0.0
    else:
        scores = [max(0, e["assumed"] - e["reality"]) * e["importance"] for e in entries]
        cutoff = _cutoff(scores)
        priority = [e for e, s in zip(entries, scores, strict=True)
                    if cutoff is not None and s >= cutoff]
        adapted = sum(1 for e in priority if e.get("adaptation", "").strip())
        gaps = 1.0 if not priority else 0.5 + 0.5 * adapted / len(priority)
    return {
        "progress_profile": sum(bool(profile.get(k)) for k in ("name", "role", "institution"))
        / 3,
        "progress_diagnostic": float(bool(sections["diagnostic"].get("answers"))),
        "progress_gaps": gaps,
        "progress_plan": sum(bool(plan.get(k)) for k in ("sessions", "commitments", "mentoring",
                                                        "indicators")) / 4,
        "progress_monitoring": float(bool(log.get("sessions_held") or log.get("measurements"))),
    }


@pytest.fixture
def expected(store, mixed) -> pd.DataFrame:
    """Every row of the dashboard's table, computed again from the stored JSON."""
    workshop_id = store.workshop_id(mixed.workshop_code)
    raw = _raw(store, workshop_id)
    instrument = _instrument()
    p = yaml.safe_load((templates_dir() / "cascade.yaml").read_text("utf-8"))["readiness_p"]
    rows = []
    for workbook_id, sections in raw.iterrows():
        scored = _score(instrument, sections["diagnostic"].get("answers", {}))
        tot_end = _day(sections["plan"].get("header", {}).get("tot_end")) or mixed.end_date
        state = _monitoring(sections["plan"], sections["monitoring"], tot_end, LATER)
        shares = _progress(sections)
        band = scored["band"] if scored else None
        rows.append({
            "workbook_id": workbook_id,
            "name": sections["profile"]["name"],
            "institution": sections["profile"].get("institution", ""),
            "role": sections["profile"].get("role", ""),
            **shares,
            "progress": sum(shares.values()) / 5,
            "index": scored["index"] if scored and scored["index"] is not None else np.nan,
            "band": band,
            "weakest": scored["weakest"] if scored else "",
            "scores": scored["scores"] if scored else {},
            "p": p[band or "developing"],
            **state,
        })
    return pd.DataFrame(rows).set_index("workbook_id")


def test_the_table_matches_an_independent_computation(dashboard, expected):
    table = dashboard.table.set_index("workbook_id")
    assert sorted(table.index) == sorted(expected.index)
    expected = expected.loc[table.index]
    for column in ("name", "institution", "role", "band", "weakest", "monitoring_status",
                   "sessions_planned", "sessions_due", "sessions_held", "people_reached",
                   "indicators_measured", "last_activity"):
        assert _values(table[column]) == _values(expected[column]), column
    assert table["days_since_last_activity"].astype(int).tolist() == \
        expected["days_since_last_activity"].tolist()
    for column in ("progress_profile", "progress_diagnostic", "progress_gaps", "progress_plan",
                   "progress_monitoring", "progress", "index"):
        np.testing.assert_allclose(table[column].to_numpy(float),
                                   expected[column].to_numpy(float), err_msg=column)
    assert table["obstacles"].tolist() == expected["obstacles"].map(len).tolist()


def test_the_plan_check_equals_the_planners_own(store, dashboard):
    from totkit.plancheck import check_loaded

    workshop = dashboard.workshop
    rules: Counter[str] = Counter()
    findings: Counter[str] = Counter()
    for row in dashboard.table.itertuples():
        own = check_loaded(store.load_workbook(row.workbook_id), workshop)
        assert dashboard.findings[row.workbook_id] == own
        errors = sum(1 for f in own if f.severity == "error")
        assert (row.plan_errors, row.plan_warnings) == (errors, len(own) - errors)
        assert row.plan_status == ("ready" if errors == 0 else "not_ready")
        rules.update({f.rule for f in own})
        findings.update(f.rule for f in own)
    top = dashboard.top_findings
    assert dict(top["planners"]) == dict(rules)
    assert dict(top["findings"]) == dict(findings)
    assert top["planners"].is_monotonic_decreasing


def test_the_cohort_views_match_an_independent_computation(store, mixed, dashboard, expected):
    instrument = _instrument()
    dims = [d["id"] for d in instrument["dimensions"]]
    # readiness: everyone who answered the readiness instrument, one column per dimension
    answered = expected[expected["scores"].map(bool)]
    readiness = pd.DataFrame(list(answered["scores"]), index=answered.index)[dims]
    pd.testing.assert_frame_equal(dashboard.readiness.loc[readiness.index], readiness,
                                  check_names=False)
    assert len(dashboard.readiness) == len(readiness)
    # reliability: n, mean, median and Cronbach's alpha per dimension
    raw = _raw(store, store.workshop_id(mixed.workshop_code)).loc[answered.index]
    for d in instrument["dimensions"]:
        row = dashboard.reliability.loc[d["id"]]
        assert row["n"] == readiness[d["id"]].count()
        assert row["mean"] == pytest.approx(readiness[d["id"]].mean())
        assert row["median"] == pytest.approx(readiness[d["id"]].median())
        matrix = pd.DataFrame([
            {i["id"]: (6 - a[i["id"]] if i.get("reverse") else a[i["id"]])
             for i in d["items"] if i["id"] in a}
            for a in raw["diagnostic"].map(lambda s: s.get("answers", {}))
        ]).dropna()
        k = matrix.shape[1]
        alpha = k / (k - 1) * (1 - matrix.var(ddof=1).sum() / matrix.sum(axis=1).var(ddof=1))
        assert row["alpha"] == pytest.approx(alpha)
    # priority gaps: per factor, how many planners
    gap_rows = []
    for workbook_id, sections in _raw(store, store.workshop_id(mixed.workshop_code)).iterrows():
        for entry in sections["gaps"].get("entries", []):
            gap_rows.append({"workbook_id": workbook_id, "factor": entry["factor"],
                             "score": max(0, entry["assumed"] - entry["reality"])
                             * entry["importance"]})
    gaps = pd.DataFrame(gap_rows)
    cutoffs = gaps.groupby("workbook_id")["score"].agg(lambda s: _cutoff(list(s)))
    gaps["cutoff"] = gaps["workbook_id"].map(cutoffs)
    priority = gaps[gaps["cutoff"].notna() & (gaps["score"] >= gaps["cutoff"])]
    counted = priority.groupby("factor").agg(planners=("workbook_id", "nunique"),
                                             mean_score=("score", "mean"))
    top = dashboard.top_gaps
    assert dict(top["planners"]) == dict(counted["planners"])
    for factor in counted.index:
        assert top.loc[factor, "mean_score"] == pytest.approx(counted.loc[factor, "mean_score"])
    assert top["planners"].is_monotonic_decreasing
    # reach: on paper, realistic, realised
    reach = dashboard.reach.set_index("workbook_id").loc[expected.index]
    np.testing.assert_allclose(reach["plan_on_paper"], expected["plan_participants"])
    np.testing.assert_allclose(reach["plan_realistic"],
                               expected["plan_participants"] * expected["p"])
    np.testing.assert_allclose(reach["on_paper"], expected["due_participants"])
    np.testing.assert_allclose(reach["realistic"], expected["due_participants"] * expected["p"])
    np.testing.assert_allclose(reach["realised"], expected["people_reached"])
    totals = dashboard.reach_totals
    assert totals["realised"] == expected["people_reached"].sum()
    assert totals["realistic"] == pytest.approx((expected["due_participants"]
                                                 * expected["p"]).sum())
    # obstacles by cause, and how many planners reported each
    causes = expected["obstacles"].explode().dropna()
    counts = causes.value_counts()
    planners = causes.groupby(causes).apply(lambda s: s.index.nunique())
    obstacles = dashboard.obstacles
    assert len(obstacles) == 8  # every cause listed
    for cause, row in obstacles.iterrows():
        assert row["obstacles"] == counts.get(cause, 0)
        assert row["planners"] == planners.get(cause, 0)
    assert obstacles["obstacles"].is_monotonic_decreasing
    # stalled: their rows, the longest silence first
    stalled = expected[expected["monitoring_status"] == "stalled"]
    assert sorted(dashboard.stalled["workbook_id"]) == sorted(stalled.index)
    assert dashboard.stalled["days_since_last_activity"].is_monotonic_decreasing
    # success: the score is the mean of reach over the best and indicator progress
    success = dashboard.success.set_index("workbook_id").loc[expected.index]
    reach_score = expected["people_reached"] / expected["people_reached"].max()
    np.testing.assert_allclose(success["reach_score"], reach_score)
    np.testing.assert_allclose(success["indicator_progress"], expected["indicator_progress"])
    np.testing.assert_allclose(success["success_score"],
                               (reach_score + expected["indicator_progress"]) / 2)


def test_headline_counts(dashboard, expected):
    counts = dashboard.counts()
    assert counts["planners"] == COHORT + 3
    assert counts["with_index"] == expected["index"].notna().sum()
    assert counts["statuses"] == dict(Counter(expected["monitoring_status"]))
    assert counts["sessions_held"] == expected["sessions_held"].sum()
    assert counts["people_reached"] == expected["people_reached"].sum()


def test_refused_answers_and_an_empty_workbook_have_no_index(dashboard):
    table = dashboard.table.set_index("name")
    for name in (FORMULA_NAME, "Baru Bergabung"):
        row = table.loc[name]
        assert math.isnan(row["index"]) and row["band"] is None and row["weakest"] == ""
        workbook_id = row["workbook_id"]
        assert dashboard.findings[workbook_id][0].rule == "diagnostic-incomplete"
        assert workbook_id not in dashboard.readiness.index
    # too few dimensions scored for an index, but the scored ones are weak and unaddressed
    half = table.loc["Separuh Jawaban"]
    assert math.isnan(half["index"]) and half["band"] is None
    assert half["weakest"] == "context;mentoring;capacity;evaluation"
    rules = [f.rule for f in dashboard.findings[half["workbook_id"]]]
    assert rules[0] == "diagnostic-incomplete"
    assert rules.count("weak-dimension-unaddressed") == 5  # every scored one is at risk
    assert half["workbook_id"] in dashboard.readiness.index


# -- sorting, filtering, opening a workbook --------------------------------------------------------


def test_view_filters_by_text_band_and_status(dashboard):
    table = dashboard.table
    found = dashboard.view(text="CIBENING")
    assert len(found) > 0
    assert found["institution"].str.contains("Cibening").all()
    assert set(found["workbook_id"]) == set(
        table.loc[table["institution"].str.lower().str.contains("cibening"), "workbook_id"])
    ready = dashboard.view(band="ready")
    assert set(ready["band"]) == {"ready"}
    none = dashboard.view(band=NO_BAND)
    assert set(none["name"]) == {FORMULA_NAME, "Baru Bergabung", "Separuh Jawaban"}
    stalled = dashboard.view(status="stalled", band=["ready", "developing"])
    assert set(stalled["monitoring_status"]) == {"stalled"}
    assert len(stalled) == ((table["monitoring_status"] == "stalled")
                            & table["band"].isin(["ready", "developing"])).sum()
    assert len(dashboard.view(plan_status="ready")) == (table["plan_status"] == "ready").sum()
    assert dashboard.view(text="no such planner").empty


def test_view_sorts_with_empty_values_last(dashboard):
    by_index = dashboard.view(sort_by="index", descending=True)
    values = by_index["index"].to_numpy(float)
    present = values[~np.isnan(values)]
    assert (np.diff(present) <= 0).all()
    assert np.isnan(values[-3:]).all()  # no index: last, whichever way
    assert np.isnan(dashboard.view(sort_by="index")["index"].to_numpy(float)[-3:]).all()
    names = dashboard.view()["name"].tolist()
    assert names == sorted(names, key=str.casefold)
    bands = dashboard.view(sort_by="band")["band"].tolist()
    assert bands[:1] == ["at_risk"] and bands[-4:-3] == ["ready"] and bands[-3:] == [None] * 3
    people = dashboard.view(sort_by="people_reached", descending=True)["people_reached"]
    assert people.is_monotonic_decreasing
    with pytest.raises(InputError) as caught:
        dashboard.view(sort_by="no_such_column")
    assert caught.value.field == "sort_by"


def test_a_planners_workbook_opens_as_a_copy(store, dashboard):
    workbook_id = dashboard.table["workbook_id"].iloc[0]
    opened = dashboard.workbook(workbook_id)
    assert opened == store.load_workbook(workbook_id)
    opened.profile.name = "Changed"
    assert dashboard.workbook(workbook_id).profile.name != "Changed"
    with pytest.raises(AccessDenied):
        dashboard.workbook("not-a-workbook")


# -- the demo's story and the success cases --------------------------------------------------------


@pytest.mark.parametrize("seed", [27, 1, 2, 3])
def test_the_demo_tells_the_essays_story_90_days_on(store, seed):
    made = create_demo(store, as_of=AS_OF)
    roles = add_monitoring(store, made.workshop_code, made.end_date, random.Random(seed))
    assert (LATER - made.end_date).days == STORY_DAYS
    board = open_dashboard(store, made.workshop_code, made.facilitator_key, as_of=LATER)
    table = board.table
    statuses = Counter(table["monitoring_status"])
    # few sessions held: fewer than one per planner, and most planners held none
    assert table["sessions_held"].sum() < COHORT * 0.6
    assert (table["sessions_held"] == 0).sum() > COHORT / 2
    # most planners stalled
    assert statuses["stalled"] > COHORT / 2
    # two or three clear success cases: done, far ahead of everyone else
    cases = board.success_cases(3)
    assert 2 <= (cases.most["monitoring_status"] == "done").sum() <= 3
    done = table[table["monitoring_status"] == "done"]
    assert 2 <= len(done) <= 3
    assert set(done["workbook_id"]) <= set(cases.most["workbook_id"])
    assert {roles[w] for w in done["workbook_id"]} == {"success"}
    rest = board.success[~board.success["workbook_id"].isin(done["workbook_id"])]
    assert done["people_reached"].min() >= 2 * rest["people_reached"].max()
    # the obstacles say why, led by structural barriers
    assert board.obstacles.index[0] == "structural"
    # projected against realised: fewer reached than even the realistic projection
    totals = board.reach_totals
    assert totals["realised"] < totals["realistic"] < totals["on_paper"] \
        <= totals["plan_on_paper"]
    # at the demo's own date (day 30) the logs have barely begun: a first session or two
    before = open_dashboard(store, made.workshop_code, made.facilitator_key, as_of=AS_OF)
    assert before.table["sessions_held"].sum() < table["sessions_held"].sum() / 2
    assert "done" not in set(before.table["monitoring_status"])


def test_success_cases_and_interview_prompts(dashboard):
    cases = dashboard.success_cases(n=3)
    assert list(cases.most["success_score"]) == sorted(cases.most["success_score"],
                                                       reverse=True)
    assert (cases.most["success_score"] > 0).all()
    assert set(cases.most["workbook_id"]).isdisjoint(cases.least["workbook_id"])
    assert len(cases.least) == 3
    assert cases.least["success_score"].max() <= dashboard.success["success_score"].min() + 1e-9
    for kind in ("most", "least"):
        assert set(cases.prompts[kind]) == {"id", "en"}
        assert len(cases.prompts[kind]["id"]) == len(cases.prompts[kind]["en"]) == 4
        assert cases.prompts[kind]["id"] != cases.prompts[kind]["en"]
    assert "helped" in " ".join(cases.prompts["most"]["en"])
    assert "got in the way" in " ".join(cases.prompts["least"]["en"])
    with pytest.raises(ValueError):
        dashboard.success_cases(0)


def test_an_empty_workshop_has_an_empty_dashboard(store):
    from totkit.charts import dashboard_charts
    from totkit.cohort_report import cohort_html, cohort_xlsx

    created = store.create_workshop("Kosong")
    board = open_dashboard(store, created.code, created.key, as_of=AS_OF)
    assert board.table.empty and board.stalled.empty and board.readiness.empty
    assert board.counts()["planners"] == 0
    assert board.view(sort_by="index", text="x").empty
    assert board.success_cases().most.empty
    charts = dashboard_charts(board, "en")
    assert all(svg.startswith("<svg") for svg in charts.values())
    assert cohort_xlsx(board, "en")[:2] == b"PK"
    assert "<svg" in cohort_html(board, "en")


def test_build_dashboard_is_pure_and_defaults_to_today(store, demo):
    workshop_id = store.workshop_id(demo.workshop_code)
    board = build_dashboard(store.workshop(workshop_id), store.load_workbooks(workshop_id))
    assert board.as_of == date.today()


# -- charts and exports ----------------------------------------------------------------------------


def test_charts_are_inline_svg_in_either_language(dashboard):
    from totkit.charts import obstacles_chart, reach_chart, readiness_boxplot
    from totkit.i18n import t

    for lang in ("id", "en"):
        for draw in (readiness_boxplot, reach_chart, obstacles_chart):
            svg = draw(dashboard, lang)
            assert svg.startswith("<svg") and "<script" not in svg
        assert t("dashboard.chart.obstacles_title", lang) in obstacles_chart(dashboard, lang)
        assert t("dashboard.reach.realised", lang).split(" (")[0] in reach_chart(dashboard, lang)


@pytest.fixture
def xlsx_bytes(dashboard):
    from totkit.cohort_report import cohort_xlsx

    steps: list[tuple[float, str]] = []
    content = cohort_xlsx(dashboard, "en", progress=lambda share, what: steps.append((share,
                                                                                       what)))
    return content, steps


def test_cohort_xlsx_has_frozen_headers_and_no_formula(dashboard, xlsx_bytes):
    from openpyxl import load_workbook

    from totkit.i18n import t

    content, steps = xlsx_bytes
    assert steps[-1][0] == 1.0
    assert [share for share, _ in steps] == sorted(share for share, _ in steps)
    assert all(what for _, what in steps)
    book = load_workbook(io.BytesIO(content))
    names = book.sheetnames
    for view in ("overview", "planners", "readiness", "reliability", "top_gaps",
                 "top_findings", "reach", "obstacles", "stalled", "success", "prompts"):
        assert t(f"dashboard.view.{view}", "en")[:31] in names, view
    for sheet in book.worksheets:
        assert sheet.freeze_panes and sheet.freeze_panes.endswith("2"), sheet.title
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@")), cell.value
    planners = book[t("dashboard.view.planners", "en")]
    headers = [cell.value for cell in planners[1]]
    assert headers[0] == "Name" and "Readiness index" in headers and "Plan status" in headers
    values = {row[0]: row for row in planners.iter_rows(min_row=2, values_only=True)}
    assert len(values) == len(dashboard.table)
    assert "'" + FORMULA_NAME in values
    odd = values["'" + FORMULA_NAME]
    assert SCRIPT_TEXT in odd and "'-1+2" in odd
    # numbers stay numbers
    index_column = headers.index("Readiness index")
    first = dashboard.view()  # the sheet's rows follow the table's order
    assert isinstance(planners.cell(row=2, column=index_column + 1).value, float) or \
        math.isnan(first["index"].iloc[0])
    people = headers.index("People reached")
    assert sum(row[people] for row in planners.iter_rows(min_row=2, values_only=True)) == \
        dashboard.table["people_reached"].sum()


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        (self.styles if self._in_style else self.text).append(data)


def test_cohort_html_is_self_contained_escaped_and_printable(dashboard):
    from totkit.cohort_report import cohort_html
    from totkit.i18n import t

    steps: list[float] = []
    content = cohort_html(dashboard, "id", progress=lambda share, _what: steps.append(share))
    assert steps[-1] == 1.0 and steps == sorted(steps)
    page = _Page()
    page.feed(content)
    page.close()
    names = {tag for tag, _ in page.tags}
    assert not names & {"script", "link", "iframe", "img", "object", "embed", "base", "image"}
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            if name.startswith("xmlns"):
                continue  # a namespace's name, never fetched
            assert name not in {"src", "srcset", "action", "formaction", "background"}, tag
            assert not name.startswith("on"), (tag, name)
            if name in {"href", "xlink:href"}:
                assert value and value.startswith("#"), (tag, name, value)
    styles = "\n".join(page.styles)
    assert "url(" not in styles and "@import" not in styles and "@media print" in styles
    assert sum(1 for tag, _ in page.tags if tag == "svg") == 3
    csp = [a for tag, a in page.tags if tag == "meta" and a.get("http-equiv")]
    assert csp and "default-src 'none'" in csp[0]["content"]
    assert '<html lang="id">' in content
    text = "\n".join(page.text)
    assert SCRIPT_TEXT in text and SCRIPT_TEXT not in content  # shown as text, escaped
    assert FORMULA_NAME in text
    assert t("dashboard.view.stalled", "id") in text
    assert t("dashboard.prompt.most.1", "id") in text
    assert dashboard.workshop.title in text
    english = cohort_html(dashboard, "en")
    assert '<html lang="en">' in english and t("dashboard.view.stalled", "en") in english


def test_write_cohort_writes_either_format_whole(tmp_path, dashboard):
    from totkit.cohort_report import default_cohort_filename, write_cohort

    for fmt in ("xlsx", "html"):
        target = write_cohort(dashboard, fmt, tmp_path / default_cohort_filename(dashboard, fmt))
        assert target.is_file() and target.suffix == f".{fmt}"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".totkit-")) == []
    with pytest.raises(InputError) as caught:
        write_cohort(dashboard, "pdf", tmp_path / "x.pdf")
    assert caught.value.field == "export_format"
    with pytest.raises(InputError) as caught:
        write_cohort(dashboard, "html", tmp_path / "missing" / "x.html")
    assert caught.value.field == "export_folder"
