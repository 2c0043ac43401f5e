"""The cascade projection: the formula against hand-computed cases, the Monte Carlo against
the formula, the summary, the chart and the settings file's validation."""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from pathlib import Path

import pytest

from totkit.cascade import (
    TABLE_COLUMNS,
    CascadeInputs,
    CascadeSettings,
    Level,
    expected_reach,
    fidelity_weighted,
    inputs_for_cohort,
    inputs_for_workbook,
    load_cascade_settings,
    on_paper,
    project,
    projection_table,
    readiness_band,
    simulate,
)
from totkit.errors import InputError
from totkit.instrument import instrument_path, load_instrument
from totkit.model import Workbook

INSTRUMENT = load_instrument(instrument_path())
SETTINGS = CascadeSettings()  # the documented defaults, independent of the shipped file
DATA = Path(__file__).parent / "data"


def answers(value: int) -> dict[str, int]:
    """Every item answered so that every item scores ``value`` (reverse items turned)."""
    return {
        item.id: (6 - value if item.reverse else value)
        for dim in INSTRUMENT.dimensions
        for item in dim.items
    }


BAND_ANSWERS = {"ready": answers(5), "developing": answers(3), "at_risk": answers(1), None: {}}


def workbook(band: str | None, participants: tuple[int, ...] = (), name: str = "Sri") -> Workbook:
    sessions = [{"title": f"Sesi {n}", "participants": p} for n, p in enumerate(participants)]
    return Workbook.model_validate(
        {
            "id": f"wb-{name}",
            "workshop": "TOT",
            "created_at": datetime(2026, 8, 1, tzinfo=timezone.utc),
            "profile": {"name": name},
            "diagnostic": {"answers": BAND_ANSWERS[band]},
            "plan": {"sessions": sessions},
        }
    )


def approx(values, expected):
    assert list(values) == pytest.approx(list(expected), rel=1e-12, abs=1e-12)


# -- readiness bands ---------------------------------------------------------------------------


@pytest.mark.parametrize("band", ["ready", "developing", "at_risk", None])
def test_the_answers_give_the_band_the_tests_rely_on(band):
    assert readiness_band(workbook(band), INSTRUMENT) == band


# -- the formula, by hand ----------------------------------------------------------------------


def test_one_ready_workbook_with_three_sessions_of_ten_over_two_levels():
    inputs = inputs_for_workbook(workbook("ready", (10, 10, 10)), INSTRUMENT, SETTINGS, levels=2)
    assert inputs.n0 == 1 and inputs.trainer_p == (0.85,)
    assert inputs.levels == (Level(0.85, 3, 10, 0.8), Level(0.85, 2, 10, 0.8))
    assert inputs.assumed_developing == 0 and inputs.bands == ("ready",)
    reach = expected_reach(inputs)
    approx(reach, [1, 0.85 * 3 * 10, 0.85 * 3 * 10 * 0.85 * 2 * 10])  # 1, 25.5, 433.5
    # 25.5 x 0.8 + 433.5 x 0.8^2
    assert fidelity_weighted(inputs, reach) == pytest.approx(20.4 + 277.44)
    paper = on_paper(inputs)
    approx(expected_reach(paper), [1, 30, 600])
    assert fidelity_weighted(paper, expected_reach(paper)) == pytest.approx(630)


def test_a_team_multiplies_level_zero_and_level_one_takes_the_mean_participants():
    inputs = inputs_for_workbook(workbook("developing", (10, 20)), INSTRUMENT, SETTINGS,
                                 team=3, levels=1)
    assert inputs.n0 == 3 and inputs.trainer_p == (0.5, 0.5, 0.5)
    assert inputs.levels == (Level(0.5, 2, 15, 0.8),)
    approx(expected_reach(inputs), [3, 3 * 0.5 * 2 * 15])


def test_a_plan_without_sessions_reaches_no_one():
    inputs = inputs_for_workbook(workbook("ready"), INSTRUMENT, SETTINGS)
    assert inputs.levels[0].s == 0 and inputs.levels[0].m == 0
    approx(expected_reach(inputs), [1, 0, 0])
    projection = project(inputs, draws=200)
    assert projection.simulation.total.mean == 0
    assert "reaches no one" in projection.summary("en")


