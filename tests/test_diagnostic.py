"""Scoring the readiness diagnostic: hand-computed cases, the cohort functions agree with
``score``, Cronbach's alpha against a textbook example and an independent formula.

Every instrument here is built in Python, so the tests do not depend on the shipped
``templates/instruments/readiness.yaml``.
"""

from __future__ import annotations

import math
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from totkit.diagnostic import (
    DiagnosticResult,
    DimensionScore,
    band_for,
    cohort_summary,
    cronbach_alpha,
    group_summary,
    recommendations,
    required_answers,
    score,
    score_frame,
    validate_answers,
)
from totkit.errors import InputError
from totkit.instrument import Instrument

BANDS = (("at_risk", 0), ("developing", 50), ("ready", 70))


def text(value: str) -> dict[str, str]:
    return {"id": f"{value} (id)", "en": value}


def make_instrument(*dims: tuple, bands=BANDS) -> Instrument:
    """``dims``: ``(dimension id, number of items, reverse item numbers, weight)``;
    items are named ``<dim>_<n>`` from 1."""
    return Instrument.model_validate(
        {
            "id": "test",
            "version": "1",
            "title": text("Test"),
            "description": text("A test instrument"),
            "scale": [{"value": v, "label": text(str(v))} for v in range(1, 6)],
            "bands": [{"id": b, "name": text(b), "from": lower} for b, lower in bands],
            "dimensions": [
                {
                    "id": dim_id,
                    "name": text(dim_id),
                    "description": text(dim_id),
                    "weight": weight,
                    "items": [
                        {"id": f"{dim_id}_{n}", "text": text(f"{dim_id} {n}"),
                         "reverse": n in reverse}
                        for n in range(1, size + 1)
                    ],
                    "recommendations": {
                        b: [{"text": text(f"{dim_id} {b} {r}"), "source": "test"}
                            for r in (1, 2)]
                        for b, _ in bands
                    },
                }
                for dim_id, size, reverse, weight in dims
            ],
        }
    )


def answers_for(dim_id: str, *values) -> dict[str, int]:
    """``values`` of the dimension's items in order; ``None`` leaves an item unanswered."""
    return {f"{dim_id}_{n}": v for n, v in enumerate(values, start=1) if v is not None}


# -- answers ------------------------------------------------------------------------------------

ONE = make_instrument(("a", 3, {3}, 1.0))


def test_answers_accept_ints_integral_floats_and_digit_strings():
    given = {"a_1": 1, "a_2": 5.0, "a_3": " 3 "}
    assert validate_answers(ONE, given) == {"a_1": 1, "a_2": 5, "a_3": 3}
    assert validate_answers(ONE, {"a_1": np.int64(4), "a_2": np.float64(2.0)}) == {
        "a_1": 4, "a_2": 2}
    assert all(type(v) is int for v in validate_answers(ONE, given).values())


def test_unanswered_items_are_left_out():
    assert validate_answers(ONE, {"a_1": None, "a_2": float("nan"), "a_3": ""}) == {}


@pytest.mark.parametrize(
    "value", [0, 6, -1, 2.5, "abc", "2.5", "6", "٣", True, False, np.bool_(True),
              float("inf"), [3], {"v": 3}]
)
def test_values_off_the_scale_are_refused_naming_the_item(value):
    with pytest.raises(InputError) as caught:
        validate_answers(ONE, {"a_1": 3, "a_2": value})
    error = caught.value
    assert error.key == "error.diagnostic_answer"
    assert error.field == "a_2"
    assert error.params["number"] == 2
    for lang in ("id", "en"):
        message = error.message(lang)
        assert "a_2" in message and "1" in message and "5" in message


def test_an_unknown_item_is_refused_naming_it():
    with pytest.raises(InputError) as caught:
        score(ONE, {"a_1": 3, "b_9": 3})
    assert caught.value.key == "error.diagnostic_unknown_item"
    assert caught.value.field == "b_9"
    assert "b_9" in caught.value.message("en") and "test" in caught.value.message("id")


