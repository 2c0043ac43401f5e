"""Packaging: environment.yml agrees with pyproject.toml, and the wheel works on its own.

The slow test builds the wheel from a copy of the source tree, installs it into a fresh
virtual environment (dependencies borrowed from the running environment through a .pth
file, so nothing is downloaded), and serves the start app from a folder outside the
repository, as a facilitator would after ``pip install totkit``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the dev environment runs 3.11
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
ENVIRONMENT = ROOT / "environment.yml"

# PyPI name (PEP 503 normalised) -> conda-forge name, where the two differ beyond
# normalisation (jupyterlab_widgets vs jupyterlab-widgets is the same name under PEP 503).
PYPI_TO_CONDA_FORGE = {
    "matplotlib": "matplotlib-base",  # conda-forge's "matplotlib" also pulls in Qt
    "build": "python-build",
}
CONDA_FORGE_TO_PYPI = {canonicalize_name(c): p for p, c in PYPI_TO_CONDA_FORGE.items()}

# Conda entries that are the environment itself rather than a dependency of totkit.
CONDA_TOOLING = {"python", "pip"}

CONDA_ENTRY = re.compile(r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?P<spec>.*?)\s*$")


# -- environment.yml against pyproject.toml ------------------------------------------------


def _pyproject() -> dict:
    with PYPROJECT.open("rb") as handle:
        return tomllib.load(handle)


def _environment() -> dict:
    with ENVIRONMENT.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _pyproject_requirements() -> dict[str, tuple[str, Requirement]]:
    """Canonical name -> (group, requirement) for the runtime dependencies and the test and
    hub extras (the test extra's ``totkit[hub]`` is the hub extra, listed once)."""
    project = _pyproject()["project"]
    extras = project.get("optional-dependencies", {})
    groups = {
        "runtime": project.get("dependencies", []),
        "test extra": extras.get("test", []),
        "hub extra": extras.get("hub", []),
    }
    found: dict[str, tuple[str, Requirement]] = {}
    for group, entries in groups.items():
        for entry in entries:
            requirement = Requirement(entry)
            name = canonicalize_name(requirement.name)
            if name == "totkit":
                continue
            assert name not in found, (
                f"pyproject.toml lists {name} twice ({found[name][0]} and {group}); "
                "keep one so environment.yml has one constraint to match"
            )
            found[name] = (group, requirement)
    return found


def _conda_name_of(entry: str) -> str:
    match = CONDA_ENTRY.match(entry)
    assert match, f"environment.yml: cannot read the conda entry {entry!r}"
    return match["name"]


def _conda_entry(entry: str) -> tuple[str, SpecifierSet]:
    match = CONDA_ENTRY.match(entry)
    assert match, f"environment.yml: cannot read the conda entry {entry!r}"
    spec = match["spec"].split("#", 1)[0].replace(" ", "")
    try:
        return match["name"], SpecifierSet(spec)
    except InvalidSpecifier:
        raise AssertionError(
            f"environment.yml: {entry!r} has a constraint this test cannot compare; write it "
            "as pyproject.toml does, e.g. 'name >=1.2,<2' (no conda '=1.2' fuzzy pins or "
            "build strings)"
        ) from None


def _environment_requirements() -> dict[str, tuple[str, SpecifierSet, Requirement | None, str]]:
    """Canonical PyPI name -> (where, specifier, pip requirement or None, entry as written)."""
    environment = _environment()
    found: dict[str, tuple[str, SpecifierSet, Requirement | None, str]] = {}

    def add(name: str, value: tuple[str, SpecifierSet, Requirement | None, str]) -> None:
        assert name not in found, (
            f"environment.yml lists {name} twice: {found[name][3]!r} ({found[name][0]}) and "
            f"{value[3]!r} ({value[0]})"
        )
        found[name] = value

    for entry in environment.get("dependencies", []):
        if isinstance(entry, dict):
            for line in entry.get("pip", []):
                line = str(line).strip()
                if not line or line.startswith("-"):  # options and "-e ." (totkit itself)
                    continue
                requirement = Requirement(line)
                add(
                    canonicalize_name(requirement.name),
                    ("pip section", requirement.specifier, requirement, line),
                )
            continue
        if canonicalize_name(_conda_name_of(str(entry))) in CONDA_TOOLING:
            continue
        conda_name, spec = _conda_entry(str(entry))
        pypi_name = CONDA_FORGE_TO_PYPI.get(canonicalize_name(conda_name))
        add(pypi_name or canonicalize_name(conda_name), ("conda-forge", spec, None, str(entry)))
    return found


def _conda_name(pypi_name: str) -> str:
    return PYPI_TO_CONDA_FORGE.get(pypi_name, pypi_name)


def _describe(spec: SpecifierSet) -> str:
    return str(spec) or "(any version)"


def test_environment_yml_matches_pyproject_dependencies():
    wanted = _pyproject_requirements()
    listed = _environment_requirements()
    problems = []
    for name in sorted(wanted.keys() | listed.keys()):
        if name not in listed:
            group, requirement = wanted[name]
            problems.append(
                f"  missing from environment.yml: {requirement} ({group}); on conda-forge: "
                f"'{_conda_name(name)} {requirement.specifier}'".rstrip()
            )
            continue
        where, spec, pip_requirement, written = listed[name]
        if name not in wanted:
            problems.append(
                f"  not in pyproject.toml (runtime or test extra): {written!r} ({where})"
            )
            continue
        group, requirement = wanted[name]
        if spec != requirement.specifier:
            problems.append(
                f"  {name}: pyproject.toml ({group}) says {_describe(requirement.specifier)}, "
                f"environment.yml ({where}) says {_describe(spec)} in {written!r}"
            )
        if pip_requirement is None:
            if requirement.extras or requirement.marker:
                problems.append(
                    f"  {name}: pyproject.toml ({group}) has extras or markers ({requirement}) "
                    "that a conda entry cannot express; list it in the pip section instead"
                )
        elif (pip_requirement.extras, str(pip_requirement.marker or "")) != (
            requirement.extras,
            str(requirement.marker or ""),
        ):
            problems.append(
                f"  {name}: pyproject.toml ({group}) says {requirement}, "
                f"environment.yml ({where}) says {pip_requirement}"
            )
    assert not problems, (
        "environment.yml and pyproject.toml list different dependencies:\n"
        + "\n".join(problems)
        + "\nUpdate both files together (conda-forge names that differ from PyPI are mapped "
        "in PYPI_TO_CONDA_FORGE in tests/test_packaging.py)."
    )


def test_conda_forge_name_map_is_current():
    wanted = _pyproject_requirements()
    stale = sorted(name for name in PYPI_TO_CONDA_FORGE if name not in wanted)
    assert not stale, (
        f"PYPI_TO_CONDA_FORGE maps {stale}, which pyproject.toml no longer lists; drop them"
    )


def test_environment_yml_sets_up_python_and_totkit():
    environment = _environment()
    assert environment.get("channels") == ["conda-forge"], (
        "environment.yml should use the conda-forge channel alone, has "
        f"{environment.get('channels')}"
    )
    conda = [str(entry) for entry in environment["dependencies"] if not isinstance(entry, dict)]
    pythons = [entry for entry in conda if _conda_name_of(entry) == "python"]
    assert len(pythons) == 1, f"environment.yml should pin python once, found {pythons}"
    pinned = re.fullmatch(r"python\s*=\s*(\d+\.\d+)(\.\*)?", pythons[0].strip())
    assert pinned, f"environment.yml should pin python as 'python =3.X', found {pythons[0]!r}"
    requires_python = SpecifierSet(_pyproject()["project"]["requires-python"])
    assert Version(pinned[1]) in requires_python, (
        f"environment.yml's python {pinned[1]} is outside requires-python {requires_python}"
    )
    assert "pip" in conda, "environment.yml needs 'pip' for its pip section"
    pip_sections = [
        entry["pip"] for entry in environment["dependencies"] if isinstance(entry, dict)
    ]
    pip_lines = [str(line).strip() for section in pip_sections for line in section]
    assert any(re.fullmatch(r"(-e|--editable)\s+\.", line) for line in pip_lines), (
        f"environment.yml's pip section should install totkit itself ('-e .'), has {pip_lines}"
    )


# -- the wheel, installed on its own ---------------------------------------------------------

BUILD_TIMEOUT = 600
START_TIMEOUT = 180
RENDER_TIMEOUT = 300
STOP_TIMEOUT = 30

# Left out of the copy the wheel is built from: the copy must not see a stale build/ or
# egg-info, and building in place would write into a tree others are working in.
SKIP_AT_TOP = {".git", ".venv", "venv", ".tox", ".nox", "build", "dist", "node_modules"}
SKIP_ANYWHERE = {"__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache", ".ipynb_checkpoints"}

REQUIRED_IN_WHEEL = {
    "totkit/_notebooks/00_start.ipynb",
    "totkit/_templates/settings.yaml",
    "totkit/data/messages.yaml",
    "totkit/data/voila.json",
    "totkit/data/jupyter/voila/templates/totkit/conf.json",
    "totkit/data/jupyter/voila/templates/totkit/index.html.j2",
    "totkit/store/migrations/script.py.mako",
    "totkit/py.typed",
}
# Voilà 0.5 sends each cell's outputs in the page and the widget models over the kernel's
# websocket, so a rendered start app shows as a widget view in the outputs.
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
VOILA_DONE = "voila_finish()"
CELL_ERROR = '"output_type": "error"'
CDN = ("cdn.jsdelivr.net", "cdnjs.cloudflare.com")  # what totkit's template leaves out of lab's


def _tail(text: str, lines: int = 80) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _run(command: list[str], *, timeout: float, **kwargs) -> subprocess.CompletedProcess:
    started = time.monotonic()
    try:
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            **kwargs,
        )
    except subprocess.TimeoutExpired as expired:
        raise AssertionError(
            f"{' '.join(command)} did not finish within {timeout:.0f} s:\n"
            f"--- stdout\n{_tail(str(expired.stdout or ''))}\n"
            f"--- stderr\n{_tail(str(expired.stderr or ''))}"
        ) from None
    assert result.returncode == 0, (
        f"{' '.join(command)} failed with exit code {result.returncode} "
        f"after {time.monotonic() - started:.1f} s:\n"
        f"--- stdout\n{_tail(result.stdout)}\n--- stderr\n{_tail(result.stderr)}"
    )
    return result