def test_a_workbook_without_an_index_counts_as_developing_and_says_so():
    for instrument in (INSTRUMENT, None):
        inputs = inputs_for_workbook(workbook(None, (20,)), instrument, SETTINGS, levels=2)
        assert inputs.assumed_developing == 1 and inputs.bands == ("developing",)
        approx(expected_reach(inputs), [1, 0.5 * 20, 0.5 * 20 * 0.5 * 20])  # 1, 10, 100
    projection = project(inputs, draws=500)
    assert "counted as “developing”" in projection.summary("en")
    assert "dianggap “Berkembang”" in projection.summary("id")
    assert projection.to_dict()["assumed_developing"] == 1


def test_answers_to_another_instrument_count_as_no_index():
    other = workbook("ready", (10,))
    mini = load_instrument(DATA / "mini-instrument.yaml")
    assert readiness_band(other, mini) is None
    assert inputs_for_workbook(other, mini, SETTINGS).assumed_developing == 1


def test_a_cohort_of_mixed_bands():
    cohort = [
        workbook("ready", (10, 20), "a"),  # p 0.85, 2 sessions, 30 participants
        workbook("at_risk", (15,), "b"),  # p 0.3, 1 session, 15 participants
        workbook(None, (), "c"),  # no index: p 0.5, no sessions
    ]
    inputs = inputs_for_cohort(cohort, INSTRUMENT, SETTINGS, levels=3)
    assert inputs.n0 == 3 and inputs.trainer_p == (0.85, 0.3, 0.5)
    assert inputs.assumed_developing == 1 and inputs.workbooks == 3
    assert inputs.bands == ("ready", "at_risk", "developing")
    mean_p = (0.85 + 0.3 + 0.5) / 3  # 0.55
    # level 1: 3 sessions / 3 planners = 1 session each; 45 participants / 3 sessions = 15
    psmf = [value for lv in inputs.levels for value in (lv.p, lv.s, lv.m, lv.f)]
    assert psmf == pytest.approx([mean_p, 1, 15, 0.8] + [mean_p, 2, 10, 0.8] * 2)
    level1 = (0.85 + 0.3 + 0.5) * 1 * 15  # 24.75
    level2 = level1 * mean_p * 2 * 10  # 272.25
    level3 = level2 * mean_p * 2 * 10  # 2994.75
    approx(expected_reach(inputs), [3, level1, level2, level3])
    assert fidelity_weighted(inputs, expected_reach(inputs)) == pytest.approx(
        level1 * 0.8 + level2 * 0.64 + level3 * 0.512
    )
    # on paper, level 1 is exactly what the plans add up to
    approx(expected_reach(on_paper(inputs)), [3, 45, 900, 18_000])
    summary = project(inputs, draws=1000).summary("en")
    assert "1 of 3 workbooks have no readiness index" in summary


def test_deeper_levels_take_the_share_set_in_the_settings():
    settings = CascadeSettings(deeper_p=0.2, deeper_sessions=1, deeper_participants=5,
                               fidelity=0.5)
    inputs = inputs_for_workbook(workbook("ready", (10,)), INSTRUMENT, settings, levels=2)
    assert inputs.levels == (Level(0.85, 1, 10, 0.5), Level(0.2, 1, 5, 0.5))
    approx(expected_reach(inputs), [1, 8.5, 8.5])


def test_on_paper_sets_every_p_and_f_to_one_and_keeps_the_rest():
    inputs = CascadeInputs((0.3, 0.85), (Level(0.5, 2, 12, 0.7), Level(0.4, 3, 9, 0.6)),
                           assumed_developing=1, workbooks=2)
    paper = on_paper(inputs)
    assert paper.trainer_p == (1.0, 1.0)
    assert paper.levels == (Level(1, 2, 12, 1), Level(1, 3, 9, 1))
    assert paper.assumed_developing == 1 and paper.workbooks == 2
    approx(expected_reach(paper), [2, 48, 48 * 27])