def test_answers_must_be_a_mapping():
    with pytest.raises(InputError) as caught:
        score(ONE, [("a_1", 3)])
    assert caught.value.field == "answers"


# -- one planner: dimension scores --------------------------------------------------------------


def test_reverse_items_score_six_minus_the_answer():
    # a_3 is reverse: answers 5, 5, 1 score 5, 5, 5 -> mean 5 -> 100
    result = score(ONE, answers_for("a", 5, 5, 1))
    assert result.score_of("a") == 100.0
    # answers 1, 1, 5 score 1, 1, 1 -> 0
    assert score(ONE, answers_for("a", 1, 1, 5)).score_of("a") == 0.0
    # answers 4, 2, 2 score 4, 2, 4 -> mean 10/3 -> (10/3 - 1) / 4 x 100 = 58.33 -> 58.3
    assert score(ONE, answers_for("a", 4, 2, 2)).score_of("a") == 58.3


@pytest.mark.parametrize(
    ("size", "needed"), [(3, 2), (4, 3), (5, 4)]
)
def test_a_dimension_needs_two_thirds_of_its_items(size, needed):
    assert required_answers(size) == needed == math.ceil(2 * size / 3)
    instrument = make_instrument(("a", size, set(), 1.0))
    # one answer short of the edge: insufficient, no score, no index, no weakest link
    below = score(instrument, answers_for("a", *([4] * (needed - 1))))
    dim = below.dimension("a")
    assert (dim.score, dim.sufficient, dim.answered, dim.items) == (None, False, needed - 1, size)
    assert dim.band is None
    assert (below.index, below.band, below.weakest) == (None, None, ())
    assert below.insufficient == ("a",)
    # exactly at the edge: scored on the answered items only; 4s give (4 - 1) / 4 = 75
    at = score(instrument, answers_for("a", *([4] * needed)))
    assert at.score_of("a") == 75.0 and at.dimension("a").sufficient
    assert (at.index, at.band, at.weakest) == (75.0, "ready", ("a",))
    assert (at.answered, at.total) == (needed, size)


def test_missing_answers_are_left_out_of_the_mean_not_counted_as_zero():
    instrument = make_instrument(("a", 5, {2}, 1.0))
    # a_2 reverse; answers 5, 1, -, 3, 4 -> scores 5, 5, 3, 4 = 17 over 4 -> (17/4 - 1) x 25
    # = 81.25 -> 81.3
    assert score(instrument, answers_for("a", 5, 1, None, 3, 4)).score_of("a") == 81.3


# -- rounding half up, exactly ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "shown"),
    [
        ((4, 4, 3, 3), 62.5),  # sum 14 over 4: (14 - 4) x 25 / 4 = 62.5 exactly
        ((4, 4, 3, 2), 56.3),  # 56.25: round(56.25, 1) == 56.2 in binary floats
        ((4, 4, 4, 2), 62.5),
        ((5, 5, 5, 2), 81.3),  # 81.25: round(81.25, 1) == 81.2
        ((2, 2, 2, 1), 18.8),  # 18.75 -> 18.8 (round() agrees here, by luck of binary)
        ((3, 3, 3, 2), 43.8),  # 43.75 -> 43.8
        ((2, 1, 1, 1), 6.3),  # 6.25 -> 6.3
        ((2, 2, 1, None), 16.7),  # 3 items: sum 5: (5 - 3) x 25 / 3 = 16.67 -> 16.7
        ((2, 1, 1, None), 8.3),  # 8.33 -> 8.3
        ((3, 3, 2, None), 41.7),  # 41.67 -> 41.7
    ],
)
def test_dimension_scores_round_half_up_to_one_decimal(values, shown):
    instrument = make_instrument(("a", 4, set(), 1.0))
    result = score(instrument, answers_for("a", *values))
    assert result.score_of("a") == shown
    assert result.index == shown


def test_binary_rounding_would_get_these_wrong():
    # the cases above are genuine: Python's round() on floats gives the other answer
    assert round(56.25, 1) == 56.2 and round(81.25, 1) == 81.2 and round(6.25, 1) == 6.2


