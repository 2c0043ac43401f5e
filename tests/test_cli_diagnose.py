"""``totkit instrument ...`` and ``totkit diagnose``: the same core as the apps."""

from __future__ import annotations

import csv
import json
import random

import pytest

from totkit.cli import main
from totkit.diagnostic import score
from totkit.instrument import instrument_path, load_instrument
from totkit.store import Store


@pytest.fixture(scope="module")
def instrument():
    return load_instrument(instrument_path("readiness"))


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("TOTKIT_LANG", "en")
    monkeypatch.setenv("TOTKIT_DATA", str(tmp_path))
    monkeypatch.setenv("TOTKIT_DB", f"sqlite:///{tmp_path / 'cli.db'}")
    return tmp_path


def kobo_csv(path, instrument, rows: int = 6, seed: int = 3) -> list[dict[str, int]]:
    """A KoboToolbox-shaped export of the XLSForm: group paths, English labels, ';'."""
    rng = random.Random(seed)
    labels = {label.value: label.label.en for label in instrument.scale}
    headers = ["start", "name", "institution", "role"] + [
        f"dim_{dim.id}/{item.id}" for dim in instrument.dimensions for item in dim.items
    ]
    answers = []
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(headers)
        for n in range(rows):
            given = {item: rng.randint(1, 5) for item in instrument.items}
            answers.append(given)
            writer.writerow(["2026-08-10", f"Guru {n}", "SDN 1", "Guru"]
                            + [labels[given[item]] for item in instrument.items])
    return answers


def test_validate_reports_a_good_file(env, capsys):
    assert main(["instrument", "validate", str(instrument_path("readiness"))]) == 0
    assert "is valid" in capsys.readouterr().out


def test_validate_refuses_a_bad_file_with_file_line_and_fix(env, capsys):
    bad = env / "bad.yaml"
    lines = instrument_path("readiness").read_text(encoding="utf-8").splitlines()
    line = next(n for n, x in enumerate(lines, 1) if x.strip().startswith("reverse: true"))
    lines[line - 1] = lines[line - 1].replace("reverse: true", 'reverse: "ya"')
    bad.write_text("\n".join(lines), encoding="utf-8")
    assert main(["instrument", "validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}, line {line}" in err and "true or false" in err


def test_xlsform_then_diagnose_its_export_without_a_mapping(env, instrument, capsys):
    form = env / "form.xlsx"
    assert main(["instrument", "xlsform", "-o", str(form)]) == 0
    assert form.stat().st_size > 0
    export = env / "kobo.csv"
    answers = kobo_csv(export, instrument)
    capsys.readouterr()
    assert main(["diagnose", str(export), "--json"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""  # no problem to report
    report = json.loads(captured.out)
    assert [r["name"] for r in report["respondents"]] == [f"Guru {n}" for n in range(6)]
    for given, respondent in zip(answers, report["respondents"], strict=True):
        expected = score(instrument, given)
        assert respondent["index"] == expected.index
        assert respondent["band"] == expected.band
    assert {entry["dimension"] for entry in report["cohort"]} == {
        dim.id for dim in instrument.dimensions}
    by_institution = report["groups"]["institution"]
    assert [row["n"] for row in by_institution["rows"]] == [6]  # all from "SDN 1"
    assert report["groups"]["role"]["hidden_groups"] == 0


def test_diagnose_prints_a_table_and_reports_bad_cells(env, instrument, capsys):
    export = env / "kobo.csv"
    kobo_csv(export, instrument, rows=4)
    text = export.read_text(encoding="utf-8-sig").replace("Strongly agree", "Maybe", 1)
    export.write_text(text, encoding="utf-8")
    assert main(["diagnose", str(export)]) == 0
    captured = capsys.readouterr()
    assert "Results per respondent (4)" in captured.out and "Guru 3" in captured.out
    assert "Maybe" in captured.err and "row" in captured.err.lower()
    assert "Means per institution (groups under 3 people hidden: 0)" in captured.out


def test_diagnose_into_adds_workbooks_with_their_answers(env, instrument, capsys):
    store = Store(folder=env)
    workshop = store.create_workshop("TOT")
    export = env / "kobo.csv"
    answers = kobo_csv(export, instrument, rows=3)
    assert main(["diagnose", str(export), "--into", workshop.code]) == 0
    out = capsys.readouterr().out
    assert "3 respondents added" in out
    ids = store.workbook_ids(workshop.id)
    saved = [store.load_workbook(wid) for wid in ids]
    assert [wb.profile.name for wb in saved] == ["Guru 0", "Guru 1", "Guru 2"]
    assert [wb.diagnostic.answers for wb in saved] == answers
    assert all(wb.diagnostic.instrument.sha256 == instrument.sha256 for wb in saved)
    resume = out.split("Guru 1: resume code")[1].split()[0]
    assert store.open_session(store.resume(workshop.code, resume)) == ids[1]


def test_diagnose_into_an_unknown_workshop_names_the_field(env, instrument, capsys):
    export = env / "kobo.csv"
    kobo_csv(export, instrument, rows=1)
    assert main(["diagnose", str(export), "--into", "NOPE99"]) == 1
    assert "Unknown workshop code" in capsys.readouterr().err