def test_level_one_p_is_the_mean_of_the_trainers():
    inputs = CascadeInputs((0.3, 0.9), (Level(0.0, 1, 1),))
    assert inputs.levels[0].p == pytest.approx(0.6)


def test_the_fidelity_sum_multiplies_each_level_s_fidelity():
    inputs = CascadeInputs((1.0,), (Level(1, 1, 10, 0.9), Level(1, 1, 10, 0.5),
                                    Level(1, 1, 10, 0.8)))
    reach = expected_reach(inputs)
    approx(reach, [1, 10, 100, 1000])
    assert fidelity_weighted(inputs, reach) == pytest.approx(
        10 * 0.9 + 100 * 0.9 * 0.5 + 1000 * 0.9 * 0.5 * 0.8
    )
    same = CascadeInputs((1.0,), (Level(1, 1, 10, 0.8),) * 3)
    assert fidelity_weighted(same, reach) == pytest.approx(
        sum(r * 0.8**k for k, r in enumerate(reach) if k)
    )


# -- the Monte Carlo ---------------------------------------------------------------------------

MIXED = CascadeInputs(
    (0.85,) * 6 + (0.5,) * 14 + (0.3,) * 10,
    # level 1's s x m = 31.25: not a whole number, so people are rounded stochastically
    (Level(0, 2.5, 12.5, 0.8), Level(0.55, 2, 10, 0.8), Level(0.55, 1.5, 7, 0.8),
     Level(0.4, 2, 10, 0.8)),
    workbooks=30,
)
SMALL = CascadeInputs((0.5,), (Level(0.5, 3, 10, 0.8), Level(0.5, 2, 10, 0.8)))


@pytest.mark.parametrize("inputs", [MIXED, SMALL], ids=["cohort-of-30", "one-planner"])
def test_the_monte_carlo_mean_agrees_with_the_formula_over_20_seeds(inputs):
    draws = 10_000
    reach = expected_reach(inputs)
    weighted = fidelity_weighted(inputs, reach)
    for seed in range(20):
        sim = simulate(inputs, draws=draws, seed=seed)
        assert sim.levels[0].mean == inputs.n0 and sim.levels[0].sd == 0
        checks = [*zip(sim.levels[1:], reach[1:], strict=True),
                  (sim.total, sum(reach[1:])), (sim.weighted, weighted)]
        for stats, formula in checks:
            standard_error = stats.sd / math.sqrt(draws)
            assert abs(stats.mean - formula) <= 4 * standard_error, (seed, stats, formula)
            assert stats.p10 <= stats.mean <= stats.p90


def test_each_level_one_trainer_is_active_with_their_own_p():
    inputs = CascadeInputs((1.0, 0.0, 1.0), (Level(0, 2, 5),))
    sim = simulate(inputs, draws=2000, seed=3)
    assert (sim.levels[1].mean, sim.levels[1].sd) == (20, 0)


def test_people_stay_whole_and_the_band_brackets_the_mean():
    projection = project(MIXED, draws=5000, seed=1)
    for stats in projection.simulation.levels:
        assert stats.p10 == int(stats.p10) and stats.p90 == int(stats.p90)
        assert stats.p10 <= stats.mean <= stats.p90


def test_a_seed_reproduces_the_simulation():
    assert simulate(MIXED, 3000, seed=7) == simulate(MIXED, 3000, seed=7)
    assert simulate(MIXED, 3000, seed=7) != simulate(MIXED, 3000, seed=8)


def test_draws_and_seed_are_checked():
    for draws in (0, -1, 2.5, True):
        with pytest.raises(InputError) as caught:
            simulate(SMALL, draws=draws)
        assert caught.value.field == "draws"
    with pytest.raises(InputError) as caught:
        simulate(SMALL, seed=-1)
    assert caught.value.field == "seed"


def test_a_cascade_beyond_a_trillion_people_is_refused():
    huge = CascadeInputs((1.0,), (Level(1, 200, 100_000), Level(1, 1000, 1000)))
    with pytest.raises(InputError) as caught:
        project(huge)
    assert "trillion" in caught.value.message("en")


# -- the projection ----------------------------------------------------------------------------


