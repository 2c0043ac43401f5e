"""Scoring the readiness diagnostic: one planner (``score``) or a cohort (``score_frame``).

Pure functions on an ``Instrument`` (``totkit.instrument``): no widgets, no plots. Scoring
one planner uses plain Python only; numpy and pandas are imported inside the cohort
functions, so ``import totkit.diagnostic`` stays cheap.

The rules
---------
* An answer is a whole number from 1 to 5 (an int, an integral float such as ``3.0``, or a
  digit string such as ``"3"`` from a form). ``None``, NaN and a blank string mean "not
  answered". Anything else (0, 6, 2.5, ``"abc"``, ``True``) or an id that is not an item of
  the instrument is refused with an ``InputError`` whose ``field`` is the item id.
* A reverse item scores ``6 - answer`` (``Item.score``).
* A dimension of *k* items is scored when at least ``ceil(2k/3)`` of them are answered
  (2 of 3, 3 of 4, 4 of 5); its score is ``(mean item score - 1) / 4 x 100``, from 0 to 100.
  Otherwise it is *insufficient* and has no score.
* The readiness index is the mean of the scored dimensions weighted by ``Dimension.weight``,
  given at least 80% of the dimensions (by count) are scored; otherwise there is none.
* Every score shown is rounded to one decimal, half up, exactly (integer and ``Fraction``
  arithmetic, never binary floats: 56.25 shows as 56.3 and an index of 69.95 as 70.0).
  Bands, ties and the weakest link are decided on those rounded values, so what a planner
  sees always agrees with the band beside it.
* **The index is computed from the exact (unrounded) dimension scores and rounded once.**
  Rounding the dimension scores first and then the weighted mean would round twice, and the
  first rounding's errors could push the index over a band threshold: dimension scores of
  56.25 and 43.75 average exactly 50.0, while their shown values 56.3 and 43.8 would give
  50.05, shown as 50.1. So the index can differ by up to 0.05 from the weighted mean of the
  shown dimension scores; it is the faithful figure and the band follows it.
* A value gets the band with the highest ``lower`` (``from``) threshold it reaches.
* The weakest link is the lowest-scoring scored dimension, all of them on a tie, in the
  instrument's order; an insufficient dimension is never the weakest link.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import reduce
from typing import TYPE_CHECKING, Any

from totkit.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from totkit.instrument import Dimension, Instrument, Recommendation

SCALE_MIN, SCALE_MAX = 1, 5
INDEX_SHARE = Fraction(4, 5)  # share of the dimensions (by count) the index needs
ALPHA_LOW = 0.7  # a dimension's Cronbach's alpha below this is flagged
WEAKEST_SEPARATOR = ";"
_DIGITS = re.compile(r"[0-9]+")
_INVALID = object()


# -- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DimensionScore:
    """One dimension of one planner: its rounded score (``None`` when insufficient)."""

    id: str
    score: float | None
    answered: int
    items: int
    band: str | None = None

    @property
    def sufficient(self) -> bool:
        return self.score is not None


@dataclass(frozen=True)
class DiagnosticResult:
    """One planner's diagnostic: dimension scores, the index, its band and the weakest link."""

    dimensions: tuple[DimensionScore, ...]
    index: float | None
    band: str | None
    weakest: tuple[str, ...]

    def dimension(self, dim_id: str) -> DimensionScore:
        for dimension in self.dimensions:
            if dimension.id == dim_id:
                return dimension
        raise KeyError(dim_id)

    def score_of(self, dim_id: str) -> float | None:
        return self.dimension(dim_id).score

    def band_of_dimension(self, dim_id: str) -> str | None:
        """The dimension's own band (from its own score), to pick its recommendations."""
        return self.dimension(dim_id).band

    @property
    def answered(self) -> int:
        return sum(dimension.answered for dimension in self.dimensions)

    @property
    def total(self) -> int:
        return sum(dimension.items for dimension in self.dimensions)

    @property
    def scored(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.dimensions if d.sufficient)

    @property
    def insufficient(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.dimensions if not d.sufficient)

    @property
    def sufficient(self) -> bool:
        """Whether enough dimensions are scored for an index."""
        return self.index is not None


