"""The PostgreSQL server the store tests run against: ``TOTKIT_TEST_PG`` gives its URL (a
database the user owns, such as ``postgresql+psycopg://totkit:PASSWORD@127.0.0.1:5432/
totkit_test``; ``.ci/run`` starts a throwaway server and sets it). Each test works in a
schema of its own, created empty and dropped afterwards.

Without ``TOTKIT_TEST_PG`` the PostgreSQL variants skip, saying how to run them;
``TOTKIT_REQUIRE_PG=1`` (as in CI) turns that skip into a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

PG_ENV = "TOTKIT_TEST_PG"
REQUIRE_ENV = "TOTKIT_REQUIRE_PG"
EXAMPLE = "postgresql+psycopg://totkit:PASSWORD@127.0.0.1:5432/totkit_test"


def missing_reason() -> str | None:
    """Why the PostgreSQL tests cannot run here, or None."""
    if not os.environ.get(PG_ENV):
        return f"{PG_ENV} is not set (a URL such as {EXAMPLE}; .ci/run starts a server)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install 'psycopg[binary]')"
    return None


def server_url() -> URL:
    """The URL of ``TOTKIT_TEST_PG`` (psycopg 3 as its driver), or a skip that says how to
    set it; a failure instead under ``TOTKIT_REQUIRE_PG=1``."""
    reason = missing_reason()
    if reason is not None:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"PostgreSQL store tests are required ({REQUIRE_ENV}=1) but {reason}")
        pytest.skip(f"PostgreSQL store tests skipped: {reason}")
    url = make_url(os.environ[PG_ENV])
    return url.set(drivername="postgresql+psycopg")


def as_text(url: URL) -> str:
    return url.render_as_string(hide_password=False)


@contextmanager
def fresh_schema(url: URL, prefix: str = "totkit_test") -> Iterator[str]:
    """A URL on a new, empty schema of the server's database (the connection's
    ``search_path``), dropped with everything in it afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    _admin(url, f'CREATE SCHEMA "{name}"')
    try:
        yield as_text(url.update_query_dict({"options": f"-csearch_path={name}"}))
    finally:
        _admin(url, f'DROP SCHEMA "{name}" CASCADE')


def _admin(url: URL, statement: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '30s'"))  # a leaked transaction fails
            conn.execute(text(statement))
    finally:
        engine.dispose()