def _ignore_for_copy(directory: str, names: list[str]) -> set[str]:
    skip = {
        name
        for name in names
        if name in SKIP_ANYWHERE or name.endswith((".egg-info", ".db", ".db-wal", ".db-shm"))
    }
    if Path(directory).resolve() == ROOT:
        skip |= SKIP_AT_TOP.intersection(names)
    return skip


def _shipped_files(folder: Path, prefix: str) -> set[str]:
    """The files under a source folder, as the wheel should hold them under ``prefix``."""
    return {
        f"{prefix}/{path.relative_to(folder).as_posix()}"
        for path in folder.rglob("*")
        if path.is_file()
        and not any(
            part in SKIP_ANYWHERE or part.startswith(".") for part in path.relative_to(folder).parts
        )
    }


def _build_wheel(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=_ignore_for_copy, symlinks=True)
    dist = tmp_path / "dist"
    command = [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(source)]
    try:
        _run(command, timeout=BUILD_TIMEOUT)
    except AssertionError:
        # The isolated build fetches setuptools from PyPI; without it, build in this
        # environment if its setuptools is recent enough for pyproject.toml.
        from importlib.metadata import PackageNotFoundError, version

        try:
            local = Version(version("setuptools"))
        except PackageNotFoundError:
            raise
        if local < Version("77"):
            raise
        _run([*command, "--no-isolation"], timeout=BUILD_TIMEOUT)
    wheels = sorted(dist.glob("totkit-*.whl"))
    assert len(wheels) == 1, f"expected one totkit wheel in {dist}, found {wheels}"
    return wheels[0]