def test_the_index_uses_the_exact_dimension_scores_rounded_once():
    instrument = make_instrument(("a", 4, set(), 1.0), ("b", 4, set(), 1.0))
    # a = 56.25 (shown 56.3), b = 43.75 (shown 43.8); exact mean 50.0, not (56.3+43.8)/2=50.05
    result = score(instrument, {**answers_for("a", 4, 4, 3, 2), **answers_for("b", 3, 3, 3, 2)})
    assert (result.score_of("a"), result.score_of("b")) == (56.3, 43.8)
    assert result.index == 50.0 and result.band == "developing"
    # a = b = 56.25: the index 56.25 itself rounds half up to 56.3
    both = score(instrument, {**answers_for("a", 4, 4, 3, 2), **answers_for("b", 4, 4, 3, 2)})
    assert both.index == 56.3


# -- weights, bands and the index edge ----------------------------------------------------------

FIVES = ("five", 5, set(), 1.0)


def weighted(w_high: float, w_low: float) -> Instrument:
    return make_instrument(("high", 5, set(), w_high), ("low", 5, set(), w_low))


# 5 items: score = (sum - 5) x 5; 70 = sum 19 (4,4,4,4,3), 65 = sum 18 (4,4,4,3,3)
HIGH_70 = answers_for("high", 4, 4, 4, 4, 3)
LOW_65 = answers_for("low", 4, 4, 4, 3, 3)


def test_weights_enter_the_index():
    instrument = make_instrument(("a", 4, set(), 3.0), ("b", 4, set(), 1.0))
    # a: (4,4,4,4) -> 75; b: (2,2,2,2) -> 25; index (3 x 75 + 1 x 25) / 4 = 62.5
    result = score(instrument, {**answers_for("a", 4, 4, 4, 4), **answers_for("b", 2, 2, 2, 2)})
    assert (result.score_of("a"), result.score_of("b"), result.index) == (75.0, 25.0, 62.5)
    assert result.band == "developing"
    assert result.band_of_dimension("a") == "ready"
    assert result.band_of_dimension("b") == "at_risk"


def test_an_index_of_exactly_70_is_ready():
    result = score(weighted(1.0, 1.0), {**HIGH_70, **answers_for("low", 4, 4, 4, 4, 3)})
    assert (result.index, result.band) == (70.0, "ready")


def test_an_index_of_69_95_rounds_to_70_and_is_ready():
    # high 85 (5,5,4,4,4: (22 - 5) x 5), low 50 (3,3,3,3,3), weights 0.57 and 0.43:
    # 0.57 x 85 + 0.43 x 50 = 48.45 + 21.5 = 69.95 exactly -> 70.0, ready. Binary floats
    # give 69.94999999999999, which round() shows as 69.9 (developing).
    naive = (0.57 * 85 + 0.43 * 50) / (0.57 + 0.43)
    assert naive < 69.95 and round(naive, 1) == 69.9
    answers = {**answers_for("high", 5, 5, 4, 4, 4), **answers_for("low", 3, 3, 3, 3, 3)}
    result = score(weighted(0.57, 0.43), answers)
    assert (result.score_of("high"), result.score_of("low")) == (85.0, 50.0)
    assert (result.index, result.band) == (70.0, "ready")
    assert score_frame(weighted(0.57, 0.43), pd.DataFrame([answers])).loc[0, "index"] == 70.0
    # and with weights 0.99, 0.01 on 70 and 65
    result = score(weighted(0.99, 0.01), {**HIGH_70, **LOW_65})
    assert (result.index, result.band) == (70.0, "ready")


def test_an_index_of_69_94_is_developing():
    # (0.988 x 70 + 0.012 x 65) / 1 = 69.94 -> 69.9
    result = score(weighted(0.988, 0.012), {**HIGH_70, **LOW_65})
    assert (result.index, result.band) == (69.9, "developing")


