"""How ``totkit serve`` configures Voilà, without starting it (browser tests start it)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from totkit.errors import InputError
from totkit.serve import (
    JUPYTER_DATA,
    ServeOptions,
    check_port_free,
    kernel_environment,
    print_qr,
    start_url,
    voila_argv,
)


def test_default_serves_the_notebooks_on_loopback_with_totkit_config():
    argv = voila_argv(ServeOptions(port=8870))
    assert Path(argv[0]).joinpath("00_start.ipynb").is_file()
    assert "--Voila.ip=127.0.0.1" in argv and "--port=8870" in argv
    config_dir = next(a for a in argv if a.startswith("--Voila.config_file_paths="))
    assert Path(config_dir.split("=", 1)[1], "voila.json").is_file()
    assert not any("preheat" in a or "token" in a for a in argv)


def test_lan_token_and_preheat():
    argv = voila_argv(ServeOptions(lan=True, token="s3cret", preheat=2))
    assert "--Voila.ip=0.0.0.0" in argv
    assert "--token=s3cret" in argv
    assert {"--preheat_kernel=True", "--pool_size=2"} <= set(argv)
    assert start_url("10.0.0.5", 8866, "s3cret").endswith("00_start.ipynb?token=s3cret")


def test_kernels_share_one_store_and_find_the_template(tmp_path, monkeypatch):
    monkeypatch.setenv("TOTKIT_DATA", str(tmp_path))
    monkeypatch.delenv("TOTKIT_DB", raising=False)
    env = kernel_environment(ServeOptions(templates=tmp_path))
    assert env["TOTKIT_DB"] == f"sqlite:///{tmp_path.resolve()}/totkit.db"
    assert env["TOTKIT_TEMPLATES"] == str(tmp_path.resolve())
    assert env["JUPYTER_PATH"].split(os.pathsep)[0] == str(JUPYTER_DATA)
    assert (JUPYTER_DATA / "voila" / "templates" / "totkit" / "conf.json").is_file()


def test_a_taken_port_is_refused_with_the_fix():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(InputError) as caught:
            check_port_free(port, lan=False)
    assert caught.value.field == "port"
    assert f"Port {port} is already in use" in caught.value.message("en")


def test_qr_code_for_phones(capsys):
    print_qr("http://192.168.1.20:8866/voila/render/00_start.ipynb")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) > 10
    assert all(set(line) <= set(" \u00a0▀▄█") for line in lines if line)