def _check_wheel_contents(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(
            (archive.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt")),
            "",
        )
    expected = set(REQUIRED_IN_WHEEL)
    expected |= _shipped_files(ROOT / "notebooks", "totkit/_notebooks")
    expected |= _shipped_files(ROOT / "templates", "totkit/_templates")
    expected |= _shipped_files(ROOT / "totkit" / "data", "totkit/data")
    missing = sorted(expected - names)
    assert not missing, (
        f"{wheel.name} is missing {missing}; check [tool.setuptools.package-data] in "
        f"pyproject.toml. The wheel holds:\n  " + "\n  ".join(sorted(names))
    )
    assert re.search(r"^totkit\s*=\s*totkit\.cli:main\s*$", entry_points, re.M), (
        f"{wheel.name} does not declare the totkit console script:\n{entry_points}"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _clean_environment(venv_dir: Path, tmp_path: Path) -> dict[str, str]:
    """An environment that sees nothing of the repository or of the dev venv's totkit."""
    dev_bin = str(Path(sys.executable).parent)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            (
                "TOTKIT_",
                "JUPYTER",
                "PYTHON",
                "PIP_",
                "VIRTUAL_ENV",
                "COVERAGE_",
                "IPYTHON",
                "XDG_DATA_HOME",
                "XDG_CONFIG_HOME",
                "CONDA_PREFIX",
            )
        )
    }
    path = [str(venv_dir / "bin")] + [
        part for part in os.environ.get("PATH", "").split(os.pathsep) if part and part != dev_bin
    ]
    home = tmp_path / "home"
    data = tmp_path / "totkit-data"
    home.mkdir(exist_ok=True)
    data.mkdir(exist_ok=True)
    env.update(
        PATH=os.pathsep.join(path),
        VIRTUAL_ENV=str(venv_dir),
        HOME=str(home),  # no ~/.jupyter or ~/.ipython of the person running the tests
        TOTKIT_DATA=str(data),
        TOTKIT_LANG="en",
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    # A real install puts voila's, nbconvert's and the widgets' data files (templates,
    # labextensions, kernelspec) in the venv's share/jupyter; here the dependencies live in
    # the dev venv, so point Jupyter at its share/jupyter (it holds nothing of totkit's).
    shared = Path(sysconfig.get_path("data")) / "share" / "jupyter"
    if shared.is_dir():
        env["JUPYTER_PATH"] = str(shared)
    return env


def _make_venv(tmp_path: Path, wheel: Path) -> tuple[Path, dict[str, str]]:
    venv_dir = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv_dir)], timeout=300)
    python = venv_dir / "bin" / "python"
    site_packages = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            timeout=60,
        ).stdout.strip()
    )
    # A path line in a .pth adds the dev venv's site-packages to sys.path without running
    # the .pth files there, so the dev venv's editable finder for totkit stays out.
    dev_site = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (site_packages / "zz_totkit_test_dependencies.pth").write_text(
        "".join(f"{path}\n" for path in dev_site), encoding="utf-8"
    )
    env = _clean_environment(venv_dir, tmp_path)
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "--disable-pip-version-check",
            str(wheel),
        ],
        timeout=300,
        env=env,
    )
    return venv_dir, env


