"""Instruments kept as data in ``templates/instruments/*.yaml``: loading and validation.

A facilitator may edit an instrument or add one, so a bad file is refused with
the file, the line and the fix (``InstrumentError``), before any planner sees it.
The format is documented in ``templates/instruments/README.md``.
"""

from __future__ import annotations

import hashlib
from functools import cached_property
from pathlib import Path
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from totkit.parts import InstrumentRef
from totkit.paths import templates_dir
from totkit.yamlfile import InstrumentError as InstrumentError  # re-exported: callers catch it here
from totkit.yamlfile import load_yaml_with_lines, problem, read_file, validation_error

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
SCALE = (1, 2, 3, 4, 5)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Text(Strict):
    """A text in both languages; neither may be empty."""

    id: NonEmpty
    en: NonEmpty

    def __call__(self, lang: str) -> str:
        return self.en if lang == "en" else self.id


class Item(Strict):
    id: Identifier
    text: Text
    reverse: StrictBool = False

    def score(self, answer: int) -> int:
        return 6 - answer if self.reverse else answer


class Recommendation(Strict):
    text: Text
    source: NonEmpty


class Band(Strict):
    id: Identifier
    name: Text
    lower: float = Field(alias="from", ge=0, le=100)


class ScaleLabel(Strict):
    value: int = Field(ge=1, le=5)
    label: Text


class Dimension(Strict):
    id: Identifier
    name: Text
    description: Text
    weight: float = Field(default=1.0, gt=0)
    cause: str = ""
    items: list[Item] = Field(min_length=3, max_length=5)
    recommendations: dict[str, list[Recommendation]]


class Instrument(Strict):
    id: Identifier
    version: NonEmpty
    title: Text
    description: Text
    scale: list[ScaleLabel] = Field(min_length=5, max_length=5)
    bands: list[Band] = Field(min_length=1)
    dimensions: list[Dimension] = Field(min_length=1)
    _sha256: str = PrivateAttr(default="")

    @property
    def sha256(self) -> str:
        """The file's content hash, recorded with the answers that refer to it."""
        return self._sha256

    @field_validator("scale")
    @classmethod
    def _scale_is_one_to_five(cls, scale: list[ScaleLabel]) -> list[ScaleLabel]:
        if [label.value for label in scale] != list(SCALE):
            raise ValueError(problem("scale_order", "", "scale"))
        return scale

    @field_validator("bands")
    @classmethod
    def _bands_in_order(cls, bands: list[Band]) -> list[Band]:
        for index, band in enumerate(bands):
            if band.id in {earlier.id for earlier in bands[:index]}:
                raise ValueError(problem("duplicate_band", band.id, f"bands.{index}.id"))
        if bands[0].lower != 0:
            raise ValueError(problem("bands_start", bands[0].id, "bands.0.from"))
        for index in range(1, len(bands)):
            if bands[index].lower <= bands[index - 1].lower:
                raise ValueError(problem("bands_order", bands[index].id, f"bands.{index}.from"))
        return bands

    @model_validator(mode="after")
    def _ids_unique_and_recommendations_per_band(self) -> Instrument:
        seen_items: set[str] = set()
        seen_dimensions: set[str] = set()
        band_ids = {band.id for band in self.bands}
        for d, dim in enumerate(self.dimensions):
            if dim.id in seen_dimensions:
                raise ValueError(problem("duplicate_dimension", dim.id, f"dimensions.{d}.id"))
            seen_dimensions.add(dim.id)
            for i, item in enumerate(dim.items):
                if item.id in seen_items:
                    path = f"dimensions.{d}.items.{i}.id"
                    raise ValueError(problem("duplicate_item", item.id, path))
                seen_items.add(item.id)
            if set(dim.recommendations) != band_ids:
                missing = ", ".join(sorted(band_ids ^ set(dim.recommendations)))
                path = f"dimensions.{d}.recommendations"
                raise ValueError(problem("recommendation_bands", missing, path))
            for band, recommendations in dim.recommendations.items():
                if not recommendations:
                    path = f"dimensions.{d}.recommendations.{band}"
                    raise ValueError(problem("no_recommendation", band, path))
        return self

    @cached_property
    def items(self) -> dict[str, Item]:
        return {item.id: item for dim in self.dimensions for item in dim.items}

    @cached_property
    def dimension_of(self) -> dict[str, str]:
        return {item.id: dim.id for dim in self.dimensions for item in dim.items}

    def ref(self) -> InstrumentRef:
        return InstrumentRef(id=self.id, version=self.version, sha256=self.sha256)


# -- loading with line numbers -----------------------------------------------------------------


def load_instrument(path: Path | str) -> Instrument:
    """Read and validate an instrument file; ``InstrumentError`` names the file and line."""
    path = Path(path)
    content = read_file(path)
    data, lines = load_yaml_with_lines(content, str(path))
    try:
        instrument = Instrument.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, str(path), lines) from None
    instrument._sha256 = hashlib.sha256(content).hexdigest()
    return instrument


def instrument_path(name: str = "readiness", folder: Path | None = None) -> Path:
    return (folder or templates_dir()) / "instruments" / f"{name}.yaml"
