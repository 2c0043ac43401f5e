"""Store fixtures. ``store`` is on SQLite; a test marked ``backends`` runs once per store
backend: SQLite, and PostgreSQL in a fresh schema when ``TOTKIT_TEST_PG`` gives a server
(see tests/pg.py; without it that variant skips, or fails under ``TOTKIT_REQUIRE_PG=1``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from tests import pg
from totkit.store import Store
from totkit.store.schema import revisions, sessions, workbooks, workshops

BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "backends: runs on every store backend (SQLite; PostgreSQL when TOTKIT_TEST_PG is set)",
    )


def pytest_generate_tests(metafunc):
    if metafunc.definition.get_closest_marker("backends") and "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", BACKENDS)


@pytest.fixture
def backend() -> str:
    """The store's backend: SQLite, unless the test is marked ``backends``."""
    return "sqlite"


@pytest.fixture
def store_url(backend, tmp_path) -> Iterator[str]:
    """An empty store's URL: a SQLite file in tmp_path, or a fresh PostgreSQL schema."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'totkit.db'}"
        return
    with pg.fresh_schema(pg.server_url()) as url:
        yield url


@pytest.fixture
def store(store_url, tmp_path) -> Iterator[Store]:
    created = Store(store_url, folder=tmp_path)
    yield created
    created.close()


@pytest.fixture
def workshop(store):
    return store.create_workshop("TOT Pembelajaran Aktif")


@pytest.fixture
def joined(store, workshop):
    return store.join(
        workshop.code, {"name": "Sri Wahyuni", "role": "Guru", "institution": "SDN 1"}
    )


@pytest.fixture
def row_counts(store):
    """Rows per table, to show that a refused input changed nothing."""

    def count() -> dict[str, int]:
        with store.engine.connect() as conn:
            return {
                table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for table in (workshops, workbooks, revisions, sessions)
            }

    return count