def test_the_projection_table_and_json():
    projection = project(MIXED, draws=2000, seed=0)
    rows = projection_table(projection)
    assert [row["level"] for row in rows] == [0, 1, 2, 3, 4]
    assert all(tuple(row) == TABLE_COLUMNS for row in rows)
    assert rows[2]["on_paper"] == pytest.approx(30 * 31.25 * 20)
    assert rows[2]["expected"] == pytest.approx(expected_reach(MIXED)[2])
    data = json.loads(json.dumps(projection.to_dict("en")))
    assert data["trainers"] == 30 and data["levels"] == 4
    assert data["table"] == rows
    assert data["total"]["on_paper"] == pytest.approx(sum(projection.on_paper[1:]))
    assert data["fidelity_weighted"]["on_paper"] == pytest.approx(projection.total_on_paper)
    assert data["summary"] == projection.summary("en")


def test_the_summary_says_the_difference_in_both_languages():
    projection = project(SMALL, draws=10_000, seed=0)
    sim = projection.simulation
    english = projection.summary("en")
    assert english.startswith("On paper this plan reaches 630 people by level 2 of the cascade")
    assert f"realistically about {round(sim.total.mean):,}" in english
    assert f"between {round(sim.total.p10):,} and {round(sim.total.p90):,}" in english
    assert "about 50% of trainers" in english and "80% kept" in english
    bahasa = project(MIXED, draws=1000, seed=0).summary("id")
    paper = round(sum(expected_reach(on_paper(MIXED))[1:]))
    assert f"{paper:,}".replace(",", ".") in bahasa  # 1.234.567: Indonesian grouping


def test_the_chart_is_a_responsive_svg_in_the_language():
    from totkit.charts import cascade_chart

    projection = project(MIXED, draws=1000)
    svg = cascade_chart(projection, "id")
    assert svg.startswith("<svg") and 'width="100%"' in svg.split(">", 1)[0]
    assert "Di atas kertas" in svg and "Jangkauan per tingkat" in svg
    assert "On paper" in cascade_chart(project(SMALL, draws=100), "en")


# -- inputs refused ----------------------------------------------------------------------------


def test_levels_team_and_an_empty_cohort_are_refused():
    planner = workbook("ready", (10,))
    for levels in (0, 5, 1.5):
        with pytest.raises(InputError) as caught:
            inputs_for_workbook(planner, INSTRUMENT, SETTINGS, levels=levels)
        assert caught.value.key == "error.cascade_level_count"
    with pytest.raises(InputError) as caught:
        inputs_for_workbook(planner, INSTRUMENT, SETTINGS, team=0)
    assert caught.value.key == "error.cascade_team"
    with pytest.raises(InputError) as caught:
        inputs_for_cohort([], INSTRUMENT, SETTINGS)
    assert caught.value.key == "error.cascade_no_workbooks"


def test_a_band_missing_from_the_settings_is_named():
    mini = load_instrument(DATA / "mini-instrument.yaml")
    answered = Workbook.model_validate({
        "id": "wb", "workshop": "TOT", "created_at": datetime(2026, 8, 1, tzinfo=timezone.utc),
        "profile": {"name": "Ani"},
        "diagnostic": {"answers": {item: 5 for item in mini.items}},
    })
    with pytest.raises(InputError) as caught:
        inputs_for_workbook(answered, mini, SETTINGS)
    assert caught.value.field == "high"
    assert "'high'" in caught.value.message("en") and "readiness_p" in caught.value.message("en")


# -- the settings file -------------------------------------------------------------------------


def test_the_shipped_file_gives_the_documented_defaults():
    shipped = load_cascade_settings()
    assert shipped.readiness_p == {"at_risk": 0.3, "developing": 0.5, "ready": 0.85}
    assert (shipped.fidelity, shipped.levels, shipped.team) == (0.8, 2, 1)
    assert (shipped.deeper_p, shipped.deeper_sessions, shipped.deeper_participants) == (
        None, 2, 10,
    )
    band_ids = {band.id for band in INSTRUMENT.bands}
    assert band_ids <= set(shipped.readiness_p)


def test_a_missing_file_gives_the_defaults(tmp_path):
    assert load_cascade_settings(tmp_path) == CascadeSettings(
        file=str(tmp_path / "cascade.yaml")
    )