PROBE = """
import json, sys
import totkit
from totkit import paths
notebooks = paths.notebooks_dir()
templates = paths.default_templates_dir()
print(json.dumps({
    "totkit": totkit.__file__,
    "notebooks": str(notebooks),
    "start_app": (notebooks / "00_start.ipynb").is_file(),
    "templates": str(templates),
    "settings": (templates / "settings.yaml").is_file(),
    "package_data": str(paths.PACKAGE_DATA),
    "editable_finders": sorted(m for m in sys.modules if m.startswith("__editable__")),
}))
"""


def _check_installed_layout(venv_dir: Path, env: dict[str, str], cwd: Path) -> None:
    result = _run([str(venv_dir / "bin" / "python"), "-c", PROBE], timeout=120, env=env, cwd=cwd)
    found = json.loads(result.stdout.strip().splitlines()[-1])
    venv_root = venv_dir.resolve()

    def inside(path: str) -> bool:
        return Path(path).resolve().is_relative_to(venv_root)

    report = json.dumps(found, indent=2)
    if "MultiplexedPath(" in report:
        report += (
            "\n(totkit._notebooks and totkit._templates are namespace packages: "
            "importlib.resources.files() gives a MultiplexedPath there, whose str() is its "
            "repr; totkit/paths.py should not build a Path from it)"
        )
    assert inside(found["totkit"]), f"totkit was not imported from the fresh venv:\n{report}"
    assert not found["editable_finders"], f"the dev venv's editable finder leaked in:\n{report}"
    assert inside(found["package_data"]), f"PACKAGE_DATA is outside the fresh venv:\n{report}"
    assert found["start_app"] and inside(found["notebooks"]), (
        f"paths.notebooks_dir() does not resolve to the wheel's totkit/_notebooks:\n{report}"
    )
    assert found["settings"] and inside(found["templates"]), (
        "paths.default_templates_dir() does not resolve to the wheel's totkit/_templates:\n"
        f"{report}"
    )


