"""Every import: survey exports (CSV, XLSX), workbook JSON files, and the YAML files a
facilitator edits (instruments, context factors, column mappings).

A bad file gives an ``InputError`` that names the file or the field, within a few seconds;
a file that is read gives results that render in both languages, and an imported workbook
changes no other workbook.
"""

from __future__ import annotations

import signal
import time
from contextlib import contextmanager

import pytest

from totkit.instrument import load_instrument

from .checks import assert_clear, refusal
from .conftest import MINI_INSTRUMENT
from .corpus import JSON_FILES, SURVEY_FILES, YAML_FILES

BUDGET = 20.0  # seconds any one file may take to be read or refused


@contextmanager
def within(seconds: float):
    """Fail (rather than hang) when the block runs longer than ``seconds``."""

    def expired(*_args):
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def mini():
    return load_instrument(MINI_INSTRUMENT)


# -- survey exports -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SURVEY_FILES)
def test_import_responses(files, mini, name):
    from totkit.survey import import_responses

    path = files[f"survey/{name}"]
    result = None

    def read():
        nonlocal result
        result = import_responses(path, mini)

    started = time.perf_counter()
    with within(BUDGET):
        error = refusal(read)
    assert time.perf_counter() - started < BUDGET
    if error is not None:
        assert_clear(error)
        return
    assert len(result.answers) == len(result.respondents)
    assert set(result.answers.columns) == set(mini.items)
    for lang in ("id", "en"):
        for message in result.messages(lang):
            assert message.strip()
    for record in result.records():
        assert all(1 <= value <= 5 for value in record["answers"].values())
        assert all(isinstance(record[field], str) for field in ("name", "institution"))


@pytest.mark.parametrize("name", SURVEY_FILES)
def test_diagnose_and_add_to_a_workshop(world, files, mini, name):
    """``totkit diagnose FILE --into CODE``: the respondents become planners of the
    workshop, each refused or stored with their name; the bystander is untouched."""
    from totkit.cohort import add_to_workshop, diagnose
    from totkit.survey import import_responses

    path = files[f"survey/{name}"]
    bystander = world.bystander_snapshot()
    with within(BUDGET):
        error = refusal(lambda: import_responses(path, mini))
    if error is not None:
        return  # refused above
    imported = import_responses(path, mini)
    error = refusal(lambda: diagnose(mini, imported))
    if error is not None:
        assert_clear(error)
    counts = world.counts()
    added = []

    def add():
        added.extend(add_to_workshop(world.store, world.code, mini, imported, "Tanpa nama"))

    error = refusal(add)
    if error is not None:
        assert_clear(error)
        assert world.counts() == counts  # all or nothing
    for person, joined in added:
        workbook = world.store.load_workbook(joined.workbook_id)
        assert workbook.profile.name == person
    assert world.bystander_snapshot() == bystander


# -- workbook JSON files -------------------------------------------------------------------------


@pytest.mark.parametrize("name", JSON_FILES)
def test_import_workbook_file(world, files, name):
    """``totkit import FILE --into CODE``: refused and nothing written, or merged into its
    own workbook; the bystander is never changed."""
    from totkit.transfer import import_workbook, read_workbook

    path = files[f"json/{name}"]
    bystander, counts = world.bystander_snapshot(), world.counts()
    workbook = None

    def read():
        nonlocal workbook
        workbook = read_workbook(path)

    with within(BUDGET):
        error = refusal(read)
    if error is not None:
        assert_clear(error)
        assert world.counts() == counts
        return
    reports = []
    with within(BUDGET):
        error = refusal(lambda: reports.append(import_workbook(world.store, workbook,
                                                               world.code)))
    if error is not None:
        assert_clear(error)
        assert world.counts() == counts
    else:
        stored = world.store.load_workbook(workbook.id)
        for section in reports[0].added:  # what was added is what the file said
            assert getattr(stored, section) == getattr(workbook, section)
        if reports[0].created:
            assert stored.profile == workbook.profile
    assert world.bystander_snapshot() == bystander


def test_a_file_naming_the_bystander_cannot_change_it_from_another_workshop(world, files):
    """A workbook file carrying another workshop's workbook id is refused as a whole."""
    from totkit.transfer import import_workbook

    other = world.store.create_workshop("Lain")
    workbook = world.store.load_workbook(world.bystander)
    changed = workbook.model_copy(update={
        "profile": workbook.profile.model_copy(update={"name": "<script>ganti</script>"}),
        "versions": {section: 99 for section in workbook.versions},
    })
    bystander, counts = world.bystander_snapshot(), world.counts()
    error = refusal(lambda: import_workbook(world.store, changed, other.code))
    assert error is not None
    assert_clear(error)
    assert world.counts() == counts
    assert world.bystander_snapshot() == bystander


# Not a file (a folder, a missing name) or over 64 MB: only the file readers above get those.
NOT_TEXT = {"over_64mb.json", "directory.json", "missing.json"}


@pytest.mark.parametrize("name", [name for name in JSON_FILES if name not in NOT_TEXT])
def test_workbook_from_json_text(files, name):
    """``Workbook.from_json`` (pydantic's own JSON reader), fed the same bytes."""
    from totkit.model import Workbook

    path = files[f"json/{name}"]
    with within(BUDGET):
        error = refusal(lambda: Workbook.from_json(path.read_bytes()))
    if error is not None:
        assert_clear(error)


# -- YAML files ----------------------------------------------------------------------------------


def _load(kind: str, path, mini):
    from totkit.gaps import load_context
    from totkit.survey import load_mapping

    if kind == "instrument":
        return load_instrument(path)
    if kind == "context":
        return load_context(path)
    return load_mapping(path, mini)


@pytest.mark.parametrize("kind", ["instrument", "context", "mapping"])
@pytest.mark.parametrize("name", YAML_FILES)
def test_yaml_files(files, mini, kind, name):
    path = files[f"{kind}/{name}"]
    with within(BUDGET):
        error = refusal(lambda: _load(kind, path, mini))
    if error is not None:
        assert_clear(error)
