"""The command line, in-process (``totkit.cli.main``), fed the corpus: titles, codes, keys,
file names, survey exports, workbook files and YAML files.

Every command ends with exit code 0, 1 or 2 and no traceback: a refusal is one line on
standard error in ``TOTKIT_LANG``; the bystander workbook is never changed.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from totkit.cli import main

from .checks import check_docx, check_html, check_ics, check_json, check_xlsx
from .conftest import MINI_INSTRUMENT, ROOT
from .corpus import CODES, FILENAMES, JSON_FILES, STRINGS, SURVEY_FILES, YAML_FILES

GFORMS = ROOT / "tests" / "data" / "gforms-export.csv"
@pytest.fixture
def cli(world, monkeypatch, capsys):
    """``cli(*argv) -> (exit code, stdout, stderr)`` on the world's store, in English."""
    monkeypatch.setenv("TOTKIT_DATA", str(world.store.folder))
    monkeypatch.setenv("TOTKIT_DB", world.store.url)
    monkeypatch.setenv("TOTKIT_LANG", "en")

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            code = main(list(argv))
        except SystemExit as exit_:  # argparse, and commands whose result is an exit code
            code = exit_.code
        out, err = capsys.readouterr()
        assert code in (0, 1, 2), (code, err[-500:])
        assert "Traceback" not in err
        if code == 2 and not out:
            assert err.strip(), "a refusal says why"
        return code, out, err

    return run


def refused(code: int, err: str, out: str = "") -> bool:
    """Whether a command refused (or reported a finding: ``plan check`` and ``import``
    exit 1 with their report on standard output); either way it said something."""
    if code == 0:
        return False
    assert (err + out).strip()
    return True


# -- titles and codes ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(STRINGS))
def test_workshop_create(cli, world, name):
    bystander = world.bystander_snapshot()
    code, out, err = cli("workshop", "create", STRINGS[name])
    if not refused(code, err):
        assert "Workshop code" in out
        listed, listing, _ = cli("workshop", "list")
        assert listed == 0 and listing
    assert world.bystander_snapshot() == bystander


@pytest.mark.parametrize("name", list(CODES))
def test_commands_with_hostile_codes(cli, world, files, tmp_path, name):
    value = CODES[name]
    bystander, counts = world.bystander_snapshot(), world.counts()
    for argv in (
        ("workshop", "reset-key", value),
        ("cohort", value, "--key", world.key, "--format", "html", "-o", str(tmp_path)),
        ("cohort", world.code, "--key", value, "--format", "xlsx", "-o", str(tmp_path)),
        ("cascade", "--workshop", value),
        ("import", str(files["json/utf8_bom.json"]), "--into", value),
        ("diagnose", str(GFORMS), "--map", str(ROOT / "tests/data/gforms-mapping.yaml"),
         "--instrument", str(MINI_INSTRUMENT), "--into", value),
    ):
        code, _out, err = cli(*argv)
        assert refused(code, err), argv
    assert world.counts() == counts
    assert world.bystander_snapshot() == bystander
    assert not list(tmp_path.iterdir())


# -- survey exports -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SURVEY_FILES)
def test_diagnose(cli, world, files, name):
    path = str(files[f"survey/{name}"])
    bystander = world.bystander_snapshot()
    for extra in ((), ("--json",)):
        cli("diagnose", path, "--instrument", str(MINI_INSTRUMENT), *extra)
    assert world.bystander_snapshot() == bystander


@pytest.mark.parametrize("name", ["hostile_cells.csv", "hostile_cells.xlsx", "good.xlsx",
                                  "latin1.csv", "nul_bytes.csv", "formula_cells.xlsx"])
def test_diagnose_into_a_workshop(cli, world, files, name):
    bystander = world.bystander_snapshot()
    cli("diagnose", str(files[f"survey/{name}"]), "--instrument", str(MINI_INSTRUMENT),
        "--into", world.code)
    assert world.bystander_snapshot() == bystander


# -- workbook files: import, check, project, export ----------------------------------------------


@pytest.mark.parametrize("name", JSON_FILES)
def test_workbook_file_commands(cli, world, files, tmp_path, name):
    path = str(files[f"json/{name}"])
    bystander, counts = world.bystander_snapshot(), world.counts()
    code, out, err = cli("import", path, "--into", world.code)
    if refused(code, err, out) and code == 2:
        assert world.counts() == counts
    cli("plan", "check", path)
    cli("cascade", path, "--draws", "100")
    for fmt, check in (("json", None), ("html", check_html), ("ics", check_ics),
                       ("xlsx", check_xlsx), ("docx", check_docx)):
        out = tmp_path / f"out.{fmt}"
        code, _out, err = cli("export", path, "--format", fmt, "-o", str(out))
        if not refused(code, err):
            content = out.read_bytes()
            if check is None:
                from totkit.transfer import read_workbook

                check_json(content, read_workbook(path))
            else:
                check(content)
    assert world.bystander_snapshot() == bystander


