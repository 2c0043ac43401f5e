"""The facilitator dashboard: every workbook of a workshop at a glance, and the cohort views.

``open_dashboard(store, code, key, as_of=...)`` checks the facilitator key first (a wrong or
missing key, or a planner's resume code, raises ``AccessDenied`` and reads nothing of the
workshop), then loads every workbook in one query (``Store.load_workbooks``) and hands them
to ``build_dashboard``, which is pure: workbooks, the workshop's dates and the templates in,
a ``Dashboard`` of pandas frames out. The app (``totkit.ui``), the CLI
(``totkit cohort WORKSHOP --key KEY``) and the cohort exports (``totkit.cohort_report``) read
the same frames, so they show the same numbers.

What each figure is
-------------------
Everything is as of ``as_of`` (today by default), with the same rules as the planner's own
apps, so a planner's row says what their workbook says:

* ``progress_<section>``: ``totkit.model.progress`` (0 to 1); ``progress`` their mean.
* ``index``, ``band``, ``weakest``: the readiness diagnostic scored on the instrument the
  planner answered (``totkit.diagnostic.score_frame``: the same rounding, bands and weakest
  link as ``score``). ``weakest`` joins dimension ids with ``;``.
* ``plan_status``, ``plan_errors``, ``plan_warnings``: the plan check
  (``totkit.plancheck.check``) with the TOT's days from the plan's header or the workshop;
  ``Dashboard.findings[workbook_id]`` lists the findings, equal to ``check_loaded``'s.
* ``monitoring_status``, ``sessions_*``, ``people_reached``, ``last_activity``,
  ``days_since_last_activity``: ``totkit.monitoring.status``.

The cohort views:

* ``readiness``: each planner's dimension scores (one column per dimension of the cohort's
  instrument), for a box plot; ``readiness_long`` the same in long form.
* ``reliability``: ``totkit.diagnostic.cohort_summary`` (n, mean, quartiles, Cronbach's
  alpha per dimension).
* ``top_gaps``: per context factor, how many planners have it among their priority gaps
  (``totkit.gaps.priority_gaps``); the planners' own factors count together as ``own``.
* ``top_findings``: per plan-check rule, how many planners have it and how many findings.
* ``reach``: per planner, the level-1 reach the cascade projection expects and what the
  log records (``totkit.monitoring.reach_against_projection``'s figures): ``plan_on_paper``
  (every planned session's participants x the team), ``plan_realistic`` (x ``p``, the share
  of trainers who run their sessions for the planner's readiness band), ``on_paper`` and
  ``realistic`` for the sessions due by ``as_of`` only, and ``realised`` (participants of the
  sessions held). ``reach_totals`` sums them over the cohort: the sum of the planners' own
  projections, so each planner's band counts for their own plan.
* ``obstacles``: per cause (the essay's seven and ``other``), the obstacles dated by
  ``as_of`` and how many planners reported one.
* ``stalled``: the planners whose status is ``stalled``, longest silence first.
* ``success``: every planner's success score (below); ``success_cases(n)`` the most and the
  least successful, to interview.

The success score (Brinkerhoff's Success Case Method)
------------------------------------------------------
To find whom to interview, each planner gets ``success_score`` from 0 to 1, the mean of:

* ``reach_score``: ``people_reached`` / the largest ``people_reached`` in the cohort (0 when
  nobody has reached anyone yet), and
* ``indicator_progress``: the mean, over the plan's indicators, of how far the latest
  measurement has come from the baseline to the target (``IndicatorProgress.share``, clipped
  to 0..1); an indicator not measured, or measured without a figure to compare, counts 0, and
  a plan without indicators scores 0.

The most successful are the highest scores above 0 (ties: more people reached, then more
sessions held, then the name). The least successful are the lowest scores among the others
(ties: more sessions due, then the longest silence, then the name). Each list comes with the
interview prompts of the method in both languages: for a success case what was used, what
results followed, what helped; for the others what got in the way and what would have helped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from totkit.errors import InputError
from totkit.model import SECTIONS

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from totkit.gaps import ContextFile
    from totkit.instrument import Instrument
    from totkit.model import Workbook
    from totkit.monitoring import MonitoringStatus
    from totkit.plancheck import Finding
    from totkit.settings import Settings
    from totkit.store import Store, WorkshopInfo

NO_BAND = "none"  # the band filter's value for planners without a readiness index
OWN_FACTORS = "own"  # the planners' own context factors, counted together
PROMPTS = 4  # interview prompts per list (dashboard.prompt.<kind>.1 .. 4)
PROGRESS_COLUMNS = tuple(f"progress_{section}" for section in SECTIONS)
TABLE_COLUMNS = (
    "workbook_id", "name", "institution", "role",
    *PROGRESS_COLUMNS, "progress",
    "index", "band", "weakest",
    "plan_status", "plan_errors", "plan_warnings",
    "monitoring_status", "sessions_planned", "sessions_due", "sessions_held",
    "people_reached", "indicators_measured", "obstacles", "last_activity",
    "days_since_last_activity",
)
TEXT_COLUMNS = ("name", "institution", "role")  # what the text filter searches
STALLED_COLUMNS = ("workbook_id", "name", "institution", "band", "sessions_due",
                   "sessions_held", "last_activity", "days_since_last_activity",
                   "main_obstacle")
SUCCESS_COLUMNS = ("workbook_id", "name", "institution", "monitoring_status", "sessions_held",
                   "people_reached", "indicators_measured", "reach_score",
                   "indicator_progress", "success_score")
REACH_COLUMNS = ("plan_on_paper", "plan_realistic", "on_paper", "realistic", "realised")


@dataclass(frozen=True)
class SuccessCases:
    """Whom to interview: ``most`` and ``least`` successful planners (``SUCCESS_COLUMNS``),
    and the interview ``prompts`` for each list, in both languages:
    ``{"most": {"id": [...], "en": [...]}, "least": {...}}``."""

    most: pd.DataFrame
    least: pd.DataFrame
    prompts: dict[str, dict[str, list[str]]]


@dataclass
class Dashboard:
    """One workshop's workbooks and cohort views as of ``as_of`` (see the module)."""

    workshop: WorkshopInfo
    as_of: date
    instrument: Instrument | None
    context: ContextFile | None
    table: pd.DataFrame
    readiness: pd.DataFrame
    reliability: pd.DataFrame
    top_gaps: pd.DataFrame
    top_findings: pd.DataFrame
    reach: pd.DataFrame
    reach_totals: pd.Series
    obstacles: pd.DataFrame
    stalled: pd.DataFrame
    success: pd.DataFrame
    findings: dict[str, list[Finding]] = field(repr=False)
    statuses: dict[str, MonitoringStatus] = field(repr=False)
    workbooks: dict[str, Workbook] = field(repr=False)

    # -- the planners' table ----------------------------------------------------------------

    def view(
        self,
        sort_by: str = "name",
        descending: bool = False,
        text: str | None = None,
        band: str | Iterable[str] | None = None,
        status: str | Iterable[str] | None = None,
        plan_status: str | Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """The table filtered and sorted, as the app shows it.

        ``text``: rows whose name, institution or role contains it (case-insensitive).
        ``band``: a band id or several (``NO_BAND``, ``"none"``, for no index); ``status``:
        monitoring statuses; ``plan_status``: ``ready`` / ``not_ready``. ``None`` keeps all.
        Sorted by ``sort_by`` (any column; text ignoring case, bands in their order, empty
        values last), then by name; a stable sort, so equal rows keep the table's order.
        """
        import pandas as pd
        from pandas.api.types import is_bool_dtype, is_numeric_dtype

        if sort_by not in self.table.columns:
            raise InputError("error.dashboard_sort", field="sort_by", column=str(sort_by),
                             columns=", ".join(self.table.columns))
        frame = self.table
        keep = pd.Series(True, index=frame.index)
        if text and text.strip():
            needle = text.strip().casefold()
            found = pd.Series(False, index=frame.index)
            for column in TEXT_COLUMNS:
                found |= frame[column].str.casefold().str.contains(needle, regex=False)
            keep &= found
        if band is not None:
            wanted = _choices(band)
            keep &= frame["band"].fillna(NO_BAND).isin(wanted)
        if status is not None:
            keep &= frame["monitoring_status"].isin(_choices(status))
        if plan_status is not None:
            keep &= frame["plan_status"].isin(_choices(plan_status))
        frame = frame[keep]
        band_order = self._band_order()

        def key(column: pd.Series) -> pd.Series:
            if column.name == "band":
                return column.map(band_order)
            if column.name == "last_activity":
                return pd.to_datetime(column)
            if is_numeric_dtype(column.dtype) or is_bool_dtype(column.dtype):
                return column
            return column.map(lambda v: v.casefold() if isinstance(v, str) else v)

        columns = [sort_by] if sort_by == "name" else [sort_by, "name"]
        ascending = [not descending] + [True] * (len(columns) - 1)
        return frame.sort_values(columns, ascending=ascending, key=key, kind="stable",
                                 na_position="last")

    def _band_order(self) -> dict[str, int]:
        if self.instrument is None:
            return {}
        bands = sorted(self.instrument.bands, key=lambda band: band.lower)
        return {band.id: n for n, band in enumerate(bands)}

    def workbook(self, workbook_id: str) -> Workbook:
        """A planner's workbook, to show read-only: a copy, so nothing shown can change the
        dashboard (and the dashboard never saves)."""
        from totkit.errors import AccessDenied

        if workbook_id not in self.workbooks:
            raise AccessDenied("error.unknown_workbook", field="workbook")
        return self.workbooks[workbook_id].model_copy(deep=True)

    @property
    def readiness_long(self) -> pd.DataFrame:
        """``readiness`` as rows of ``workbook_id``, ``dimension``, ``score`` (scored only)."""
        frame = self.readiness.reset_index().melt(
            id_vars="workbook_id", var_name="dimension", value_name="score"
        )
        return frame.dropna(subset=["score"]).reset_index(drop=True)

    # -- cohort figures -----------------------------------------------------------------------

    def counts(self) -> dict[str, Any]:
        """The headline figures: planners, with an index, per band, plan ready, per monitoring
        status, sessions held and people reached."""
        table = self.table
        return {
            "planners": len(table),
            "with_index": int(table["index"].notna().sum()),
            "bands": {band: int(n) for band, n in table["band"].value_counts().items()},
            "plans_ready": int((table["plan_status"] == "ready").sum()),
            "statuses": {s: int(n) for s, n in table["monitoring_status"].value_counts().items()},
            "sessions_held": int(table["sessions_held"].sum()),
            "people_reached": int(table["people_reached"].sum()),
            "stalled": len(self.stalled),
        }

    def success_cases(self, n: int = 3) -> SuccessCases:
        """The ``n`` most and ``n`` least successful planners, to interview (see the module
        for the score and the order), with the method's interview prompts."""
        from totkit.i18n import LANGUAGES, t

        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"n must be a positive whole number, not {n!r}")
        frame = self.success.join(self.table.set_index("workbook_id")[["sessions_due"]],
                                  on="workbook_id")
        frame["_silence"] = self.table["days_since_last_activity"].to_numpy(
            dtype=float, na_value=-1.0)
        frame["_name"] = frame["name"].str.casefold()
        scored = frame[frame["success_score"] > 0].sort_values(
            ["success_score", "people_reached", "sessions_held", "_name"],
            ascending=[False, False, False, True], kind="stable")
        most = scored.head(n)
        rest = frame[~frame["workbook_id"].isin(most["workbook_id"])]
        least = rest.sort_values(
            ["success_score", "sessions_due", "_silence", "_name"],
            ascending=[True, False, False, True], kind="stable").head(n)
        columns = list(SUCCESS_COLUMNS)
        prompts = {
            kind: {lang: [t(f"dashboard.prompt.{kind}.{k}", lang) for k in range(1, PROMPTS + 1)]
                   for lang in LANGUAGES}
            for kind in ("most", "least")
        }
        return SuccessCases(most=most[columns].reset_index(drop=True),
                            least=least[columns].reset_index(drop=True), prompts=prompts)

    # -- names in a language ------------------------------------------------------------------

    def band_name(self, band: Any, lang: str | None) -> str:
        from totkit.i18n import t

        if not isinstance(band, str) or not band:
            return t("dashboard.no_band", lang)
        if self.instrument is not None:
            for entry in self.instrument.bands:
                if entry.id == band:
                    return entry.name(lang or "id")
        return band

    def dimension_name(self, dimension: str, lang: str | None) -> str:
        if self.instrument is not None:
            for entry in self.instrument.dimensions:
                if entry.id == dimension:
                    return entry.name(lang or "id")
        return dimension

    def factor_name(self, factor: str, lang: str | None) -> str:
        from totkit.i18n import t

        if factor == OWN_FACTORS:
            return t("dashboard.own_factors", lang)
        if self.context is not None and factor in self.context.by_id:
            return self.context.by_id[factor].name(lang or "id")
        return factor


