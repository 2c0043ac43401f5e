"""``totkit cascade FILE|ID|--workshop CODE``: the same projection as the plan app."""

from __future__ import annotations

import json
from datetime import date

import pytest

from totkit.cascade import cohort_workbooks, expected_reach, inputs_for_cohort, instrument_for
from totkit.cli import main
from totkit.demo import create_demo
from totkit.store import Store


@pytest.fixture
def demo(tmp_path, monkeypatch):
    monkeypatch.setenv("TOTKIT_LANG", "en")
    monkeypatch.setenv("TOTKIT_DATA", str(tmp_path))
    monkeypatch.setenv("TOTKIT_DB", f"sqlite:///{tmp_path / 'c.db'}")
    store = Store()
    return store, create_demo(store, as_of=date(2026, 9, 1))


def test_workshop_projection_matches_the_formula(demo, capsys):
    store, created = demo
    assert main(["cascade", "--workshop", created.workshop_code, "--json", "--seed", "3"]) == 0
    report = json.loads(capsys.readouterr().out)
    workbooks = cohort_workbooks(store, created.workshop_code)
    expected = expected_reach(inputs_for_cohort(workbooks, instrument_for(workbooks[0])))
    assert report != {} and "On paper" in json.dumps(report)
    flat = json.dumps(report)
    assert f"{expected[1]:.1f}"[:4] in flat or str(round(expected[1])) in flat


def test_one_workbook_by_id_and_by_file(demo, tmp_path, capsys):
    store, created = demo
    workbook_id = store.workbook_ids(store.workshop_id(created.workshop_code))[2]
    assert main(["cascade", workbook_id]) == 0
    by_id = capsys.readouterr().out
    path = tmp_path / "wb.json"
    path.write_text(store.load_workbook(workbook_id).to_json(), encoding="utf-8")
    assert main(["cascade", str(path)]) == 0
    assert capsys.readouterr().out == by_id
    assert "On paper this plan reaches" in by_id and "Level" in by_id


def test_bad_arguments(demo, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["cascade"])
    assert caught.value.code == 2
    assert main(["cascade", "--workshop", "NOPE42"]) == 1
    assert "Unknown workshop code" in capsys.readouterr().err


def test_cli_export_every_format_by_id_and_from_a_file(demo, tmp_path, capsys):
    from totkit.exports import FORMATS
    from totkit.transfer import read_workbook

    store, created = demo
    workbook_id = store.workbook_ids(store.workshop_id(created.workshop_code))[2]
    out = tmp_path / "out"
    out.mkdir()
    for fmt in FORMATS:
        assert main(["export", workbook_id, "--format", fmt, "-o", str(out)]) == 0
    written = sorted(path.suffix for path in out.iterdir())
    assert written == sorted(f".{fmt}" for fmt in FORMATS)
    exported = next(out.glob("*.json"))
    assert read_workbook(exported) == store.load_workbook(workbook_id)
    assert main(["export", str(exported), "--format", "docx", "-o", str(tmp_path / "r.docx"),
                 "--lang", "en"]) == 0
    assert (tmp_path / "r.docx").stat().st_size > 1000


def test_the_cli_lists_every_export_format():
    from totkit.cli import EXPORT_FORMATS
    from totkit.exports import FORMATS

    assert set(EXPORT_FORMATS) == set(FORMATS)


def test_cli_cohort_needs_the_key_and_writes_both_formats(demo, tmp_path, capsys):
    from openpyxl import load_workbook

    _store, created = demo
    for fmt in ("xlsx", "html"):
        assert main(["cohort", created.workshop_code, "--key", created.facilitator_key,
                     "--format", fmt, "-o", str(tmp_path / f"c.{fmt}"),
                     "--as-of", "2026-11-30"]) == 0
    assert len(load_workbook(tmp_path / "c.xlsx").sheetnames) > 5
    assert "<svg" in (tmp_path / "c.html").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["cohort", created.workshop_code, "--key", "WRONG-KEY", "--format", "xlsx",
                 "-o", str(tmp_path / "x.xlsx")]) == 1
    assert "Wrong facilitator key" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()
