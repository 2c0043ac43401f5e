"""``totkit store copy``: workshops copied from one store to another (a laptop's SQLite to
PostgreSQL, and back), with every workbook, revision, session and attempt count.

Copying is idempotent: a row already in the target (the same workshop code, workbook id,
section version, session token or workshop and kind of attempt) is left as it is, so a
second copy adds only what was saved since. The target is brought to the latest schema
first, and everything is written in one transaction: a copy that fails writes nothing.

Codes, keys and tokens are stored as HMAC digests under the ``secret.key`` of the data
folder, and the copy keeps the digests as they are: every totkit that serves the target
must use the same ``secret.key`` (the same ``TOTKIT_DATA``, or a copy of the file), or no
code opens anything there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, Table, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from totkit.errors import InputError
from totkit.store.engine import describe, open_engine, reader, sqlite_path, store_error
from totkit.store.schema import attempts, revisions, sessions, workbooks, workshops

TABLES = ("workshops", "workbooks", "revisions", "sessions", "attempts")
CHUNK = 500  # workbook ids per query (SQLite allows 32766 parameters, PostgreSQL 65535)


@dataclass
class CopyReport:
    """Rows copied per table; ``differing``: section versions the target holds with other
    content (both stores were saved to after an earlier copy), left as they were."""

    source: str
    target: str
    copied: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    differing: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.copied.values())


def copy_store(source_url: str, target_url: str) -> CopyReport:
    """Copy every workshop of ``source_url`` into ``target_url`` (migrated first)."""
    _check_urls(source_url, target_url)
    report = CopyReport(describe(source_url), describe(target_url))
    source = open_engine(source_url)  # an older schema is migrated too (migrations only add)
    try:
        target = open_engine(target_url)
        try:
            with reader(source).connect() as read, target.begin() as write:
                _copy(read, write, report)
        except DBAPIError as exc:  # servers that cannot be reached are StoreErrors already
            raise store_error(exc, target_url) from exc
        finally:
            target.dispose()
    finally:
        source.dispose()
    return report


def _check_urls(source_url: str, target_url: str) -> None:
    if _same_database(source_url, target_url):
        raise InputError("error.copy_same", field="to", url=describe(target_url))
    path = sqlite_path(source_url)
    if path is not None and not path.is_file():  # opening it would create an empty store
        raise InputError("error.copy_no_source", field="from", database=str(path))


def _same_database(one: str, other: str) -> bool:
    paths = sqlite_path(one), sqlite_path(other)
    if paths[0] is not None and paths[1] is not None:
        return paths[0].expanduser().absolute() == paths[1].expanduser().absolute()
    return _server_database(one) == _server_database(other)


def _server_database(url: str) -> tuple:
    """A server's database, whoever logs in to it and however."""
    parsed = make_url(url)
    return parsed.get_backend_name(), parsed.host, parsed.port, parsed.database


def _copy(read: Connection, write: Connection, report: CopyReport) -> None:
    workshop_ids = _copy_workshops(read, write, report)
    workbook_ids = _copy_workbooks(read, write, report, workshop_ids)
    _copy_revisions(read, write, report, workbook_ids)
    _copy_sessions(read, write, report)
    _copy_attempts(read, write, report, workshop_ids)


def _copy_workshops(read: Connection, write: Connection, report: CopyReport) -> dict[int, int]:
    """Source workshop id -> target id: the same code digest, inserted if missing (the
    target numbers new workshops itself, so its own sequence stays right)."""
    known = dict(write.execute(select(workshops.c.code_digest, workshops.c.id)).all())
    mapping = {}
    for row in _rows(read, workshops, workshops.c.id):
        if row["code_digest"] not in known:
            values = {key: value for key, value in row.items() if key != "id"}
            inserted = write.execute(insert(workshops).values(values)).inserted_primary_key
            known[row["code_digest"]] = inserted[0]
            report.copied["workshops"] += 1
        mapping[row["id"]] = known[row["code_digest"]]
    return mapping


def _copy_workbooks(read: Connection, write: Connection, report: CopyReport,
                    workshop_ids: dict[int, int]) -> set[str]:
    """The ids of the source's workbooks (kept as they are: uuid hex, unique anywhere)."""
    known = set(write.execute(select(workbooks.c.id)).scalars())
    rows = [{**row, "workshop_id": workshop_ids[row["workshop_id"]]}
            for row in _rows(read, workbooks, workbooks.c.created_at, workbooks.c.id)]
    _insert_missing(write, workbooks, rows, known, lambda row: row["id"], report)
    return {row["id"] for row in rows}


def _copy_revisions(read: Connection, write: Connection, report: CopyReport,
                    workbook_ids: set[str]) -> None:
    key = (revisions.c.workbook_id, revisions.c.section, revisions.c.version)
    known = {}  # the target's revisions of the source's workbooks only, not the whole target
    ids = sorted(workbook_ids)
    for start in range(0, len(ids), CHUNK):
        chosen = select(*key, revisions.c.data).where(
            revisions.c.workbook_id.in_(ids[start:start + CHUNK]))
        known.update({tuple(row[:3]): row[3] for row in write.execute(chosen)})
    missing = []
    for row in _rows(read, revisions, *key):
        identity = (row["workbook_id"], row["section"], row["version"])
        if identity not in known:
            missing.append({name: value for name, value in row.items() if name != "id"})
        elif known[identity] != row["data"]:
            report.differing.append(identity)
    _insert(write, revisions, missing, report)


def _copy_sessions(read: Connection, write: Connection, report: CopyReport) -> None:
    known = set(write.execute(select(sessions.c.token_digest)).scalars())
    rows = _rows(read, sessions, sessions.c.created_at, sessions.c.token_digest)
    _insert_missing(write, sessions, rows, known, lambda row: row["token_digest"], report)


def _copy_attempts(read: Connection, write: Connection, report: CopyReport,
                   workshop_ids: dict[int, int]) -> None:
    known = {tuple(row) for row in write.execute(select(attempts.c.workshop_id,
                                                             attempts.c.kind))}
    rows = [{**row, "workshop_id": workshop_ids[row["workshop_id"]]}
            for row in _rows(read, attempts, attempts.c.workshop_id, attempts.c.kind)]
    _insert_missing(write, attempts, rows, known,
                    lambda row: (row["workshop_id"], row["kind"]), report)


def _rows(read: Connection, table: Table, *order: Any) -> list[dict[str, Any]]:
    """Every row of ``table``, its times in UTC (SQLite keeps them naive, in UTC; a server
    hands them back in its session's time zone)."""
    result = read.execute(select(table).order_by(*order)).mappings()
    return [{name: _utc(value) for name, value in row.items()} for row in result]


def _utc(value: Any) -> Any:
    if not isinstance(value, datetime):
        return value
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def _insert_missing(write: Connection, table: Table, rows: list[dict[str, Any]],
                    known: set, identity: Callable[[dict[str, Any]], Any],
                    report: CopyReport) -> None:
    """Insert the ``rows`` whose ``identity`` the target does not hold (``known``)."""
    _insert(write, table, [row for row in rows if identity(row) not in known], report)


def _insert(write: Connection, table: Table, rows: Iterable[dict[str, Any]],
            report: CopyReport) -> None:
    rows = list(rows)
    if rows:
        write.execute(insert(table), rows)
        report.copied[table.name] += len(rows)