def _choices(value: str | Iterable[str]) -> set[str]:
    return {value} if isinstance(value, str) else set(value)


# -- opening ---------------------------------------------------------------------------------


def open_dashboard(
    store: Store,
    code: str,
    key: str,
    *,
    as_of: date | None = None,
    templates: Path | None = None,
) -> Dashboard:
    """The dashboard of the workshop ``code``, once ``key`` is its facilitator key.

    The key is checked before anything of the workshop is read: a wrong or missing key (a
    planner's resume code is not a key) raises ``AccessDenied`` naming ``facilitator_key``; an
    unknown code names ``workshop_code``.
    """
    workshop_id = store.check_facilitator_key(code, key)
    workshop = store.workshop(workshop_id)
    workbooks = store.load_workbooks(workshop_id)
    return build_dashboard(workshop, workbooks, as_of=as_of, templates=templates)


# -- building --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scores:
    """The diagnostic of every workbook, scored per instrument in one pass each."""

    instrument: Instrument | None  # the cohort's: the one most planners answered
    index: np.ndarray  # float, NaN without an index
    band: list[str | None]
    weakest: list[str]
    instruments: list[Instrument | None]  # each one's, None: no instrument or refused answers
    dimension_scores: list[dict[str, float] | None]  # rounded scores, for the plan check
    dimension_bands: list[dict[str, str] | None]
    readiness: pd.DataFrame  # the cohort instrument's planners x dimensions
    answers: pd.DataFrame  # the same planners' answers (items of the cohort instrument)


