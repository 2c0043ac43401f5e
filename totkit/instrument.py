"""Instruments kept as data in ``templates/instruments/*.yaml``: loading and validation.

A facilitator may edit an instrument or add one, so a bad file is refused with
the file, the line and the fix (``InstrumentError``), before any planner sees it.
The format is documented in ``templates/instruments/README.md``.
"""

from __future__ import annotations

import hashlib
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

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

from totkit.errors import InputError
from totkit.model import InstrumentRef
from totkit.paths import templates_dir

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
SCALE = (1, 2, 3, 4, 5)


class InstrumentError(InputError):
    """A bad instrument file: ``file``, ``line`` and a message key that says the fix."""

    default_key = "error.instrument.invalid"

    def __init__(self, key: str, file: str, line: int | None, **params: Any):
        super().__init__(key, file=file, line=line if line is not None else "?", **params)
        self.file = file
        self.line = line

    def message(self, lang: str | None = None) -> str:
        from totkit.i18n import t

        where = t("error.instrument.where", lang, file=self.file, line=self.params["line"])
        return f"{where}: {super().message(lang)}"


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
            raise ValueError(_problem("scale_order", "", "scale"))
        return scale

    @field_validator("bands")
    @classmethod
    def _bands_in_order(cls, bands: list[Band]) -> list[Band]:
        for index, band in enumerate(bands):
            if band.id in {earlier.id for earlier in bands[:index]}:
                raise ValueError(_problem("duplicate_band", band.id, f"bands.{index}.id"))
        if bands[0].lower != 0:
            raise ValueError(_problem("bands_start", bands[0].id, "bands.0.from"))
        for index in range(1, len(bands)):
            if bands[index].lower <= bands[index - 1].lower:
                raise ValueError(_problem("bands_order", bands[index].id, f"bands.{index}.from"))
        return bands

    @model_validator(mode="after")
    def _ids_unique_and_recommendations_per_band(self) -> Instrument:
        seen_items: set[str] = set()
        seen_dimensions: set[str] = set()
        band_ids = {band.id for band in self.bands}
        for d, dim in enumerate(self.dimensions):
            if dim.id in seen_dimensions:
                raise ValueError(_problem("duplicate_dimension", dim.id, f"dimensions.{d}.id"))
            seen_dimensions.add(dim.id)
            for i, item in enumerate(dim.items):
                if item.id in seen_items:
                    path = f"dimensions.{d}.items.{i}.id"
                    raise ValueError(_problem("duplicate_item", item.id, path))
                seen_items.add(item.id)
            if set(dim.recommendations) != band_ids:
                missing = ", ".join(sorted(band_ids ^ set(dim.recommendations)))
                path = f"dimensions.{d}.recommendations"
                raise ValueError(_problem("recommendation_bands", missing, path))
            for band, recommendations in dim.recommendations.items():
                if not recommendations:
                    path = f"dimensions.{d}.recommendations.{band}"
                    raise ValueError(_problem("no_recommendation", band, path))
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
    content = path.read_bytes()
    data, lines = _yaml_with_lines(content, str(path))
    try:
        instrument = Instrument.model_validate(data)
    except ValidationError as exc:
        raise _instrument_error(exc, str(path), lines) from None
    instrument._sha256 = hashlib.sha256(content).hexdigest()
    return instrument


def instrument_path(name: str = "readiness", folder: Path | None = None) -> Path:
    return (folder or templates_dir()) / "instruments" / f"{name}.yaml"


def _yaml_with_lines(content: bytes, file: str) -> tuple[Any, dict[tuple, int]]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        node = yaml.compose(content.decode("utf-8"), Loader=loader)
    except UnicodeDecodeError:
        raise InstrumentError("error.instrument.encoding", file, 1) from None
    except yaml.MarkedYAMLError as exc:
        # "weight 1" (no colon) fails on the next line; the key being scanned is the place.
        scanning_key = exc.context == "while scanning a simple key" and exc.context_mark
        mark = exc.context_mark if scanning_key else exc.problem_mark
        line = mark.line + 1 if mark else None
        raise InstrumentError("error.instrument.yaml", file, line, problem=exc.problem) from None
    if node is None:
        raise InstrumentError("error.instrument.empty", file, 1)
    lines: dict[tuple, int] = {}
    return _construct(node, (), lines, file), lines


def _construct(node: Any, path: tuple, lines: dict[tuple, int], file: str) -> Any:
    import yaml

    lines.setdefault(path, node.start_mark.line + 1)  # a key's own line comes first
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key in result:
                line = key_node.start_mark.line + 1
                raise InstrumentError("error.instrument.duplicate_key", file, line, name=key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = _construct(value_node, (*path, key), lines, file)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(child, (*path, i), lines, file) for i, child in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: Any) -> Any:
    import yaml

    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


_INSTRUMENT_KEYS = {
    "missing": "error.instrument.missing",
    "extra_forbidden": "error.instrument.unknown_key",
    "bool_type": "error.instrument.boolean",
    "string_too_short": "error.instrument.empty_text",
    "string_pattern_mismatch": "error.instrument.identifier",
    "too_short": "error.instrument.count",
    "too_long": "error.instrument.count",
}


def _problem(code: str, subject: str, path: str) -> str:
    """A validator's finding, as ``code|subject|path`` for ``_instrument_error`` to place."""
    return f"{code}|{subject}|{path}"


def _instrument_error(exc: ValidationError, file: str, lines: dict[tuple, int]) -> InstrumentError:
    first = exc.errors()[0]
    location = tuple(first["loc"])
    if first["type"] == "value_error":
        code, subject, path = str(first["ctx"]["error"]).split("|")
        location = tuple(int(part) if part.isdigit() else part for part in path.split("."))
        where = ".".join(str(part) for part in location)
        line = _nearest_line(location, lines)
        return InstrumentError(f"error.instrument.{code}", file, line, where=where, subject=subject)
    where = ".".join(str(part) for part in location) or "instrument"
    key = _INSTRUMENT_KEYS.get(first["type"], "error.instrument.value")
    return InstrumentError(key, file, _nearest_line(location, lines), where=where,
                           problem=first["msg"])


def _nearest_line(location: tuple, lines: dict[tuple, int]) -> int | None:
    for end in range(len(location), -1, -1):
        if location[:end] in lines:
            return lines[location[:end]]
    return None
