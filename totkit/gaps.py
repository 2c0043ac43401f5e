"""Context-gap analysis: what the training design assumes against the field reality.

The context factors are data (``templates/instruments/context.yaml``), loaded and refused
like an instrument: a bad file names the file, the line and the fix. A planner rates each
factor (``GapEntry``: assumed and reality on 1 to 5, importance on 1 to 3) and may add up to
``MAX_OWN_FACTORS`` factors of their own, ids ``own_1``, ``own_2``, ... with a ``label``.

Gap score = max(0, assumed - reality) x importance. The priority gaps are those scoring
``PRIORITY_SCORE`` (4) or more; when fewer than three do, the three largest non-zero gaps,
with every gap tied with the third included. A gap of 0 is never a priority. For each
priority gap the planner writes how the material or method will be adapted.

Free text (``label``, ``adaptation``) is stored as typed: HTML or formula-like text is data
here, and escaping it is the job of each display and export.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated

from pydantic import (
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from totkit.errors import InputError
from totkit.instrument import Identifier, NonEmpty, ScaleLabel, Strict, Text
from totkit.parts import InstrumentRef, Part, ShortText
from totkit.paths import templates_dir
from totkit.yamlfile import (
    INSTRUMENT_KEYS,
    load_yaml_with_lines,
    problem,
    read_file,
    validation_error,
)

MAX_OWN_FACTORS = 10
MAX_ADAPTATION = 2000
MAX_ENTRIES = 60
MAX_FACTORS = 30  # in a context file
PRIORITY_SCORE = 4
PRIORITY_COUNT = 3
CONDITION = (1, 2, 3, 4, 5)
IMPORTANCE = (1, 2, 3)
OWN_PREFIX = "own_"
_OWN = re.compile(r"^own_[0-9]{1,3}$")

FactorId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Adaptation = Annotated[str, StringConstraints(max_length=MAX_ADAPTATION)]


def is_own(factor: str) -> bool:
    """Whether ``factor`` is the id of a planner's own factor (``own_1``, ``own_2``, ...)."""
    return bool(_OWN.match(factor))


# -- the context file --------------------------------------------------------------------------


class ContextFactor(Strict):
    id: Identifier
    name: Text
    assumed_hint: Text
    reality_hint: Text
    adaptation_hint: Text
    source: NonEmpty


class Scales(Strict):
    """The labels of the 1-5 condition scale (assumed and reality) and of importance 1-3."""

    condition: list[ScaleLabel] = Field(min_length=5, max_length=5)
    importance: list[ScaleLabel] = Field(min_length=3, max_length=3)

    @field_validator("condition")
    @classmethod
    def _condition_is_one_to_five(cls, scale: list[ScaleLabel]) -> list[ScaleLabel]:
        if [label.value for label in scale] != list(CONDITION):
            raise ValueError(problem("scale_order", "1, 2, 3, 4, 5", "scales.condition"))
        return scale

    @field_validator("importance")
    @classmethod
    def _importance_is_one_to_three(cls, scale: list[ScaleLabel]) -> list[ScaleLabel]:
        if [label.value for label in scale] != list(IMPORTANCE):
            raise ValueError(problem("scale_order", "1, 2, 3", "scales.importance"))
        return scale


class ContextFile(Strict):
    """The context factors a planner rates, in the order the app shows them."""

    id: Identifier
    version: NonEmpty
    title: Text
    description: Text
    scales: Scales
    factors: list[ContextFactor] = Field(min_length=1, max_length=MAX_FACTORS)
    _sha256: str = PrivateAttr(default="")

    @property
    def sha256(self) -> str:
        """The file's content hash, recorded with the ratings that refer to it."""
        return self._sha256

    @model_validator(mode="after")
    def _factor_ids_unique_and_not_reserved(self) -> ContextFile:
        seen: set[str] = set()
        for index, factor in enumerate(self.factors):
            path = f"factors.{index}.id"
            if factor.id in seen:
                raise ValueError(problem("duplicate_factor", factor.id, path))
            if factor.id.startswith(OWN_PREFIX):
                raise ValueError(problem("reserved_id", factor.id, path))
            seen.add(factor.id)
        return self

    @cached_property
    def by_id(self) -> dict[str, ContextFactor]:
        return {factor.id: factor for factor in self.factors}

    @cached_property
    def order(self) -> dict[str, int]:
        return {factor.id: index for index, factor in enumerate(self.factors)}

    def ref(self) -> InstrumentRef:
        return InstrumentRef(id=self.id, version=self.version, sha256=self.sha256)


_CONTEXT_KEYS = {
    **INSTRUMENT_KEYS,
    "too_short": "error.context.count",
    "too_long": "error.context.count",
}


def context_path(folder: Path | None = None) -> Path:
    return (folder or templates_dir()) / "instruments" / "context.yaml"


def load_context(path: Path | str | None = None) -> ContextFile:
    """Read and validate a context file (default: the templates' ``context.yaml``).

    A bad file raises ``totkit.instrument.InstrumentError`` with the file, line and fix.
    """
    path = Path(path) if path is not None else context_path()
    content = read_file(path)
    data, lines = load_yaml_with_lines(content, str(path), empty_key="error.context.empty")
    try:
        context = ContextFile.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, str(path), lines, _CONTEXT_KEYS, "error.context.") from None
    context._sha256 = hashlib.sha256(content).hexdigest()
    return context


# -- the workbook section ----------------------------------------------------------------------