# An absolute -o is simply where the CLI's user asked for the file: not hostile there.
@pytest.mark.parametrize("name", [name for name, value in FILENAMES.items()
                                  if not Path(value).is_absolute()])
def test_export_output_names(cli, world, tmp_path, name):
    """``-o PATH``: refused, or exactly that file written (the CLI's user chooses the path;
    nothing is written anywhere else)."""
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    output = folder / FILENAMES[name]
    before = {p for p in tmp_path.rglob("*")}
    code, _out, err = cli("export", world.bystander, "--format", "json", "-o", str(output))
    after = {p for p in tmp_path.rglob("*")}
    if refused(code, err):
        assert after == before
    else:
        written = after - before
        assert len(written) == 1
        (path,) = written
        assert path.resolve().parent in (output.resolve().parent, output.resolve())


@pytest.fixture(scope="module")
def cohort_workshop(world):
    """A workshop of its own (the other tests' wrong keys slow its facilitator down)."""
    created = world.store.create_workshop("Cohort <b>TOT</b>")
    world.store.join(created.code, {"name": "=cmd|' /C calc'!A0", "role": "<script>x</script>"})
    return created


@pytest.mark.parametrize("fmt", ["xlsx", "html"])
@pytest.mark.parametrize("name", ["traversal_unix", "dotdot", "long", "nul", "newline",
                                  "device", "bidi", "emoji", "subfolder"])
def test_cohort_output_names(cli, cohort_workshop, tmp_path, name, fmt):
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    output = folder / FILENAMES[name]
    before = {p for p in tmp_path.rglob("*")}
    code, _out, err = cli("cohort", cohort_workshop.code, "--key", cohort_workshop.key,
                          "--format", fmt, "-o", str(output))
    after = {p for p in tmp_path.rglob("*")}
    if refused(code, err):
        assert after == before
    else:
        (path,) = after - before
        (check_xlsx if fmt == "xlsx" else check_html)(path.read_bytes())


@pytest.mark.parametrize("name", list(CODES))
def test_export_plan_check_and_cascade_by_hostile_id(cli, world, tmp_path, name):
    value = CODES[name]
    for argv in (("export", value, "--format", "json", "-o", str(tmp_path / "x.json")),
                 ("plan", "check", value), ("cascade", value, "--draws", "10")):
        code, out, err = cli(*argv)
        assert refused(code, err, out)


# -- instruments, context, mappings, templates -------------------------------------------------


@pytest.mark.parametrize("name", YAML_FILES)
def test_instrument_validate_and_xlsform(cli, files, tmp_path, name):
    path = str(files[f"instrument/{name}"])
    code, _out, err = cli("instrument", "validate", path)
    out = tmp_path / "form.xlsx"
    code, _out, err = cli("instrument", "xlsform", path, "-o", str(out))
    if not refused(code, err):
        with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as archive:
            for member in archive.namelist():
                if member.startswith("xl/worksheets/"):
                    assert b"<f>" not in archive.read(member), member


@pytest.mark.parametrize("name", YAML_FILES)
def test_diagnose_with_a_hostile_instrument_or_mapping(cli, files, name):
    cli("diagnose", str(GFORMS), "--instrument", str(files[f"instrument/{name}"]))
    cli("diagnose", str(GFORMS), "--instrument", str(MINI_INSTRUMENT),
        "--map", str(files[f"mapping/{name}"]))


@pytest.mark.parametrize("name", ["nul", "traversal_unix", "dotdot", "device", "long",
                                  "newline", "bidi", "emoji"])
def test_xlsform_output_names(cli, tmp_path, name):
    cli("instrument", "xlsform", "-o", str(tmp_path / FILENAMES[name]))


def test_templates_copy_targets(cli, tmp_path):
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "f").write_text("x")
    for target, ok in ((tmp_path / "a-file", False), (tmp_path / "full", False),
                       (Path("/proc/totkit-cannot-write"), False),
                       (tmp_path / "a\x00b", False),
                       (tmp_path / "new" / "deeper", True)):
        code, _out, err = cli("templates", "copy", str(target))
        assert (code == 0) is ok, (target, err)
    assert (tmp_path / "a-file").read_text() == "x"