# -- answers -----------------------------------------------------------------------------------


def _to_answer(value: Any) -> int | object | None:
    """An answer as an int 1..5, ``None`` when unanswered, ``_INVALID`` otherwise."""
    if value is None:
        return None
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return _INVALID
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if not _DIGITS.fullmatch(text):
            return _INVALID
        answer = int(text)
    elif isinstance(value, numbers.Integral):
        answer = int(value)
    elif isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number):
            return None
        if not number.is_integer():
            return _INVALID
        answer = int(number)
    elif type(value).__name__ == "NAType":  # pandas.NA
        return None
    else:
        return _INVALID
    return answer if SCALE_MIN <= answer <= SCALE_MAX else _INVALID


def _shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return text if len(text) <= 20 else text[:19] + "…"


def _item_numbers(instrument: Instrument) -> dict[str, int]:
    return {item_id: number for number, item_id in enumerate(instrument.items, start=1)}


def _unknown_item(instrument: Instrument, item_id: Any) -> InputError:
    return InputError(
        "error.diagnostic_unknown_item", field=str(item_id), instrument=instrument.id
    )


def validate_answers(instrument: Instrument, answers: Mapping[str, Any]) -> dict[str, int]:
    """The answers as ``{item id: 1..5}``, unanswered ones left out; refuse anything else.

    ``InputError`` names the item (``field`` = its id, ``number`` = its position in the
    instrument) and says the fix.
    """
    if not isinstance(answers, Mapping):
        raise InputError("error.diagnostic_answers", field="answers")
    items = instrument.items
    valid: dict[str, int] = {}
    numbers_ = None
    for item_id, value in answers.items():
        if item_id not in items:
            raise _unknown_item(instrument, item_id)
        answer = _to_answer(value)
        if answer is _INVALID:
            numbers_ = numbers_ or _item_numbers(instrument)
            raise InputError(
                "error.diagnostic_answer", field=item_id, number=numbers_[item_id],
                value=_shown(value),
            )
        if answer is not None:
            valid[item_id] = answer  # type: ignore[assignment]
    return valid


# -- one planner ----------------------------------------------------------------------------


def required_answers(items: int) -> int:
    """How many of a dimension's ``items`` must be answered for a score: ceil(2k/3)."""
    return (2 * items + 2) // 3


def _tenths_half_up(value: Fraction) -> int:
    """``value`` x 10 rounded half up (towards +inf on a tie), exactly."""
    return math.floor(value * 10 + Fraction(1, 2))


def _sorted_bands(instrument: Instrument) -> list:
    return sorted(instrument.bands, key=lambda band: band.lower)


def band_for(instrument: Instrument, value: float) -> str:
    """The id of the band ``value`` falls in: the highest ``lower`` it reaches."""
    bands = _sorted_bands(instrument)
    chosen = bands[0]
    for band in bands:
        if value >= band.lower:
            chosen = band
    return chosen.id


def _weight(dimension: Dimension) -> Fraction:
    return Fraction(str(dimension.weight))


def _index_ready(scored: int, dimensions: int) -> bool:
    return scored >= INDEX_SHARE * dimensions


def score(instrument: Instrument, answers: Mapping[str, Any]) -> DiagnosticResult:
    """Score one planner's answers (see the module docstring for the rules)."""
    valid = validate_answers(instrument, answers)
    scores: list[DimensionScore] = []
    exact: list[tuple[Fraction, Fraction]] = []  # (weight, exact score) of scored dimensions
    for dimension in instrument.dimensions:
        given = [item.score(valid[item.id]) for item in dimension.items if item.id in valid]
        n, k = len(given), len(dimension.items)
        if n and n >= required_answers(k):
            value = Fraction(25 * (sum(given) - n), n)
            shown = _tenths_half_up(value) / 10
            exact.append((_weight(dimension), value))
            scores.append(DimensionScore(dimension.id, shown, n, k, band_for(instrument, shown)))
        else:
            scores.append(DimensionScore(dimension.id, None, n, k, None))
    index = band = None
    if exact and _index_ready(len(exact), len(scores)):
        mean = sum(w * v for w, v in exact) / sum(w for w, _ in exact)
        index = _tenths_half_up(mean) / 10
        band = band_for(instrument, index)
    scored = [d for d in scores if d.score is not None]
    lowest = min((d.score for d in scored), default=None)
    weakest = tuple(d.id for d in scored if d.score == lowest)
    return DiagnosticResult(tuple(scores), index, band, weakest)