def build_dashboard(
    workshop: WorkshopInfo,
    workbooks: Sequence[Workbook],
    *,
    as_of: date | None = None,
    templates: Path | None = None,
) -> Dashboard:
    """The dashboard of ``workbooks`` (a workshop's, as ``Store.load_workbooks`` gives them),
    as of ``as_of`` (today when ``None``), with the instrument, context file and settings of
    ``templates`` (the folder in use when ``None``). Pure: reads only the templates."""
    import pandas as pd

    from totkit.cascade import NO_INDEX_BAND, load_cascade_settings
    from totkit.diagnostic import cohort_summary
    from totkit.gaps import context_path, gap_score, is_own, load_context, priority_cutoff
    from totkit.model import progress
    from totkit.monitoring import CAUSES, status
    from totkit.settings import load_settings

    as_of = as_of or date.today()
    workbooks = list(workbooks)
    settings = load_settings(templates)
    cascade_settings = load_cascade_settings(templates)
    path = context_path(templates)
    context = load_context(path) if path.is_file() else None
    scores = _score_all(workbooks, templates)
    instrument = scores.instrument

    rows: list[dict[str, Any]] = []
    reach_rows: list[dict[str, Any]] = []
    indicator_shares: list[float] = []
    findings: dict[str, list[Finding]] = {}
    statuses: dict[str, MonitoringStatus] = {}
    gap_counts: Counter[str] = Counter()
    gap_scores: Counter[str] = Counter()
    rule_planners: Counter[str] = Counter()
    rule_findings: Counter[str] = Counter()
    cause_counts: Counter[str] = Counter()
    cause_planners: Counter[str] = Counter()
    main_obstacle: dict[str, str] = {}
    team = cascade_settings.team
    for n, workbook in enumerate(workbooks):
        tot_end = _tot_end(workbook, workshop)
        found = _plan_findings(workbook, tot_end, scores, n, context, settings)
        state = status(workbook, as_of=as_of, tot_end=tot_end, settings=settings)
        findings[workbook.id] = found
        statuses[workbook.id] = state
        shares = progress(workbook)
        errors = sum(1 for finding in found if finding.is_error)
        obstacles = sum(state.obstacles.values())
        profile = workbook.profile
        rows.append({
            "workbook_id": workbook.id,
            "name": profile.name,
            "institution": profile.institution,
            "role": profile.role,
            **{f"progress_{section}": shares[section] for section in SECTIONS},
            "progress": sum(shares.values()) / len(shares),
            "plan_status": "not_ready" if errors else "ready",
            "plan_errors": errors,
            "plan_warnings": len(found) - errors,
            "monitoring_status": state.status,
            "sessions_planned": state.sessions_planned,
            "sessions_due": state.sessions_due,
            "sessions_held": state.sessions_held,
            "people_reached": state.people_reached,
            "indicators_measured": state.indicators_measured,
            "obstacles": obstacles,
            "last_activity": state.last_activity,
            "days_since_last_activity": state.days_since_last_activity,
        })
        # priority gaps, findings by rule, obstacles by cause
        entries = workbook.gaps.entries
        if entries:  # priority_gaps' rule, without naming and ranking every gap
            gap_values = [gap_score(entry) for entry in entries]
            cutoff = priority_cutoff(gap_values)
            if cutoff is not None:
                for entry, value in zip(entries, gap_values, strict=True):
                    if value >= cutoff:
                        factor = OWN_FACTORS if is_own(entry.factor) else entry.factor
                        gap_counts[factor] += 1
                        gap_scores[factor] += value
        for rule in {finding.rule for finding in found}:
            rule_planners[rule] += 1
        rule_findings.update(finding.rule for finding in found)
        if obstacles:
            cause_counts.update({c: k for c, k in state.obstacles.items() if k})
            cause_planners.update(c for c, k in state.obstacles.items() if k)
            main_obstacle[workbook.id] = max(CAUSES, key=lambda c: state.obstacles[c])
        # reach: the plan's level 1 and the sessions due by as_of, on paper and realistic
        band = scores.band[n]
        p = cascade_settings.p_of_band(band or NO_INDEX_BAND)
        sessions = workbook.plan.sessions
        planned = sum(s.participants for s in sessions)
        due = sum(s.participants for s in sessions if s.date is not None and s.date <= as_of)
        reach_rows.append({
            "workbook_id": workbook.id, "name": profile.name, "band": band, "p": p,
            "plan_on_paper": planned * team, "plan_realistic": planned * team * p,
            "on_paper": due * team, "realistic": due * team * p,
            "realised": state.people_reached,
        })
        # success: reach (scaled below) and indicator progress
        indicators = state.indicator_progress
        progress_share = (
            sum(min(1.0, max(0.0, i.share or 0.0)) for i in indicators) / len(indicators)
            if indicators else 0.0
        )
        indicator_shares.append(progress_share)

    table = pd.DataFrame(rows, columns=[c for c in TABLE_COLUMNS
                                        if c not in ("index", "band", "weakest")])
    table.insert(TABLE_COLUMNS.index("index"), "index", scores.index)
    table.insert(TABLE_COLUMNS.index("band"), "band",
                 pd.Series(scores.band, index=table.index, dtype=object))
    table.insert(TABLE_COLUMNS.index("weakest"), "weakest",
                 pd.Series(scores.weakest, index=table.index, dtype=object))
    table["days_since_last_activity"] = table["days_since_last_activity"].astype("Int64")
    table["last_activity"] = table["last_activity"].astype(object)

    reach = pd.DataFrame(reach_rows, columns=["workbook_id", "name", "band", "p",
                                              *REACH_COLUMNS])
    totals = reach[list(REACH_COLUMNS)].sum()
    for column in REACH_COLUMNS:
        reach[column] = reach[column].astype(float)
    reach_totals = totals.astype(float)

    success = table[["workbook_id", "name", "institution", "monitoring_status",
                     "sessions_held", "people_reached", "indicators_measured"]].copy()
    most = success["people_reached"].max() if len(success) else 0
    success["reach_score"] = success["people_reached"] / most if most else 0.0
    success["indicator_progress"] = indicator_shares
    success["success_score"] = (success["reach_score"] + success["indicator_progress"]) / 2

    stalled = table[table["monitoring_status"] == "stalled"].copy()
    stalled["main_obstacle"] = stalled["workbook_id"].map(main_obstacle).fillna("")
    stalled = stalled.sort_values(["days_since_last_activity", "name"],
                                  ascending=[False, True], kind="stable")
    stalled = stalled[list(STALLED_COLUMNS)].reset_index(drop=True)

    reliability = (
        cohort_summary(instrument, scores.answers, scores=scores.readiness)
        if instrument is not None else pd.DataFrame()
    )
    return Dashboard(
        workshop=workshop,
        as_of=as_of,
        instrument=instrument,
        context=context,
        table=table,
        readiness=scores.readiness,
        reliability=reliability,
        top_gaps=_top_gaps(gap_counts, gap_scores, context),
        top_findings=_top_findings(rule_planners, rule_findings),
        reach=reach,
        reach_totals=reach_totals,
        obstacles=_obstacles(cause_counts, cause_planners),
        stalled=stalled,
        success=success,
        findings=findings,
        statuses=statuses,
        workbooks={workbook.id: workbook for workbook in workbooks},
    )


