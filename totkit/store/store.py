"""``Store``: the one place that reads and writes workshops, workbooks and revisions."""

from __future__ import annotations

import itertools
import json
import os
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Engine,
    and_,
    case,
    delete,
    func,
    insert,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError

from totkit import access
from totkit.errors import AccessDenied, ConflictError, InputError, StoreError
from totkit.model import SECTIONS, Part, Profile, Workbook, parse, parse_section
from totkit.paths import data_dir
from totkit.store import engine as store_engine
from totkit.store.engine import open_engine, reader, store_error
from totkit.store.schema import attempts, revisions, sessions, workbooks, workshops

# The ids totkit gives (uuid4 hex), and any plain id that fits the column (String(32): a
# server such as PostgreSQL refuses a longer one); a path, markup or 100k text is not one.
WORKBOOK_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")

TIMEZONES = ("WIB", "WITA", "WIT")
# The pauses of SQLite's busy handler (sqliteDefaultBusyCallback), in seconds: how a save
# on PostgreSQL waits for another save of the same section (``_take_turns``).
TURN_WAITS = (0.001, 0.002, 0.005, 0.01, 0.015, 0.02, 0.025, 0.025, 0.025, 0.05, 0.05, 0.1)
TRY_TURN = text("SELECT pg_try_advisory_xact_lock(hashtextextended(:key, 0))")
# Failures allowed per workshop and window before further attempts are refused until the
# window ends. A workshop of 30 mistypes codes now and then; guessing a three-word code
# (192^3 = 7 million) at 30 tries in 10 minutes would take about 4 years.
ATTEMPT_LIMITS = {
    "resume": (30, timedelta(minutes=10)),
    "facilitator": (10, timedelta(minutes=10)),
}


def database_url(url: str | None = None, folder: Path | None = None) -> str:
    """``url``, else ``TOTKIT_DB``, else ``totkit.db`` in the data folder."""
    chosen = url or os.environ.get("TOTKIT_DB")
    if chosen:
        return chosen
    return f"sqlite:///{(folder or data_dir()) / 'totkit.db'}"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything is written in UTC.
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class WorkshopCreated:
    id: int
    code: str
    key: str
    title: str


@dataclass(frozen=True)
class WorkshopInfo:
    id: int
    title: str
    start_date: date | None
    end_date: date | None
    timezone: str
    created_at: datetime
    workbooks: int


@dataclass(frozen=True)
class Joined:
    workbook_id: str
    resume_code: str
    token: str


@dataclass(frozen=True)
class Revision:
    section: str
    version: int
    based_on: int
    data: dict[str, Any]
    created_at: datetime | None