def test_band_for_thresholds():
    instrument = make_instrument(FIVES)
    cases = {0: "at_risk", 49.9: "at_risk", 50: "developing", 69.9: "developing",
             70: "ready", 100: "ready"}
    for value, band in cases.items():
        assert band_for(instrument, value) == band
    custom = make_instrument(FIVES, bands=(("low", 0), ("mid", 33.3), ("high", 66.7)))
    assert [band_for(custom, v) for v in (33.2, 33.3, 66.6, 66.7)] == ["low", "mid", "mid", "high"]


def test_a_dimension_exactly_at_50_is_developing():
    instrument = make_instrument(("a", 4, set(), 1.0))
    result = score(instrument, answers_for("a", 3, 3, 3, 3))
    assert (result.score_of("a"), result.band_of_dimension("a")) == (50.0, "developing")


def nine_dimensions() -> Instrument:
    return make_instrument(*[(f"d{i}", 4, {4}, 1.0) for i in range(1, 10)])


@pytest.mark.parametrize(("scored", "has_index"), [(9, True), (8, True), (7, False), (0, False)])
def test_the_index_needs_80_percent_of_the_dimensions(scored, has_index):
    # 9 dimensions: 8 scored = 88.9% >= 80%; 7 scored = 77.8% < 80%
    answers = {}
    for i in range(1, scored + 1):
        answers |= answers_for(f"d{i}", 4, 4, 4, 2)  # reverse d_4: 2 -> 4; score 75
    result = score(nine_dimensions(), answers)
    assert len(result.scored) == scored
    assert (result.index is not None) is has_index
    assert result.index == (75.0 if has_index else None)
    assert result.band == ("ready" if has_index else None)


def test_80_percent_exactly_is_enough():
    instrument = make_instrument(*[(f"d{i}", 3, set(), 1.0) for i in range(1, 6)])
    four = {k: v for i in range(1, 5) for k, v in answers_for(f"d{i}", 3, 3, 3).items()}
    assert score(instrument, four).index == 50.0  # 4 of 5 = 80%
    three = {k: v for i in range(1, 4) for k, v in answers_for(f"d{i}", 3, 3, 3).items()}
    assert score(instrument, three).index is None


def test_the_index_weights_only_the_scored_dimensions():
    instrument = make_instrument(*[(f"d{i}", 3, set(), float(i)) for i in range(1, 6)])
    answers = {k: v for i in range(1, 5) for k, v in answers_for(f"d{i}", i, i, i).items()}
    # d1..d4 score 0, 25, 50, 75 with weights 1..4; d5 insufficient (weight 5 left out):
    # (0 + 2 x 25 + 3 x 50 + 4 x 75) / 10 = 50.0
    assert score(instrument, answers).index == 50.0


# -- the weakest link -------------------------------------------------------------------------


def test_the_weakest_link_is_the_lowest_scored_dimension():
    instrument = make_instrument(("a", 3, set(), 1.0), ("b", 3, set(), 1.0),
                                 ("c", 3, set(), 1.0))
    result = score(instrument, {**answers_for("a", 4, 4, 4), **answers_for("b", 2, 3, 3),
                                **answers_for("c", 1, 1, None)})
    # c: 2 of 3 answered -> scored, 0.0, the weakest
    assert result.weakest == ("c",)


def test_ties_give_every_weakest_dimension_in_order():
    instrument = make_instrument(("a", 3, set(), 1.0), ("b", 4, set(), 1.0),
                                 ("c", 3, set(), 1.0))
    # a and c: 3,3,2 -> 41.7; b: 4 items 3,3,3,2 -> 43.75 -> 43.8
    result = score(instrument, {**answers_for("a", 3, 3, 2), **answers_for("b", 3, 3, 3, 2),
                                **answers_for("c", 2, 3, 3)})
    assert result.weakest == ("a", "c")


