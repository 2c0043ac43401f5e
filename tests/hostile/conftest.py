"""Shared fixtures of the hostile tests: a store with a bystander workbook that no hostile
input may change, and the generated files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from totkit.model import SECTIONS
from totkit.store import Store
from totkit.store.schema import revisions, sessions, workbooks, workshops

from .checks import snapshot
from .corpus import base, json_makers, survey_makers, write_files, yaml_makers

ROOT = Path(__file__).resolve().parents[2]
MINI_INSTRUMENT = ROOT / "tests" / "data" / "mini-instrument.yaml"


@dataclass
class World:
    """A store with one workshop, a target workbook the tests write to, and a bystander
    workbook (every section filled) in the same workshop."""

    store: Store
    code: str
    key: str
    workshop_id: int
    target: str
    bystander: str
    bystander_code: str

    def counts(self) -> dict[str, int]:
        with self.store.engine.connect() as conn:
            return {table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                    for table in (workshops, workbooks, revisions, sessions)}

    def bystander_snapshot(self) -> dict:
        return snapshot(self.store, self.bystander)


def make_world(folder: Path) -> World:
    folder.mkdir(parents=True, exist_ok=True)
    store = Store(f"sqlite:///{folder / 'totkit.db'}", folder=folder)
    created = store.create_workshop("TOT Pembelajaran Aktif", start_date=date(2026, 7, 13),
                                    end_date=date(2026, 7, 17))
    bystander = store.join(created.code, base("profile"))
    for section in SECTIONS[1:]:
        store.save_section(bystander.workbook_id, section, base(section), 0)
    target = store.join(created.code, {"name": "Target"})
    return World(store, created.code, created.key, store.workshop_id(created.code),
                 target.workbook_id, bystander.workbook_id, bystander.resume_code)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    made = make_world(tmp_path_factory.mktemp("world"))
    yield made
    made.store.close()


@pytest.fixture(scope="session")
def files(tmp_path_factory) -> dict[str, Path]:
    """Every generated file: survey exports, workbook JSON files and YAML files, by name
    (``survey/…``, ``json/…``, ``instrument/…``, ``context/…``, ``mapping/…``)."""
    from totkit.gaps import context_path
    from totkit.instrument import instrument_path

    folder = tmp_path_factory.mktemp("files")
    valid_world = make_world(folder / "valid")
    valid = valid_world.store.load_workbook(valid_world.bystander).model_dump(mode="json")
    valid_world.store.close()
    found: dict[str, Path] = {}
    for prefix, makers in (
        ("survey", survey_makers()),
        ("json", json_makers(valid)),
        ("instrument", yaml_makers(instrument_path("readiness").read_bytes())),
        ("context", yaml_makers(context_path().read_bytes())),
        ("mapping", yaml_makers((ROOT / "tests" / "data" / "gforms-mapping.yaml").read_bytes())),
    ):
        written = write_files(folder / prefix, makers)
        found.update({f"{prefix}/{name}": path for name, path in written.items()})
    return found
