"""Revisions per section, conflicts, restore, migrations and bad input on the store."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import event, inspect, select

from totkit.errors import ConflictError, InputError, StoreError
from totkit.store import Store
from totkit.store.engine import (
    HEAD_REVISION,
    alembic_config,
    current_revision,
    make_engine,
    upgrade,
)
from totkit.store.schema import metadata

both = pytest.mark.backends  # SQLite, and PostgreSQL when TOTKIT_TEST_PG is set


@both
def test_every_save_is_a_new_revision(store, joined):
    first = store.save_section(joined.workbook_id, "diagnostic", {"answers": {"a": 1}}, 0)
    second = store.save_section(joined.workbook_id, "diagnostic", {"answers": {"a": 2}}, first)
    assert (first, second) == (1, 2)
    history = store.history(joined.workbook_id, "diagnostic")
    assert [r.version for r in history] == [1, 2]
    assert [r.based_on for r in history] == [0, 1]
    assert [r.data["answers"]["a"] for r in history] == [1, 2]
    assert store.load_section(joined.workbook_id, "diagnostic").data["answers"] == {"a": 2}


@both
def test_stale_save_of_the_same_section_conflicts_and_keeps_both_texts(store, joined):
    wid = joined.workbook_id
    store.save_section(wid, "diagnostic", {"reflection": "tab one"}, 0)
    with pytest.raises(ConflictError) as caught:
        store.save_section(wid, "diagnostic", {"reflection": "tab two"}, 0)
    assert caught.value.current == 1 and caught.value.based_on == 0
    assert caught.value.data["reflection"] == "tab two"  # offered back to the user
    assert store.load_section(wid, "diagnostic").data["reflection"] == "tab one"
    assert "revision 1" in caught.value.message("en")


@both
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


@both
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


@both
def test_invalid_section_data_writes_nothing(store, joined, row_counts):
    before = row_counts()
    with pytest.raises(InputError) as caught:
        store.save_section(joined.workbook_id, "diagnostic", {"answers": {"a": 9}}, 0)
    assert caught.value.field == "a"
    with pytest.raises(InputError):
        store.save_section(joined.workbook_id, "nonsense", {}, 0)
    assert row_counts() == before


@both
def test_migration_from_an_empty_database(store_url):
    engine = make_engine(store_url)
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == HEAD_REVISION
    tables = set(inspect(engine).get_table_names())
    assert set(metadata.tables) | {"alembic_version"} == tables
    upgrade(engine)  # a second open is a no-op
    assert current_revision(engine) == HEAD_REVISION
    engine.dispose()


def earlier_revisions() -> list[str]:
    from alembic.script import ScriptDirectory

    walked = ScriptDirectory.from_config(alembic_config()).walk_revisions()
    return sorted(script.revision for script in walked if script.revision != HEAD_REVISION)


@both
@pytest.mark.parametrize("revision", earlier_revisions())
def test_migration_from_every_earlier_version_keeps_the_data(store_url, tmp_path, revision):
    """A store left at any earlier schema upgrades in place, and what it held still opens."""
    engine = make_engine(store_url)
    upgrade(engine, revision)
    assert current_revision(engine) == revision
    made = Store(store_url, folder=tmp_path)
    made._engine = engine  # the store as that version wrote it (tables of 0001 onwards)
    workshop = made.create_workshop("Lama")
    joined = made.join(workshop.code, {"name": "Sri"})
    made.save_section(joined.workbook_id, "diagnostic", {"reflection": "lama"}, 0)
    engine.dispose()
    upgraded = Store(store_url, folder=tmp_path)
    assert current_revision(upgraded.engine) == HEAD_REVISION
    assert set(inspect(upgraded.engine).get_table_names()) == (
        set(metadata.tables) | {"alembic_version"})
    token = upgraded.resume(workshop.code, joined.resume_code)
    assert upgraded.open_session(token) == joined.workbook_id
    assert upgraded.load_workbook(joined.workbook_id).diagnostic.reflection == "lama"
    assert upgraded.save_section(joined.workbook_id, "diagnostic", {"reflection": "baru"}, 1) == 2
    upgraded.close()


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
        with pytest.raises(StoreError) as caught:  # the lock's fault, said plainly
            impatient.create_workshop("B")
        assert caught.value.key == "error.store_locked"
        assert isinstance(caught.value.__cause__.orig, sqlite3.OperationalError)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert [w.title for w in store.list_workshops()] == ["A"]


@both
def test_codes_keys_and_session_tokens(store, workshop, joined):
    from datetime import timedelta

    from totkit.errors import AccessDenied
    from totkit.store.store import utcnow

    token = store.resume(workshop.code.lower(), joined.resume_code.replace("-", " "))
    assert store.open_session(token) == store.open_session(joined.token) == joined.workbook_id
    assert store.check_facilitator_key(workshop.code, workshop.key) == workshop.id
    for wrong in (lambda: store.resume(workshop.code, "salah-kode-ini"),
                  lambda: store.check_facilitator_key(workshop.code, "AAAA-BBBB-CCCC-DDDD"),
                  lambda: store.open_session("forged-token")):
        with pytest.raises(AccessDenied):
            wrong()
    store.expire_session(token, utcnow() - timedelta(seconds=1))
    with pytest.raises(AccessDenied) as caught:
        store.open_session(token)
    assert caught.value.key == "error.session_expired"
    assert store.open_session(joined.token) == joined.workbook_id  # the other one still works
    new_code = store.reissue_resume_code(workshop.id, joined.workbook_id)
    assert store.open_session(store.resume(workshop.code, new_code)) == joined.workbook_id
    with pytest.raises(InputError) as caught:
        store.create_workshop("Copy", code=workshop.code)
    assert caught.value.key == "error.workshop_code_taken"


@both
def test_wrong_codes_at_the_same_moment_are_all_counted(store, workshop, joined):
    """Each failure is one atomic UPDATE, so none is lost between two writers (on a
    server without table locks too)."""
    from concurrent.futures import ThreadPoolExecutor

    from totkit.errors import AccessDenied
    from totkit.store.schema import attempts

    def guess(_n: int) -> str:
        try:
            store.resume(workshop.code, "salah-kode-ini")
        except AccessDenied as error:
            return error.key
        return "opened"

    with ThreadPoolExecutor(8) as pool:
        keys = list(pool.map(guess, range(24)))
    assert keys == ["error.wrong_resume_code"] * 24
    with store.engine.connect() as conn:
        failures = conn.execute(select(attempts.c.failures)).scalar_one()
    assert failures == 24


@both
def test_stores_opened_at_once_on_an_empty_database_migrate_once(store_url, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    def open_one(_n: int) -> str | None:
        opened = Store(store_url, folder=tmp_path)
        try:
            return current_revision(opened.engine)
        finally:
            opened.close()

    with ThreadPoolExecutor(6) as pool:
        assert list(pool.map(open_one, range(6))) == [HEAD_REVISION] * 6