def test_ties_across_dimensions_of_different_sizes():
    # a: 3 items 4,4,3 -> (11 - 3) x 25 / 3 = 66.67 -> 66.7; b: 4 items, 3 answered 4,4,3 ->
    # the same exact value -> a tie. Dimension scores are multiples of 25/n (n = 2..5
    # answers), so two different exact scores differ by at least 25/20 = 1.25 and never show
    # the same rounded value: a tie on the shown scores is a tie on the exact ones.
    instrument = make_instrument(("a", 3, set(), 1.0), ("b", 4, set(), 1.0),
                                 ("c", 5, set(), 1.0))
    r = score(instrument, {**answers_for("a", 4, 4, 3), **answers_for("b", 4, 4, 3, None),
                           **answers_for("c", 5, 5, 5, 5, 5)})
    assert (r.score_of("a"), r.score_of("b"), r.weakest) == (66.7, 66.7, ("a", "b"))


def test_an_insufficient_dimension_is_never_the_weakest_link():
    instrument = make_instrument(("a", 3, set(), 1.0), ("b", 3, set(), 1.0))
    r = score(instrument, {**answers_for("a", 5, 5, 5), "b_1": 1})
    assert r.weakest == ("a",) and r.score_of("b") is None


# -- recommendations -------------------------------------------------------------------------


def test_recommendations_weakest_first_then_the_lowest_band_each_for_its_own_band():
    instrument = make_instrument(*[(d, 3, set(), 1.0) for d in ("a", "b", "c", "d")])
    answers = {**answers_for("a", 2, 2, 2),  # 25.0 at_risk
               **answers_for("b", 1, 1, 2),  # 8.3 at_risk, the weakest
               **answers_for("c", 3, 3, 3),  # 50.0 developing
               **answers_for("d", 5, 5, 5)}  # 100 ready
    result = score(instrument, answers)
    chosen = recommendations(instrument, result)
    assert [(d, rec.text.en) for d, rec in chosen] == [
        ("b", "b at_risk 1"), ("b", "b at_risk 2"), ("a", "a at_risk 1"), ("a", "a at_risk 2"),
    ]


def test_recommendations_for_a_weakest_dimension_follow_its_own_band():
    instrument = make_instrument(("a", 3, set(), 1.0), ("b", 3, set(), 1.0))
    result = score(instrument, {**answers_for("a", 4, 4, 4), **answers_for("b", 5, 5, 5)})
    chosen = recommendations(instrument, result)
    assert [(d, rec.text.en) for d, rec in chosen] == [("a", "a ready 1"), ("a", "a ready 2")]
    assert recommendations(instrument, score(instrument, {})) == []


def test_result_helpers():
    result = score(ONE, answers_for("a", 3, 3, None))
    assert isinstance(result, DiagnosticResult)
    assert result.dimensions == (DimensionScore("a", 50.0, 2, 3, "developing"),)
    assert (result.answered, result.total, result.scored, result.sufficient) == (
        2, 3, ("a",), True)
    with pytest.raises(KeyError):
        result.score_of("zz")
    with pytest.raises(AttributeError):
        result.index = 1.0  # frozen


def test_importing_the_module_does_not_import_pandas_or_numpy():
    code = ("import sys, totkit.diagnostic; "
            "print(sorted(m for m in ('pandas', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


# -- a cohort -------------------------------------------------------------------------------

MIXED = make_instrument(
    ("three", 3, {2}, 1.0), ("four", 4, {1, 4}, 0.5), ("five", 5, {3}, 2.25),
    ("other", 3, set(), 0.1), ("last", 4, {2}, 1.3),
)


def random_answers(instrument: Instrument, rows: int, seed: int,
                   missing: float = 0.25) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    items = list(instrument.items)
    values = rng.integers(1, 6, size=(rows, len(items))).astype(float)
    values[rng.random(values.shape) < missing] = np.nan
    return pd.DataFrame(values, columns=items, index=[f"r{i}" for i in range(rows)])


def row_of(result: DiagnosticResult) -> dict:
    row = {d.id: d.score for d in result.dimensions}
    row.update(index=result.index, band=result.band, weakest=";".join(result.weakest))
    return row


def same(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)) or a is pd.NA:
        return b is None or pd.isna(b)
    return a == b


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_score_frame_equals_score_row_by_row(seed):
    frame = random_answers(MIXED, 600, seed)
    scored = score_frame(MIXED, frame)
    assert list(scored.columns) == [*[d.id for d in MIXED.dimensions], "index", "band",
                                    "weakest"]
    assert list(scored.index) == list(frame.index)
    # the data reach every case: insufficient dimensions, no index, ties, all bands
    assert scored["index"].isna().any() and scored["index"].notna().any()
    assert scored["weakest"].str.contains(";").any()
    assert set(scored["band"].dropna()) == {"at_risk", "developing", "ready"}
    for label, answers in frame.iterrows():
        expected = row_of(score(MIXED, answers.dropna().to_dict()))
        got = scored.loc[label].to_dict()
        for key, value in expected.items():
            assert same(value, got[key]), (label, key, value, got[key])


