"""The store: workshops, workbooks and their section revisions, behind one SQLAlchemy URL.

SQLite in the data folder by default; ``TOTKIT_DB`` or ``--db`` takes any SQLAlchemy URL.
"""

from totkit.store.store import (
    Joined,
    Revision,
    Store,
    WorkshopCreated,
    WorkshopInfo,
    database_url,
    open_store,
)

__all__ = [
    "Joined",
    "Revision",
    "Store",
    "WorkshopCreated",
    "WorkshopInfo",
    "database_url",
    "open_store",
]
