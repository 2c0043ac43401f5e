"""How ``totkit serve`` configures Voilà, without starting it (browser tests start it)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from totkit.errors import InputError
from totkit.paths import notebooks_dir
from totkit.serve import (
    JUPYTER_DATA,
    PREHEAT_APPS,
    ServeOptions,
    check_port_free,
    kernel_environment,
    pools_line,
    print_qr,
    start_url,
    voila_argv,
)
from totkit.voila_app import TotkitKernelManager, kernel_pools


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
    assert start_url("10.0.0.5", 8866, "s3cret").endswith("00_start.ipynb?token=s3cret")
    # Pools for the entry apps only; every other notebook (the default) gets none.
    assert {"--preheat_kernel=True", "--pool_size=0",
            "--TotkitVoila.preheat_pools=00_start.ipynb=2",
            "--TotkitVoila.preheat_pools=01_readiness.ipynb=2"} <= set(argv)
    assert kernel_pools(["00_start.ipynb=2", "01_readiness.ipynb=2"]) == {
        "default": {"pool_size": 0}, "00_start.ipynb": {"pool_size": 2},
        "01_readiness.ipynb": {"pool_size": 2}}
    assert set(PREHEAT_APPS) == {"00_start.ipynb", "01_readiness.ipynb"}
    assert all(Path(notebooks_dir(), app).is_file() for app in PREHEAT_APPS)


def test_the_pool_sizes_are_stated():
    assert pools_line(ServeOptions(preheat=2), "en") == (
        "Preheated kernels per app: 00_start 2, 01_readiness 2, every other app 0 "
        "(it starts its kernel when opened).")
    assert pools_line(ServeOptions(), "en").startswith("No preheated kernels")
    assert "00_start 1" in pools_line(ServeOptions(preheat=1), "id")


@pytest.fixture
def app(monkeypatch):
    """totkit's Voilà application as `totkit serve` configures it, not started."""
    import signal

    from totkit.voila_app import TotkitVoila

    monkeypatch.setenv("JUPYTER_PATH", str(JUPYTER_DATA))
    sigterm = signal.getsignal(signal.SIGTERM)
    built = TotkitVoila()
    try:
        built.initialize(voila_argv(ServeOptions(port=8871)))
        yield built, built.init_settings()
    finally:
        signal.signal(signal.SIGTERM, sigterm)


def test_the_running_app_culls_idle_kernels_and_times_cells_out(app):
    voila, settings = app
    manager = settings["kernel_manager"]
    assert (manager.cull_idle_timeout, manager.cull_interval) == (900, 60)
    assert manager.cull_connected is False and manager.cull_busy is False
    assert voila.config.VoilaExecutor.timeout == 120
    assert voila.config.VoilaExecutor.interrupt_on_timeout is True
    # An app's last outputs (hundreds of widget messages) may trail its reply by many
    # seconds on a busy server; after nbclient's default 4 s they were dropped: a blank app.
    assert voila.config.VoilaExecutor.iopub_timeout == voila.config.VoilaExecutor.timeout
    assert "tell the facilitator" in voila.config.VoilaExecutor.cell_error_instruction
    assert voila.voila_configuration.show_tracebacks is False
    assert "execute_request" not in manager.allowed_message_types
    assert isinstance(manager, TotkitKernelManager)  # kernels log for the facilitator


def test_the_running_app_serves_the_apps_and_no_listing(app):
    from voila.tornado.contentshandler import VoilaContentsHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    from totkit.voila_app import EntryHandler, PageHandler, ShutdownHandler

    voila, _ = app
    handlers = {pattern: cls for pattern, cls, *_ in voila.init_handlers()}
    assert handlers["/"] is EntryHandler
    assert handlers["/voila/render/(.*)"] is PageHandler
    assert ShutdownHandler in handlers.values()
    assert not {TornadoVoilaTreeHandler, VoilaContentsHandler} & set(handlers.values())
    assert not any("tree" in pattern or "contents" in pattern for pattern in handlers)


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


def test_the_server_starts_without_the_iri_grammar():
    import subprocess
    import sys

    # In a fresh interpreter: what `totkit serve` imports before Voilà, then Voilà's app.
    code = (
        "import sys; from totkit.serve import skip_iri_grammar; skip_iri_grammar(); "
        "import totkit.voila_app, jsonschema; "
        "print('rfc3987_syntax' in sys.modules and sys.modules['rfc3987_syntax'] is not None); "
        "print(jsonschema.Draft7Validator.FORMAT_CHECKER.conforms('2026-09-01', 'date'))"
    )
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout.split()
    assert printed == ["False", "True"]  # the grammar never loaded; other formats still checked