def test_score_frame_matches_the_hand_computed_edges():
    instrument = weighted(0.99, 0.01)
    frame = pd.DataFrame([{**HIGH_70, **LOW_65}])
    assert score_frame(instrument, frame).loc[0, "index"] == 70.0
    assert score_frame(weighted(0.988, 0.012), frame).loc[0, "band"] == "developing"
    four = make_instrument(("a", 4, set(), 1.0), ("b", 4, set(), 1.0))
    frame = pd.DataFrame([{**answers_for("a", 4, 4, 3, 2), **answers_for("b", 3, 3, 3, 2)}])
    row = score_frame(four, frame).loc[0]
    assert (row["a"], row["b"], row["index"], row["band"], row["weakest"]) == (
        56.3, 43.8, 50.0, "developing", "b")


def test_score_frame_with_many_decimal_weights_stays_exact():
    # weights whose common denominator overflows int64 take the exact object path
    instrument = make_instrument(("a", 3, set(), 1e-17), ("b", 4, {2}, 0.3333333333333333),
                                 ("c", 5, set(), 7.0))
    frame = random_answers(instrument, 200, 7, missing=0.1)
    scored = score_frame(instrument, frame)
    for label, answers in frame.iterrows():
        expected = score(instrument, answers.dropna().to_dict())
        assert same(expected.index, scored.loc[label, "index"])


def test_score_frame_accepts_text_and_nullable_columns():
    frame = pd.DataFrame({"a_1": ["1", "5", None], "a_2": pd.array([5, None, 2], dtype="Int64"),
                          "a_3": [1.0, 2.0, 3.0]})
    scored = score_frame(ONE, frame)
    # row 0: 1, 5, 1(reverse -> 5) = 11 -> (11-3) x 25/3 = 66.7
    assert scored["a"].tolist()[0] == 66.7
    assert scored["a"].tolist()[1] == score(ONE, {"a_1": 5, "a_3": 2}).score_of("a")
    assert scored["a"].tolist()[2] == score(ONE, {"a_2": 2, "a_3": 3}).score_of("a")


@pytest.mark.parametrize("bad", [0, 6, 2.5, "abc", True])
def test_score_frame_refuses_a_bad_cell_naming_the_item_and_row(bad):
    frame = pd.DataFrame({"a_1": [3, 3], "a_2": [4, bad]}, index=["ani", "budi"])
    with pytest.raises(InputError) as caught:
        score_frame(ONE, frame)
    error = caught.value
    assert error.key == "error.diagnostic_answer_row"
    assert (error.field, error.params["row"]) == ("a_2", "budi")
    assert "budi" in error.message("en") and "a_2" in error.message("id")


def test_score_frame_refuses_an_unknown_column():
    with pytest.raises(InputError) as caught:
        score_frame(ONE, pd.DataFrame({"a_1": [3], "institution": ["SDN 1"]}))
    assert (caught.value.key, caught.value.field) == ("error.diagnostic_unknown_item",
                                                      "institution")


def test_score_frame_on_an_empty_frame():
    scored = score_frame(ONE, pd.DataFrame(columns=["a_1", "a_2"], dtype=float))
    assert len(scored) == 0 and list(scored.columns) == ["a", "index", "band", "weakest"]