class Server:
    """``totkit serve`` in its own process group, its output in a log file."""

    def __init__(self, command: list[str], *, env: dict[str, str], cwd: Path, log: Path):
        self.command = command
        self.log = log
        self._log_handle = log.open("wb")
        self.process = subprocess.Popen(
            command,
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=self._log_handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        self._log_handle.flush()
        return _tail(self.log.read_text(encoding="utf-8", errors="replace"), 120)

    def fail(self, message: str) -> None:
        pytest.fail(
            f"{message}\ncommand: {' '.join(self.command)}\n--- server output\n{self.output()}"
        )

    def wait_for_port(self, port: int, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.fail(
                    f"totkit serve exited with code {self.process.returncode} before listening"
                )
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=2):
                    return
            except OSError:
                time.sleep(0.5)
        self.fail(f"nothing answered on port {port} within {timeout:.0f} s")

    def get(self, url: str, timeout: float = RENDER_TIMEOUT) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                return response.status, response.read().decode("utf-8", errors="replace")
        except urllib.error.HTTPError as error:
            body = error.read().decode("utf-8", errors="replace")
            self.fail(f"GET {url} answered {error.code}:\n{_tail(body, 40)}")
        except OSError as error:
            self.fail(f"GET {url} failed: {error!r}")
        raise AssertionError("unreachable")

    def stop(self) -> None:
        children = []
        try:
            import psutil

            children = psutil.Process(self.process.pid).children(recursive=True)
        except Exception:  # psutil missing or the server already gone
            pass
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=STOP_TIMEOUT)
            except ProcessLookupError:
                pass
        # Kernels run in sessions of their own (jupyter_client starts them so): end any that
        # outlived the server, by the ids collected above.
        for child in children:
            try:
                child.wait(timeout=5)
            except Exception:
                with contextlib.suppress(Exception):
                    child.kill()
        self._log_handle.close()


def _serve_and_render(
    venv_dir: Path, env: dict[str, str], cwd: Path, log: Path, extra: list[str] = ()
) -> str:
    port = _free_port()
    server = Server(
        [str(venv_dir / "bin" / "totkit"), "serve", "--port", str(port), "--no-browser", *extra],
        env=env,
        cwd=cwd,
        log=log,
    )
    try:
        server.wait_for_port(port)
        url = f"http://127.0.0.1:{port}/voila/render/00_start.ipynb"
        status, page = server.get(url)
        if status != 200:
            server.fail(f"GET {url} answered {status}")
        if VOILA_DONE not in page or WIDGET_VIEW not in page:
            server.fail(
                f"GET {url} did not render the start app (no {VOILA_DONE} or widget view "
                f"in the page):\n{_tail(page, 60)}"
            )
        if CELL_ERROR in page:
            server.fail(f"a cell of the start app failed:\n{_tail(page, 60)}")
        if any(host in page for host in CDN):
            server.fail(
                f"the page loads from a CDN, so totkit's Voilà template (package data) was not "
                f"used:\n{_tail(page, 60)}"
            )
        return page
    finally:
        server.stop()


@pytest.mark.slow
def test_wheel_installs_and_serves_from_a_fresh_venv(tmp_path):
    timings = {}
    started = time.monotonic()
    wheel = _build_wheel(tmp_path)
    timings["build"] = time.monotonic() - started
    _check_wheel_contents(wheel)

    mark = time.monotonic()
    venv_dir, env = _make_venv(tmp_path, wheel)
    timings["venv"] = time.monotonic() - mark
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    _check_installed_layout(venv_dir, env, elsewhere)

    mark = time.monotonic()
    _serve_and_render(venv_dir, env, elsewhere, tmp_path / "serve.log")
    timings["serve"] = time.monotonic() - mark

    copied = elsewhere / "my-templates"
    _run(
        [str(venv_dir / "bin" / "totkit"), "templates", "copy", str(copied)],
        timeout=120,
        env=env,
        cwd=elsewhere,
    )
    assert (copied / "settings.yaml").is_file(), (
        f"totkit templates copy did not copy settings.yaml; {copied} holds "
        f"{sorted(p.relative_to(copied).as_posix() for p in copied.rglob('*'))}"
    )
    mark = time.monotonic()
    _serve_and_render(
        venv_dir, env, elsewhere, tmp_path / "serve-templates.log", ["--templates", str(copied)]
    )
    timings["serve --templates"] = time.monotonic() - mark
    timings["total"] = time.monotonic() - started
    print("timings:", ", ".join(f"{step} {seconds:.1f} s" for step, seconds in timings.items()))