def _tot_end(workbook: Workbook, workshop: Any) -> date | None:
    """The TOT's last day for this plan (its header, else the workshop's)."""
    from totkit.plan import tot_days

    try:
        return tot_days(workbook.plan.header, workshop)[1]
    except InputError:  # the header's start after the workshop's end: the header's own end
        return workbook.plan.header.tot_end or getattr(workshop, "end_date", None)


# -- scoring ---------------------------------------------------------------------------------


def _score_all(workbooks: list[Workbook], templates: Path | None) -> _Scores:
    """Score every diagnostic, grouped by the instrument answered (``score_frame`` once per
    instrument). Answers an instrument refuses (items of another one) get no result, as
    ``plancheck`` and ``cascade`` treat them."""
    import numpy as np
    import pandas as pd

    from totkit.cascade import instrument_for
    from totkit.diagnostic import score_frame

    count = len(workbooks)
    loaded: dict[str, Instrument | None] = {}

    def instrument_of(workbook: Workbook) -> tuple[str, Instrument | None]:
        ref = workbook.diagnostic.instrument
        name = ref.id if ref else "readiness"
        if name not in loaded:
            loaded[name] = instrument_for(workbook, templates)
        return name, loaded[name]

    groups: dict[str, list[int]] = {}
    for n, workbook in enumerate(workbooks):
        _name, instrument = instrument_of(workbook)
        if instrument is not None:
            groups.setdefault(instrument.id, []).append(n)
    answered = Counter(
        instrument_of(workbooks[n])[1].id  # type: ignore[union-attr]
        for members in groups.values() for n in members if workbooks[n].diagnostic.answers
    )
    by_id = {inst.id: inst for inst in loaded.values() if inst is not None}
    if answered:
        cohort_id = max(answered, key=lambda i: (answered[i], i == "readiness"))
        cohort = by_id[cohort_id]
    else:
        cohort = instrument_for(None, templates)
        cohort_id = cohort.id if cohort is not None else ""

    index = np.full(count, np.nan)
    band: list[str | None] = [None] * count
    weakest = [""] * count
    scored: list[Instrument | None] = [None] * count
    dimension_scores: list[dict[str, float] | None] = [None] * count
    dimension_bands: list[dict[str, str] | None] = [None] * count
    nobody = pd.Index([], name="workbook_id", dtype=object)
    readiness = pd.DataFrame(
        {d.id: pd.Series(dtype=float) for d in (cohort.dimensions if cohort else ())},
        index=nobody)
    answers = pd.DataFrame({i: pd.Series(dtype=float) for i in (cohort.items if cohort else ())},
                           index=nobody)
    for instrument_id, members in groups.items():
        instrument = by_id[instrument_id]
        items = instrument.items
        fitting = [n for n in members if workbooks[n].diagnostic.answers.keys() <= items.keys()]
        if not fitting:
            continue
        frame = pd.DataFrame.from_records(
            [workbooks[n].diagnostic.answers for n in fitting], columns=list(items)
        ).astype(float)
        frame.index = pd.Index([workbooks[n].id for n in fitting], name="workbook_id")
        result = score_frame(instrument, frame)
        dims = [d.id for d in instrument.dimensions]
        values = result[dims].to_numpy(dtype=float)
        bands = sorted(instrument.bands, key=lambda b: b.lower)
        lowers = np.array([b.lower for b in bands])
        band_ids = [b.id for b in bands]
        positions = np.clip(np.searchsorted(lowers, np.nan_to_num(values), side="right") - 1,
                            0, None)
        result_index = result["index"].to_numpy(dtype=float)
        result_band = result["band"].tolist()
        result_weakest = result["weakest"].tolist()
        for row, n in enumerate(fitting):
            scored[n] = instrument
            index[n] = result_index[row]
            band[n] = result_band[row] if isinstance(result_band[row], str) else None
            weakest[n] = result_weakest[row]
            mine = values[row]
            dimension_scores[n] = {d: float(v) for d, v in zip(dims, mine, strict=True)
                                   if v == v}
            dimension_bands[n] = {d: band_ids[p] for d, p, v
                                  in zip(dims, positions[row], mine, strict=True) if v == v}
        if instrument_id == cohort_id:
            has_answers = frame.notna().any(axis=1).to_numpy()
            readiness = result.loc[has_answers, dims]
            answers = frame.loc[has_answers]
    return _Scores(cohort, index, band, weakest, scored, dimension_scores, dimension_bands,
                   readiness, answers)