# -- Cronbach's alpha -----------------------------------------------------------------------


def test_alpha_on_a_hand_computed_example():
    # k = 3 items, 4 complete respondents (the fifth has a gap and is left out, listwise):
    #            i1 i2 i3 | total
    #     r1      2  3  3 |   8
    #     r2      3  3  4 |  10
    #     r3      4  5  4 |  13
    #     r4      5  5  5 |  15
    # item means 3.5, 4, 4; squared deviations 2.25+.25+.25+2.25 = 5, 1+1+1+1 = 4,
    # 1+0+0+1 = 2; sample variances (n - 1 = 3): 5/3, 4/3, 2/3; sum 11/3.
    # total mean 11.5; squared deviations 12.25+2.25+2.25+12.25 = 29; variance 29/3.
    # alpha = 3/2 x (1 - (11/3) / (29/3)) = 3/2 x 18/29 = 27/29 = 0.931034...
    items = pd.DataFrame({"i1": [2, 3, 4, 5, 1], "i2": [3, 3, 5, 5, np.nan],
                          "i3": [3, 4, 4, 5, 2]})
    assert cronbach_alpha(items) == pytest.approx(27 / 29, abs=1e-12)
    assert float(Fraction(27, 29)) == pytest.approx(0.9310344827586207)


def test_alpha_is_none_with_too_few_cases_or_no_variance():
    assert cronbach_alpha(pd.DataFrame({"i1": [1, 2], "i2": [2, 3]})) is None
    assert cronbach_alpha(pd.DataFrame({"i1": [1, 2, np.nan], "i2": [2, 3, 4]})) is None
    assert cronbach_alpha(pd.DataFrame({"i1": [1, 2, 3], "i2": [3, 2, 1]})) is None  # total 4
    assert cronbach_alpha(pd.DataFrame({"i1": [1, 2, 3]})) is None  # one item


def alpha_by_covariance(items: pd.DataFrame) -> float:
    """An independent formula: alpha = k/(k-1) x (1 - trace(C) / sum(C))."""
    data = items.dropna().to_numpy(dtype=float)
    covariance = np.cov(data, rowvar=False)
    k = data.shape[1]
    return k / (k - 1) * (1 - np.trace(covariance) / covariance.sum())


@pytest.mark.parametrize("seed", range(5))
def test_alpha_agrees_with_the_covariance_formula(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 7))
    latent = rng.normal(size=(80, 1))
    data = np.clip(np.rint(3 + latent + rng.normal(scale=1.0, size=(80, k))), 1, 5)
    data[rng.random(data.shape) < 0.1] = np.nan
    items = pd.DataFrame(data)
    assert cronbach_alpha(items) == pytest.approx(alpha_by_covariance(items), rel=1e-12)


# -- cohort and group summaries ---------------------------------------------------------------


def test_cohort_summary_per_dimension():
    instrument = make_instrument(("a", 3, {3}, 1.0), ("b", 3, set(), 1.0))
    frame = pd.DataFrame(
        [  # a: items a_1, a_2, a_3 (reverse); b: b_1..b_3
            [2, 3, 3, 1, 1, np.nan],  # a: 2,3,3 (3 reversed) -> (8-3) x 25/3 = 41.7
            [3, 3, 2, 1, np.nan, np.nan],  # a: 3,3,4 -> 58.3; b insufficient
            [4, 5, 2, 3, 3, 3],  # a: 4,5,4 -> 83.3; b 50
            [5, 5, 1, 5, 5, 5],  # a: 5,5,5 -> 100; b 100
            [1, np.nan, 4, 2, 2, 2],  # a: 1,-,2 -> 12.5; not a complete case; b 25
        ],
        columns=["a_1", "a_2", "a_3", "b_1", "b_2", "b_3"],
    )
    summary = cohort_summary(instrument, frame)
    a = summary.loc["a"]
    assert a["n"] == 5
    assert a["mean"] == pytest.approx((41.7 + 58.3 + 83.3 + 100 + 12.5) / 5)
    assert (a["median"], a["q1"], a["q3"]) == (58.3, 41.7, 83.3)
    # the reversed complete cases of a are the textbook example above: alpha = 27/29
    assert a["alpha"] == pytest.approx(27 / 29) and a["n_alpha"] == 4
    assert not a["alpha_low"]
    b = summary.loc["b"]
    assert b["n"] == 4 and b["n_alpha"] == 3 and b["mean"] == pytest.approx(
        (0 + 50 + 100 + 25) / 4)  # row 0: b_1, b_2 = 1, 1 -> 0
    assert b["alpha"] == pytest.approx(1.0)
    assert list(summary.columns) == ["n", "mean", "median", "q1", "q3", "alpha", "n_alpha",
                                     "alpha_low"]


