"""Revisions per section, conflicts, restore, migrations and bad input on the store."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import event, inspect
from sqlalchemy.exc import OperationalError

from totkit.errors import ConflictError, InputError
from totkit.store import Store
from totkit.store.engine import (
    HEAD_REVISION,
    alembic_config,
    current_revision,
    make_engine,
    upgrade,
)


def test_every_save_is_a_new_revision(store, joined):
    first = store.save_section(joined.workbook_id, "diagnostic", {"answers": {"a": 1}}, 0)
    second = store.save_section(joined.workbook_id, "diagnostic", {"answers": {"a": 2}}, first)
    assert (first, second) == (1, 2)
    history = store.history(joined.workbook_id, "diagnostic")
    assert [r.version for r in history] == [1, 2]
    assert [r.based_on for r in history] == [0, 1]
    assert [r.data["answers"]["a"] for r in history] == [1, 2]
    assert store.load_section(joined.workbook_id, "diagnostic").data["answers"] == {"a": 2}


def test_stale_save_of_the_same_section_conflicts_and_keeps_both_texts(store, joined):
    wid = joined.workbook_id
    store.save_section(wid, "diagnostic", {"reflection": "tab one"}, 0)
    with pytest.raises(ConflictError) as caught:
        store.save_section(wid, "diagnostic", {"reflection": "tab two"}, 0)
    assert caught.value.current == 1 and caught.value.based_on == 0
    assert caught.value.data["reflection"] == "tab two"  # offered back to the user
    assert store.load_section(wid, "diagnostic").data["reflection"] == "tab one"
    assert "revision 1" in caught.value.message("en")


def test_saves_of_different_sections_never_conflict(store, joined):
    wid = joined.workbook_id
    profile_version = store.load_section(wid, "profile").version
    store.save_section(wid, "diagnostic", {"reflection": "a"}, 0)
    store.save_section(wid, "gaps", {"entries": []}, 0)
    new = store.save_section(wid, "profile", {"name": "Sri W."}, profile_version)
    assert new == profile_version + 1
    workbook = store.load_workbook(wid)
    assert workbook.profile.name == "Sri W."
    assert workbook.versions == {"profile": new, "diagnostic": 1, "gaps": 1}


def test_restore_makes_an_old_revision_latest_and_keeps_history(store, joined):
    wid = joined.workbook_id
    store.save_section(wid, "diagnostic", {"reflection": "first"}, 0)
    store.save_section(wid, "diagnostic", {"reflection": "second"}, 1)
    version = store.restore(wid, "diagnostic", 1, based_on=2)
    assert version == 3
    assert store.load_section(wid, "diagnostic").data["reflection"] == "first"
    assert len(store.history(wid, "diagnostic")) == 3
    with pytest.raises(InputError):
        store.restore(wid, "diagnostic", 42, based_on=3)


def test_invalid_section_data_writes_nothing(store, joined, row_counts):
    before = row_counts()
    with pytest.raises(InputError) as caught:
        store.save_section(joined.workbook_id, "diagnostic", {"answers": {"a": 9}}, 0)
    assert caught.value.field == "a"
    with pytest.raises(InputError):
        store.save_section(joined.workbook_id, "nonsense", {}, 0)
    assert row_counts() == before


def test_migration_from_an_empty_database(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == HEAD_REVISION
    tables = set(inspect(engine).get_table_names())
    assert {"workshops", "workbooks", "revisions", "sessions", "alembic_version"} <= tables
    upgrade(engine)  # a second open is a no-op
    assert current_revision(engine) == HEAD_REVISION


def test_head_revision_constant_matches_alembic():
    from alembic.script import ScriptDirectory

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD_REVISION


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(store, tmp_path):
    store.list_workshops()
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    raw = sqlite3.connect(tmp_path / "totkit.db")
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    raw.close()


def test_writes_take_the_lock_at_begin(store, tmp_path):
    """BEGIN IMMEDIATE: a writer waiting on another writer fails at begin, never half way."""
    store.create_workshop("A")
    blocker = sqlite3.connect(tmp_path / "totkit.db", isolation_level=None, timeout=0.1)
    blocker.execute("BEGIN IMMEDIATE")
    impatient = Store(store.url, folder=tmp_path)
    try:
        event.listen(
            impatient.engine, "connect", lambda conn, _r: conn.execute("PRAGMA busy_timeout=100")
        )
        impatient.engine.dispose()  # reconnect with the short timeout
        with pytest.raises(OperationalError, match="locked"):
            impatient.create_workshop("B")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert [w.title for w in store.list_workshops()] == ["A"]
