"""A cohort's diagnostic: responses from the apps or from a survey tool, scored together."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from totkit.instrument import Instrument
    from totkit.store import Joined, Store
    from totkit.survey import ImportResult


GROUPINGS = ("institution", "role")  # group comparisons; groups under 3 people are hidden


@dataclass(frozen=True)
class CohortReport:
    respondents: pd.DataFrame  # name, institution, role, row + one column per dimension, index...
    summary: pd.DataFrame  # per dimension: n, mean, median, q1, q3, alpha, n_alpha, alpha_low
    groups: dict[str, pd.DataFrame]  # "institution", "role": n, mean and median per dimension


def diagnose(instrument: Instrument, imported: ImportResult) -> CohortReport:
    import pandas as pd

    from totkit.diagnostic import cohort_summary, group_summary, score_frame

    answers = imported.answers.astype("Float64").astype(float)
    scores = score_frame(instrument, answers)
    respondents = pd.concat(
        [imported.respondents.reset_index(drop=True), scores.reset_index(drop=True)], axis=1
    )
    summary = cohort_summary(instrument, answers, scores=scores)
    people = imported.respondents.set_index(answers.index)
    groups = {
        by: group_summary(instrument, answers, people[by].replace("", None), scores=scores)
        for by in GROUPINGS
    }
    return CohortReport(respondents=respondents, summary=summary, groups=groups)


def report_json(instrument: Instrument, imported: ImportResult, report: CohortReport,
                lang: str) -> dict[str, Any]:
    dimension_ids = [dim.id for dim in instrument.dimensions]
    respondents = []
    for record, (_, row) in zip(imported.records(), report.respondents.iterrows(), strict=True):
        respondents.append({
            **record,
            "scores": {dim: _number(row[dim]) for dim in dimension_ids},
            "index": _number(row["index"]),
            "band": row["band"] if isinstance(row["band"], str) else None,
            "weakest": [d for d in str(row["weakest"]).split(";") if d],
        })
    summary = report.summary.reset_index().to_dict(orient="records")
    return {
        "instrument": instrument.ref().model_dump(),
        "respondents": respondents,
        "cohort": [{key: _plain(value) for key, value in entry.items()} for entry in summary],
        "groups": {
            by: {
                "hidden_groups": int(frame.attrs.get("hidden_groups", 0)),
                "rows": [{key: _plain(value) for key, value in entry.items()}
                         for entry in frame.reset_index().to_dict(orient="records")],
            }
            for by, frame in report.groups.items()
        },
        "problems": [problem.as_dict(lang) for problem in imported.problems],
    }


def add_to_workshop(store: Store, workshop_code: str, instrument: Instrument,
                    imported: ImportResult, unnamed: str) -> list[tuple[str, Joined]]:
    """Each respondent becomes a workbook of the workshop, with their answers saved."""
    from totkit.model import Diagnostic, Profile
    from totkit.parts import parse

    # Every respondent is checked before the first is added: a bad row adds nobody.
    people = []
    for record in imported.records():
        name = record.get("name") or unnamed.format(row=record["row"])
        profile = parse(Profile, {"name": name, "role": record.get("role", ""),
                                  "institution": record.get("institution", "")})
        diagnostic = parse(Diagnostic, {"instrument": instrument.ref(),
                                        "answers": record["answers"]})
        people.append((name, profile, diagnostic))
    added = []
    for name, profile, diagnostic in people:
        joined = store.join(workshop_code, profile)
        store.save_section(joined.workbook_id, "diagnostic", diagnostic, 0)
        added.append((name, joined))
    return added


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number  # NaN


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value
