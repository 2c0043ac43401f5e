"""Every export of a workbook whose every free text is one string of the corpus.

For each string a workbook is filled with it in every field that accepts it (through the
store, as the apps save), in a workshop titled with it when a title may be; each format is
then written and read back by an independent reader: no formula in the xlsx, no markup from
a planner in the HTML, a calendar that parses with no injected event, a docx that opens
with no field codes, and JSON that reads back to the same workbook. File names with paths,
devices and control characters are refused or land in the chosen folder.
"""

from __future__ import annotations

import contextlib
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from totkit.errors import TotkitError
from totkit.exports import FORMATS, default_filename, export, write_export
from totkit.exports.safe import xml_text
from totkit.model import SECTIONS, parse_section

from .checks import (
    assert_clear,
    check_docx,
    check_html,
    check_ics,
    check_json,
    check_xlsx,
    parse_html,
    refusal,
)
from .corpus import FILENAMES, STRINGS, TARGETS, base

NOW = datetime(2026, 9, 1, 3, 0, tzinfo=timezone.utc)
BENIGN = "Teks biasa"
MARKUP = ("html_script", "html_img_onerror", "html_attribute_break", "html_entities",
          "html_comment", "jinja", "formula_cmd", "sql_drop")


def filled(value: str) -> tuple[dict[str, dict], list]:
    """Each section's data with ``value`` in every field that takes it; and those fields."""
    sections = {section: base(section) for section in SECTIONS}
    accepted = []
    for target in TARGETS:
        if target.section == "profile" and target.path == ("name",) and not value.strip():
            continue
        trial = base(target.section)
        target.put(trial, value)
        try:
            parse_section(target.section, trial)
        except TotkitError:
            continue
        target.put(sections[target.section], value)
        accepted.append(target)
    return sections, accepted


class Exported:
    def __init__(self, world, value: str):
        store = world.store
        sections, self.accepted = filled(value)
        created = None
        if not _has_surrogate(value):  # the store cannot take one (reported, test_core)
            with contextlib.suppress(TotkitError):
                created = store.create_workshop(value)
        created = created or store.create_workshop("TOT")
        joined = store.join(created.code, sections["profile"])
        for section in SECTIONS[1:]:
            store.save_section(joined.workbook_id, section, sections[section], 0)
        self.workbook = store.load_workbook(joined.workbook_id)
        self.workshop = store.workshop_of(joined.workbook_id)
        self.value = value
        self._files: dict[str, bytes] = {}

    def file(self, fmt: str) -> bytes:
        if fmt not in self._files:
            projection = None
            if fmt in ("xlsx", "html"):
                from totkit.cascade import inputs_for_workbook, instrument_for, project

                inputs = inputs_for_workbook(self.workbook, instrument_for(self.workbook))
                projection = project(inputs, 200, 0)
            self._files[fmt] = export(self.workbook, fmt, workshop=self.workshop,
                                      lang="en" if len(self.value) % 2 else "id",
                                      projection=projection, now=NOW)
        return self._files[fmt]

    def stored(self, section: str, path: tuple) -> str | None:
        """The text stored at ``path`` of ``section`` when that field took the string."""
        for target in self.accepted:
            if (target.section, target.path) == (section, path):
                return self.value.strip() if target.stripped else self.value
        return None

    def texts(self) -> set[str]:
        """The accepted texts as stored (trimmed where the field trims)."""
        return {(self.value.strip() if target.stripped else self.value)
                for target in self.accepted if not target.key}


def _has_surrogate(value: str) -> bool:
    return any(0xD800 <= ord(char) <= 0xDFFF for char in value)


@pytest.fixture(scope="module")
def exported(world):
    cache: dict[str, Exported] = {}

    def get(value: str) -> Exported:
        if value not in cache:
            cache[value] = Exported(world, value)
        return cache[value]

    return get


@pytest.fixture(scope="module")
def baseline(exported):
    made = exported(BENIGN)
    return {"html": parse_html(made.file("html")), "events": len(check_ics(made.file("ics")))}


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("name", list(STRINGS))
def test_export_is_safe(exported, baseline, name, fmt):
    made = exported(STRINGS[name])
    content = made.file(fmt)
    plain = {text for text in made.texts() if text and xml_text(text) == text}
    if fmt == "xlsx":
        cells = check_xlsx(content)
        what = made.stored("plan", ("actions", 0, "what"))
        if what is not None and xml_text(what) == what:  # kept, and made inert if need be
            assert what in cells or "'" + what in cells, what[:60]
    elif fmt == "html":
        page = check_html(content, baseline["html"])
        if name in MARKUP and plain:
            shown = " ".join("".join(page.text).split())
            assert any(" ".join(text.split()) in shown for text in plain)
    elif fmt == "ics":
        events = check_ics(content)
        assert len(events) == baseline["events"]
    elif fmt == "docx":
        text = check_docx(content)
        if name in MARKUP and plain:
            assert any(value in text for value in plain)
    else:
        check_json(content, made.workbook)


@pytest.mark.parametrize("name", list(STRINGS))
def test_default_filename_is_plain_ascii(exported, name):
    made = exported(STRINGS[name])
    for fmt, spec in FORMATS.items():
        filename = default_filename(made.workbook, fmt)
        assert re.fullmatch(r"rtl-[a-z0-9-]{1,60}" + re.escape(spec.suffix), filename), filename


def _tree(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


@pytest.mark.parametrize("fmt", ["json", "ics"])
@pytest.mark.parametrize("name", list(FILENAMES))
def test_write_export_names(exported, tmp_path, name, fmt):
    """``write_export(..., filename)``: refused, or a file directly inside the folder."""
    made = exported(BENIGN)
    folder = tmp_path / "out"
    folder.mkdir()
    (tmp_path / "sub").mkdir()
    before = _tree(tmp_path)
    written = None

    def write():
        nonlocal written
        written = write_export(made.workbook, fmt, folder, FILENAMES[name], now=NOW)

    error = refusal(write)
    if error is not None:
        assert_clear(error)
        assert _tree(tmp_path) == before
    else:
        assert written.parent == folder.resolve()
        assert _tree(tmp_path) - before == {str(written.relative_to(tmp_path.resolve()))}


def test_write_export_does_not_follow_a_link_out_of_the_folder(exported, tmp_path):
    made = exported(BENIGN)
    folder = tmp_path / "out"
    folder.mkdir()
    outside = tmp_path / "outside.json"
    outside.write_text("keep")
    (folder / "rtl.json").symlink_to(outside)
    error = refusal(lambda: write_export(made.workbook, "json", folder, "rtl.json", now=NOW))
    assert error is not None
    assert_clear(error)
    assert outside.read_text() == "keep"


@pytest.mark.parametrize("folder", ["missing", "a\x00b", "file.txt", "d" * 300])
def test_write_export_to_a_bad_folder(exported, tmp_path, folder):
    made = exported(BENIGN)
    (tmp_path / "file.txt").write_text("x")
    error = refusal(lambda: write_export(made.workbook, "json", tmp_path / folder, now=NOW))
    assert error is not None
    assert_clear(error)


@pytest.mark.parametrize("fmt", ["xlsx ", ".JSON", "exe", "../json", "", "<script>", "x" * 10_000])
def test_export_format_names(exported, fmt):
    made = exported(BENIGN)
    error = refusal(lambda: export(made.workbook, fmt, now=NOW))
    if error is not None:
        assert_clear(error, short=False)
