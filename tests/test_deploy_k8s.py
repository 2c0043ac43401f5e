"""The Zero to JupyterHub deployment in deploy/jupyterhub/k8s, checked offline.

No cluster, helm or docker here: the values are checked against the part of the chart's
values schema they use (tests/data/z2jh_values_schema.yaml, written from the chart's own
jupyterhub/values.schema.yaml), and against what totkit itself expects: the command its CLI
parses, the store's URL from a Secret, secret.key in the data folder, memory enough for the
measured kernels, culling, the throwaway login, and one jupyterhub range everywhere.
"""

from __future__ import annotations

import copy
import json
import posixpath
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the dev environment runs 3.11
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parent.parent
K8S = ROOT / "deploy" / "jupyterhub" / "k8s"
VALUES = K8S / "values.yaml"
DOCKERFILE = K8S / "Dockerfile"
GUIDE = K8S / "README.md"
SCHEMA = ROOT / "tests" / "data" / "z2jh_values_schema.yaml"

CHART_VERSION = "4.4.0"
# The user image's jupyterhub: the major version of the chart's hub (4.4.0: JupyterHub 5.5).
IMAGE_JUPYTERHUB = SpecifierSet(">=5.5,<6")
CHART_HUB_VERSION = "5.5.0"

# README "A workshop of 30: the machine it needs": a planner's Voilà server ~100 MiB, one
# kernel per open app of 64 to 120 MiB, up to four apps open.
MIB = 2**20
SERVER_MIB = 100
KERNEL_MIB = 120
USUAL_MIB = SERVER_MIB + KERNEL_MIB  # one app open, as in the load test
WORST_MIB = SERVER_MIB + 4 * KERNEL_MIB

# JupyterHub's ByteSpecification, which the chart hands singleuser.memory to: 1024-based
# K, M, G, T. Kubernetes' own Ki, Mi, Gi are not understood there and stop a spawn.
MEMORY = re.compile(r"(?P<number>\d+(?:\.\d+)?)(?P<unit>[KMGT])")
MEMORY_UNITS = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def memory_bytes(value: int | float | str) -> int:
    """Bytes in a singleuser.memory value, read the way JupyterHub reads it."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a memory size")
    if isinstance(value, int | float):
        return int(value)
    match = MEMORY.fullmatch(value)
    if not match:
        raise ValueError(f"{value!r}: write a number with K, M, G or T (1024-based)")
    return int(float(match["number"]) * MEMORY_UNITS[match["unit"]])


# -- reading the files -------------------------------------------------------------------


def load_values() -> dict[str, Any]:
    return yaml.safe_load(VALUES.read_text(encoding="utf-8"))


def load_schema() -> dict[str, Any]:
    return yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))


def schema_errors(values: dict[str, Any]) -> list[str]:
    """Each error as 'path: message', the path dotted from the top of the values."""
    validator = Draft7Validator(load_schema())
    return [
        ".".join(str(part) for part in error.absolute_path) + ": " + error.message
        for error in validator.iter_errors(values)
    ]


def singleuser_env(values: dict[str, Any]) -> dict[str, Any]:
    """singleuser.extraEnv by name, in either of the chart's notations."""
    env = values["singleuser"].get("extraEnv") or {}
    if isinstance(env, list):
        return {entry["name"]: entry for entry in env}
    return env


def strings(node: Any) -> list[str]:
    """Every string value in a parsed YAML document, however deep."""
    if isinstance(node, str):
        return [node]
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    return [text for child in children for text in strings(child)]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    lines = [
        line
        for line in DOCKERFILE.read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("#")
    ]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    pairs = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            pairs.append((keyword.upper(), rest.strip()))
    return pairs


def dockerfile(keyword: str) -> list[str]:
    return [rest for key, rest in dockerfile_instructions() if key == keyword]


def dockerfile_env() -> dict[str, str]:
    env = {}
    for rest in dockerfile("ENV"):
        env.update(dict(re.findall(r"(\w+)=(\S+)", rest)))
    return env


def jupyterhub_ranges(text: str) -> list[SpecifierSet]:
    """Every `jupyterhub<specifiers>` written in a text, as specifier sets."""
    found = re.findall(r"\bjupyterhub((?:[<>=!~]=?\d+(?:\.[\w*]+)*,?)+)", text)
    return [SpecifierSet(spec.rstrip(",")) for spec in found]


# -- the chart's schema ------------------------------------------------------------------


def test_the_schema_is_a_valid_json_schema():
    Draft7Validator.check_schema(load_schema())


def test_values_fit_the_chart_schema():
    assert schema_errors(load_values()) == []


