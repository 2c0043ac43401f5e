"""``totkit backup`` and ``totkit restore``: a SQLite store copied safely while the apps run,
and a backup put back in place of a damaged store, keeping the old file beside it.

The backup uses SQLite's online backup API: one read transaction copies every page, so the
copy is the store as of one moment (a save still in progress is not in it, a finished one
is), and writers are not stopped (WAL). Both commands write a temporary file next to the
target, check it with ``PRAGMA quick_check``, and rename it into place, so the target is
either the old file or the complete new one, never half of one.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from contextlib import closing, suppress
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

from totkit.errors import InputError, StoreError
from totkit.store.engine import BUSY_TIMEOUT_MS, describe, sqlite_path, store_error

# Every SQLite connection in WAL mode holds a shared lock on this byte of the "-shm" file
# while it is open (os_unix.c: UNIX_SHM_DMS), so an exclusive lock on it fails while any
# other process, a running totkit among them, has the database open.
SHM_DEADMAN_BYTE = 128


@dataclass(frozen=True)
class Restored:
    database: Path
    backup: Path
    kept: tuple[Path, ...]  # the previous file (and its -wal and -shm), renamed aside


def database_file(url: str | None = None) -> Path:
    """The SQLite file of ``url`` (else ``TOTKIT_DB``, else the data folder's)."""
    from totkit.store import database_url

    chosen = database_url(url)
    path = sqlite_path(chosen)
    if path is None:
        raise InputError("error.backup_sqlite_only", field="db", url=describe(chosen))
    return path.absolute()


def backup(url: str | None, target: Path | str, *, force: bool = False) -> Path:
    """Copy the store to ``target`` (refused if it exists, unless ``force``); return it."""
    source = database_file(url)
    target = Path(target).expanduser().absolute()
    if not source.is_file():
        raise InputError("error.backup_no_database", field="db", database=str(source))
    if target.exists():
        if _same_file(source, target):
            raise InputError("error.backup_same_file", field="backup", path=str(target))
        if not force:
            raise InputError("error.backup_exists", field="backup", path=str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with _open_read_only(source, honour_wal=True) as reading:
            _write_checked(reading, target, damaged=source)
    except sqlite3.Error as exc:
        raise store_error(exc, _url(source)) from exc
    return target


def restore(backup_path: Path | str, url: str | None = None) -> Restored:
    """Put the backup ``backup_path`` in place of the store; the old file is kept aside.

    The backup is checked first (``quick_check``, and that it is a totkit store); nothing is
    changed unless it passes. Refused while another process has the store open.
    """
    target = database_file(url)
    source = Path(backup_path).expanduser().absolute()
    if not source.is_file():
        raise InputError("error.restore_missing", field="backup", path=str(source))
    if target.exists() and _same_file(source, target):
        raise InputError("error.backup_same_file", field="backup", path=str(source))
    # A backup made by `totkit backup` is one file; a -wal beside it would hold saves too.
    with _open_read_only(source, honour_wal=Path(f"{source}-wal").exists()) as reading:
        try:
            usable = _sound(reading) and _is_totkit_store(reading)
        except sqlite3.DatabaseError:  # not a SQLite file at all, or unreadable
            usable = False
        if not usable:
            raise InputError("error.restore_bad_backup", field="backup", path=str(source))
        _refuse_if_in_use(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            kept = _write_checked(reading, target, damaged=source, before_replace=_keep_aside)
        except sqlite3.Error as exc:
            raise store_error(exc, _url(target)) from exc
    return Restored(database=target, backup=source, kept=tuple(kept))


# -- helpers ---------------------------------------------------------------------------------


def _open_read_only(path: Path, honour_wal: bool) -> closing[sqlite3.Connection]:
    """A read-only connection; ``honour_wal=False`` opens the file as immutable, which
    leaves no -wal or -shm file beside a backup."""
    flags = "mode=ro" if honour_wal else "mode=ro&immutable=1"
    uri = f"file:{quote(path.as_posix(), safe='/:')}?{flags}"
    return closing(sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000))


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def _write_checked(reading, target: Path, damaged: Path, before_replace=None):  # type: ignore[no-untyped-def]
    """Copy ``reading`` into a temporary file beside ``target``, check it, then rename it
    over ``target``; ``before_replace(target)`` runs just before and its result is returned."""
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with closing(sqlite3.connect(temporary)) as writing:
            reading.backup(writing)
            # One self-contained file: the store switches it back to WAL when it opens it.
            writing.execute("PRAGMA journal_mode=DELETE")
            sound = _sound(writing)
        if not sound:
            raise StoreError("error.store_corrupt", database=str(damaged))
        _fsync(temporary)
        result = before_replace(target) if before_replace else []
        os.replace(temporary, target)
        _fsync_folder(target.parent)
        return result
    finally:
        for leftover in (temporary, *(Path(f"{temporary}{end}") for end in _SIDE_FILES)):
            leftover.unlink(missing_ok=True)


_SIDE_FILES = ("-journal", "-wal", "-shm")


def _sound(connection: sqlite3.Connection) -> bool:
    return connection.execute("PRAGMA quick_check").fetchall() == [("ok",)]


def _is_totkit_store(connection: sqlite3.Connection) -> bool:
    found = connection.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
        "AND name IN ('alembic_version', 'workbooks', 'revisions')"
    ).fetchone()
    return found[0] == 3


def _keep_aside(target: Path) -> list[Path]:
    """Give the current store (and its -wal and -shm) a timestamped name beside it; the
    store itself is hard-linked (or copied), so its name never points at nothing."""
    if not target.exists():
        return []
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    aside = target.with_name(f"{target.name}.before-restore-{stamp}")
    number = 1
    while any(Path(f"{aside}{end}").exists() for end in ("", *_SIDE_FILES)):
        number += 1
        aside = target.with_name(f"{target.name}.before-restore-{stamp}-{number}")
    kept = []
    for end in ("-wal", "-shm", "-journal"):
        side = Path(f"{target}{end}")
        if side.exists():  # a stale -wal must never be applied to the restored file
            side.replace(f"{aside}{end}")
            kept.append(Path(f"{aside}{end}"))
    try:
        os.link(target, aside)
    except OSError:
        import shutil

        shutil.copy2(target, aside)
    _fsync_folder(target.parent)
    return [aside, *kept]


def _refuse_if_in_use(target: Path) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: the help text asks to stop totkit first
        return
    shm = Path(f"{target}-shm")
    if not shm.exists():
        return
    # Opening the -shm file only to lock it; this process holds no SQLite connection on
    # the store (closing this descriptor would drop that connection's POSIX locks).
    with open(shm, "rb+") as handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, SHM_DEADMAN_BYTE)
        except OSError:
            raise StoreError("error.restore_in_use", database=str(target)) from None
        fcntl.lockf(handle, fcntl.LOCK_UN, 1, SHM_DEADMAN_BYTE)


def _same_file(one: Path, other: Path) -> bool:
    try:
        return one.samefile(other)
    except OSError:
        return False


def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        with suppress(OSError):
            os.fsync(descriptor)
    finally:
        os.close(descriptor)