def recommendations(
    instrument: Instrument, result: DiagnosticResult
) -> list[tuple[str, Recommendation]]:
    """``(dimension id, recommendation)`` pairs to show, most urgent first.

    The weakest dimensions first, then the other dimensions whose own band is the
    instrument's lowest band, in the instrument's order; each dimension with the
    recommendations for its own band.
    """
    lowest = _sorted_bands(instrument)[0].id
    order = list(result.weakest)
    order += [
        d.id for d in result.dimensions
        if d.band == lowest and d.id not in result.weakest
    ]
    by_id = {dimension.id: dimension for dimension in instrument.dimensions}
    chosen: list[tuple[str, Recommendation]] = []
    for dim_id in order:
        band = result.band_of_dimension(dim_id)
        chosen += [(dim_id, rec) for rec in by_id[dim_id].recommendations[band]]
    return chosen


# -- a cohort -------------------------------------------------------------------------------


def _answer_matrix(instrument: Instrument, answers: pd.DataFrame) -> np.ndarray:
    """The answers as floats (rows x the instrument's items, in its order), NaN unanswered.

    Columns missing from ``answers`` are unanswered; a column that is not an item of the
    instrument, or a cell that is not an answer 1..5, is refused (``InputError`` with the
    item as ``field`` and the respondent's ``row``).
    """
    import numpy as np
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    position = {item_id: j for j, item_id in enumerate(instrument.items)}
    for column in answers.columns:
        if column not in position:
            raise _unknown_item(instrument, column)
    matrix = None
    if answers.columns.is_unique and all(
        is_numeric_dtype(dtype) and not is_bool_dtype(dtype) for dtype in answers.dtypes
    ):
        try:  # the usual case (a CSV of numbers): one conversion of the whole frame
            raw = answers.to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError):
            raw = None
        if raw is not None and list(answers.columns) == list(position):
            matrix = raw
        elif raw is not None:
            matrix = np.full((len(answers), len(position)), np.nan)
            matrix[:, [position[column] for column in answers.columns]] = raw
    if matrix is None:
        matrix = _matrix_by_column(instrument, answers, position)
    with np.errstate(invalid="ignore"):
        bad = ~np.isnan(matrix) & (
            (matrix < SCALE_MIN) | (matrix > SCALE_MAX) | (matrix != np.floor(matrix))
        )
    if bad.any():
        r, j = np.argwhere(bad)[0]
        item_id = list(position)[j]
        raise _cell_error(instrument, answers, int(r), item_id, float(matrix[r, j]))
    return matrix


def _matrix_by_column(
    instrument: Instrument, answers: pd.DataFrame, position: dict[str, int]
) -> np.ndarray:
    """Column by column, for text from a form or a CSV, booleans and mixed objects."""
    import numpy as np
    import pandas as pd
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    matrix = np.full((len(answers), len(position)), np.nan)
    for i, column in enumerate(answers.columns):
        series = answers.iloc[:, i]
        values = None
        if is_numeric_dtype(series.dtype) and not is_bool_dtype(series.dtype):
            try:
                values = series.to_numpy(dtype=float, na_value=np.nan)
            except (TypeError, ValueError):
                values = None
        if values is None:
            missing = pd.isna(series).to_numpy()
            values = np.full(len(series), np.nan)
            for r, value in enumerate(series.to_numpy(dtype=object)):
                if missing[r]:
                    continue
                answer = _to_answer(value)
                if answer is _INVALID:
                    raise _cell_error(instrument, answers, r, column, value)
                values[r] = np.nan if answer is None else answer
        matrix[:, position[column]] = values
    return matrix


def _cell_error(
    instrument: Instrument, answers: pd.DataFrame, r: int, item_id: str, value: Any
) -> InputError:
    return InputError(
        "error.diagnostic_answer_row", field=str(item_id),
        number=_item_numbers(instrument)[item_id], row=_shown(answers.index[r]),
        value=_shown(value),
    )