def test_settings_are_read_from_the_file(tmp_path):
    (tmp_path / "cascade.yaml").write_text(
        "levels: 4\nteam: 2\nfidelity: 1\nreadiness_p: {developing: 0.4, ready: 1}\n"
        "deeper_levels: {p: 0.25, sessions: 1.5, participants: 0}\n", encoding="utf-8"
    )
    settings = load_cascade_settings(tmp_path)
    assert (settings.levels, settings.team, settings.fidelity) == (4, 2, 1.0)
    assert settings.readiness_p == {"developing": 0.4, "ready": 1.0}
    assert (settings.deeper_p, settings.deeper_sessions, settings.deeper_participants) == (
        0.25, 1.5, 0,
    )


@pytest.mark.parametrize(
    ("text", "key", "field"),
    [
        ("level: 2\n", "error.cascade_unknown_key", "level"),
        ("deeper_levels: {sessions: 2, people: 10}\n", "error.cascade_unknown_key",
         "deeper_levels.people"),
        ("levels: 0\n", "error.cascade_levels", "levels"),
        ("levels: 5\n", "error.cascade_levels", "levels"),
        ("levels: 2.5\n", "error.cascade_levels", "levels"),
        ("levels: true\n", "error.cascade_levels", "levels"),
        ("team: 0\n", "error.cascade_whole", "team"),
        ("fidelity: 1.2\n", "error.cascade_share", "fidelity"),
        ("readiness_p: {developing: 0.5, ready: 85}\n", "error.cascade_share",
         "readiness_p.ready"),
        ("readiness_p: {developing: -0.1}\n", "error.cascade_share", "readiness_p.developing"),
        ("readiness_p: {developing: half}\n", "error.cascade_share", "readiness_p.developing"),
        ("readiness_p: {ready: 0.85}\n", "error.cascade_no_index_band", "readiness_p"),
        ("readiness_p: [0.3, 0.5]\n", "error.cascade_mapping", "readiness_p"),
        ("deeper_levels: {p: 2}\n", "error.cascade_share", "deeper_levels.p"),
        ("deeper_levels: {sessions: -1}\n", "error.cascade_number", "deeper_levels.sessions"),
        ("deeper_levels: 3\n", "error.cascade_mapping", "deeper_levels"),
        ("- levels\n", "error.cascade_mapping", "cascade"),
        ("levels: [2\n", "error.cascade_yaml", "cascade.yaml"),
    ],
)
def test_a_bad_settings_file_is_refused_naming_the_key_and_the_file(tmp_path, text, key, field):
    (tmp_path / "cascade.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_cascade_settings(tmp_path)
    assert (caught.value.key, caught.value.field) == (key, field)
    for lang in ("id", "en"):
        message = caught.value.message(lang)
        assert str(tmp_path / "cascade.yaml") in message
        if key != "error.cascade_yaml":
            assert field in message


def test_a_workshop_s_cohort_from_the_store(store, workshop):
    from totkit.cascade import cohort_workbooks, instrument_for

    plans = {"Ani": ("ready", (10, 20)), "Budi": ("at_risk", (15,)), "Citra": (None, ())}
    for name, (band, participants) in plans.items():
        joined = store.join(workshop.code, {"name": name})
        store.save_section(joined.workbook_id, "diagnostic", {"answers": BAND_ANSWERS[band]}, 0)
        sessions = [{"title": f"Sesi {n}", "participants": p} for n, p in enumerate(participants)]
        store.save_section(joined.workbook_id, "plan", {"sessions": sessions}, 0)
    cohort = cohort_workbooks(store, workshop.code)
    assert [wb.profile.name for wb in cohort] == list(plans)
    instrument = instrument_for(cohort[0])
    assert instrument is not None and instrument.id == INSTRUMENT.id
    inputs = inputs_for_cohort(cohort, instrument, SETTINGS, levels=2)
    assert inputs.trainer_p == (0.85, 0.3, 0.5) and inputs.assumed_developing == 1
    approx(expected_reach(on_paper(inputs)), [3, 45, 900])
