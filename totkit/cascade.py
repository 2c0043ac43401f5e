"""The cascade projection: how many people a TOT's cascade reaches on paper, and realistically.

Pure functions and dataclasses (numpy, imported inside the functions that draw, and plain
Python); no widgets, no store. ``templates/cascade.yaml`` holds the assumptions and their
sources (``load_cascade_settings``).

The model
---------
* Level 0 holds the ``N0`` trainers trained at the TOT; every level's participants are the
  next level's trainers. ``Level`` k (k = 1..L, L from 1 to 4) says how level k is reached
  from level k-1: the share ``p`` of level k-1's trainers who actually run sessions, the
  sessions ``s`` per active trainer, the participants ``m`` per session, and the share ``f``
  of the content kept faithfully in that step.
* Each level-0 trainer has their own ``p`` (``CascadeInputs.trainer_p``, from their
  readiness band); level 1's ``p`` is their mean (set on construction).
* Expected reach: ``reach[0] = N0`` and ``reach[k] = reach[k-1] x p_k x s_k x m_k``.
* Fidelity-weighted reach: ``sum over k >= 1 of reach[k] x f_1 x ... x f_k``, which is
  ``reach[k] x f^k`` when every level keeps the same ``f``.
* On paper (``on_paper``): ``p = 1`` and ``f = 1`` at every level.
* Monte Carlo (``simulate``), vectorised over draws: level-0 trainer i is active with
  probability ``p_i`` (a draws x N0 Bernoulli matrix); level k's people are
  ``active x s_k x m_k``, *stochastically rounded* to whole people (the integer part, plus
  one with probability the fractional part, so the expectation stays exactly
  ``active x s x m`` and the Monte Carlo mean agrees with the formula even when ``s`` or ``m``
  is a mean such as 12.5); at deeper levels the active trainers are
  ``binomial(n = people at level k-1, p_k)``. It reports each level's mean, 10th and 90th
  percentiles (and standard deviation), and the same for the total reached over levels
  1..L and for the fidelity-weighted total.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from totkit.errors import InputError

if TYPE_CHECKING:
    import numpy as np

    from totkit.instrument import Instrument
    from totkit.model import Workbook
    from totkit.store import Store

SETTINGS_FILE = "cascade.yaml"
MAX_LEVELS = 4
MAX_TEAM = 1000
MAX_DRAWS = 1_000_000
MAX_REACH = 10**12  # more than a trillion people on paper is a typing error
NO_INDEX_BAND = "developing"  # a workbook without a readiness index counts as this band
DEFAULT_P: dict[str, float] = {"at_risk": 0.3, "developing": 0.5, "ready": 0.85}
PERCENTILES = (10, 90)


# -- settings (templates/cascade.yaml) ---------------------------------------------------------


@dataclass(frozen=True)
class CascadeSettings:
    """The assumptions of ``templates/cascade.yaml`` (see that file for their sources)."""

    levels: int = 2
    team: int = 1
    fidelity: float = 0.8
    readiness_p: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_P))
    deeper_p: float | None = None  # None: the mean level-1 share
    deeper_sessions: float = 2.0
    deeper_participants: float = 10.0
    file: str = SETTINGS_FILE  # where they were read, for messages

    def p_of_band(self, band: str) -> float:
        if band not in self.readiness_p:
            raise InputError("error.cascade_unknown_band", field=band, file=self.file)
        return self.readiness_p[band]


_TOP_KEYS = ("levels", "team", "fidelity", "readiness_p", "deeper_levels")
_DEEPER_KEYS = ("p", "sessions", "participants")


def load_cascade_settings(folder: Path | None = None) -> CascadeSettings:
    """``cascade.yaml`` in ``folder`` (default: the templates in use), validated; the
    defaults when the file is absent. Every refusal is an ``InputError`` naming the key
    (``field``) and the file."""
    import yaml

    from totkit.paths import templates_dir

    path = (folder or templates_dir()) / SETTINGS_FILE
    if not path.is_file():
        return CascadeSettings(file=str(path))
    file = str(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else "?"
        raise InputError("error.cascade_yaml", field=path.name, file=file, line=line) from None
    return parse_cascade_settings(raw, file)


def parse_cascade_settings(raw: Any, file: str = SETTINGS_FILE) -> CascadeSettings:
    """Validate the data of a ``cascade.yaml`` (see ``load_cascade_settings``)."""
    raw = {} if raw is None else raw
    _mapping(raw, "cascade", file)
    for key in raw:
        if key not in _TOP_KEYS:
            raise InputError("error.cascade_unknown_key", field=str(key), file=file)
    values: dict[str, Any] = {"file": file}
    if "levels" in raw:
        value = raw["levels"]
        if not _whole(value) or not 1 <= value <= MAX_LEVELS:
            raise InputError("error.cascade_levels", field="levels", file=file, max=MAX_LEVELS)
        values["levels"] = int(value)
    if "team" in raw:
        value = raw["team"]
        if not _whole(value) or not 1 <= value <= MAX_TEAM:
            raise InputError("error.cascade_whole", field="team", file=file, max=MAX_TEAM)
        values["team"] = int(value)
    if "fidelity" in raw:
        values["fidelity"] = _share(raw["fidelity"], "fidelity", file)
    if "readiness_p" in raw:
        bands = raw["readiness_p"]
        _mapping(bands, "readiness_p", file)
        values["readiness_p"] = {
            str(band): _share(value, f"readiness_p.{band}", file) for band, value in bands.items()
        }
        if NO_INDEX_BAND not in values["readiness_p"]:
            raise InputError("error.cascade_no_index_band", field="readiness_p", file=file,
                             band=NO_INDEX_BAND)
    deeper = raw.get("deeper_levels")
    if deeper is not None:
        _mapping(deeper, "deeper_levels", file)
        for key in deeper:
            if key not in _DEEPER_KEYS:
                raise InputError("error.cascade_unknown_key", field=f"deeper_levels.{key}",
                                 file=file)
        if deeper.get("p") is not None:
            values["deeper_p"] = _share(deeper["p"], "deeper_levels.p", file)
        for key in ("sessions", "participants"):
            if key in deeper:
                values[f"deeper_{key}"] = _count(deeper[key], f"deeper_levels.{key}", file)
    return CascadeSettings(**values)


def _number(value: Any) -> bool:
    return (
        not isinstance(value, bool)
        and isinstance(value, (int, float))
        and math.isfinite(value)
    )


def _whole(value: Any) -> bool:
    return _number(value) and float(value).is_integer()


def _share(value: Any, key: str, file: str) -> float:
    if not _number(value) or not 0 <= value <= 1:
        raise InputError("error.cascade_share", field=key, file=file)
    return float(value)


def _count(value: Any, key: str, file: str) -> float:
    if not _number(value) or value < 0:
        raise InputError("error.cascade_number", field=key, file=file)
    return float(value)


def _mapping(value: Any, key: str, file: str) -> None:
    if not isinstance(value, dict):
        raise InputError("error.cascade_mapping", field=key, file=file)


# -- inputs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """How a level is reached from the one above: share of trainers active ``p``, sessions
    per active trainer ``s``, participants per session ``m``, fidelity kept ``f``."""

    p: float
    s: float
    m: float
    f: float = 1.0

    def __post_init__(self) -> None:
        for name in ("p", "f"):
            value = getattr(self, name)
            if not _number(value) or not 0 <= value <= 1:
                raise ValueError(f"Level.{name} must be from 0 to 1, not {value!r}")
        for name in ("s", "m"):
            value = getattr(self, name)
            if not _number(value) or value < 0:
                raise ValueError(f"Level.{name} must be a number of 0 or more, not {value!r}")


@dataclass(frozen=True)
class CascadeInputs:
    """What a projection needs.

    ``trainer_p``: the level-1 ``p`` of each level-0 trainer (``N0`` is its length);
    ``levels``: levels 1..L (level 1's ``p`` is replaced by the mean of ``trainer_p``);
    ``assumed_developing``: how many workbooks had no readiness index and were counted as
    "developing"; ``workbooks``: how many workbooks the inputs come from; ``bands``: the band
    counted for each level-0 trainer (empty when not from workbooks).
    """

    trainer_p: tuple[float, ...]
    levels: tuple[Level, ...]
    assumed_developing: int = 0
    workbooks: int = 1
    bands: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        trainer_p = tuple(float(p) for p in self.trainer_p)
        if not trainer_p:
            raise ValueError("CascadeInputs needs at least one level-0 trainer")
        for p in trainer_p:
            if not 0 <= p <= 1:
                raise ValueError(f"a trainer's p must be from 0 to 1, not {p!r}")
        if not 1 <= len(self.levels) <= MAX_LEVELS:
            raise ValueError(f"1 to {MAX_LEVELS} levels, not {len(self.levels)}")
        levels = tuple(self.levels)
        levels = (replace(levels[0], p=sum(trainer_p) / len(trainer_p)), *levels[1:])
        object.__setattr__(self, "trainer_p", trainer_p)
        object.__setattr__(self, "levels", levels)

    @property
    def n0(self) -> int:
        return len(self.trainer_p)

    @property
    def depth(self) -> int:
        return len(self.levels)

    @property
    def mean_p(self) -> float:
        return self.levels[0].p


def readiness_band(workbook: Workbook, instrument: Instrument | None) -> str | None:
    """The band of the workbook's readiness index, ``None`` when there is no index (no
    instrument, too few answers, or answers the instrument refuses)."""
    if instrument is None:
        return None
    from totkit.diagnostic import score

    try:
        result = score(instrument, workbook.diagnostic.answers)
    except InputError:  # answers to another instrument's items
        return None
    return result.band if result.index is not None else None


def _band_and_p(
    workbook: Workbook, instrument: Instrument | None, settings: CascadeSettings
) -> tuple[str, float, bool]:
    band = readiness_band(workbook, instrument)
    assumed = band is None
    band = NO_INDEX_BAND if assumed else band
    return band, settings.p_of_band(band), assumed


def _deeper_levels(settings: CascadeSettings, count: int, mean_p: float) -> list[Level]:
    p = mean_p if settings.deeper_p is None else settings.deeper_p
    return [
        Level(p, settings.deeper_sessions, settings.deeper_participants, settings.fidelity)
        for _ in range(count - 1)
    ]


def _level_count(levels: int | None, settings: CascadeSettings) -> int:
    count = settings.levels if levels is None else levels
    if not _whole(count) or not 1 <= count <= MAX_LEVELS:
        raise InputError("error.cascade_level_count", field="levels", max=MAX_LEVELS)
    return int(count)


def inputs_for_workbook(
    workbook: Workbook,
    instrument: Instrument | None,
    settings: CascadeSettings | None = None,
    team: int | None = None,
    levels: int | None = None,
) -> CascadeInputs:
    """One planner's cascade.

    * ``N0`` = ``team``, the planner's training team (default: ``team`` in cascade.yaml, 1),
      every member with the ``p`` of the planner's readiness band; a workbook without a
      readiness index counts as "developing" (``assumed_developing`` = 1).
    * Level 1: ``s`` = the number of cascade sessions in the plan (0 if none), ``m`` = the
      mean expected participants of those sessions (0 if none; a session whose number of
      participants is not filled in counts as 0).
    * Deeper levels: ``p`` = the level-1 ``p`` unless cascade.yaml sets ``deeper_levels.p``;
      ``s`` and ``m`` from cascade.yaml. ``levels`` (1 to 4) defaults to cascade.yaml's.
    * ``f`` = cascade.yaml's ``fidelity`` at every level.
    """
    settings = settings or load_cascade_settings()
    count = _level_count(levels, settings)
    size = settings.team if team is None else team
    if not _whole(size) or not 1 <= size <= MAX_TEAM:
        raise InputError("error.cascade_team", field="team", max=MAX_TEAM)
    band, p, assumed = _band_and_p(workbook, instrument, settings)
    sessions = workbook.plan.sessions
    s1 = float(len(sessions))
    m1 = sum(session.participants for session in sessions) / len(sessions) if sessions else 0.0
    first = Level(p, s1, m1, settings.fidelity)
    return CascadeInputs(
        trainer_p=(p,) * int(size),
        levels=(first, *_deeper_levels(settings, count, p)),
        assumed_developing=int(assumed),
        workbooks=1,
        bands=(band,) * int(size),
    )


def inputs_for_cohort(
    workbooks: Sequence[Workbook],
    instrument: Instrument | None,
    settings: CascadeSettings | None = None,
    levels: int | None = None,
) -> CascadeInputs:
    """A cohort's cascade (``totkit cascade --workshop CODE``).

    * ``N0`` = the number of workbooks (the graduates), each with the ``p`` of their own
      readiness band; workbooks without an index count as "developing" and
      ``assumed_developing`` says how many.
    * Level 1, pooled over the cohort: ``s`` = the mean number of cascade sessions per
      planner (planners with none count as 0), ``m`` = the cohort's participants per session
      (all sessions' participants / all sessions; 0 if there are none). So ``s x m`` is the
      mean planned participants per planner and, on paper, level 1 is exactly the total the
      plans add up to. The choice ignores any link between a planner's readiness and the
      size of their plan: each graduate is active with their own ``p`` but, when active,
      reaches the cohort's mean.
    * Deeper levels: ``p`` = the mean level-1 ``p`` unless cascade.yaml sets it; ``s``, ``m``
      and ``f`` as for one workbook.
    """
    workbooks = list(workbooks)
    if not workbooks:
        raise InputError("error.cascade_no_workbooks", field="workshop")
    settings = settings or load_cascade_settings()
    count = _level_count(levels, settings)
    bands: list[str] = []
    trainer_p: list[float] = []
    assumed = 0
    sessions = participants = 0
    for workbook in workbooks:
        band, p, was_assumed = _band_and_p(workbook, instrument, settings)
        bands.append(band)
        trainer_p.append(p)
        assumed += was_assumed
        sessions += len(workbook.plan.sessions)
        participants += sum(session.participants for session in workbook.plan.sessions)
    s1 = sessions / len(workbooks)
    m1 = participants / sessions if sessions else 0.0
    mean_p = sum(trainer_p) / len(trainer_p)
    return CascadeInputs(
        trainer_p=tuple(trainer_p),
        levels=(Level(mean_p, s1, m1, settings.fidelity),
                *_deeper_levels(settings, count, mean_p)),
        assumed_developing=assumed,
        workbooks=len(workbooks),
        bands=tuple(bands),
    )


def cohort_workbooks(store: Store, workshop_code: str) -> list[Workbook]:
    """The workbooks of the workshop with that code, in the order they joined."""
    workshop_id = store.workshop_id(workshop_code)
    return [store.load_workbook(workbook_id) for workbook_id in store.workbook_ids(workshop_id)]


def instrument_for(
    workbook: Workbook | None = None, templates: Path | None = None
) -> Instrument | None:
    """The instrument a workbook's diagnostic was answered on (by id), else the shipped
    readiness one; ``None`` when neither file exists (every workbook then counts as
    "developing")."""
    from totkit.instrument import instrument_path, load_instrument

    ref = workbook.diagnostic.instrument if workbook is not None else None
    for name in dict.fromkeys([ref.id if ref else "readiness", "readiness"]):
        path = instrument_path(name, templates)
        if path.is_file():
            return load_instrument(path)
    return None


# -- the formula -------------------------------------------------------------------------------


def on_paper(inputs: CascadeInputs) -> CascadeInputs:
    """The same cascade with every trainer active (``p = 1``) and nothing lost (``f = 1``)."""
    return replace(
        inputs,
        trainer_p=(1.0,) * inputs.n0,
        levels=tuple(replace(level, p=1.0, f=1.0) for level in inputs.levels),
    )


def expected_reach(inputs: CascadeInputs) -> list[float]:
    """Expected people per level 0..L: ``N0``, then ``reach[k-1] x p x s x m``."""
    reach = [float(inputs.n0)]
    for level in inputs.levels:
        reach.append(reach[-1] * level.p * level.s * level.m)
    return reach


def _fidelity_factors(inputs: CascadeInputs) -> list[float]:
    """``f_1 x ... x f_k`` for k = 1..L (``f^k`` with one ``f`` for every level)."""
    factors, product = [], 1.0
    for level in inputs.levels:
        product *= level.f
        factors.append(product)
    return factors


def fidelity_weighted(inputs: CascadeInputs, reach: Sequence[float]) -> float:
    """``sum over k >= 1 of reach[k] x f_1 x ... x f_k`` (``reach`` per level 0..L)."""
    return sum(r * w for r, w in zip(reach[1:], _fidelity_factors(inputs), strict=True))


# -- Monte Carlo -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stats:
    """A simulated quantity: mean, 10th and 90th percentiles, standard deviation."""

    mean: float
    p10: float
    p90: float
    sd: float

    def to_dict(self) -> dict[str, float]:
        return {"mean": self.mean, "p10": self.p10, "p90": self.p90, "sd": self.sd}


@dataclass(frozen=True)
class Simulation:
    """``levels``: people per level 0..L; ``total``: people over levels 1..L;
    ``weighted``: the fidelity-weighted total; over ``draws`` seeded draws."""

    draws: int
    seed: int
    levels: tuple[Stats, ...]
    total: Stats
    weighted: Stats

    def to_dict(self) -> dict[str, Any]:
        return {
            "draws": self.draws,
            "seed": self.seed,
            "levels": [{"level": k, **s.to_dict()} for k, s in enumerate(self.levels)],
            "total": self.total.to_dict(),
            "weighted": self.weighted.to_dict(),
        }


def _check_size(inputs: CascadeInputs) -> None:
    if max(expected_reach(on_paper(inputs))) > MAX_REACH:
        raise InputError("error.cascade_too_large", field="participants")


def _check_draws(draws: Any, seed: Any) -> None:
    if not _whole(draws) or not 1 <= draws <= MAX_DRAWS:
        raise InputError("error.cascade_draws", field="draws", max=MAX_DRAWS)
    if not _whole(seed) or seed < 0:
        raise InputError("error.cascade_seed", field="seed")


def _people(rng: np.random.Generator, active: np.ndarray, per_trainer: float) -> np.ndarray:
    """``active x per_trainer`` whole people, stochastically rounded (unbiased)."""
    import numpy as np

    if float(per_trainer).is_integer():
        return active * np.int64(per_trainer)
    exact = active * per_trainer
    whole = np.floor(exact)
    return (whole + (rng.random(exact.shape) < exact - whole)).astype(np.int64)


def _level1_active(
    rng: np.random.Generator, trainer_p: tuple[float, ...], draws: int
) -> np.ndarray:
    """Active level-0 trainers per draw: each trainer a Bernoulli with their own ``p``
    (a draws x N0 matrix of uniforms against the p row)."""
    import numpy as np

    p = np.asarray(trainer_p, dtype=np.float64)
    uniforms = rng.random((draws, p.size))
    return np.count_nonzero(uniforms < p, axis=1).astype(np.int64)


def simulate(inputs: CascadeInputs, draws: int = 10_000, seed: int = 0) -> Simulation:
    """Monte Carlo of the realistic cascade (see the module docstring), seeded."""
    import numpy as np

    _check_draws(draws, seed)
    _check_size(inputs)
    draws, seed = int(draws), int(seed)
    rng = np.random.default_rng(seed)
    people = np.empty((inputs.depth + 1, draws), dtype=np.int64)
    people[0] = inputs.n0
    active = _level1_active(rng, inputs.trainer_p, draws)
    for k, level in enumerate(inputs.levels, start=1):
        if k > 1:
            active = rng.binomial(people[k - 1], level.p)
        people[k] = _people(rng, active, level.s * level.m)
    reached = people[1:].astype(np.float64)
    total = reached.sum(axis=0)
    weighted = np.asarray(_fidelity_factors(inputs)) @ reached
    rows = np.vstack([people.astype(np.float64), total, weighted])
    means = rows.mean(axis=1)
    sds = rows.std(axis=1, ddof=1) if draws > 1 else np.zeros(len(rows))
    low, high = np.percentile(rows, PERCENTILES, axis=1)
    stats = [
        Stats(float(mean), float(p10), float(p90), float(sd))
        for mean, p10, p90, sd in zip(means, low, high, sds, strict=True)
    ]
    return Simulation(draws, seed, tuple(stats[:-2]), stats[-2], stats[-1])


# -- the projection ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Projection:
    """On paper against realistic: reach per level 0..L by the formula (``on_paper``,
    ``expected``), the Monte Carlo (``simulation``) and the fidelity-weighted totals."""

    inputs: CascadeInputs
    on_paper: tuple[float, ...]
    expected: tuple[float, ...]
    simulation: Simulation
    weighted_on_paper: float
    weighted_expected: float

    @property
    def total_on_paper(self) -> float:
        return sum(self.on_paper[1:])

    @property
    def total_expected(self) -> float:
        return sum(self.expected[1:])

    def summary(self, lang: str | None = None) -> str:
        """The difference in a planner's words: the people reached over all levels on paper,
        realistically (mean, and between the 10th and 90th percentile), why, and what is
        left when the fidelity lost at each level is counted."""
        from totkit.i18n import format_percent, t

        inputs = self.inputs
        sim = self.simulation
        parts: list[str] = []
        if self.total_on_paper <= 0:
            parts.append(t("cascade.summary_nothing", lang))
        else:
            parts.append(t(
                "cascade.summary", lang,
                paper=_people_text(self.total_on_paper, lang), levels=inputs.depth,
                mean=_people_text(sim.total.mean, lang), low=_people_text(sim.total.p10, lang),
                high=_people_text(sim.total.p90, lang),
                share=format_percent(round(inputs.mean_p, 2), lang),
            ))
            parts.append(t(
                "cascade.summary_fidelity", lang,
                fidelity=format_percent(round(inputs.levels[0].f, 2), lang),
                weighted=_people_text(sim.weighted.mean, lang),
            ))
        if inputs.assumed_developing:
            if inputs.workbooks == 1:
                parts.append(t("cascade.summary_assumed_one", lang))
            else:
                parts.append(t("cascade.summary_assumed", lang, n=inputs.assumed_developing,
                               total=inputs.workbooks))
        return " ".join(parts)

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """Everything as JSON-ready values (``lang``: the summary's language)."""
        inputs = self.inputs
        return {
            "trainers": inputs.n0,
            "levels": inputs.depth,
            "workbooks": inputs.workbooks,
            "assumed_developing": inputs.assumed_developing,
            "bands": band_counts(inputs),
            "inputs": {
                "trainer_p": list(inputs.trainer_p),
                "levels": [
                    {"level": k, "p": lv.p, "s": lv.s, "m": lv.m, "f": lv.f}
                    for k, lv in enumerate(inputs.levels, start=1)
                ],
            },
            "on_paper": list(self.on_paper),
            "expected": list(self.expected),
            "total": {
                "on_paper": self.total_on_paper,
                "expected": self.total_expected,
                **self.simulation.total.to_dict(),
            },
            "fidelity_weighted": {
                "on_paper": self.weighted_on_paper,
                "expected": self.weighted_expected,
                **self.simulation.weighted.to_dict(),
            },
            "simulation": self.simulation.to_dict(),
            "table": projection_table(self),
            "summary": self.summary(lang),
        }


def _people_text(value: float, lang: str | None) -> str:
    from totkit.i18n import format_number

    return format_number(round(value), lang)


def project(inputs: CascadeInputs, draws: int = 10_000, seed: int = 0) -> Projection:
    """On paper and realistic, by the formula and by ``simulate(inputs, draws, seed)``."""
    paper = on_paper(inputs)
    paper_reach = expected_reach(paper)
    reach = expected_reach(inputs)
    return Projection(
        inputs=inputs,
        on_paper=tuple(paper_reach),
        expected=tuple(reach),
        simulation=simulate(inputs, draws, seed),
        weighted_on_paper=fidelity_weighted(paper, paper_reach),
        weighted_expected=fidelity_weighted(inputs, reach),
    )


TABLE_COLUMNS = ("level", "on_paper", "expected", "mean", "p10", "p90")


def projection_table(projection: Projection) -> list[dict[str, Any]]:
    """One row per level 0..L: ``level``, ``on_paper``, ``expected`` (the formula), and the
    simulation's ``mean``, ``p10``, ``p90``."""
    rows = []
    for k, stats in enumerate(projection.simulation.levels):
        rows.append({
            "level": k,
            "on_paper": projection.on_paper[k],
            "expected": projection.expected[k],
            "mean": stats.mean,
            "p10": stats.p10,
            "p90": stats.p90,
        })
    return rows


def band_counts(inputs: CascadeInputs) -> dict[str, int]:
    """How many level-0 trainers were counted in each band."""
    counts: dict[str, int] = {}
    for band in inputs.bands:
        counts[band] = counts.get(band, 0) + 1
    return counts
