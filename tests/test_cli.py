"""The command line: the same core as the apps, and clear errors for bad arguments."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from totkit.cli import main
from totkit.model import Workbook
from totkit.store import Store


@pytest.fixture
def db(tmp_path, monkeypatch) -> str:
    monkeypatch.setenv("TOTKIT_DATA", str(tmp_path))
    monkeypatch.setenv("TOTKIT_LANG", "en")
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("TOTKIT_DB", url)
    return url


def test_version(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.startswith("totkit 0.")


def test_workshop_create_prints_codes_that_open_the_workshop(db, tmp_path, capsys):
    assert (
        main(
            [
                "workshop",
                "create",
                "TOT Literasi",
                "--start",
                "2026-07-13",
                "--end",
                "2026-07-17",
                "--tz",
                "WITA",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    code = out.split("Workshop code (for planners):")[1].split()[0]
    key = out.split("Facilitator key (keep private):")[1].split()[0]
    store = Store(db, folder=tmp_path)
    workshop_id = store.check_facilitator_key(code, key)
    info = store.workshop(workshop_id)
    assert (info.title, info.timezone, str(info.end_date)) == ("TOT Literasi", "WITA", "2026-07-17")
    assert main(["workshop", "list"]) == 0
    assert "TOT Literasi" in capsys.readouterr().out


def test_demo_is_the_same_story_for_the_same_date(db, tmp_path, capsys):
    assert main(["demo", "--as-of", "2026-09-01"]) == 0
    first = capsys.readouterr().out
    assert main(["demo", "--as-of", "2026-09-01"]) == 0
    second = capsys.readouterr().out
    assert first == second  # the same codes and dates: the earlier demo was replaced
    assert "August 2, 2026" in first  # the TOT ended 30 days before --as-of
    code = first.split("Workshop code (for planners):")[1].split()[0]
    resume = first.split("Sri Wahyuni: resume code")[1].split()[0]
    store = Store(db, folder=tmp_path)
    workbook = store.load_workbook(store.open_session(store.resume(code, resume)))
    assert workbook.profile.name == "Sri Wahyuni"
    assert len(store.list_workshops()) == 1


def test_schema_prints_the_workbook_json_schema(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema == Workbook.model_json_schema()


def test_templates_copy_then_refuse_a_folder_with_files(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TOTKIT_LANG", "en")
    target = tmp_path / "my-templates"
    assert main(["templates", "copy", str(target)]) == 0
    assert (target / "settings.yaml").is_file()
    assert main(["templates", "copy", str(target)]) == 2
    assert "already holds files" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "names"),
    [
        (["serve", "--port", "99999"], "Port"),
        (["serve", "--port", "http"], "Port"),
        (["serve", "--db", "not a url"], "--db"),
        (["serve", "--templates", "/nonexistent"], "--templates"),
        (["demo", "--as-of", "2026-13-01"], "--as-of"),
        (["workshop", "create", "X", "--end", "tomorrow"], "YYYY-MM-DD"),
        (["frobnicate"], "frobnicate"),
    ],
)
def test_bad_arguments_name_the_argument_and_the_fix(db, capsys, argv, names):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert names in err and "--help" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["workshop", "create", "   "], "Workshop title is required"),
        (["workshop", "create", "X", "--tz", "GMT"], "Time zone must be one of: WIB, WITA, WIT"),
        (
            ["workshop", "create", "X", "--start", "2026-07-17", "--end", "2026-07-13"],
            "End date is before the start date",
        ),
        (["workshop"], "Choose a command"),
    ],
)
def test_bad_values_are_refused_in_the_users_language(db, capsys, argv, message):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_messages_follow_totkit_lang(db, capsys, monkeypatch):
    monkeypatch.setenv("TOTKIT_LANG", "id")
    assert main(["workshop", "create", ""]) == 2
    assert "Judul lokakarya wajib diisi" in capsys.readouterr().err


def test_help_and_import_stay_light():
    code = (
        "import sys, totkit, totkit.cli\n"
        "try:\n    totkit.cli.main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pandas', 'ipywidgets', 'matplotlib') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_workshop_reset_key(db, tmp_path, capsys):
    assert main(["workshop", "create", "TOT"]) == 0
    out = capsys.readouterr().out
    code = out.split("Workshop code (for planners):")[1].split()[0]
    old = out.split("Facilitator key (keep private):")[1].split()[0]
    assert main(["workshop", "reset-key", code]) == 0
    new = capsys.readouterr().out.split("Facilitator key (keep private):")[1].split()[0]
    store = Store(db, folder=tmp_path)
    assert store.check_facilitator_key(code, new)
    with pytest.raises(Exception, match="facilitator key"):
        store.check_facilitator_key(code, old)
