"""Privacy and access: guesses slowed per workshop, deleting, purging, migrations."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import insert, select, text, update

from totkit.cli import main
from totkit.errors import AccessDenied
from totkit.store import Store
from totkit.store.engine import HEAD_REVISION, current_revision, make_engine, upgrade
from totkit.store.schema import attempts
from totkit.store.store import ATTEMPT_LIMITS, utcnow

both = pytest.mark.backends  # SQLite, and PostgreSQL when TOTKIT_TEST_PG is set


@both
def test_wrong_resume_codes_are_slowed_per_workshop(store, workshop, joined):
    limit, _window = ATTEMPT_LIMITS["resume"]
    for _ in range(limit):
        with pytest.raises(AccessDenied) as caught:
            store.resume(workshop.code, "salah-kode-ini")
        assert caught.value.key == "error.wrong_resume_code"
    with pytest.raises(AccessDenied) as caught:  # even the right code waits now
        store.resume(workshop.code, joined.resume_code)
    assert caught.value.key == "error.too_many_attempts"
    assert "minutes" in caught.value.message("en")
    other = store.create_workshop("Another TOT")  # other workshops are not slowed
    with pytest.raises(AccessDenied) as caught:
        store.resume(other.code, "salah-kode-ini")
    assert caught.value.key == "error.wrong_resume_code"


@both
def test_the_window_ends_and_codes_work_again(store, workshop, joined):
    limit, window = ATTEMPT_LIMITS["resume"]
    for _ in range(limit):
        with pytest.raises(AccessDenied):
            store.resume(workshop.code, "salah-kode-ini")
    with store.engine.begin() as conn:
        conn.execute(update(attempts).values(window_start=utcnow() - window))
    assert store.open_session(store.resume(workshop.code, joined.resume_code))


@both
def test_wrong_facilitator_keys_are_slowed(store, workshop):
    limit, _window = ATTEMPT_LIMITS["facilitator"]
    for _ in range(limit):
        with pytest.raises(AccessDenied):
            store.check_facilitator_key(workshop.code, "AAAA-BBBB-CCCC-DDDD")
    with pytest.raises(AccessDenied) as caught:
        store.check_facilitator_key(workshop.code, workshop.key)
    assert caught.value.key == "error.too_many_attempts"


@both
def test_delete_a_workbook_leaves_the_others(store, workshop, joined, row_counts):
    other = store.join(workshop.code, {"name": "Budi"})
    store.save_section(joined.workbook_id, "diagnostic", {"answers": {"a": 1}}, 0)
    store.delete_workbook(joined.workbook_id)
    assert not store.workbook_exists(joined.workbook_id)
    assert store.load_workbook(other.workbook_id).profile.name == "Budi"
    assert row_counts()["revisions"] == 1
    with pytest.raises(AccessDenied):
        store.open_session(joined.token)
    with pytest.raises(AccessDenied):
        store.delete_workbook(joined.workbook_id)


@both
def test_purge_deletes_only_old_workshops(store):
    today = date(2027, 6, 1)
    old = store.create_workshop("Old", start_date=date(2026, 1, 5), end_date=date(2026, 1, 9))
    recent = store.create_workshop("Recent", start_date=date(2027, 3, 1),
                                   end_date=date(2027, 3, 5))
    store.join(old.code, {"name": "A"})
    assert store.purge_workshops(365, today=today) == ["Old"]
    assert [w.title for w in store.list_workshops()] == ["Recent"]
    assert store.workshop_id(recent.code)


@both
def test_cli_delete_needs_the_key_and_purge(store_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TOTKIT_LANG", "en")
    monkeypatch.setenv("TOTKIT_DATA", str(tmp_path))
    monkeypatch.setenv("TOTKIT_DB", store_url)
    store = Store()
    created = store.create_workshop("TOT 2025", end_date=date.today() - timedelta(days=400),
                                    start_date=date.today() - timedelta(days=404))
    assert main(["workshop", "delete", created.code, "--key", "WRONG"]) == 1
    assert len(store.list_workshops()) == 1
    kept = store.create_workshop("TOT 2027")
    assert main(["workshop", "delete", kept.code, "--key", kept.key]) == 0
    assert "Deleted: TOT 2027" in capsys.readouterr().out
    assert main(["workshop", "purge", "--older-than", "365"]) == 0
    assert "Deleted: TOT 2025" in capsys.readouterr().out
    assert store.list_workshops() == []


@both
def test_migration_from_the_previous_version_keeps_the_data(store_url):
    """A store made at revision 0001 (before attempts were counted) upgrades in place."""
    engine = make_engine(store_url)
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO workshops (code_digest, key_digest, title, timezone, "
                          "created_at) VALUES ('c', 'k', 'Lama', 'WIB', '2026-01-01')"))
    upgrade(engine)
    assert current_revision(engine) == HEAD_REVISION
    with engine.begin() as conn:
        assert conn.execute(text("SELECT title FROM workshops")).scalar() == "Lama"
        conn.execute(insert(attempts).values(workshop_id=1, kind="resume",
                                             window_start=utcnow(), failures=1))
        assert conn.execute(select(attempts.c.failures)).scalar() == 1
    engine.dispose()