@dataclass(frozen=True)
class _Plan:
    """What the vectorised scoring needs of an instrument, as arrays."""

    dimension_ids: list[str]
    starts: np.ndarray  # first column of each dimension (its items are contiguous)
    sizes: np.ndarray  # items per dimension
    required: np.ndarray  # ceil(2k/3)
    reverse: np.ndarray  # bool per item
    signed: np.ndarray  # items x dimensions: +1 an item of the dimension, -1 a reverse one
    sixes: np.ndarray  # items x dimensions: 6 for a reverse item of the dimension, else 0,
    # then 1 for every item of the dimension (the counts): answered @ sixes
    weights: list[int]  # integer weights in the ratio of the decimal weights
    lcm: int  # lcm(1..max items): lcm // n is an integer for every count n
    lowers: np.ndarray  # band thresholds, ascending
    band_ids: np.ndarray  # band ids, ascending, then None for "no band"


def _plan(instrument: Instrument) -> _Plan:
    import numpy as np

    sizes = [len(d.items) for d in instrument.dimensions]
    fractions = [_weight(d) for d in instrument.dimensions]
    common = reduce(math.lcm, (f.denominator for f in fractions), 1)
    bands = _sorted_bands(instrument)
    items = [(d, item) for d, dim in enumerate(instrument.dimensions) for item in dim.items]
    signed = np.zeros((len(items), len(sizes)))
    sixes = np.zeros((len(items), 2 * len(sizes)))
    for i, (d, item) in enumerate(items):
        signed[i, d] = -1.0 if item.reverse else 1.0
        sixes[i, d] = 6.0 if item.reverse else 0.0
        sixes[i, len(sizes) + d] = 1.0
    return _Plan(
        dimension_ids=[d.id for d in instrument.dimensions],
        starts=np.cumsum([0, *sizes[:-1]]),
        sizes=np.array(sizes),
        required=np.array([required_answers(k) for k in sizes]),
        reverse=np.array([item.reverse for _, item in items], dtype=bool),
        signed=signed,
        sixes=sixes,
        weights=[int(f * common) for f in fractions],
        lcm=reduce(math.lcm, range(1, max(sizes) + 1), 1),
        lowers=np.array([b.lower for b in bands], dtype=float),
        band_ids=np.array([b.id for b in bands] + [None], dtype=object),
    )


def _item_scores(plan: _Plan, matrix: np.ndarray) -> np.ndarray:
    """Item scores (reverse items turned round), NaN where unanswered."""
    import numpy as np

    return np.where(plan.reverse, 6.0 - matrix, matrix)


