"""The demo workshop tells the essay's story, the same way every time."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from totkit.demo import COHORT, PLANNERS, create_demo
from totkit.diagnostic import cohort_summary, score_frame
from totkit.instrument import instrument_path, load_instrument


@pytest.fixture
def demo(store):
    return create_demo(store, as_of=date(2026, 9, 1))


def cohort_answers(store, demo) -> pd.DataFrame:
    workshop_id = store.workshop_id(demo.workshop_code)
    rows = [store.load_workbook(wid).diagnostic.answers for wid in store.workbook_ids(workshop_id)]
    return pd.DataFrame(rows)


def test_the_tot_ended_thirty_days_before_as_of(demo):
    assert demo.end_date == date(2026, 8, 2)
    assert (demo.end_date - demo.start_date).days == 4  # five days, both ends included


def test_mandate_and_leadership_score_lowest_across_the_cohort(store, demo):
    instrument = load_instrument(instrument_path("readiness"))
    summary = cohort_summary(instrument, cohort_answers(store, demo))
    lowest = summary["mean"].sort_values().index[:2]
    assert set(lowest) == {"mandate", "leadership"}
    assert summary.loc["motivation", "mean"] > summary["mean"].median()


def test_at_least_three_planners_in_each_band(store, demo):
    instrument = load_instrument(instrument_path("readiness"))
    answers = cohort_answers(store, demo)
    assert len(answers) == COHORT
    bands = score_frame(instrument, answers)["band"].value_counts()
    assert {band.id for band in instrument.bands} == set(bands.index)
    assert bands.min() >= 3


def test_the_story_does_not_change(store, demo):
    again = create_demo(store, as_of=date(2026, 9, 1))
    assert again == demo
    assert [name for name, _code in demo.planners] == [p["name"] for p in PLANNERS]


def test_some_plans_are_ready_and_some_have_findings(store, demo):
    from totkit.plancheck import check_workbook, status

    workshop_id = store.workshop_id(demo.workshop_code)
    statuses = [status(check_workbook(store, wid)) for wid in store.workbook_ids(workshop_id)]
    assert statuses.count("ready") >= 3
    assert statuses.count("not_ready") >= 3
