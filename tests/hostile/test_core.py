"""The core behind every app form: ``Store.join``, ``Store.resume``, ``Store.save_section``
(every free-text field of every section) and the store's other doors, fed the corpus.

Each string is refused with a clear error (and nothing is written), or stored and read back
exactly; either way the bystander workbook is untouched.
"""

from __future__ import annotations

import pytest

from totkit.model import parse_section

from .checks import assert_clear, refusal
from .corpus import CODES, STRINGS, TARGETS, base


@pytest.mark.parametrize("target", TARGETS, ids=[target.id for target in TARGETS])
@pytest.mark.parametrize("name", list(STRINGS))
def test_save_section_field(world, name, target):
    value = STRINGS[name]
    store, section = world.store, target.section
    data = base(section)
    target.put(data, value)
    bystander, counts = world.bystander_snapshot(), world.counts()
    current = store.load_section(world.target, section).version
    error = refusal(lambda: store.save_section(world.target, section, data, current))
    if error is not None:
        assert_clear(error)
        assert world.counts() == counts
        assert store.load_section(world.target, section).version == current
    else:
        saved = store.load_section(world.target, section)
        assert saved.version == current + 1
        assert saved.data == parse_section(section, data).model_dump(mode="json")
        assert target.matches(target.get(saved.data), value)
        loaded = store.load_workbook(world.target)
        assert loaded.versions[section] == saved.version
    assert world.bystander_snapshot() == bystander


PROFILE_FIELDS = ("name", "role", "institution")


@pytest.mark.parametrize("field", PROFILE_FIELDS)
@pytest.mark.parametrize("name", list(STRINGS))
def test_join(world, name, field):
    """The start app's join form: a new workbook with the typed profile, or nothing."""
    value = STRINGS[name]
    profile = {"name": "Sri", "role": "Guru", "institution": "SDN 1", field: value}
    bystander, counts = world.bystander_snapshot(), world.counts()
    joined = None

    def join():
        nonlocal joined
        joined = world.store.join(world.code, profile)

    error = refusal(join)
    if error is not None:
        assert_clear(error)
        assert world.counts() == counts
    else:
        workbook = world.store.load_workbook(world.store.open_session(joined.token))
        assert getattr(workbook.profile, field) == value.strip()
        assert world.store.open_session(world.store.resume(world.code, joined.resume_code)) \
            == joined.workbook_id
    assert world.bystander_snapshot() == bystander


@pytest.mark.parametrize("name", list(CODES))
def test_join_with_a_hostile_workshop_code(world, name):
    counts = world.counts()
    error = refusal(lambda: world.store.join(CODES[name], {"name": "Sri"}))
    assert error is not None
    assert_clear(error)
    assert world.counts() == counts


@pytest.mark.parametrize("which", ["workshop_code", "resume_code"])
@pytest.mark.parametrize("name", list(CODES))
def test_resume_with_hostile_codes(world, name, which):
    """A hostile code never opens a workbook, and the bystander is untouched."""
    code = CODES[name]
    workshop_code, resume_code = (code, world.bystander_code) if which == "workshop_code" \
        else (world.code, code)
    bystander, counts = world.bystander_snapshot(), world.counts()
    error = refusal(lambda: world.store.resume(workshop_code, resume_code))
    assert error is not None
    assert_clear(error)
    assert world.counts() == counts
    assert world.bystander_snapshot() == bystander


DOORS = {
    "open_session": lambda world, value: world.store.open_session(value),
    "load_workbook": lambda world, value: world.store.load_workbook(value),
    "workshop_of": lambda world, value: world.store.workshop_of(value),
    "save_section": lambda world, value: world.store.save_section(value, "plan", base("plan"), 0),
    "facilitator_key": lambda world, value: world.store.check_facilitator_key(world.code, value),
    "facilitator_code": lambda world, value: world.store.check_facilitator_key(value, world.key),
    "reset_key": lambda world, value: world.store.reset_facilitator_key(value),
}
# A workbook id goes to SQLite as given; its driver cannot encode a lone surrogate (which
# ``totkit export ID`` gets from argv bytes that are not UTF-8). totkit/store is not ours to
# change: reported.
@pytest.mark.parametrize("door", list(DOORS))
@pytest.mark.parametrize("name", list(CODES))
def test_other_doors_refuse_hostile_codes_and_ids(world, name, door):
    """Session tokens, workbook ids, facilitator keys: hostile values are refused clearly."""
    bystander = world.bystander_snapshot()
    error = refusal(lambda: DOORS[door](world, CODES[name]))
    assert error is not None
    assert_clear(error)
    assert world.bystander_snapshot() == bystander


@pytest.mark.parametrize("section", ["../plan", "plan; --", "PLAN", "", "x" * 100_000])
def test_unknown_section_names_are_refused(world, section):
    error = refusal(lambda: world.store.load_section(world.target, section))
    assert error is not None
    assert_clear(error, short=False)  # section names come from code, never typed


@pytest.mark.parametrize("name", list(STRINGS))
def test_create_workshop_title(world, name):
    """``totkit workshop create TITLE``: refused, or the title is kept and the workshop
    opens with the code printed."""
    value = STRINGS[name]
    bystander = world.bystander_snapshot()
    created = None

    def create():
        nonlocal created
        created = world.store.create_workshop(value)

    error = refusal(create)
    if error is not None:
        assert_clear(error)
    else:
        info = world.store.workshop(world.store.workshop_id(created.code))
        assert info.title == value.strip()
    assert world.bystander_snapshot() == bystander