class GapEntry(Part):
    """One rated factor: a context factor's id, or ``own_<n>`` with the planner's ``label``."""

    factor: FactorId
    label: ShortText = ""
    assumed: Annotated[int, Field(ge=1, le=5)]
    reality: Annotated[int, Field(ge=1, le=5)]
    importance: Annotated[int, Field(ge=1, le=3)] = 2
    adaptation: Adaptation = ""

    @property
    def own(self) -> bool:
        return is_own(self.factor)

    @property
    def score(self) -> int:
        return gap_score(self)

    @model_validator(mode="after")
    def _own_factor_has_a_label(self) -> GapEntry:
        if self.own and not self.label:
            raise InputError("error.gaps.own_label", field="label", factor=self.factor)
        return self


class Gaps(Part):
    """The context-gap section: the context file rated against, and one entry per factor."""

    instrument: InstrumentRef | None = None
    entries: list[GapEntry] = Field(default=[], max_length=MAX_ENTRIES)

    @model_validator(mode="after")
    def _factors_unique_and_own_factors_limited(self) -> Gaps:
        seen: set[str] = set()
        for entry in self.entries:
            if entry.factor in seen:
                raise InputError("error.gaps.duplicate_factor", field="factor",
                                 factor=entry.label or entry.factor)
            seen.add(entry.factor)
        own = sum(1 for entry in self.entries if entry.own)
        if own > MAX_OWN_FACTORS:
            raise InputError("error.gaps.too_many_own", field="own_factors",
                             max=MAX_OWN_FACTORS, count=own)
        return self


# -- scoring and ranking -----------------------------------------------------------------------


def gap_score(entry: GapEntry) -> int:
    """max(0, assumed - reality) x importance: 0 (no gap) to 12."""
    return max(0, entry.assumed - entry.reality) * entry.importance


def priority_cutoff(scores: Iterable[int]) -> int | None:
    """The lowest score that makes a gap a priority, or ``None`` when no gap is.

    Scores of ``PRIORITY_SCORE`` (4) or more are priorities when at least three gaps reach
    it; otherwise the three largest non-zero scores are, every score tied with the third
    included (so the cutoff is the third largest non-zero score, or the smallest non-zero
    one when there are fewer than three). A score of 0 is never a priority.
    """
    nonzero = sorted((score for score in scores if score > 0), reverse=True)
    if not nonzero:
        return None
    if sum(1 for score in nonzero if score >= PRIORITY_SCORE) >= PRIORITY_COUNT:
        return PRIORITY_SCORE
    return nonzero[min(PRIORITY_COUNT, len(nonzero)) - 1]


@dataclass(frozen=True)
class RankedGap:
    factor: str
    names: Mapping[str, str]  # {"id": ..., "en": ...}
    assumed: int
    reality: int
    importance: int
    score: int
    priority: bool
    rank: int  # 1 for the largest gap; tied scores share a rank (1, 2, 2, 4)
    own: bool
    adaptation: str

    def name(self, lang: str) -> str:
        return self.names["en"] if lang == "en" else self.names["id"]


def ranked(gaps: Gaps, context: ContextFile | None = None) -> list[RankedGap]:
    """Every entry, largest gap score first, with its name, rank and whether it is a priority.

    Ties keep a fixed order: first the factors of the context file in the file's order, then
    factor ids the file does not know (in entry order), then the planner's own factors in
    entry order. A factor is named by the context file, an own factor by its label, and an
    unknown factor by its id. Without ``context`` every factor is ordered as entered.
    """
    order = context.order if context is not None else {}
    known = context.by_id if context is not None else {}
    cutoff = priority_cutoff(gap_score(entry) for entry in gaps.entries)

    def tie_order(indexed: tuple[int, GapEntry]) -> tuple[int, int, int]:
        index, entry = indexed
        group = 2 if entry.own else (0 if entry.factor in order else 1)
        return (-gap_score(entry), group, order.get(entry.factor, index))

    rows: list[RankedGap] = []
    for position, (_, entry) in enumerate(sorted(enumerate(gaps.entries), key=tie_order)):
        score = gap_score(entry)
        rank = rows[-1].rank if rows and rows[-1].score == score else position + 1
        rows.append(RankedGap(
            factor=entry.factor,
            names=_names(entry, known),
            assumed=entry.assumed,
            reality=entry.reality,
            importance=entry.importance,
            score=score,
            priority=cutoff is not None and score >= cutoff,
            rank=rank,
            own=entry.own,
            adaptation=entry.adaptation,
        ))
    return rows


def _names(entry: GapEntry, known: Mapping[str, ContextFactor]) -> dict[str, str]:
    if entry.factor in known and not entry.own:
        name = known[entry.factor].name
        return {"id": name.id, "en": name.en}
    label = entry.label or entry.factor
    return {"id": label, "en": label}


def priority_gaps(gaps: Gaps, context: ContextFile | None = None) -> list[RankedGap]:
    """The priority gaps, largest first (see ``priority_cutoff`` for the rule)."""
    return [row for row in ranked(gaps, context) if row.priority]


def missing_adaptations(gaps: Gaps, context: ContextFile | None = None) -> list[RankedGap]:
    """The priority gaps whose adaptation is still empty (or only spaces)."""
    return [row for row in priority_gaps(gaps, context) if not row.adaptation.strip()]


def completion(gaps: Gaps) -> float:
    """How far the section is done, 0 to 1: half for rating factors, half for adapting.

    No entry: 0. Otherwise 0.5, plus 0.5 x the share of priority gaps with an adaptation
    (1.0 when there is no priority gap).
    """
    if not gaps.entries:
        return 0.0
    cutoff = priority_cutoff(gap_score(entry) for entry in gaps.entries)
    priorities = [e for e in gaps.entries if cutoff is not None and gap_score(e) >= cutoff]
    if not priorities:
        return 1.0
    adapted = sum(1 for entry in priorities if entry.adaptation.strip())
    return 0.5 + 0.5 * adapted / len(priorities)