def test_cohort_summary_flags_a_low_alpha_and_a_missing_one():
    frame = random_answers(MIXED, 300, 0, missing=0.0)  # independent noise: alpha near 0
    frame.loc[frame.index[3:], ["other_1"]] = np.nan  # 'other' has 3 complete cases ...
    frame.loc[frame.index[:3], ["other_1", "other_2", "other_3"]] = 3.0  # ... all equal
    summary = cohort_summary(MIXED, frame)
    assert summary.loc["three", "alpha_low"]
    assert summary.loc["other", "n_alpha"] == 3
    assert pd.isna(summary.loc["other", "alpha"]) and pd.isna(summary.loc["other", "alpha_low"])


def test_group_summary_hides_small_groups():
    instrument = make_instrument(("a", 3, set(), 1.0))
    rows = {  # a score per respondent: answers v, v, v -> (v - 1) x 25
        "r1": 1, "r2": 2, "r3": 3, "r4": 5,  # SDN 1: 0, 25, 50, 100
        "r5": 4, "r6": 4,  # SDN 2: two respondents -> hidden
        "r7": 2,  # SMP 3: one -> hidden
        "r8": 3,  # no institution
    }
    frame = pd.DataFrame({f"a_{n}": rows for n in (1, 2, 3)}).astype(float)
    groups = pd.Series({"r1": "SDN 1", "r2": "SDN 1", "r3": "SDN 1", "r4": "SDN 1",
                        "r5": "SDN 2", "r6": "SDN 2", "r7": "SMP 3", "r8": None},
                       name="institution")
    summary = group_summary(instrument, frame, groups)
    assert list(summary.index) == ["SDN 1"] and summary.index.name == "institution"
    assert summary.loc["SDN 1", "n"] == 4
    assert summary.loc["SDN 1", "a_mean"] == pytest.approx(43.75)
    assert summary.loc["SDN 1", "a_median"] == pytest.approx(37.5)
    assert summary.loc["SDN 1", "index_mean"] == pytest.approx(43.75)
    assert summary.attrs["hidden_groups"] == 2
    assert summary.attrs["ungrouped"] == 1
    shown_all = group_summary(instrument, frame, groups, min_size=1)
    assert list(shown_all.index) == ["SDN 1", "SDN 2", "SMP 3"]
    assert shown_all.attrs["hidden_groups"] == 0


def test_group_summary_leaves_out_a_figure_resting_on_too_few_scores():
    instrument = make_instrument(("a", 3, set(), 1.0), ("b", 3, set(), 1.0))
    frame = pd.DataFrame({"a_1": [3, 3, 3], "a_2": [3, 3, 3], "a_3": [3, 3, 3],
                          "b_1": [4, 4, np.nan], "b_2": [4, np.nan, np.nan],
                          "b_3": [4, np.nan, np.nan]}, dtype=float)
    summary = group_summary(instrument, frame, ["x", "x", "x"])
    assert summary.loc["x", "n"] == 3 and summary.loc["x", "a_mean"] == 50.0
    assert pd.isna(summary.loc["x", "b_mean"]) and pd.isna(summary.loc["x", "b_median"])
    with pytest.raises(ValueError):
        group_summary(instrument, frame, ["x", "x", "x"], min_size=0)
