"""YAML files a facilitator edits (instruments, context factors), read with line numbers.

A bad file is refused with an ``InstrumentError`` naming the file, the line and the fix:
``load_yaml_with_lines`` keeps the line of every key and list entry, and
``validation_error`` turns pydantic's first finding into a message placed on the nearest
line. Validators report their own findings as ``problem(code, subject, path)``.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from totkit.errors import InputError

Lines = dict[tuple, int]
MAX_DEPTH = 50  # an instrument nests about six levels; far deeper is not a facilitator's file

# pydantic's error types, as the message that says the fix.
INSTRUMENT_KEYS: dict[str, str] = {
    "missing": "error.instrument.missing",
    "extra_forbidden": "error.instrument.unknown_key",
    "bool_type": "error.instrument.boolean",
    "string_too_short": "error.instrument.empty_text",
    "string_pattern_mismatch": "error.instrument.identifier",
    "too_short": "error.instrument.count",
    "too_long": "error.instrument.count",
}


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


def read_file(path: Any) -> bytes:
    """The bytes of a facilitator's file, or an ``InputError`` naming it (missing, a folder,
    not readable)."""
    try:
        return path.read_bytes()
    except (OSError, ValueError):  # ValueError: a NUL in the name
        raise InputError("error.export_unreadable", file=str(path)) from None


def load_yaml_with_lines(
    content: bytes, file: str, *, empty_key: str = "error.instrument.empty"
) -> tuple[Any, Lines]:
    """The data of a YAML text and the 1-based line of every key and list entry in it.

    ``lines`` maps a path such as ``("dimensions", 2, "items", 0, "id")`` to its line.
    Not UTF-8, not YAML, empty, or a key given twice: ``InstrumentError`` with the line.
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise InstrumentError("error.instrument.encoding", file, 1) from None
    try:
        node = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        # "weight 1" (no colon) fails on the next line; the key being scanned is the place.
        scanning_key = exc.context == "while scanning a simple key" and exc.context_mark
        mark = exc.context_mark if scanning_key else exc.problem_mark
        line = mark.line + 1 if mark else None
        raise InstrumentError("error.instrument.yaml", file, line, problem=exc.problem) from None
    except yaml.YAMLError as exc:  # the reader's: a character YAML does not allow (NUL, ESC)
        position = getattr(exc, "position", None)
        line = text[:position].count("\n") + 1 if isinstance(position, int) else None
        problem = getattr(exc, "reason", None) or type(exc).__name__
        raise InstrumentError("error.instrument.yaml", file, line, problem=problem) from None
    if node is None:
        raise InstrumentError(empty_key, file, 1)
    lines: Lines = {}
    return _construct(node, (), lines, file, set()), lines


def _construct(node: Any, path: tuple, lines: Lines, file: str, seen: set[int]) -> Any:
    import yaml

    line = node.start_mark.line + 1
    if id(node) in seen:  # an alias (*name): refused, since aliases can nest into billions
        raise InstrumentError("error.instrument.yaml", file, line,
                              problem="anchors and aliases (& and *) are not allowed")
    if len(path) > MAX_DEPTH:
        raise InstrumentError("error.instrument.yaml", file, line,
                              problem=f"nested more than {MAX_DEPTH} levels deep")
    seen.add(id(node))
    lines.setdefault(path, line)  # a key's own line comes first
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):  # "? [a, b]": a list as a key
                raise InstrumentError("error.instrument.yaml", file,
                                      key_node.start_mark.line + 1, problem="a key must be text")
            key = key_node.value
            if key in result:
                line = key_node.start_mark.line + 1
                raise InstrumentError("error.instrument.duplicate_key", file, line, name=key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = _construct(value_node, (*path, key), lines, file, seen)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(child, (*path, i), lines, file, seen)
                for i, child in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: Any) -> Any:
    import yaml

    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def problem(code: str, subject: str, path: str) -> str:
    """A validator's finding, as ``code|subject|path`` for ``validation_error`` to place."""
    return f"{code}|{subject}|{path}"


def validation_error(
    exc: ValidationError,
    file: str,
    lines: Lines,
    keys: dict[str, str] | None = None,
    prefix: str = "error.instrument.",
) -> InstrumentError:
    """pydantic's first finding as an ``InstrumentError`` on the nearest line.

    ``keys`` maps pydantic error types to message keys (``INSTRUMENT_KEYS`` by default); a
    validator's ``problem(code, ...)`` becomes the message ``prefix + code``.
    """
    first = exc.errors()[0]
    location = tuple(first["loc"])
    finding = str((first.get("ctx") or {}).get("error", "")).split("|")
    if first["type"] == "value_error" and len(finding) == 3:
        code, subject, path = finding
        location = tuple(int(part) if part.isdigit() else part for part in path.split("."))
        where = ".".join(str(part) for part in location)
        line = nearest_line(location, lines)
        return InstrumentError(f"{prefix}{code}", file, line, where=where, subject=subject)
    where = ".".join(str(part) for part in location) or "instrument"
    key = (INSTRUMENT_KEYS if keys is None else keys).get(first["type"], "error.instrument.value")
    return InstrumentError(key, file, nearest_line(location, lines), where=where,
                           problem=first["msg"])


def nearest_line(location: tuple, lines: Lines) -> int | None:
    """The line of ``location``, or of the closest enclosing key that has one."""
    for end in range(len(location), -1, -1):
        if location[:end] in lines:
            return lines[location[:end]]
    return None
