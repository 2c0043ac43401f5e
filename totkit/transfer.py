"""Bringing a workbook exported as JSON on another install into a workshop's store.

``totkit import FILE --into WORKSHOP`` merges by section, by content:

- a section whose data equals one of the stored revisions brings nothing new;
- a section edited beyond the stored one (its version is newer) becomes a new revision;
- a section that differs from the stored one without being newer is a conflict: both
  sides changed it. It is reported, and nothing is overwritten.

A workbook the store already holds in another workshop is refused (its owner does not
match). Running the same import twice adds nothing the second time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from totkit.errors import AccessDenied, InputError
from totkit.model import SECTIONS, Workbook
from totkit.store import Store
from totkit.store.store import WORKBOOK_ID


@dataclass
class ImportReport:
    workbook_id: str
    name: str
    created: bool = False
    resume_code: str | None = None  # a new one, when the workbook is new to this store
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def read_workbook(path: Path | str) -> Workbook:
    """A workbook JSON file, upgraded from an older schema version when needed."""
    try:
        from totkit.exports.json import read_workbook as read_exported
    except ImportError:  # pragma: no cover - the exports package is always shipped
        return Workbook.from_json(Path(path).read_bytes())
    return read_exported(path)




def import_workbook(store: Store, workbook: Workbook, workshop_code: str) -> ImportReport:
    if not WORKBOOK_ID.fullmatch(workbook.id):  # checked before anything is written
        raise InputError("error.export_not_workbook", field="workbook")
    workshop_id = store.workshop_id(workshop_code)
    report = ImportReport(workbook_id=workbook.id, name=workbook.profile.name)
    if store.workbook_exists(workbook.id):
        if store.workshop_of(workbook.id).id != workshop_id:
            raise AccessDenied("error.import_owner", field="workbook", name=report.name)
    else:
        joined = store.join(workshop_code, workbook.profile, workbook_id=workbook.id)
        report.created, report.resume_code = True, joined.resume_code
    for section in SECTIONS:
        _merge_section(store, workbook, section, report)
    return report


def _merge_section(store: Store, workbook: Workbook, section: str, report: ImportReport) -> None:
    data = getattr(workbook, section).model_dump(mode="json")
    version = workbook.versions.get(section, 0)
    history = store.history(workbook.id, section)
    if version == 0 and not history:
        return  # never saved on either side
    if any(_same(revision.data, data) for revision in history):
        report.unchanged.append(section)
        return
    latest = history[-1].version if history else 0
    if version > latest:
        store.save_section(workbook.id, section, data, latest)
        report.added.append(section)
    else:
        report.conflicts.append(section)


def _same(a: object, b: object) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