def rename(path: tuple[str | int, ...], new_name: str) -> Callable[[dict[str, Any]], None]:
    def change(values: dict[str, Any]) -> None:
        *parents, last = path
        node = values
        for key in parents:
            node = node[key]
        node[new_name] = node.pop(last)

    return change


def replace(path: tuple[str | int, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(values: dict[str, Any]) -> None:
        *parents, last = path
        node = values
        for key in parents:
            node = node[key]
        node[last] = value

    return change


BROKEN = {
    "misspelt singleuser.memory": (rename(("singleuser", "memory"), "memmory"), "singleuser"),
    "misspelt cull.timeout": (rename(("cull", "timeout"), "timout"), "cull"),
    "misspelt volume mount key": (
        rename(("singleuser", "storage", "extraVolumeMounts", 0, "mountPath"), "mountpath"),
        "singleuser.storage.extraVolumeMounts.0",
    ),
    "misspelt secretKeyRef": (
        rename(
            ("singleuser", "extraEnv", "TOTKIT_DB", "valueFrom", "secretKeyRef"), "secretKeyref"
        ),
        "singleuser.extraEnv.TOTKIT_DB",
    ),
    "timeout as text": (replace(("cull", "timeout"), "3600"), "cull.timeout"),
    "cpu limit as text": (replace(("singleuser", "cpu", "limit"), "1"), "singleuser.cpu.limit"),
    "cmd as a mapping": (replace(("singleuser", "cmd"), {"totkit": "serve"}), "singleuser.cmd"),
    "unknown storage type": (
        replace(("singleuser", "storage", "type"), "nfs"),
        "singleuser.storage.type",
    ),
    "readOnly as text": (
        replace(("singleuser", "storage", "extraVolumeMounts", 0, "readOnly"), "yes"),
        "singleuser.storage.extraVolumeMounts.0.readOnly",
    ),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_the_schema_catches_misspelt_keys_and_wrong_types(case: str):
    change, where = BROKEN[case]
    values = copy.deepcopy(load_values())
    change(values)
    errors = schema_errors(values)
    assert any(error.startswith(where + ":") for error in errors), errors


# -- what totkit expects ------------------------------------------------------------------


def test_the_user_server_command_parses_with_totkits_cli():
    from totkit.cli import build_parser

    program, *args = load_values()["singleuser"]["cmd"]
    assert program == "totkit"
    parsed = build_parser().parse_args(args)
    assert parsed.command == "serve"
    assert parsed.hub is True


def test_the_image_runs_the_same_command():
    (cmd,) = dockerfile("CMD")
    assert json.loads(cmd) == load_values()["singleuser"]["cmd"]


def test_the_store_url_comes_from_a_secret_never_inline():
    entry = singleuser_env(load_values())["TOTKIT_DB"]
    assert isinstance(entry, dict) and "value" not in entry, entry
    reference = entry["valueFrom"]["secretKeyRef"]
    assert reference["name"] and reference["key"]
    urls = [text for text in strings(load_values()) if "://" in text]
    assert urls == []


def test_the_guide_creates_the_secrets_the_values_use():
    values = load_values()
    commands = re.sub(r"\\\n", " ", GUIDE.read_text(encoding="utf-8"))
    created = set(
        re.findall(
            r"^kubectl .*create secret generic ([\w.-]+) .*--from-(?:literal|file)=([\w.-]+)=",
            commands,
            flags=re.MULTILINE,
        )
    )
    db = singleuser_env(values)["TOTKIT_DB"]["valueFrom"]["secretKeyRef"]
    (volume,) = values["singleuser"]["storage"]["extraVolumes"]
    (item,) = volume["secret"]["items"]
    assert (db["name"], db["key"]) in created
    assert (volume["secret"]["secretName"], item["key"]) in created


def test_secret_key_is_mounted_where_totkit_looks_for_it(monkeypatch: pytest.MonkeyPatch):
    from totkit.access import SECRET_FILE
    from totkit.paths import data_dir

    values = load_values()
    folder = singleuser_env(values)["TOTKIT_DATA"]
    monkeypatch.setenv("TOTKIT_DATA", folder)
    expected = (data_dir() / SECRET_FILE).as_posix()
    assert expected == posixpath.join(folder, SECRET_FILE)

    storage = values["singleuser"]["storage"]
    mounts = [m for m in storage["extraVolumeMounts"] if m["mountPath"] == expected]
    assert len(mounts) == 1, f"nothing mounted at {expected}"
    mount = mounts[0]
    assert mount["readOnly"] is True
    (volume,) = [v for v in storage["extraVolumes"] if v["name"] == mount["name"]]
    paths = {item["path"] for item in volume["secret"]["items"]}
    assert mount["subPath"] == SECRET_FILE and SECRET_FILE in paths


def test_the_image_has_the_same_data_folder():
    assert dockerfile_env()["TOTKIT_DATA"] == singleuser_env(load_values())["TOTKIT_DATA"]


def test_nothing_else_is_stored_per_user():
    assert load_values()["singleuser"]["storage"]["type"] == "none"


# -- memory ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("256M", 256 * MIB),
        ("1G", 1024 * MIB),
        ("512K", MIB // 2),
        ("1.5G", 1536 * MIB),
        (1073741824, 1024 * MIB),
    ],
)
def test_memory_sizes_are_read_as_jupyterhub_reads_them(text: str | int, expected: int):
    assert memory_bytes(text) == expected


@pytest.mark.parametrize("text", ["256Mi", "1Gi", "1g", "M", "", "lots", True])
def test_memory_sizes_jupyterhub_would_refuse_are_refused(text: str | bool):
    with pytest.raises(ValueError):
        memory_bytes(text)


def test_the_memory_parser_agrees_with_jupyterhub():
    traitlets = pytest.importorskip("jupyterhub.traitlets")
    from traitlets import HasTraits, TraitError

    class Limits(HasTraits):
        size = traitlets.ByteSpecification()

    limits = Limits()
    for text in ("256M", "1G", "512K", "1.5G"):
        limits.size = text
        assert limits.size == memory_bytes(text)
    with pytest.raises(TraitError):
        limits.size = "1Gi"


def test_memory_fits_the_measured_kernels():
    memory = load_values()["singleuser"]["memory"]
    guarantee, limit = memory_bytes(memory["guarantee"]), memory_bytes(memory["limit"])
    assert guarantee >= USUAL_MIB * MIB
    assert limit >= WORST_MIB * MIB
    assert limit >= guarantee


def test_cpu_limit_is_at_least_the_guarantee():
    cpu = load_values()["singleuser"]["cpu"]
    assert 0 < cpu["guarantee"] <= cpu["limit"]


# -- culling and login -------------------------------------------------------------------


def test_idle_servers_are_culled():
    cull = load_values()["cull"]
    assert cull["enabled"] is True
    assert isinstance(cull["timeout"], int) and cull["timeout"] > 0
    assert isinstance(cull["every"], int) and 0 < cull["every"] <= cull["timeout"]


def test_planners_log_in_as_throwaway_users():
    config = load_values()["hub"]["config"]
    assert config["JupyterHub"]["authenticator_class"] == "tmp"
    # JupyterHub 5+ lets nobody in without an allow rule, and tmpauthenticator sets none.
    allow = config.get("TmpAuthenticator", {}) | config.get("Authenticator", {})
    assert allow.get("allow_all") is True


# -- one jupyterhub, one chart version ------------------------------------------------------


def test_the_image_builds_totkit_from_this_repository():
    (base,) = dockerfile("FROM")
    assert base == "python:3.11-slim"
    copied = " ".join(dockerfile("COPY"))
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    sources = {"pyproject.toml", pyproject["project"]["readme"], "totkit"}
    sources |= set(pyproject["tool"]["setuptools"]["package-dir"].values())
    missing = [
        name for name in sorted(sources) if not re.search(rf"(^|\s){re.escape(name)}\s", copied)
    ]
    assert missing == []
    (install,) = [run for run in dockerfile("RUN") if "pip install" in run]
    assert "/tmp/totkit " in install


def test_the_image_installs_jupyterhub_in_the_hub_range():
    (install,) = [run for run in dockerfile("RUN") if "pip install" in run]
    assert jupyterhub_ranges(install) == [IMAGE_JUPYTERHUB]
    assert CHART_HUB_VERSION in IMAGE_JUPYTERHUB


def test_the_guide_names_the_same_jupyterhub_range():
    ranges = jupyterhub_ranges(GUIDE.read_text(encoding="utf-8"))
    assert ranges and set(ranges) == {IMAGE_JUPYTERHUB}


def test_the_images_jupyterhub_is_within_pyprojects_hub_extra():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extra = pyproject["project"]["optional-dependencies"]["hub"]
    (spec,) = [
        Requirement(line).specifier for line in extra if Requirement(line).name == "jupyterhub"
    ]
    lowest = next(s.version for s in IMAGE_JUPYTERHUB if s.operator == ">=")
    assert lowest in spec and CHART_HUB_VERSION in spec


def test_one_chart_version_is_pinned_everywhere():
    guide = GUIDE.read_text(encoding="utf-8")
    assert re.findall(r"--version[ =](\S+)", guide) == [CHART_VERSION]
    assert f"jupyterhub/jupyterhub {CHART_VERSION}" in VALUES.read_text(encoding="utf-8")
    assert f"jupyterhub/jupyterhub {CHART_VERSION}" in SCHEMA.read_text(encoding="utf-8")
