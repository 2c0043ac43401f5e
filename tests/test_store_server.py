"""A store on a database server (PostgreSQL): a server that is down, a wrong password, a
missing database and a connection lost half way through a save each give a clear message in
the user's language, naming the URL without its password, and leave no partial revision.

The server-down tests need no server (a closed port); the others run against
``TOTKIT_TEST_PG`` (tests/pg.py) and skip without it, or fail under ``TOTKIT_REQUIRE_PG=1``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text

from tests import pg
from totkit.cli import main
from totkit.errors import StoreError
from totkit.store import Store
from totkit.store.engine import server_error

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "s3cret-Passw0rd"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the socket is closed


def assert_clear(error: StoreError, key: str, shown: str, *hidden: str) -> None:
    assert error.key == key
    english, indonesian = error.message("en"), error.message("id")
    assert english != indonesian
    for message in (english, indonesian):
        assert shown in message
        assert "***" in message
        for secret in hidden:
            assert secret not in message
        assert "Traceback" not in message


def test_a_server_that_is_down_is_named_without_its_password(tmp_path):
    port = closed_port()
    url = f"postgresql+psycopg://planner:{PASSWORD}@127.0.0.1:{port}/totkit"
    store = Store(url, folder=tmp_path)
    for action in (store.list_workshops,
                   lambda: store.save_section("a1b2", "diagnostic", {"reflection": "x"}, 0),
                   lambda: store.resume("ABCDEF", "kopi-pantai-merah")):
        with pytest.raises(StoreError) as caught:
            action()
        assert_clear(caught.value, "error.store_unreachable",
                     f"postgresql+psycopg://planner:***@127.0.0.1:{port}/totkit", PASSWORD)
    assert "not running" in caught.value.message("en")


def test_a_plain_postgresql_url_uses_psycopg(tmp_path):
    url = f"postgresql://planner:{PASSWORD}@127.0.0.1:{closed_port()}/totkit"
    with pytest.raises(StoreError) as caught:  # not ModuleNotFoundError: psycopg2
        Store(url, folder=tmp_path).prepare()
    assert caught.value.key == "error.store_unreachable"


def test_the_cli_says_the_server_is_down_without_a_traceback(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TOTKIT_LANG", "id")
    monkeypatch.setenv("TOTKIT_DATA", str(tmp_path))
    port = closed_port()
    url = f"postgresql+psycopg://planner:{PASSWORD}@127.0.0.1:{port}/totkit"
    assert main(["workshop", "list", "--db", url]) == 1
    err = capsys.readouterr().err
    assert f"planner:***@127.0.0.1:{port}" in err and "tidak dapat dihubungi" in err
    assert PASSWORD not in err and "Traceback" not in err


def test_other_errors_are_not_taken_for_connection_failures():
    from sqlalchemy.exc import IntegrityError

    duplicate = IntegrityError("INSERT", {}, Exception("duplicate key value violates unique"))
    assert server_error(duplicate, "postgresql+psycopg://u:p@h/d") is None
    refused = Exception("connection failed: Connection refused")
    assert server_error(refused, "sqlite:///x.db") is None  # SQLite has no server


# -- against the real server ------------------------------------------------------------------


@pytest.fixture
def server() -> str:
    return pg.as_text(pg.server_url())


def test_a_wrong_password_is_named_without_either_password(server, tmp_path):
    real = pg.server_url()
    wrong = real.set(password=PASSWORD)
    with pytest.raises(StoreError) as caught:
        Store(pg.as_text(wrong), folder=tmp_path).list_workshops()
    shown = wrong.render_as_string(hide_password=True)
    assert_clear(caught.value, "error.store_login", shown, PASSWORD, str(real.password))
    assert real.username in caught.value.message("en")


def test_a_missing_database_is_named(server, tmp_path):
    url = pg.server_url().set(database="totkit_no_such_database")
    with pytest.raises(StoreError) as caught:
        Store(pg.as_text(url), folder=tmp_path).prepare()
    assert_clear(caught.value, "error.store_missing", url.render_as_string(hide_password=True),
                 str(url.password))
    assert "totkit_no_such_database" in caught.value.message("en")


def test_a_connection_lost_in_the_middle_of_a_save_leaves_no_partial_revision(
        server, tmp_path):
    with pg.fresh_schema(pg.server_url()) as url:
        store = Store(url, folder=tmp_path)
        workshop = store.create_workshop("TOT")
        wid = store.join(workshop.code, {"name": "Sri"}).workbook_id
        store.save_section(wid, "diagnostic", {"reflection": "saved"}, 0)
        admin = create_engine(pg.as_text(pg.server_url()))

        def cut(conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
            if statement.lstrip().upper().startswith("INSERT INTO REVISIONS"):
                pid = conn.connection.dbapi_connection.info.backend_pid
                with admin.begin() as other:
                    other.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})

        event.listen(store.engine, "after_cursor_execute", cut)
        with pytest.raises(StoreError) as caught:
            store.save_section(wid, "diagnostic", {"reflection": "lost"}, 1)
        assert caught.value.key == "error.store_unreachable"
        assert str(pg.server_url().password) not in caught.value.message("en")
        event.remove(store.engine, "after_cursor_execute", cut)
        assert [r.data["reflection"] for r in store.history(wid, "diagnostic")] == ["saved"]
        assert store.save_section(wid, "diagnostic", {"reflection": "again"}, 1) == 2
        store.close()
        admin.dispose()


def test_a_section_another_save_holds_past_the_timeout_refuses_then_works(
        server, tmp_path, monkeypatch):
    """Saves of one section take turns on PostgreSQL as on SQLite: one that cannot have its
    turn within the timeout is refused clearly, other sections do not wait."""
    import time

    from totkit.store import engine as store_engine

    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT_MS", 300)
    with pg.fresh_schema(pg.server_url()) as url:
        store = Store(url, folder=tmp_path)
        wid = store.join(store.create_workshop("TOT").code, {"name": "Sri"}).workbook_id
        holder = create_engine(url)
        with holder.begin() as other:  # another save of the diagnostic, not finished
            other.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                          {"key": f"totkit/{wid}/diagnostic"})
            started = time.monotonic()
            with pytest.raises(StoreError) as caught:
                store.save_section(wid, "diagnostic", {"reflection": "waits"}, 0)
            assert 0.3 <= time.monotonic() - started < 5
            assert store.save_section(wid, "gaps", {"entries": []}, 0) == 1
        assert caught.value.key == "error.store_locked"
        assert "0.3 seconds" in caught.value.message("en")
        assert "***" in caught.value.message("en")
        assert store.history(wid, "diagnostic") == []
        assert store.save_section(wid, "diagnostic", {"reflection": "its turn"}, 0) == 1
        store.close()
        holder.dispose()


# -- TOTKIT_REQUIRE_PG -------------------------------------------------------------------------


def run_pg_variant(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in (pg.PG_ENV, pg.REQUIRE_ENV)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs",
         "tests/test_store.py::test_every_save_is_a_new_revision[postgresql]"],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_without_a_server_the_postgresql_variant_skips_unless_required():
    skipped = run_pg_variant()
    assert skipped.returncode == 0, skipped.stdout
    assert "1 skipped" in skipped.stdout and "TOTKIT_TEST_PG is not set" in skipped.stdout
    required = run_pg_variant(TOTKIT_REQUIRE_PG="1")
    assert required.returncode == 1, required.stdout
    assert "required (TOTKIT_REQUIRE_PG=1)" in required.stdout