class Store:
    """Workshops, workbooks and section revisions in one database.

    Every save of a section writes a new revision based on the version the
    caller read; a stale save raises ``ConflictError`` and overwrites nothing.
    """

    def __init__(self, url: str | None = None, folder: Path | None = None):
        self.folder = folder or data_dir()
        self.url = database_url(url, self.folder)
        self._engine: Engine | None = None
        self._secret: bytes | None = None

    # -- plumbing ---------------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            # Checks a SQLite file (quick_check) and migrates it; StoreError names the fault.
            self._engine = open_engine(self.url)
        return self._engine

    def prepare(self) -> Store:
        """Create or migrate the database now rather than on first use."""
        _ = self.engine
        return self

    @property
    def secret(self) -> bytes:
        if self._secret is None:
            self._secret = access.load_secret(self.folder)
        return self._secret

    def _digest(self, purpose: str, value: str) -> str:
        return access.digest(self.secret, purpose, value)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    @contextmanager
    def _writing(self) -> Iterator[Any]:
        """A write transaction. A database fault (read-only, full, busy, damaged, a server
        gone) becomes a ``StoreError`` naming it; an ``IntegrityError`` passes through, for
        the caller to turn into a conflict or a taken code. Nothing is written either way."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except IntegrityError:
            raise
        except DBAPIError as exc:
            raise store_error(exc, self.url) from exc

    # -- workshops --------------------------------------------------------------------------

    def create_workshop(
        self,
        title: str,
        *,
        code: str | None = None,
        key: str | None = None,
        start_date: date | None = None,
        end_date: date | None = None,
        timezone_name: str = "WIB",
    ) -> WorkshopCreated:
        title = _clean_text(title, "title", 200)
        if timezone_name not in TIMEZONES:
            raise InputError("error.choice", field="timezone", choices=", ".join(TIMEZONES))
        if start_date and end_date and end_date < start_date:
            raise InputError("error.dates_order", field="end_date")
        code = access.normalize_workshop_code(code) if code else access.new_workshop_code()
        if len(code) < 4:
            raise InputError("error.workshop_code_short", field="workshop_code")
        key = key or access.new_facilitator_key()
        row = {
            "code_digest": self._digest("workshop", code),
            "key_digest": self._digest("facilitator", access.normalize_key(key)),
            "title": title,
            "start_date": start_date,
            "end_date": end_date,
            "timezone": timezone_name,
            "created_at": utcnow(),
        }
        try:
            with self._writing() as conn:
                workshop_id = conn.execute(insert(workshops).values(row)).inserted_primary_key[0]
        except IntegrityError:
            raise InputError("error.workshop_code_taken", field="workshop_code") from None
        return WorkshopCreated(id=workshop_id, code=code, key=key, title=title)

    def list_workshops(self) -> list[WorkshopInfo]:
        count = (
            select(func.count()).where(workbooks.c.workshop_id == workshops.c.id).scalar_subquery()
        )
        query = select(workshops, count.label("n")).order_by(workshops.c.id)
        with reader(self.engine).connect() as conn:
            return [_workshop_info(row) for row in conn.execute(query).mappings()]

    def workshop_id(self, code: str) -> int:
        """The workshop that ``code`` opens, or ``AccessDenied`` naming the field."""
        digest = self._digest("workshop", access.normalize_workshop_code(code or ""))
        with reader(self.engine).connect() as conn:
            found = conn.execute(
                select(workshops.c.id).where(workshops.c.code_digest == digest)
            ).scalar()
        if found is None:
            raise AccessDenied("error.unknown_workshop", field="workshop_code")
        return found

    def workshop(self, workshop_id: int) -> WorkshopInfo:
        with reader(self.engine).connect() as conn:
            row = (
                conn.execute(
                    select(workshops, func.count(workbooks.c.id).label("n"))
                    .join(workbooks, workbooks.c.workshop_id == workshops.c.id, isouter=True)
                    .where(workshops.c.id == workshop_id)
                    .group_by(workshops.c.id)
                )
                .mappings()
                .first()
            )
        if row is None:
            raise AccessDenied("error.unknown_workshop", field="workshop_code")
        return _workshop_info(row)

    def delete_workshop(self, code: str) -> bool:
        """Delete a workshop with every workbook, revision and session; False if none."""
        digest = self._digest("workshop", access.normalize_workshop_code(code))
        with self._writing() as conn:
            workshop_id = conn.execute(
                select(workshops.c.id).where(workshops.c.code_digest == digest)
            ).scalar()
            if workshop_id is None:
                return False
        self._delete_workshop_id(workshop_id)
        return True

    def _delete_workshop_id(self, workshop_id: int) -> None:
        with self._writing() as conn:
            owned = select(workbooks.c.id).where(workbooks.c.workshop_id == workshop_id)
            conn.execute(delete(sessions).where(sessions.c.workbook_id.in_(owned)))
            conn.execute(delete(revisions).where(revisions.c.workbook_id.in_(owned)))
            conn.execute(delete(workbooks).where(workbooks.c.workshop_id == workshop_id))
            conn.execute(delete(attempts).where(attempts.c.workshop_id == workshop_id))
            conn.execute(delete(workshops).where(workshops.c.id == workshop_id))

    def reset_facilitator_key(self, code: str) -> str:
        """A new facilitator key for a workshop; the old one stops working."""
        workshop_id = self.workshop_id(code)
        key = access.new_facilitator_key()
        digest = self._digest("facilitator", access.normalize_key(key))
        with self._writing() as conn:
            conn.execute(update(workshops).where(workshops.c.id == workshop_id)
                         .values(key_digest=digest))
        return key

    def reissue_resume_code(self, workshop_id: int, workbook_id: str) -> str:
        """A new resume code for a planner who lost theirs; the old one stops working."""
        known_id(workbook_id)
        for _attempt in range(5):
            code = access.new_resume_code()
            digest = self._digest(f"resume:{workshop_id}", code)
            try:
                with self._writing() as conn:
                    changed = conn.execute(
                        update(workbooks)
                        .where(workbooks.c.id == workbook_id,
                               workbooks.c.workshop_id == workshop_id)
                        .values(resume_digest=digest)
                    ).rowcount
            except IntegrityError:
                continue
            if not changed:
                raise AccessDenied("error.unknown_workbook", field="workbook")
            return code
        raise StoreError("error.store")

    def workshop_of(self, workbook_id: str) -> WorkshopInfo:
        """The workshop a workbook belongs to (its dates and time zone, for the plan)."""
        known_id(workbook_id)
        with reader(self.engine).connect() as conn:
            workshop_id = conn.execute(
                select(workbooks.c.workshop_id).where(workbooks.c.id == workbook_id)
            ).scalar()
        if workshop_id is None:
            raise AccessDenied("error.unknown_workbook", field="workbook")
        return self.workshop(workshop_id)

    def check_facilitator_key(self, code: str, key: str) -> int:
        workshop_id = self.workshop_id(code)
        self._guard(workshop_id, "facilitator")
        with reader(self.engine).connect() as conn:
            stored = conn.execute(
                select(workshops.c.key_digest).where(workshops.c.id == workshop_id)
            ).scalar_one()
        if not access.same(stored, self._digest("facilitator", access.normalize_key(key or ""))):
            self._fail(workshop_id, "facilitator")
            raise AccessDenied("error.wrong_facilitator_key", field="facilitator_key")
        return workshop_id

    # -- planners ---------------------------------------------------------------------------

    def join(
        self,
        workshop_code: str,
        profile: Profile | dict[str, Any],
        *,
        resume_code: str | None = None,
        workbook_id: str | None = None,
    ) -> Joined:
        """A new workbook for a planner: its profile as revision 1, a resume code, a session.

        ``workbook_id`` keeps the id of a workbook brought in from another install.
        """
        profile = profile if isinstance(profile, Profile) else parse(Profile, profile)
        workshop_id = self.workshop_id(workshop_code)
        code = access.normalize_resume_code(resume_code) if resume_code else None
        for _attempt in range(5):
            candidate = code or access.new_resume_code()
            new_id = workbook_id or uuid.uuid4().hex
            now = utcnow()
            try:
                with self._writing() as conn:
                    conn.execute(
                        insert(workbooks).values(
                            id=new_id,
                            workshop_id=workshop_id,
                            resume_digest=self._digest(f"resume:{workshop_id}", candidate),
                            created_at=now,
                        )
                    )
                    _insert_revision(
                        conn, new_id, "profile", 1, 0, profile.model_dump(mode="json")
                    )
                    token = self._insert_session(conn, new_id, now)
            except IntegrityError:
                if code:  # a chosen code (the demo's) that is taken
                    raise InputError("error.resume_code_taken", field="resume_code") from None
                continue
            return Joined(workbook_id=new_id, resume_code=candidate, token=token)
        raise StoreError("error.store")

    def resume(self, workshop_code: str, resume_code: str) -> str:
        """A new session token for the workbook that the two codes open."""
        workshop_id = self.workshop_id(workshop_code)
        self._guard(workshop_id, "resume")
        digest = self._digest(f"resume:{workshop_id}", access.normalize_resume_code(resume_code))
        with self._writing() as conn:
            workbook_id = conn.execute(
                select(workbooks.c.id).where(
                    workbooks.c.workshop_id == workshop_id,
                    workbooks.c.resume_digest == digest,
                )
            ).scalar()
            if workbook_id is not None:
                return self._insert_session(conn, workbook_id, utcnow())
        self._fail(workshop_id, "resume")
        raise AccessDenied("error.wrong_resume_code", field="resume_code")

    def open_session(self, token: str) -> str:
        """The workbook id a session token opens; expired or unknown tokens are refused."""
        if not token:
            raise AccessDenied("error.session_invalid", field="session")
        digest = self._digest("session", token)
        with reader(self.engine).connect() as conn:
            row = conn.execute(
                select(sessions.c.workbook_id, sessions.c.expires_at).where(
                    sessions.c.token_digest == digest
                )
            ).first()
        if row is None:
            raise AccessDenied("error.session_invalid", field="session")
        if _aware(row.expires_at) <= utcnow():
            raise AccessDenied("error.session_expired", field="session")
        return row.workbook_id

    def _insert_session(self, conn: Any, workbook_id: str, now: datetime) -> str:
        from totkit.settings import load_settings

        token = access.new_session_token()
        conn.execute(
            insert(sessions).values(
                token_digest=self._digest("session", token),
                workbook_id=workbook_id,
                created_at=now,
                expires_at=now + timedelta(hours=load_settings().session_hours),
            )
        )
        return token

    def expire_session(self, token: str, when: datetime | None = None) -> None:
        with self._writing() as conn:
            conn.execute(
                update(sessions)
                .where(sessions.c.token_digest == self._digest("session", token))
                .values(expires_at=when or utcnow())
            )

    # -- sections and revisions -------------------------------------------------------------

    def load_section(self, workbook_id: str, section: str) -> Revision:
        """The latest revision of a section; version 0 with empty data if never saved."""
        _check_section(section)
        known_id(workbook_id)
        with reader(self.engine).connect() as conn:
            row = (
                conn.execute(
                    select(revisions)
                    .where(revisions.c.workbook_id == workbook_id, revisions.c.section == section)
                    .order_by(revisions.c.version.desc())
                    .limit(1)
                )
                .mappings()
                .first()
            )
        if row is None:
            return Revision(section, 0, 0, {}, None)
        return _revision(row)

    def save_section(
        self, workbook_id: str, section: str, data: Part | dict[str, Any], based_on: int
    ) -> int:
        """Write a new revision of ``section`` based on version ``based_on``; return its version.

        Raises ``ConflictError`` (carrying ``data`` back) when another save came first, and
        ``StoreError`` naming the fault (read-only, full, busy, damaged) when the database
        refuses; either way the transaction is rolled back and nothing was written.
        """
        known_id(workbook_id)
        part = data if isinstance(data, Part) else parse_section(section, data)
        payload = part.model_dump(mode="json")
        try:
            with self._writing() as conn:
                self._check_workbook(conn, workbook_id)
                _take_turns(conn, workbook_id, section, self.url)
                current = _latest_version(conn, workbook_id, section)
                if current != based_on:
                    raise ConflictError(section, based_on, current, payload)
                _insert_revision(conn, workbook_id, section, current + 1, based_on, payload)
        except IntegrityError:
            # Another writer inserted the same version first (PostgreSQL, no table lock).
            raise ConflictError(section, based_on, based_on + 1, payload) from None
        return current + 1

    def history(self, workbook_id: str, section: str) -> list[Revision]:
        _check_section(section)
        known_id(workbook_id)
        with reader(self.engine).connect() as conn:
            rows = conn.execute(
                select(revisions)
                .where(revisions.c.workbook_id == workbook_id, revisions.c.section == section)
                .order_by(revisions.c.version)
            ).mappings()
            return [_revision(row) for row in rows]

    def restore(self, workbook_id: str, section: str, version: int, based_on: int) -> int:
        """Make an old revision the latest again, as a new revision (history is kept)."""
        old = next((r for r in self.history(workbook_id, section) if r.version == version), None)
        if old is None:
            raise InputError("error.no_such_revision", field="version", version=version)
        return self.save_section(workbook_id, section, old.data, based_on)

    def load_workbook(self, workbook_id: str) -> Workbook:
        known_id(workbook_id)
        latest = (
            select(revisions.c.section, func.max(revisions.c.version).label("version"))
            .where(revisions.c.workbook_id == workbook_id)
            .group_by(revisions.c.section)
            .subquery()
        )
        query = (
            select(revisions.c.section, revisions.c.version, revisions.c.data)
            .join(
                latest,
                and_(
                    revisions.c.section == latest.c.section,
                    revisions.c.version == latest.c.version,
                ),
            )
            .where(revisions.c.workbook_id == workbook_id)
        )
        with reader(self.engine).connect() as conn:
            meta = conn.execute(
                select(workbooks.c.created_at, workshops.c.title)
                .join(workshops, workshops.c.id == workbooks.c.workshop_id)
                .where(workbooks.c.id == workbook_id)
            ).first()
            if meta is None:
                raise AccessDenied("error.unknown_workbook", field="workbook")
            rows = conn.execute(query).all()
        sections = {row.section: json.loads(row.data) for row in rows}
        return parse(
            Workbook,
            {
                "id": workbook_id,
                "workshop": meta.title,
                "created_at": _aware(meta.created_at),
                **sections,
                "versions": {row.section: row.version for row in rows},
            },
        )

    def workbook_exists(self, workbook_id: str) -> bool:
        if not (isinstance(workbook_id, str) and WORKBOOK_ID.fullmatch(workbook_id)):
            return False
        with reader(self.engine).connect() as conn:
            found = conn.execute(select(workbooks.c.id).where(workbooks.c.id == workbook_id))
            return found.scalar() is not None

    def workbook_ids(self, workshop_id: int) -> list[str]:
        with reader(self.engine).connect() as conn:
            return list(
                conn.execute(
                    select(workbooks.c.id)
                    .where(workbooks.c.workshop_id == workshop_id)
                    .order_by(workbooks.c.created_at)
                ).scalars()
            )

    def _check_workbook(self, conn: Any, workbook_id: str) -> None:
        found = conn.execute(select(workbooks.c.id).where(workbooks.c.id == workbook_id)).scalar()
        if found is None:
            raise AccessDenied("error.unknown_workbook", field="workbook")

    def load_workbooks(self, workshop_id: int) -> list[Workbook]:
        """Every workbook of a workshop, in the order they joined, as ``load_workbook`` gives
        each one (the latest revision of each section, and the ``versions`` read), in one
        query over the latest revisions instead of one query per workbook (the dashboard)."""
        owned = workbooks.c.workshop_id == workshop_id
        latest = (
            select(
                revisions.c.workbook_id,
                revisions.c.section,
                func.max(revisions.c.version).label("version"),
            )
            .join(workbooks, workbooks.c.id == revisions.c.workbook_id)
            .where(owned)
            .group_by(revisions.c.workbook_id, revisions.c.section)
            .subquery()
        )
        query = (
            select(
                workbooks.c.id,
                workbooks.c.created_at,
                revisions.c.section,
                revisions.c.version,
                revisions.c.data,
            )
            .join(latest, latest.c.workbook_id == workbooks.c.id)
            .join(
                revisions,
                and_(
                    revisions.c.workbook_id == latest.c.workbook_id,
                    revisions.c.section == latest.c.section,
                    revisions.c.version == latest.c.version,
                ),
            )
            .where(owned)
            .order_by(workbooks.c.created_at, workbooks.c.id)
        )
        with reader(self.engine).connect() as conn:
            title = conn.execute(
                select(workshops.c.title).where(workshops.c.id == workshop_id)
            ).scalar()
            if title is None:
                raise AccessDenied("error.unknown_workshop", field="workshop_code")
            rows = conn.execute(query).all()
        grouped: dict[str, dict[str, Any]] = {}
        for row in rows:
            record = grouped.get(row.id)
            if record is None:
                record = grouped[row.id] = {
                    "id": row.id,
                    "workshop": title,
                    "created_at": _aware(row.created_at),
                    "versions": {},
                }
            record[row.section] = json.loads(row.data)
            record["versions"][row.section] = row.version
        return [parse(Workbook, record) for record in grouped.values()]


    # -- privacy: slowing guesses, deleting ---------------------------------------------------

    def _guard(self, workshop_id: int, kind: str) -> None:
        """Refuse further attempts while a workshop has too many recent failures of a kind."""
        limit, window = ATTEMPT_LIMITS[kind]
        with reader(self.engine).connect() as conn:
            row = conn.execute(
                select(attempts.c.window_start, attempts.c.failures).where(
                    attempts.c.workshop_id == workshop_id, attempts.c.kind == kind
                )
            ).first()
        if row is None or row.failures < limit:
            return
        wait = _aware(row.window_start) + window - utcnow()
        if wait.total_seconds() > 0:
            field = "resume_code" if kind == "resume" else "facilitator_key"
            minutes = max(1, round(wait.total_seconds() / 60))
            raise AccessDenied("error.too_many_attempts", field=field, minutes=minutes)

    def _fail(self, workshop_id: int, kind: str) -> None:
        """Count one failure: a single UPDATE (atomic on a server without table locks too:
        two failures at once both count), or the first row of the workshop and kind."""
        _limit, window = ATTEMPT_LIMITS[kind]
        for _attempt in range(3):
            now = utcnow()
            ended = attempts.c.window_start <= now - window
            restart = literal(now, attempts.c.window_start.type)
            try:
                with self._writing() as conn:
                    counted = conn.execute(
                        update(attempts)
                        .where(attempts.c.workshop_id == workshop_id, attempts.c.kind == kind)
                        .values(failures=case((ended, 1), else_=attempts.c.failures + 1),
                                window_start=case((ended, restart),
                                                  else_=attempts.c.window_start))
                    ).rowcount
                    if not counted:
                        conn.execute(insert(attempts).values(
                            workshop_id=workshop_id, kind=kind, window_start=now, failures=1))
                return
            except IntegrityError:  # another failure inserted the row first: count on it
                continue

    def delete_workbook(self, workbook_id: str) -> None:
        """Delete a workbook with every revision and session (the planner's own choice)."""
        known_id(workbook_id)
        with self._writing() as conn:
            conn.execute(delete(sessions).where(sessions.c.workbook_id == workbook_id))
            conn.execute(delete(revisions).where(revisions.c.workbook_id == workbook_id))
            gone = conn.execute(delete(workbooks).where(workbooks.c.id == workbook_id)).rowcount
        if not gone:
            raise AccessDenied("error.unknown_workbook", field="workbook")

    def purge_workshops(self, older_than_days: int, today: date | None = None) -> list[str]:
        """Delete the workshops whose TOT ended (or, without dates, that were created) more
        than ``older_than_days`` ago, with all their workbooks; return their titles."""
        if older_than_days < 0:
            raise InputError("error.purge_days", field="older_than")
        cutoff = (today or utcnow().date()) - timedelta(days=older_than_days)
        old = [info for info in self.list_workshops()
               if (info.end_date or info.created_at.date()) < cutoff]
        for info in old:
            self._delete_workshop_id(info.id)
        return [info.title for info in old]


def open_store(url: str | None = None, folder: Path | None = None) -> Store:
    return Store(url, folder)


def _check_section(section: str) -> None:
    if section not in SECTIONS:
        raise InputError("error.unknown_section", field="section", section=section)


def _take_turns(conn: Any, workbook_id: str, section: str, url: str) -> None:
    """On PostgreSQL, saves of one section of one workbook take turns, as every write does on
    SQLite (``BEGIN IMMEDIATE``), and wait for their turn the way SQLite's busy handler does:
    trying again after short, growing pauses (``TURN_WAITS``), up to the same timeout, then
    ``StoreError("error.store_locked")``. A stale save then reads the newer version and fails
    at once with ``ConflictError`` (it does not wait on the unique constraint for the other
    save's commit), and the writer that just saved is not made to queue behind every stale
    one. The lock is PostgreSQL's advisory lock, held until the transaction ends; other
    sections and workbooks never wait for it."""
    if conn.dialect.name != "postgresql":
        return
    key = {"key": f"totkit/{workbook_id}/{section}"}
    waited, limit = 0.0, store_engine.BUSY_TIMEOUT_MS / 1000
    for pause in itertools.chain(TURN_WAITS, itertools.repeat(TURN_WAITS[-1])):
        if conn.execute(TRY_TURN, key).scalar():
            return
        if waited >= limit:
            raise StoreError("error.store_locked", database=store_engine.describe(url),
                             seconds=f"{limit:g}")
        time.sleep(pause)
        waited += pause


def _latest_version(conn: Any, workbook_id: str, section: str) -> int:
    return conn.execute(
        select(func.coalesce(func.max(revisions.c.version), 0)).where(
            revisions.c.workbook_id == workbook_id, revisions.c.section == section
        )
    ).scalar_one()


def _insert_revision(
    conn: Any, workbook_id: str, section: str, version: int, based_on: int, data: dict[str, Any]
) -> None:
    conn.execute(
        insert(revisions).values(
            workbook_id=workbook_id,
            section=section,
            version=version,
            based_on=based_on,
            data=json.dumps(data, ensure_ascii=False, sort_keys=True),
            created_at=utcnow(),
        )
    )


def _revision(row: Any) -> Revision:
    return Revision(
        section=row["section"],
        version=row["version"],
        based_on=row["based_on"],
        data=json.loads(row["data"]),
        created_at=_aware(row["created_at"]),
    )


def _workshop_info(row: Any) -> WorkshopInfo:
    return WorkshopInfo(
        id=row["id"],
        title=row["title"],
        start_date=row["start_date"],
        end_date=row["end_date"],
        timezone=row["timezone"],
        created_at=_aware(row["created_at"]),
        workbooks=row["n"],
    )


def _clean_text(value: str, field: str, max_length: int) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise InputError("error.required", field=field)
    if len(cleaned) > max_length:
        raise InputError("error.too_long", field=field, max=max_length)
    try:
        cleaned.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: bytes that were never UTF-8 text
        raise InputError("error.not_text", field=field) from None
    if "\x00" in cleaned:  # no text holds one, and PostgreSQL refuses to store it
        raise InputError("error.not_text", field=field)
    return cleaned


def known_id(workbook_id: str) -> str:
    """``workbook_id`` if it can be one; a path, markup or undecodable text matches none."""
    if not (isinstance(workbook_id, str) and WORKBOOK_ID.fullmatch(workbook_id)):
        raise AccessDenied("error.unknown_workbook", field="workbook")
    return workbook_id
