"""The store's tables. Every change here comes with an Alembic migration."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

workshops = Table(
    "workshops",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code_digest", String(64), nullable=False, unique=True),
    Column("key_digest", String(64), nullable=False),
    Column("title", String(200), nullable=False),
    Column("start_date", Date),
    Column("end_date", Date),
    Column("timezone", String(8), nullable=False, server_default="WIB"),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

workbooks = Table(
    "workbooks",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id"), nullable=False, index=True),
    Column("resume_digest", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("workshop_id", "resume_digest", name="uq_workbooks_resume"),
)

revisions = Table(
    "revisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workbook_id", String(32), ForeignKey("workbooks.id"), nullable=False),
    Column("section", String(20), nullable=False),
    Column("version", Integer, nullable=False),
    Column("based_on", Integer, nullable=False),
    Column("data", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("workbook_id", "section", "version", name="uq_revisions_version"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_digest", String(64), primary_key=True),
    Column("workbook_id", String(32), ForeignKey("workbooks.id"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

# Failed attempts at a workshop's resume codes or facilitator key, in a window of time
# (kernels cannot see the client's address, so the count is per workshop).
attempts = Table(
    "attempts",
    metadata,
    Column("workshop_id", Integer, ForeignKey("workshops.id"), primary_key=True),
    Column("kind", String(20), primary_key=True),
    Column("window_start", DateTime(timezone=True), nullable=False),
    Column("failures", Integer, nullable=False, server_default="0"),
)
