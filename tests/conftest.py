from __future__ import annotations

import pytest
from sqlalchemy import func, select

from totkit.store import Store
from totkit.store.schema import revisions, sessions, workbooks, workshops


@pytest.fixture
def store(tmp_path) -> Store:
    created = Store(f"sqlite:///{tmp_path / 'totkit.db'}", folder=tmp_path)
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
