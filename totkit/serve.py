"""``totkit serve``: Voilà on the notebooks, with totkit's template and configuration."""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
import webbrowser
from dataclasses import dataclass
from pathlib import Path

from totkit.errors import InputError
from totkit.hub import HubPlace, hub_place, hub_voila_args
from totkit.i18n import t
from totkit.paths import PACKAGE_DATA, data_dir, notebooks_dir

START_APP = "00_start.ipynb"
# The apps every planner opens first, in this order: only these get preheated kernels.
# The other apps (02, 03, 04, the dashboard) are opened later and at different times, so
# a pool for each would hold idle kernels (about 60 MiB each) most of the workshop.
PREHEAT_APPS = (START_APP, "01_readiness.ipynb")
JUPYTER_DATA = PACKAGE_DATA / "jupyter"  # holds voila/templates/totkit


@dataclass
class ServeOptions:
    port: int = 8866
    lan: bool = False
    token: str | None = None
    db: str | None = None
    templates: Path | None = None
    open_browser: bool = True
    preheat: int = 0
    notebooks: Path | None = None  # another folder of apps (the benchmarks add a bare one)
    preheat_apps: tuple[str, ...] = PREHEAT_APPS  # notebooks (relative paths) with a pool
    voila_args: tuple[str, ...] = ()  # more Voila options (tests: a short cull timeout)
    hub: bool = False  # one JupyterHub user's server: place and login from the hub


def start_url(host: str, port: int, token: str | None = None) -> str:
    url = f"http://{host}:{port}/voila/render/{START_APP}"
    return f"{url}?token={token}" if token else url


def voila_argv(options: ServeOptions, place: HubPlace | None = None) -> list[str]:
    argv = [
        str(options.notebooks or notebooks_dir()),
        f"--Voila.config_file_paths={PACKAGE_DATA}",
        "--no-browser",
    ]
    if place:
        argv += hub_voila_args(place)
    else:
        argv += [
            f"--port={options.port}",
            f"--Voila.ip={'0.0.0.0' if options.lan else '127.0.0.1'}",
        ]
    if options.token:
        argv.append(f"--token={options.token}")
    pools = pool_sizes(options)
    if any(pools.values()):
        # Per-notebook pools (TotkitVoila.preheat_pools); every other notebook gets none.
        argv += ["--preheat_kernel=True", "--pool_size=0"]
        argv += [f"--TotkitVoila.preheat_pools={app}={size}" for app, size in pools.items() if size]
    return argv + list(options.voila_args)


def pool_sizes(options: ServeOptions) -> dict[str, int]:
    """How many preheated kernels each app keeps ready (apps not listed: none)."""
    return {app: max(options.preheat, 0) for app in options.preheat_apps}


def pools_line(options: ServeOptions, lang: str | None = None) -> str:
    pools = pool_sizes(options)
    if not any(pools.values()):
        return t("cli.serve_no_pools", lang)
    listed = ", ".join(f"{Path(app).stem} {size}" for app, size in pools.items() if size)
    return t("cli.serve_pools", lang, pools=listed)


def kernel_environment(options: ServeOptions) -> dict[str, str]:
    """What the kernels inherit: one store, one templates folder, totkit's Voilà template."""
    from totkit.store import database_url

    folder = data_dir().resolve()
    env = {
        "TOTKIT_DATA": str(folder),
        "TOTKIT_DB": database_url(options.db, folder),
        "JUPYTER_PATH": os.pathsep.join(
            part for part in (str(JUPYTER_DATA), os.environ.get("JUPYTER_PATH", "")) if part
        ),
    }
    if options.templates:
        env["TOTKIT_TEMPLATES"] = str(options.templates.resolve())
    return env


def check_port_free(port: int, lan: bool) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("0.0.0.0" if lan else "127.0.0.1", port))
        except OSError:
            raise InputError("error.port_in_use", field="port", port=port) from None


def lan_address() -> str:
    """This machine's address on the local network (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def print_qr(url: str) -> None:
    import qrcode

    code = qrcode.QRCode(border=1)
    code.add_data(url)
    code.print_ascii(tty=False, invert=True)


def serve(options: ServeOptions, lang: str | None = None) -> None:
    """Start Voilà in this process; returns when the server stops."""
    place = hub_place() if options.hub else None
    if place is None:
        check_port_free(options.port, options.lan)
    env = kernel_environment(options)
    os.environ.update(env)
    from totkit.store import open_store

    store = open_store(env["TOTKIT_DB"]).prepare()  # before any app opens it
    local = start_url("127.0.0.1", options.port, options.token)
    if place:
        print(t("cli.serve_hub", lang, user=place.user, prefix=place.prefix))
    else:
        print(t("cli.serve_url", lang, url=local))
    print(t("cli.serve_store", lang, url=_hide_password(env["TOTKIT_DB"])))
    print(pools_line(options, lang))
    if place is None:
        welcome_facilitator(options, local, store, lang)
    print(t("cli.serve_stop", lang))
    sys.stdout.flush()
    skip_iri_grammar()
    from totkit.voila_app import TotkitVoila

    TotkitVoila.launch_instance(argv=voila_argv(options, place))


def skip_iri_grammar() -> None:
    """Start the server without rfc3987-syntax, which takes seconds to import.

    jupyter-events asks for jsonschema's format checkers, and jsonschema imports
    rfc3987-syntax when it is installed, which builds a Lark grammar on import: 2.8 s of a
    4.5 s start of ``totkit serve`` on a 2-core machine, paid again for every user server a
    JupyterHub spawns. jsonschema uses it only to check the ``iri`` and ``iri-reference``
    formats, which none of the server's event schemas uses; without it jsonschema skips
    those two formats and checks the rest as before.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # None: `import` raises ImportError


def welcome_facilitator(options: ServeOptions, local: str, store, lang: str | None) -> None:
    """The address planners join at (and its QR code); a browser opened on the start app."""
    if options.lan:
        joined = start_url(lan_address(), options.port, options.token)
        print(t("cli.serve_join", lang, url=joined))
        print_qr(joined)
    if not store.list_workshops():
        print(t("cli.serve_no_workshop", lang))
    if options.open_browser:
        threading.Thread(target=_open_when_ready, args=(options.port, local), daemon=True).start()


def _open_when_ready(port: int, url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                webbrowser.open(url)
                return
        except OSError:
            time.sleep(0.3)


def _hide_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