# -- the plan check ----------------------------------------------------------------------------

_BEFORE_WEAK = frozenset({"diagnostic-incomplete", "gaps-incomplete",
                          "no-application-indicator", "gap-without-action"})


def _plan_findings(
    workbook: Workbook,
    tot_end: date | None,
    scores: _Scores,
    n: int,
    context: ContextFile | None,
    settings: Settings,
) -> list[Finding]:
    """``plancheck.check`` on the workbook, with the diagnostic already scored for the whole
    cohort: the check runs without the instrument (the rules that need none), then the two
    rules on the diagnostic (``diagnostic-incomplete``, ``weak-dimension-unaddressed``) are
    decided here on the same scores, in their place. The result equals ``check_loaded``'s
    (tests/test_dashboard.py holds it to that); scoring each planner again with exact
    fractions would take most of the dashboard's time."""
    from totkit.plancheck import RULES, Finding, check

    found = check(workbook, tot_end=tot_end, instrument=None, context=context,
                  settings=settings)
    # without an instrument the check always finds the diagnostic incomplete: decided below
    found = [finding for finding in found if finding.rule != "diagnostic-incomplete"]
    instrument = scores.instruments[n]
    head: list[Finding] = []
    if instrument is None or scores.index[n] != scores.index[n]:  # no result, or no index
        head.append(Finding("diagnostic-incomplete", RULES["diagnostic-incomplete"]))
    weak: list[Finding] = []
    dimension_bands = scores.dimension_bands[n]
    if instrument is not None and dimension_bands is not None:
        lowest = min(instrument.bands, key=lambda band: band.lower)
        linked = {dim for action in workbook.plan.actions for dim in action.dimensions}
        for dimension in instrument.dimensions:
            if dimension_bands.get(dimension.id) == lowest.id and dimension.id not in linked:
                weak.append(Finding(
                    "weak-dimension-unaddressed", RULES["weak-dimension-unaddressed"],
                    f"dimensions/{dimension.id}",
                    {"dimension": dimension.id,
                     "score": scores.dimension_scores[n][dimension.id],  # type: ignore[index]
                     "name": {"id": dimension.name.id, "en": dimension.name.en},
                     "band": {"id": lowest.name.id, "en": lowest.name.en}},
                ))
    cut = 0
    while cut < len(found) and found[cut].rule in _BEFORE_WEAK:
        cut += 1
    return head + found[:cut] + weak + found[cut:]


