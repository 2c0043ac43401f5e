"""Faults: a save killed half way, two tabs, 30 processes at once, and a database that is
read-only, full, locked or damaged; `totkit backup` and `totkit restore`.

The kill, two-tab and 30-process tests run on PostgreSQL too when ``TOTKIT_TEST_PG`` is set
(marked ``backends``); the rest are about SQLite's file.

The module is also the child program of the kill tests: ``python -m tests.test_faults``.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import event

from totkit.backup import backup, restore
from totkit.cli import main
from totkit.errors import ConflictError, InputError, StoreError
from totkit.model import parse_section
from totkit.store import Store
from totkit.store import engine as store_engine

ROOT = Path(__file__).resolve().parent.parent
SECTION = "diagnostic"
both = pytest.mark.backends  # SQLite, and PostgreSQL when TOTKIT_TEST_PG is set


def payload(version: int) -> dict:
    """The revision the kill tests save as ``version``: big enough to span several pages."""
    return {
        "reflection": (f"revision {version}; " * 400)[:4900],
        "answers": {f"q{k:02d}": 1 + (version + k) % 5 for k in range(40)},
    }


def stored(data: dict) -> dict:
    """``data`` as the store keeps it (the section's model, dumped)."""
    return parse_section(SECTION, data).model_dump(mode="json")


def db_file(store: Store) -> Path:
    return Path(store.url.removeprefix("sqlite:///"))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def versions(store: Store, workbook_id: str, section: str = SECTION) -> list[int]:
    return [revision.version for revision in store.history(workbook_id, section)]


def integrity(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as raw:
        return raw.execute("PRAGMA integrity_check").fetchall()


def check_file(store: Store) -> None:
    """SQLite's own check of the file; a server (PostgreSQL) keeps no file of ours to check."""
    if store.url.startswith("sqlite:"):
        assert integrity(db_file(store)) == [("ok",)]


# -- the child program -----------------------------------------------------------------------


def _child(mode: str, url: str, folder: str, workbook_id: str = "") -> None:
    store = Store(url, folder=Path(folder))
    if mode == "hold":  # keep the store open, as a running app does
        store.list_workshops()
        print("open", flush=True)
        time.sleep(600)
    if mode == "half":  # stop inside the save's transaction, after the INSERT
        @event.listens_for(store.engine, "after_cursor_execute")
        def _pause(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
            if statement.lstrip().upper().startswith("INSERT INTO REVISIONS"):
                print("inserted", flush=True)
                time.sleep(600)

    version = store.load_section(workbook_id, SECTION).version
    while True:
        version = store.save_section(workbook_id, SECTION, payload(version + 1), version)
        print(version, flush=True)


def start_child(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.test_faults", *args],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )


def kill(child: subprocess.Popen) -> list[str]:
    """SIGKILL the child; the lines it printed and nobody read yet."""
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    rest = child.stdout.read().split()
    child.stdout.close()
    return rest


# -- a process killed in the middle of a save --------------------------------------------------


def check_after_kill(url: str, folder: Path, workbook_id: str, reported: int) -> int:
    """The store after a kill: complete revisions 1..N with no gap, every save the child
    saw succeed among them, and a new save that works. Returns N + 1."""
    store = Store(url, folder=folder)
    try:
        history = store.history(workbook_id, SECTION)
        found = [revision.version for revision in history]
        assert found == list(range(1, len(found) + 1))
        # Committed but killed before it could print: at most one more than it reported.
        assert reported <= len(found) <= reported + 1
        for revision in history:
            assert revision.data == stored(payload(revision.version))
            assert revision.based_on == revision.version - 1
        check_file(store)
        latest = store.load_workbook(workbook_id).versions[SECTION]
        assert latest == len(found)
        new = store.save_section(workbook_id, SECTION, payload(latest + 1), latest)
        assert new == latest + 1
        return new
    finally:
        store.close()


@both
def test_a_save_killed_at_random_points_leaves_the_last_complete_revision(store, joined,
                                                                          tmp_path):
    wid = joined.workbook_id
    store.close()
    rng = random.Random(20260713)
    for _round in range(5):
        child = start_child("loop", store.url, str(tmp_path), wid)
        first = child.stdout.readline()  # the loop is running: one save is done
        time.sleep(rng.uniform(0.0, 0.08))
        printed = [first, *kill(child)]
        saved = check_after_kill(store.url, tmp_path, wid, max(int(line) for line in printed))
    assert saved >= 10


@both
def test_a_save_killed_inside_its_transaction_writes_nothing_and_leaves_no_lock(
        store, joined, tmp_path):
    wid = joined.workbook_id
    store.save_section(wid, SECTION, payload(1), 0)
    store.close()
    child = start_child("half", store.url, str(tmp_path), wid)
    assert child.stdout.readline().strip() == "inserted"  # the INSERT ran, no COMMIT yet
    kill(child)
    again = Store(store.url, folder=tmp_path)
    assert versions(again, wid) == [1]
    started = time.monotonic()
    assert again.save_section(wid, SECTION, payload(2), 1) == 2
    assert time.monotonic() - started < 5  # the dead process's lock went with it
    check_file(again)
    again.close()


# -- two tabs on one section -------------------------------------------------------------------


@both
def test_the_second_tab_gets_its_text_back_and_keeping_it_loses_nothing(store, joined):
    wid = joined.workbook_id
    tab_one = store.load_section(wid, SECTION).version
    tab_two = store.load_section(wid, SECTION).version
    store.save_section(wid, SECTION, {"reflection": "tab one"}, tab_one)
    with pytest.raises(ConflictError) as caught:
        store.save_section(wid, SECTION, {"reflection": "tab two"}, tab_two)
    conflict = caught.value
    assert conflict.data["reflection"] == "tab two"
    assert "tab two" not in json.dumps([r.data for r in store.history(wid, SECTION)])
    kept = store.save_section(wid, SECTION, conflict.data, conflict.current)  # keep mine
    history = store.history(wid, SECTION)
    assert [r.data["reflection"] for r in history] == ["tab one", "tab two"]
    assert kept == 2 and history[-1].based_on == 1


# -- 30 processes saving 200 revisions each ---------------------------------------------------

PROCESSES = 30
REVISIONS = 200


def _save_patiently(store: Store, workbook_id: str, data: dict, based_on: int) -> tuple[int, int]:
    """A save, tried again after "busy" the way a planner clicks again; (version, waits)."""
    waits = 0
    while True:
        try:
            return store.save_section(workbook_id, SECTION, data, based_on), waits
        except StoreError as error:
            if error.key != "error.store_locked":
                raise
            waits += 1


def _own_workbook_worker(job: tuple[int, str, str, str]) -> tuple[int, list[int], int]:
    worker, url, folder, workbook_id = job
    store = Store(url, folder=Path(folder))
    accepted, waits = [], 0
    for i in range(REVISIONS):
        version, waited = _save_patiently(
            store, workbook_id, {"reflection": f"worker {worker} revision {i}"}, i)
        accepted.append(version)
        waits += waited
    store.close()
    return worker, accepted, waits


def _shared_section_worker(job: tuple[int, str, str, str]) -> tuple[list, int, int]:
    """Saves 200 revisions of one shared section, reloading and retrying on a conflict."""
    worker, url, folder, workbook_id = job
    store = Store(url, folder=Path(folder))
    accepted, conflicts, waits = [], 0, 0
    for i in range(REVISIONS):
        while True:
            read = store.load_section(workbook_id, SECTION).version
            try:
                version, waited = _save_patiently(
                    store, workbook_id, {"reflection": f"worker {worker} revision {i}"}, read)
            except ConflictError:
                conflicts += 1
                continue
            waits += waited
            accepted.append((version, worker, i))
            break
    store.close()
    return accepted, conflicts, waits


def run_workers(function, jobs):  # type: ignore[no-untyped-def]
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("needs fork() to start 30 processes quickly")
    started = time.monotonic()
    with multiprocessing.get_context("fork").Pool(len(jobs)) as pool:
        results = pool.map(function, jobs, chunksize=1)
    elapsed = time.monotonic() - started
    print(f"\n{function.__name__}: {len(jobs)} processes in {elapsed:.1f} s")
    return results


@both
@pytest.mark.slow
def test_thirty_processes_each_on_its_own_workbook_keep_every_revision(store, workshop,
                                                                       tmp_path):
    ids = [store.join(workshop.code, {"name": f"Peserta {w}"}).workbook_id
           for w in range(PROCESSES)]
    store.close()  # no connection of this process crosses the fork
    jobs = [(w, store.url, str(tmp_path), wid) for w, wid in enumerate(ids)]
    results = run_workers(_own_workbook_worker, jobs)
    check = Store(store.url, folder=tmp_path)
    for worker, accepted, _waits in results:
        assert accepted == list(range(1, REVISIONS + 1))
        history = check.history(ids[worker], SECTION)
        assert [r.version for r in history] == accepted
        assert [r.data["reflection"] for r in history] == [
            f"worker {worker} revision {i}" for i in range(REVISIONS)]
    check_file(check)
    check.close()


@both
@pytest.mark.slow
def test_thirty_processes_on_one_section_keep_every_accepted_revision_without_a_gap(
        store, joined, tmp_path):
    wid = joined.workbook_id
    store.close()
    jobs = [(w, store.url, str(tmp_path), wid) for w in range(PROCESSES)]
    results = run_workers(_shared_section_worker, jobs)
    accepted = sorted(record for records, _c, _w in results for record in records)
    total = PROCESSES * REVISIONS
    assert [version for version, _w, _i in accepted] == list(range(1, total + 1))
    assert sorted((w, i) for _v, w, i in accepted) == [
        (w, i) for w in range(PROCESSES) for i in range(REVISIONS)]
    check = Store(store.url, folder=tmp_path)
    history = check.history(wid, SECTION)
    assert [r.version for r in history] == list(range(1, total + 1))
    assert all(r.based_on == r.version - 1 for r in history)
    for (version, worker, i), revision in zip(accepted, history, strict=True):
        assert revision.version == version
        assert revision.data["reflection"] == f"worker {worker} revision {i}"
    for records, _c, _w in results:  # each worker's own saves, in the order it made them
        assert [i for _v, _w, i in records] == list(range(REVISIONS))
    print(f"conflicts retried: {sum(c for _r, c, _w in results)}, "
          f"busy retried: {sum(w for _r, _c, w in results)}")
    check.close()


# -- read-only, full, locked, damaged ----------------------------------------------------------


def assert_names_the_file(error: StoreError, path: Path) -> None:
    for lang in ("id", "en"):
        assert str(path) in error.message(lang)
    assert error.message("id") != error.message("en")


@pytest.mark.parametrize("form", ["file:{path}?mode=ro&uri=true", "{path}?mode=ro"])
def test_a_read_only_database_reads_and_refuses_a_save_clearly(store, joined, tmp_path, form):
    wid = joined.workbook_id
    store.save_section(wid, SECTION, {"reflection": "saved before"}, 0)
    path = db_file(store)
    store.close()
    before = digest(path)
    read_only = Store("sqlite:///" + form.format(path=path), folder=tmp_path)
    assert read_only.open_session(joined.token) == wid
    assert read_only.load_workbook(wid).diagnostic.reflection == "saved before"
    with pytest.raises(StoreError) as caught:
        read_only.save_section(wid, SECTION, {"reflection": "unsaved"}, 1)
    assert caught.value.key == "error.store_read_only"
    assert_names_the_file(caught.value, path)
    assert "read-only" in caught.value.message("en")
    read_only.close()
    assert digest(path) == before
    assert versions(Store(store.url, folder=tmp_path), wid) == [1]


def test_a_read_only_database_refuses_joining_resuming_and_new_workshops_clearly(
        store, workshop, joined, tmp_path):
    """Every write, not only a save: joining, resuming (a new session), a new workshop, a
    new facilitator key and a reissued resume code name the fault instead of crashing."""
    path = db_file(store)
    store.close()
    before = digest(path)
    read_only = Store(f"sqlite:///file:{path}?mode=ro&uri=true", folder=tmp_path)
    profile = {"name": "Sri", "role": "Guru", "institution": "SDN 1"}
    writes = {
        "join": lambda: read_only.join(workshop.code, profile),
        "resume": lambda: read_only.resume(workshop.code, joined.resume_code),
        "create_workshop": lambda: read_only.create_workshop("TOT Literasi"),
        "reset_facilitator_key": lambda: read_only.reset_facilitator_key(workshop.code),
        "reissue_resume_code": lambda: read_only.reissue_resume_code(workshop.id,
                                                                     joined.workbook_id),
    }
    for name, write in writes.items():
        with pytest.raises(StoreError) as caught:
            write()
        assert caught.value.key == "error.store_read_only", name
        assert_names_the_file(caught.value, path)
    read_only.close()
    assert digest(path) == before


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root writes to a read-only file anyway")
def test_a_file_without_write_permission_refuses_a_save_clearly(store, joined, tmp_path):
    wid = joined.workbook_id
    store.save_section(wid, SECTION, {"reflection": "saved before"}, 0)
    path = db_file(store)
    store.close()
    path.chmod(0o444)
    try:
        with pytest.raises(StoreError) as caught:
            Store(store.url, folder=tmp_path).save_section(wid, SECTION, {}, 1)
        assert caught.value.key in ("error.store_read_only", "error.store_open")
    finally:
        path.chmod(0o644)


def test_a_full_database_refuses_a_save_and_keeps_what_was_saved(store, joined, tmp_path):
    wid = joined.workbook_id
    store.save_section(wid, SECTION, payload(1), 0)
    engine = store.engine

    def limit(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    event.listen(engine, "connect", limit)
    engine.dispose()
    with pytest.raises(StoreError) as caught:
        store.save_section(wid, SECTION, payload(2), 1)
    assert caught.value.key == "error.store_full"
    assert_names_the_file(caught.value, db_file(store))
    assert "Free some space, then save again" in caught.value.message("en")
    assert versions(store, wid) == [1]
    assert store.load_section(wid, SECTION).data == stored(payload(1))
    event.remove(engine, "connect", limit)
    engine.dispose()
    assert store.save_section(wid, SECTION, payload(2), 1) == 2  # space again: it saves


@pytest.fixture
def short_timeout(monkeypatch):
    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT_MS", 300)


def test_a_database_locked_past_the_timeout_refuses_a_save_then_works(
        store, joined, tmp_path, short_timeout):
    wid = joined.workbook_id
    store.save_section(wid, SECTION, {"reflection": "first"}, 0)
    impatient = Store(store.url, folder=tmp_path)
    impatient.prepare()
    blocker = sqlite3.connect(db_file(store), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        with pytest.raises(StoreError) as caught:
            impatient.save_section(wid, SECTION, {"reflection": "second"}, 1)
        assert time.monotonic() - started < 5
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert caught.value.key == "error.store_locked"
    assert_names_the_file(caught.value, db_file(store))
    assert "0.3 seconds" in caught.value.message("en")
    assert versions(impatient, wid) == [1]
    assert impatient.save_section(wid, SECTION, {"reflection": "second"}, 1) == 2
    impatient.close()


def test_a_database_locked_exclusively_refuses_to_open_clearly(store, tmp_path, short_timeout):
    store.create_workshop("W")
    store.close()
    blocker = sqlite3.connect(db_file(store), isolation_level=None)
    blocker.execute("PRAGMA locking_mode=EXCLUSIVE")
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError) as caught:
            Store(store.url, folder=tmp_path).prepare()
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert caught.value.key == "error.store_locked"
    assert [w.title for w in Store(store.url, folder=tmp_path).list_workshops()] == ["W"]


def damage_pages(store: Store, wid: str) -> Path:
    """A store whose revisions table has a page of garbage (the header stays intact),
    after 20 more revisions."""
    start = store.load_section(wid, SECTION).version
    for version in range(start + 1, start + 21):
        store.save_section(wid, SECTION, payload(version), version - 1)
    path = db_file(store)
    store.close()  # the last connection checkpoints: everything is in the file
    with sqlite3.connect(path) as raw:
        page_size = raw.execute("PRAGMA page_size").fetchone()[0]
        root = raw.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'revisions'").fetchone()[0]
    raw.close()
    with open(path, "r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(bytes(random.Random(root).randrange(256) for _ in range(page_size)))
    return path


def not_sqlite(path: Path) -> None:
    path.write_bytes(b"These are my notes, not a database.\n" * 300)


def cut_in_half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize("damage", ["pages", "not_sqlite", "cut_in_half"])
def test_a_damaged_file_is_refused_clearly_and_left_untouched(store, joined, tmp_path, damage):
    path = damage_pages(store, joined.workbook_id)
    if damage == "not_sqlite":
        not_sqlite(path)
    elif damage == "cut_in_half":
        cut_in_half(path)
    before = digest(path)
    for _attempt in range(2):  # never recreated over, however often it is opened
        damaged = Store(store.url, folder=tmp_path)
        with pytest.raises(StoreError) as caught:
            damaged.save_section(joined.workbook_id, SECTION, {"reflection": "new"}, 20)
        assert caught.value.key == "error.store_corrupt"
        assert_names_the_file(caught.value, path)
        message = caught.value.message("en")
        assert "totkit restore" in message and "totkit backup" in message
        assert "totkit restore" in caught.value.message("id")
    assert digest(path) == before
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0


def test_the_file_is_checked_once_per_store_and_cheaply(store, joined, monkeypatch):
    calls = []
    check = store_engine.check_sqlite_file
    monkeypatch.setattr(store_engine, "check_sqlite_file",
                        lambda engine: calls.append(time.perf_counter()) or check(engine))
    for version in range(1, 201):
        store.save_section(joined.workbook_id, SECTION, payload(version), version - 1)
    store.close()
    opened = Store(store.url, folder=store.folder)
    started = time.perf_counter()
    opened.prepare()
    opening = time.perf_counter() - started
    for _ in range(5):
        opened.load_workbook(joined.workbook_id)
    opened.save_section(joined.workbook_id, SECTION, payload(201), 200)
    assert len(calls) == 1
    assert opening < 2.0  # about 10 ms here for 200 revisions of 5 kB


def test_the_app_keeps_the_planners_text_when_the_database_refuses(store, joined, tmp_path):
    from totkit.ui.readiness import ReadinessApp
    from totkit.ui.request import Request

    path = db_file(store)
    store.close()
    read_only = Store(f"sqlite:///file:{path}?mode=ro&uri=true", folder=tmp_path)
    app = ReadinessApp(Request(in_voila=True, session=joined.token), store=read_only)
    app.reflection.value = "Teks yang belum tersimpan"
    assert app.save() is False
    assert "totkit-error" in app.messages.widget.value
    assert str(path) in app.messages.widget.value
    assert "Traceback" not in app.messages.widget.value
    assert app.reflection.value == "Teks yang belum tersimpan"  # still there to save again
    assert versions(Store(store.url, folder=tmp_path), joined.workbook_id) == []


# -- backup and restore ------------------------------------------------------------------------


def backed_up_revisions(path: Path, workbook_id: str) -> list[tuple[int, dict]]:
    with sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True) as raw:
        assert raw.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        rows = raw.execute(
            "SELECT version, data FROM revisions WHERE workbook_id = ? AND section = ? "
            "ORDER BY version", (workbook_id, SECTION)).fetchall()
    raw.close()
    return [(version, json.loads(data)) for version, data in rows]


def test_backup_and_restore_over_a_damaged_store(store, joined, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TOTKIT_LANG", "en")
    wid = joined.workbook_id
    store.save_section(wid, SECTION, payload(1), 0)
    target = tmp_path / "backups" / "before.db"
    assert main(["backup", str(target), "--db", store.url]) == 0
    assert str(target) in capsys.readouterr().out
    assert sorted(p.name for p in target.parent.iterdir()) == ["before.db"]  # one file
    assert backed_up_revisions(target, wid) == [(1, stored(payload(1)))]

    path = damage_pages(store, wid)  # saves 20 revisions more, then damages the file
    damaged = digest(path)
    assert main(["restore", str(target), "--db", store.url]) == 0
    out = capsys.readouterr().out
    assert "Restored" in out and "kept as" in out
    kept = [p for p in tmp_path.iterdir() if ".before-restore-" in p.name
            and not p.name.endswith(("-wal", "-shm"))]
    assert len(kept) == 1 and digest(kept[0]) == damaged  # the damaged file, kept as it was
    assert str(kept[0]) in out

    restored = Store(store.url, folder=tmp_path)
    assert restored.load_section(wid, SECTION).data == stored(payload(1))
    assert restored.open_session(joined.token) == wid
    assert restored.save_section(wid, SECTION, payload(2), 1) == 2
    assert integrity(path) == [("ok",)]
    restored.close()


def test_backup_refuses_to_overwrite_unless_forced(store, joined, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TOTKIT_LANG", "en")
    target = tmp_path / "copy.db"
    target.write_text("an older backup")
    assert main(["backup", str(target), "--db", store.url]) == 2
    assert "--force" in capsys.readouterr().err
    assert target.read_text() == "an older backup"
    assert main(["backup", str(target), "--db", store.url, "--force"]) == 0
    assert backed_up_revisions(target, joined.workbook_id) == []
    with pytest.raises(InputError) as caught:
        backup(store.url, db_file(store), force=True)
    assert caught.value.key == "error.backup_same_file"


def test_the_backup_of_a_store_in_use_is_consistent(store, joined, tmp_path):
    """Taken while another connection is half way through a save: the copy holds every
    finished save and nothing of the unfinished one, and the backup does not wait for it."""
    wid = joined.workbook_id
    store.save_section(wid, SECTION, payload(1), 0)
    writer = Store(store.url, folder=tmp_path)
    inserted, release = threading.Event(), threading.Event()

    @event.listens_for(writer.engine, "after_cursor_execute")
    def _pause(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT INTO REVISIONS"):
            inserted.set()
            release.wait(30)

    saving = threading.Thread(
        target=lambda: writer.save_section(wid, SECTION, payload(2), 1), daemon=True)
    saving.start()
    assert inserted.wait(30)
    started = time.monotonic()
    copy = backup(store.url, tmp_path / "during.db")
    assert time.monotonic() - started < 5
    release.set()
    saving.join(30)
    assert backed_up_revisions(copy, wid) == [(1, stored(payload(1)))]
    assert versions(store, wid) == [1, 2]
    writer.close()


def test_backups_taken_while_a_writer_saves_are_each_complete(store, joined, tmp_path):
    wid = joined.workbook_id
    done = threading.Event()

    def keep_saving() -> None:
        writer = Store(store.url, folder=tmp_path)
        version = 0
        while not done.is_set():
            version = writer.save_section(wid, SECTION, payload(version + 1), version)
        writer.close()

    saving = threading.Thread(target=keep_saving, daemon=True)
    saving.start()
    try:
        seen = []
        for n in range(5):
            time.sleep(0.05)
            rows = backed_up_revisions(backup(store.url, tmp_path / f"b{n}.db"), wid)
            assert [version for version, _ in rows] == list(range(1, len(rows) + 1))
            assert all(data == stored(payload(version)) for version, data in rows)
            seen.append(len(rows))
    finally:
        done.set()
        saving.join(30)
    assert seen == sorted(seen) and seen[-1] > 0


def test_restore_checks_the_backup_first_and_changes_nothing_if_it_is_bad(store, joined,
                                                                          tmp_path):
    wid = joined.workbook_id
    store.save_section(wid, SECTION, payload(1), 0)
    good = backup(store.url, tmp_path / "good.db")
    store.close()
    before = digest(db_file(store))

    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(good.read_bytes())
    with sqlite3.connect(damaged) as raw:
        root = raw.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'revisions'").fetchone()[0]
    raw.close()
    with open(damaged, "r+b") as handle:
        handle.seek((root - 1) * 4096)
        handle.write(b"\xa5" * 4096)
    notes = tmp_path / "notes.txt"
    not_sqlite(notes)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as raw:
        raw.execute("CREATE TABLE t (x)")
    raw.close()

    for bad in (damaged, notes, other):
        with pytest.raises(InputError) as caught:
            restore(bad, store.url)
        assert caught.value.key == "error.restore_bad_backup"
        assert str(bad) in caught.value.message("en")
    with pytest.raises(InputError) as caught:
        restore(tmp_path / "missing.db", store.url)
    assert caught.value.key == "error.restore_missing"
    assert digest(db_file(store)) == before
    assert not [p for p in tmp_path.iterdir() if "before-restore" in p.name or p.suffix == ".tmp"]


def test_restore_refuses_while_a_running_totkit_has_the_store_open(store, joined, tmp_path):
    good = backup(store.url, tmp_path / "good.db")
    store.close()
    before = digest(db_file(store))
    child = start_child("hold", store.url, str(tmp_path))
    try:
        assert child.stdout.readline().strip() == "open"
        with pytest.raises(StoreError) as caught:
            restore(good, store.url)
        assert caught.value.key == "error.restore_in_use"
        assert digest(db_file(store)) == before
    finally:
        kill(child)
    assert restore(good, store.url).kept  # stopped: now it restores


def test_restore_moves_a_stale_wal_aside_with_the_old_file(store, joined, tmp_path):
    wid = joined.workbook_id
    good = backup(store.url, tmp_path / "good.db")
    store.save_section(wid, SECTION, payload(1), 0)
    path = db_file(store)
    # A crash leaves the last saves in the -wal: copy it as it is while the store is open.
    wal = Path(f"{path}-wal").read_bytes()
    store.close()
    Path(f"{path}-wal").write_bytes(wal)
    restored = restore(good, store.url)
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    assert any(p.name.endswith("-wal") for p in restored.kept)
    again = Store(store.url, folder=tmp_path)
    assert versions(again, wid) == []
    assert integrity(path) == [("ok",)]
    again.close()


def test_the_backup_of_a_damaged_store_is_refused_and_writes_nothing(store, joined, tmp_path):
    path = damage_pages(store, joined.workbook_id)
    for damage in (lambda: None, lambda: not_sqlite(path)):
        damage()
        with pytest.raises(StoreError) as caught:
            backup(store.url, tmp_path / "copy.db")
        assert caught.value.key == "error.store_corrupt"
        assert str(path) in caught.value.message("en")
        assert not [p for p in tmp_path.iterdir() if p.name.startswith((".copy", "copy"))]


def test_backup_and_restore_need_a_sqlite_file(tmp_path):
    url = "postgresql://facilitator:secret@localhost/totkit"
    for action in (lambda: backup(url, tmp_path / "x.db"), lambda: restore(tmp_path, url)):
        with pytest.raises(InputError) as caught:
            action()
        assert caught.value.key == "error.backup_sqlite_only"
        assert "secret" not in caught.value.message("en")
    with pytest.raises(InputError) as caught:
        backup(f"sqlite:///{tmp_path / 'none.db'}", tmp_path / "x.db")
    assert caught.value.key == "error.backup_no_database"
    assert not (tmp_path / "none.db").exists()


if __name__ == "__main__":
    _child(*sys.argv[1:])
