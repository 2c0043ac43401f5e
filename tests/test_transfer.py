"""``totkit import FILE --into WORKSHOP``: merge by section, refuse a wrong owner, idempotent."""

from __future__ import annotations

import pytest

from totkit.cli import main
from totkit.errors import AccessDenied
from totkit.store import Store
from totkit.transfer import import_workbook


@pytest.fixture
def laptop(tmp_path):
    """The planner's own install, with its own store and secret."""
    own = Store(f"sqlite:///{tmp_path / 'own.db'}", folder=tmp_path / "own")
    workshop = own.create_workshop("TOT")
    joined = own.join(workshop.code, {"name": "Sri Wahyuni"})
    own.save_section(joined.workbook_id, "diagnostic", {"answers": {"sel_1": 4}}, 0)
    yield own, joined
    own.close()


def test_a_new_workbook_keeps_its_id_and_gets_a_resume_code(store, workshop, laptop):
    own, joined = laptop
    report = import_workbook(store, own.load_workbook(joined.workbook_id), workshop.code)
    assert report.created and report.resume_code
    assert report.added == ["diagnostic"] and report.unchanged == ["profile"]
    brought = store.load_workbook(joined.workbook_id)
    assert brought.diagnostic.answers == {"sel_1": 4}
    token = store.resume(workshop.code, report.resume_code)
    assert store.open_session(token) == joined.workbook_id


def test_importing_twice_adds_nothing(store, workshop, laptop, row_counts):
    own, joined = laptop
    exported = own.load_workbook(joined.workbook_id)
    import_workbook(store, exported, workshop.code)
    before = row_counts()
    again = import_workbook(store, exported, workshop.code)
    assert not again.created and again.added == [] and again.conflicts == []
    assert row_counts() == before


def test_newer_edits_are_added_and_divergent_ones_reported(store, workshop, laptop):
    own, joined = laptop
    import_workbook(store, own.load_workbook(joined.workbook_id), workshop.code)
    own.save_section(joined.workbook_id, "diagnostic", {"answers": {"sel_1": 5}}, 1)
    report = import_workbook(store, own.load_workbook(joined.workbook_id), workshop.code)
    assert report.added == ["diagnostic"]
    assert store.load_section(joined.workbook_id, "diagnostic").data["answers"] == {"sel_1": 5}

    # The facilitator's copy and the planner's copy both change the reflection.
    latest = store.load_section(joined.workbook_id, "diagnostic")
    store.save_section(joined.workbook_id, "diagnostic",
                       {**latest.data, "reflection": "di server"}, latest.version)
    mine = own.load_section(joined.workbook_id, "diagnostic")
    own.save_section(joined.workbook_id, "diagnostic",
                     {**mine.data, "reflection": "di laptop"}, mine.version)
    report = import_workbook(store, own.load_workbook(joined.workbook_id), workshop.code)
    assert report.conflicts == ["diagnostic"]
    assert store.load_section(joined.workbook_id, "diagnostic").data["reflection"] == "di server"


def test_a_workbook_of_another_workshop_is_refused(store, workshop, laptop, row_counts):
    own, joined = laptop
    other = store.create_workshop("Other TOT")
    import_workbook(store, own.load_workbook(joined.workbook_id), other.code)
    before = row_counts()
    with pytest.raises(AccessDenied) as caught:
        import_workbook(store, own.load_workbook(joined.workbook_id), workshop.code)
    assert "another workshop" in caught.value.message("en")
    assert row_counts() == before


def test_cli_import(store, workshop, laptop, tmp_path, monkeypatch, capsys):
    own, joined = laptop
    path = tmp_path / "sri.json"
    path.write_text(own.load_workbook(joined.workbook_id).to_json(), encoding="utf-8")
    monkeypatch.setenv("TOTKIT_LANG", "en")
    monkeypatch.setenv("TOTKIT_DATA", str(store.folder))
    assert main(["import", str(path), "--into", workshop.code, "--db", store.url]) == 0
    out = capsys.readouterr().out
    assert "added as new revisions: Readiness diagnostic" in out and "resume code" in out
    assert main(["import", str(path), "--into", workshop.code, "--db", store.url]) == 0
    assert "already there, unchanged" in capsys.readouterr().out