def _score_arrays(plan: _Plan, matrix: np.ndarray) -> dict[str, np.ndarray]:
    """Exact vectorised scoring of the answer matrix; the same arithmetic as ``score``,
    on integer arrays."""
    import numpy as np

    answered = np.isfinite(matrix)
    filled = np.where(answered, matrix, 0.0)
    # per dimension: sum of item scores = sum(+answer) + sum over reverse items (6 - answer),
    # and the count of answers; small integers, so the float products are exact
    tallies = answered.astype(float) @ plan.sixes
    count = len(plan.sizes)
    sums = np.rint(filled @ plan.signed + tallies[:, :count]).astype(np.int64)
    counts = np.rint(tallies[:, count:]).astype(np.int64)
    scored = counts >= plan.required  # required >= 2, so counts > 0 where scored
    safe = np.maximum(counts, 1)
    points = sums - counts  # sum of (score - 1), 0..4n
    # dimension score x 10, half up: floor((points * 250 / n) + 1/2)
    tenths = (points * 500 + safe) // (2 * safe)
    # exact index x 10, half up, over the scored dimensions with integer weights W:
    #   score_d = 25 * T_d / L with T_d = points_d * (L // n_d), an integer
    #   10 * index + 1/2 = (500 * sum W T + L * sum W) / (2 * L * sum W)
    bound = (2000 + 1) * plan.lcm * sum(plan.weights)
    dtype = np.int64 if bound < 2**62 else object
    weights = np.array(plan.weights, dtype=dtype)
    terms = (points * (plan.lcm // safe)).astype(dtype)
    kept = scored.astype(dtype)
    numerator = (terms * kept * weights).sum(axis=1)
    denominator = (kept * weights).sum(axis=1)
    n_scored = scored.sum(axis=1)
    has_index = n_scored * INDEX_SHARE.denominator >= INDEX_SHARE.numerator * len(plan.sizes)
    numerator = np.where(has_index, numerator, 0)
    safe_den = np.where(has_index, denominator, 1)
    index_tenths = (500 * numerator + plan.lcm * safe_den) // (2 * plan.lcm * safe_den)
    index = np.where(has_index, index_tenths.astype(np.int64) / 10, np.nan)
    dimension_scores = np.where(scored, tenths / 10, np.nan)
    # bands on the rounded values (value >= lower), and the weakest link on rounded tenths
    band = np.searchsorted(plan.lowers, np.where(has_index, index, 0.0), side="right") - 1
    band = np.where(has_index, band, len(plan.lowers))
    lowest = np.where(scored, tenths, np.iinfo(np.int64).max).min(axis=1, keepdims=True)
    weakest = scored & (tenths == lowest)
    return {
        "scores": dimension_scores,
        "index": index,
        "band": plan.band_ids[band],
        "weakest": weakest,
        "counts": counts,
    }


def _joined(plan: _Plan, mask: np.ndarray) -> np.ndarray:
    """Each row's flagged dimension ids, joined with ``;`` ("" when none)."""
    import numpy as np

    count = mask.shape[1]
    if count <= 62:
        codes = mask.astype(np.int64) @ (np.int64(1) << np.arange(count, dtype=np.int64))
        unique, inverse = np.unique(codes, return_inverse=True)
        labels = np.array(
            [
                WEAKEST_SEPARATOR.join(d for b, d in enumerate(plan.dimension_ids) if code >> b & 1)
                for code in unique.tolist()
            ],
            dtype=object,
        )
        return labels[inverse.reshape(-1)]
    return np.array(
        [WEAKEST_SEPARATOR.join(np.array(plan.dimension_ids)[row]) for row in mask], dtype=object
    )


def score_frame(instrument: Instrument, answers: pd.DataFrame) -> pd.DataFrame:
    """Score a cohort: ``answers`` has a row per respondent and a column per item id.

    NaN (or an absent column) means unanswered. Returns, on the same index, one column per
    dimension (its rounded score, NaN when insufficient), ``index`` (NaN when there is
    none), ``band`` (missing when there is no index) and ``weakest`` (the weakest
    dimensions' ids joined with ``;``, empty when no dimension is scored). Row by row it
    equals ``score``; a value that ``score`` refuses is refused here, naming the item and
    the row. A dimension must not be called ``index``, ``band`` or ``weakest``.
    """
    import pandas as pd

    plan = _plan(instrument)
    arrays = _score_arrays(plan, _answer_matrix(instrument, answers))
    columns: dict[str, Any] = dict(zip(plan.dimension_ids, arrays["scores"].T, strict=True))
    columns["index"] = arrays["index"]
    columns["band"] = arrays["band"]
    columns["weakest"] = _joined(plan, arrays["weakest"])
    return pd.DataFrame(columns, index=answers.index)


def _alpha(matrix: np.ndarray) -> tuple[float | None, int]:
    """Cronbach's alpha of the complete rows of ``matrix`` and how many rows that is."""
    import numpy as np

    complete = matrix[~np.isnan(matrix).any(axis=1)]
    n, k = complete.shape
    if n < 3 or k < 2:
        return None, n
    totals = complete.sum(axis=1)
    if np.ptp(totals) == 0:
        return None, n
    item_variances = complete.var(axis=0, ddof=1).sum()
    return float(k / (k - 1) * (1 - item_variances / totals.var(ddof=1))), n


def cronbach_alpha(items: pd.DataFrame) -> float | None:
    """Cronbach's alpha of ``items`` (respondents x item scores, reverse items already
    turned round), on the complete rows only (listwise):
    ``k / (k - 1) x (1 - sum of the items' sample variances / sample variance of the total)``.

    ``None`` when fewer than 3 complete rows, fewer than 2 items, or the total does not vary.
    """
    import numpy as np

    return _alpha(items.to_numpy(dtype=float, na_value=np.nan))[0]


def cohort_summary(
    instrument: Instrument, answers: pd.DataFrame, *, scores: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per dimension: ``n`` (respondents with a score), ``mean``, ``median``, ``q1``, ``q3``
    of the (rounded) dimension scores, Cronbach's ``alpha`` on the reversed item scores of
    the complete cases, ``n_alpha`` (how many) and ``alpha_low`` (alpha < 0.7, missing when
    there is no alpha). ``scores`` may pass ``score_frame``'s result to avoid scoring twice.
    """
    import numpy as np
    import pandas as pd

    plan = _plan(instrument)
    matrix = _answer_matrix(instrument, answers)
    item_scores = _item_scores(plan, matrix)
    if scores is None:
        scores = pd.DataFrame(_score_arrays(plan, matrix)["scores"], columns=plan.dimension_ids)
    rows = []
    for d, dim_id in enumerate(plan.dimension_ids):
        start = plan.starts[d]
        alpha, n_alpha = _alpha(item_scores[:, start : start + plan.sizes[d]])
        column = scores[dim_id]
        q1, median, q3 = column.quantile([0.25, 0.5, 0.75]).tolist()
        rows.append(
            {
                "n": int(column.count()),
                "mean": column.mean(),
                "median": median,
                "q1": q1,
                "q3": q3,
                "alpha": np.nan if alpha is None else alpha,
                "n_alpha": n_alpha,
                "alpha_low": pd.NA if alpha is None else alpha < ALPHA_LOW,
            }
        )
    summary = pd.DataFrame(rows, index=pd.Index(plan.dimension_ids, name="dimension"))
    summary["alpha_low"] = summary["alpha_low"].astype("boolean")
    return summary


def group_summary(
    instrument: Instrument,
    answers: pd.DataFrame,
    groups: pd.Series,
    min_size: int = 3,
    *,
    scores: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per group (``groups``: e.g. each respondent's institution or role, aligned on
    ``answers``' index): ``n`` respondents, then ``<dimension>_mean`` and
    ``<dimension>_median`` per dimension and ``index_mean``, ``index_median``.

    Groups with fewer than ``min_size`` respondents are hidden (dropped);
    ``result.attrs["hidden_groups"]`` says how many, ``attrs["ungrouped"]`` how many
    respondents had no group. Within a shown group, a dimension's mean and median are
    also left empty when fewer than ``min_size`` respondents have a score for it, so no
    figure rests on fewer than ``min_size`` people.
    """
    import numpy as np
    import pandas as pd

    if isinstance(min_size, bool) or not isinstance(min_size, int) or min_size < 1:
        raise ValueError(f"min_size must be a positive integer, not {min_size!r}")
    if scores is None:
        scores = score_frame(instrument, answers)
    if isinstance(groups, pd.Series):
        groups = groups.reindex(answers.index)
    else:
        groups = pd.Series(list(groups), index=answers.index)
    name = groups.name if groups.name is not None else "group"
    grouped_rows = groups.notna().to_numpy()
    sizes = groups.value_counts()
    shown = sizes.index[sizes >= min_size]
    keep = groups.isin(shown).to_numpy()
    columns = [*[d.id for d in instrument.dimensions], "index"]
    part = scores.loc[keep, columns]
    by_group = part.groupby(groups[keep].rename(name), sort=True)
    result = pd.DataFrame({"n": by_group.size()})
    counts = by_group.count()
    means = by_group.mean()
    medians = by_group.median()
    for column in columns:
        enough = counts[column] >= min_size
        result[f"{column}_mean"] = means[column].where(enough, np.nan)
        result[f"{column}_median"] = medians[column].where(enough, np.nan)
    result.attrs["hidden_groups"] = int((sizes < min_size).sum())
    result.attrs["ungrouped"] = int((~grouped_rows).sum())
    result.attrs["min_size"] = min_size
    return result