# -- cohort views ------------------------------------------------------------------------------


def _top_gaps(counts: Counter[str], totals: Counter[str],
              context: ContextFile | None) -> pd.DataFrame:
    import pandas as pd

    order = context.order if context is not None else {}
    factors = sorted(counts, key=lambda f: (-counts[f], f == OWN_FACTORS,
                                            order.get(f, len(order)), f))
    return pd.DataFrame(
        {"planners": [counts[f] for f in factors],
         "mean_score": [totals[f] / counts[f] for f in factors]},
        index=pd.Index(factors, name="factor"),
    )


def _top_findings(planners: Counter[str], findings: Counter[str]) -> pd.DataFrame:
    import pandas as pd

    from totkit.plancheck import RULES

    order = list(RULES)
    rules = sorted(planners, key=lambda r: (-planners[r], order.index(r)))
    return pd.DataFrame(
        {"severity": [RULES[r] for r in rules], "planners": [planners[r] for r in rules],
         "findings": [findings[r] for r in rules]},
        index=pd.Index(rules, name="rule"),
    )


def _obstacles(counts: Counter[str], planners: Counter[str]) -> pd.DataFrame:
    import pandas as pd

    from totkit.monitoring import CAUSES

    causes = sorted(CAUSES, key=lambda c: (-counts[c], CAUSES.index(c)))
    return pd.DataFrame(
        {"obstacles": [counts[c] for c in causes], "planners": [planners[c] for c in causes]},
        index=pd.Index(causes, name="cause"),
    )


# -- headers in a language -------------------------------------------------------------------


def column_header(column: str, lang: str | None) -> str:
    """A column's header in ``lang``: ``dashboard.col.<column>``; ``progress_<section>``
    names the section; a dimension id its name is left to the caller."""
    from totkit.i18n import catalogue, t

    if column.startswith("progress_") and column[len("progress_"):] in SECTIONS:
        return t("dashboard.col.progress_of", lang,
                 section=t(f"section.{column[len('progress_'):]}", lang))
    key = f"dashboard.col.{column}"
    return t(key, lang) if key in catalogue() else column

