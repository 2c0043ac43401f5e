"""The building blocks of every stored part: strict pydantic models, text limits and the
conversion of validation errors into messages that name the field."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Mapping
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError, model_validator

from totkit.errors import InputError

if sys.version_info >= (3, 11):
    from typing import Self
else:
    from typing_extensions import Self

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=5000)]
Language = Literal["id", "en"]
EntryT = TypeVar("EntryT")


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class InstrumentRef(Part):
    """Which instrument the answers refer to: its id, version and content hash."""

    id: ShortText
    version: ShortText = ""
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]

    @classmethod
    def of(cls, instrument_id: str, version: str, content: bytes) -> InstrumentRef:
        return cls(id=instrument_id, version=version, sha256=hashlib.sha256(content).hexdigest())


def parse(model: type[Part], data: Any) -> Any:
    """Validate ``data`` (a dict, or JSON text) as ``model``; refuse it with an ``InputError``."""
    try:
        if isinstance(data, (str, bytes)):
            return model.model_validate_json(data)
        return model.model_validate(data)
    except ValidationError as exc:
        raise input_error(exc) from None


_ERROR_KEYS = {
    "missing": "error.required",
    "string_too_short": "error.required",
    "string_too_long": "error.too_long",
    "greater_than_equal": "error.out_of_range",
    "less_than_equal": "error.out_of_range",
    "literal_error": "error.choice",
    "extra_forbidden": "error.unknown_field",
    "json_invalid": "error.json_invalid",
}


def input_error(exc: ValidationError) -> InputError:
    """The first problem pydantic found, as a message key naming the field."""
    first = exc.errors()[0]
    location = [str(part) for part in first["loc"] if not isinstance(part, int)]
    field = location[-1] if location else "data"
    context = first.get("ctx") or {}
    params = {
        "max": context.get("max_length", context.get("le", "")),
        "min": context.get("ge", ""),
        "choices": context.get("expected", ""),
        "path": ".".join(str(part) for part in first["loc"]),
    }
    return InputError(_ERROR_KEYS.get(first["type"], "error.invalid"), field=field, **params)


class RefusingPart(Part):
    """A part that refuses invalid data with an ``InputError``, as ``parse`` does, even when
    built directly (``Diagnostic(...)``): ``_refusal`` makes it from pydantic's error
    (``input_error``; a plan's and a monitoring log's parts word theirs)."""

    _refusal: ClassVar[Callable[[ValidationError], InputError]] = staticmethod(input_error)

    @model_validator(mode="wrap")
    @classmethod
    def _refused_as_input_error(cls, data: Any, handler: Any) -> Any:
        try:
            return handler(data)
        except ValidationError as exc:
            raise cls._refusal(exc) from None


def locate(error: InputError, data: Any, single: tuple[str, type[BaseModel]],
           lists: dict[str, tuple[type[BaseModel], Any]]) -> None:
    """Prefix ``error``'s path with the part it came from (``sessions.3.title``, or the
    single part's name) and set ``entry`` (from 1) for a list entry, by checking the parts
    of ``data`` one by one against their models (a plan's or a monitoring log's)."""
    if not isinstance(data, dict):
        return
    name, model = single
    parts: list[tuple[str, Any, type[BaseModel]]] = [(name, data.get(name), model)]
    for list_name, (entry_model, _prefix) in lists.items():
        value = data.get(list_name)
        if isinstance(value, (list, tuple)):
            parts += [(f"{list_name}.{index}", item, entry_model)
                      for index, item in enumerate(value)]
    for where, item, part_model in parts:
        if item is None:
            continue
        try:
            part_model.model_validate(item)
        except InputError as inner:
            if (inner.key, inner.field) == (error.key, error.field):
                error.params["path"] = f"{where}.{inner.params.get('path', '')}".rstrip(".")
                if where != name:
                    error.params["entry"] = int(where.split(".")[1]) + 1
                return


def new_id(prefix: str, existing: Any) -> str:
    """The next id ``prefix<n>`` after the highest one in ``existing`` (ids are never reused
    while a higher one remains, so a link to a removed entry cannot hit a new one)."""
    highest = 0
    for value in existing:
        tail = str(value)[len(prefix) :]
        if str(value).startswith(prefix) and tail.isdigit():
            highest = max(highest, int(tail))
    return f"{prefix}{highest + 1}"


def entry_data(model: type[BaseModel], data: Any) -> dict[str, Any]:
    """One list entry as JSON data, validated as ``model``."""
    if isinstance(data, model):
        return data.model_dump(mode="json")
    return parse(model, data).model_dump(mode="json")


class EntryLists(Generic[EntryT]):
    """The lists of entries a plan and a monitoring log share, and their editing: each edit
    returns a new, validated part (``EntryT`` is the type of their entries).

    The class says ``_lists`` (list name -> (entry model, id prefix)), ``_most`` (entries a
    list holds at most), ``_field`` (an error's field is ``_field`` + the list's name) and
    ``_whose`` (whose lists they are, in the ``ValueError`` for a name that is none)."""

    _lists: ClassVar[Mapping[str, tuple[type[BaseModel], str]]]
    _most: ClassVar[int]
    _field: ClassVar[str]
    _whose: ClassVar[str]

    @classmethod
    def _checked(cls, data: Any, handler: Any, single: tuple[str, type[BaseModel]]) -> Self:
        """``handler(data)`` (a wrap validator's) with the lists' rules: a list that is too
        long is refused before its entries are checked, an error is located (``single`` is
        the part besides the lists), an entry without an id gets one, an id is unique."""
        cls._refuse_full_lists(data)
        try:
            part = handler(data)
        except InputError as exc:
            locate(exc, data, single, cls._lists)
            raise
        part._give_ids()
        return part

    @classmethod
    def _refuse_full_lists(cls, data: Any) -> None:
        """Say "the list is full" before checking 10,000 entries."""
        if not isinstance(data, dict):
            return
        for name in cls._lists:
            value = data.get(name)
            if isinstance(value, (list, tuple)) and len(value) > cls._most:
                raise InputError(
                    "error.plan_list_full", field=f"{cls._field}{name}", max=cls._most, path=name
                )

    def _give_ids(self) -> None:
        """Give an entry without an id the next free one; refuse an id twice in a list."""
        for name, (_model, prefix) in self._lists.items():
            entries = getattr(self, name)
            seen: set[str] = set()
            for index, entry in enumerate(entries):
                if not entry.id:
                    entry_id = new_id(prefix, [e.id for e in entries])
                    entries[index] = entry = entry.model_copy(update={"id": entry_id})
                if entry.id in seen:
                    raise InputError(
                        "error.plan_duplicate_id",
                        field=f"{self._field}{name}",
                        id=entry.id,
                        path=f"{name}.{index}.id",
                    )
                seen.add(entry.id)

    def entry(self, list_name: str, entry_id: str) -> EntryT:
        for entry in getattr(self, self._list(list_name)):
            if entry.id == entry_id:
                return entry
        raise InputError("error.plan_no_entry", field=f"{self._field}{list_name}", id=entry_id)

    def add(self, list_name: str, data: EntryT | dict[str, Any]) -> Self:
        """A copy with ``data`` appended to ``list_name`` (an id is given if it has none)."""
        entries = self._dumped(list_name)
        if len(entries) >= self._most:
            raise InputError(
                "error.plan_list_full",
                field=f"{self._field}{list_name}",
                max=self._most,
                path=list_name,
            )
        entries.append(entry_data(self._lists[list_name][0], data))
        return self._with(list_name, entries)

    def replace(self, list_name: str, entry_id: str, data: EntryT | dict[str, Any]) -> Self:
        """A copy with entry ``entry_id`` of ``list_name`` replaced by ``data`` (same id)."""
        self.entry(list_name, entry_id)
        changed = {**entry_data(self._lists[list_name][0], data), "id": entry_id}
        entries = [changed if item["id"] == entry_id else item for item in self._dumped(list_name)]
        return self._with(list_name, entries)

    def remove(self, list_name: str, entry_id: str) -> Self:
        """A copy without entry ``entry_id`` of ``list_name``."""
        self.entry(list_name, entry_id)
        entries = [item for item in self._dumped(list_name) if item["id"] != entry_id]
        return self._with(list_name, entries)

    def _dumped(self, list_name: str) -> list[dict[str, Any]]:
        return [entry.model_dump(mode="json") for entry in getattr(self, self._list(list_name))]

    def _with(self, name: str, value: Any) -> Self:
        """A copy with ``name`` set to ``value`` (JSON data), validated."""
        return parse(type(self), {**self.model_dump(mode="json"), name: value})

    @classmethod
    def _list(cls, list_name: str) -> str:
        if list_name not in cls._lists:
            names = ", ".join(cls._lists)
            raise ValueError(f"{list_name!r} is not a list of {cls._whose}: {names}")
        return list_name
