"""``totkit store copy``: a laptop's SQLite store copied to another store (PostgreSQL when
``TOTKIT_TEST_PG`` is set, SQLite always) and back, with every revision; idempotent."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from totkit.cli import main
from totkit.errors import AccessDenied, InputError, StoreError
from totkit.store import Store
from totkit.store import copy as store_copy
from totkit.store.copy import TABLES, copy_store
from totkit.store.engine import reader
from totkit.store.schema import metadata, workshops

both = pytest.mark.backends  # SQLite, and PostgreSQL when TOTKIT_TEST_PG is set
SECTION = "diagnostic"
SURROGATE_IDS = ("workshops", "revisions")  # numbered by each database itself


def laptop(tmp_path, name: str = "laptop.db") -> tuple[Store, dict]:
    """A SQLite store with two workshops, three planners, revisions, sessions, attempts."""
    store = Store(f"sqlite:///{tmp_path / name}", folder=tmp_path)
    first = store.create_workshop("TOT Literasi", start_date=date(2026, 7, 13),
                                  end_date=date(2026, 7, 17), timezone_name="WITA")
    second = store.create_workshop("TOT Numerasi")
    planners = [store.join(first.code, {"name": "Sri"}), store.join(first.code, {"name": "Budi"}),
                store.join(second.code, {"name": "Ani"})]
    for n, planner in enumerate(planners):
        for version in range(1, n + 3):
            store.save_section(planner.workbook_id, SECTION,
                               {"reflection": f"{n}: revisi {version} ✓"}, version - 1)
    with pytest.raises(AccessDenied):
        store.resume(first.code, "salah-kode-ini")  # one attempt counted
    return store, {"workshops": (first, second), "planners": planners}


def dump(url: str) -> dict[str, list[tuple]]:
    """Every table's rows as comparable values: no surrogate ids (a workshop is its code
    digest), every time in UTC."""
    store = Store(url)
    result = {}
    with reader(store.engine).connect() as conn:
        codes = dict(conn.execute(select(workshops.c.id, workshops.c.code_digest)).all())
        for name in TABLES:
            rows = conn.execute(select(metadata.tables[name])).mappings()
            result[name] = sorted((_comparable(name, dict(row), codes) for row in rows), key=repr)
    store.close()
    return result


def _comparable(table: str, row: dict, codes: dict[int, str]) -> tuple:
    if table in SURROGATE_IDS:
        del row["id"]
    if "workshop_id" in row:
        row["workshop_id"] = codes[row["workshop_id"]]
    for name, value in row.items():
        if isinstance(value, datetime):
            aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
            row[name] = aware.astimezone(timezone.utc)
    return tuple(sorted(row.items()))


def counts(dumped: dict[str, list]) -> dict[str, int]:
    return {name: len(rows) for name, rows in dumped.items()}


def assert_codes_open(url: str, folder, made: dict) -> None:
    store = Store(url, folder=folder)
    first = made["workshops"][0]
    sri = made["planners"][0]
    assert store.check_facilitator_key(first.code, first.key)
    assert store.open_session(sri.token) == sri.workbook_id  # a session copied as it was
    assert store.open_session(store.resume(first.code, sri.resume_code)) == sri.workbook_id
    assert store.load_workbook(sri.workbook_id).diagnostic.reflection == "0: revisi 2 ✓"
    store.close()


@both
def test_copy_to_another_store_and_back_keeps_everything_once(store_url, tmp_path):
    source, made = laptop(tmp_path)
    expected = dump(source.url)
    report = copy_store(source.url, store_url)
    assert report.copied == counts(expected) and report.differing == []
    assert dump(store_url) == expected
    again = copy_store(source.url, store_url)  # idempotent: nothing new, nothing doubled
    assert again.total == 0 and dump(store_url) == expected
    assert_codes_open(store_url, tmp_path, made)  # signing in there adds a session

    # Saved on the server, then copied back to the laptop: only what is new comes back.
    server = Store(store_url, folder=tmp_path)
    ani = made["planners"][2]
    server.save_section(ani.workbook_id, SECTION, {"reflection": "di server"}, 4)
    server.close()
    back = copy_store(store_url, source.url)
    assert back.copied == {**dict.fromkeys(TABLES, 0), "revisions": 1, "sessions": 1}
    assert dump(source.url) == dump(store_url)
    assert source.load_section(ani.workbook_id, SECTION).data["reflection"] == "di server"

    fresh = f"sqlite:///{tmp_path / 'new-laptop.db'}"  # and to a laptop that had nothing
    assert copy_store(store_url, fresh).copied == counts(dump(store_url))
    assert dump(fresh) == dump(store_url)
    assert_codes_open(fresh, tmp_path, made)


@both
def test_revisions_saved_on_both_sides_are_reported_and_left_alone(store_url, tmp_path):
    source, made = laptop(tmp_path)
    copy_store(source.url, store_url)
    sri = made["planners"][0]
    source.save_section(sri.workbook_id, SECTION, {"reflection": "laptop"}, 2)
    server = Store(store_url, folder=tmp_path)
    server.save_section(sri.workbook_id, SECTION, {"reflection": "server"}, 2)
    report = copy_store(source.url, store_url)
    assert report.differing == [(sri.workbook_id, SECTION, 3)] and report.total == 0
    assert server.load_section(sri.workbook_id, SECTION).data["reflection"] == "server"
    server.close()


@both
def test_codes_open_only_with_the_same_secret(store_url, tmp_path):
    source, made = laptop(tmp_path)
    copy_store(source.url, store_url)
    stranger = Store(store_url, folder=tmp_path / "another-data-folder")
    with pytest.raises(AccessDenied):
        stranger.workshop_id(made["workshops"][0].code)
    stranger.close()


@both
def test_a_copy_that_fails_half_way_writes_nothing(store_url, tmp_path, monkeypatch):
    source, _made = laptop(tmp_path)

    def broken(*_args):  # type: ignore[no-untyped-def]
        raise StoreError("error.store")

    monkeypatch.setattr(store_copy, "_copy_sessions", broken)
    with pytest.raises(StoreError):
        copy_store(source.url, store_url)
    assert counts(dump(store_url)) == dict.fromkeys(TABLES, 0)
    monkeypatch.undo()
    assert copy_store(source.url, store_url).copied == counts(dump(source.url))


@both
def test_the_cli_copies_and_says_what_to_carry_along(store_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TOTKIT_LANG", "en")
    monkeypatch.setenv("TOTKIT_DATA", str(tmp_path))
    source, _made = laptop(tmp_path)
    assert main(["store", "copy", "--from", source.url, "--to", store_url]) == 0
    out = capsys.readouterr().out
    assert "2 workshops, 3 workbooks, 12 revisions, 3 sessions, 1 attempt counters" in out
    assert str(tmp_path / "secret.key") in out
    assert main(["store", "copy", "--from", source.url, "--to", store_url]) == 0
    out = capsys.readouterr().out
    assert "Nothing new to copy" in out
    if "@" in store_url:  # a server's password is never printed
        from sqlalchemy.engine import make_url

        assert str(make_url(store_url).password) not in out


def test_copy_refuses_a_missing_source_and_the_same_database(tmp_path):
    missing = tmp_path / "typo.db"
    with pytest.raises(InputError) as caught:
        copy_store(f"sqlite:///{missing}", f"sqlite:///{tmp_path / 'b.db'}")
    assert caught.value.key == "error.copy_no_source" and str(missing) in str(caught.value)
    assert not missing.exists() and not (tmp_path / "b.db").exists()
    source, _made = laptop(tmp_path)
    with pytest.raises(InputError) as caught:
        copy_store(source.url, f"sqlite:///{tmp_path}/./laptop.db")
    assert caught.value.key == "error.copy_same"
    url = "postgresql+psycopg://u:secret@db.example/totkit"
    with pytest.raises(InputError) as caught:
        copy_store(url, "postgresql://u@db.example/totkit")
    assert caught.value.key == "error.copy_same" and "secret" not in caught.value.message("en")


def test_copy_to_a_server_that_is_down_says_so(tmp_path):
    import socket

    source, _made = laptop(tmp_path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(StoreError) as caught:
        copy_store(source.url, f"postgresql+psycopg://u:pw@127.0.0.1:{port}/totkit")
    assert caught.value.key == "error.store_unreachable"
