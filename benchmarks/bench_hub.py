"""First start of a planner's apps under JupyterHub, against one laptop's ``totkit serve``.

Starts the hub of ``deploy/jupyterhub/`` on loopback (one store, SQLite) and, one after
another, lets ``--users`` new browsers log in at ``/hub/tmplogin``: each gets a throwaway
user, the hub spawns ``totkit serve --hub`` for them, the OAuth redirects run and the start
app becomes interactive. Timed from the login request to the start app's join button, for
each pool size of ``--preheat`` (kernels the user's server preheats for its start app).
The baseline, measured in the same run: the same start app opened in a new browser on a
laptop's ``totkit serve`` already running (no preheating), which is what a planner waits on
one laptop. Also printed: the hub's own figure for spawning each server, and each user's
memory (PSS of their Voilà server and its kernels) once the start app is open.

    python benchmarks/bench_hub.py --users 3 --preheat 0 1

tests/browser/test_hub.py starts its hub with ``start_hub`` from here.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent)]

from bench_start import CHROMIUM, CHROMIUM_ARGS, Server, free_port  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
HUB_FOLDER = ROOT / "deploy" / "jupyterhub"
HUB_CONFIG = HUB_FOLDER / "jupyterhub_config.py"
PROXY = HUB_FOLDER / "node_modules" / ".bin" / "configurable-http-proxy"
TOTKIT = Path(sys.executable).with_name("totkit")
READY = ".totkit-join"  # the start app's join button: the page is interactive


@dataclass
class Hub:
    url: str
    env: dict[str, str]
    log_path: Path
    workshop_code: str
    facilitator_key: str
    process: subprocess.Popen

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def spawn_seconds(self, user: str) -> float | None:
        """The hub's own figure: 'User <name> took N seconds to start'."""
        found = re.search(rf"User {re.escape(user)} took ([\d.]+) seconds to start", self.log())
        return float(found.group(1)) if found else None


def hub_missing() -> str | None:
    """Why a hub cannot run here, or None."""
    for module in ("jupyterhub", "tmpauthenticator", "jupyterhub_idle_culler"):
        try:
            __import__(module)
        except ImportError:
            return f"{module} is not installed (make hub, or pip install -e '.[hub]')"
    if not PROXY.exists():
        return f"no {PROXY.relative_to(ROOT)} (make hub runs npm ci in deploy/jupyterhub)"
    return None


def create_workshop(env: dict[str, str]) -> tuple[str, str]:
    """A workshop in the hub's store: its code and facilitator key."""
    printed = subprocess.run(
        [str(TOTKIT), "workshop", "create", "TOT lewat hub"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    code = re.search(r"Workshop code \(for planners\):\s+(\S+)", printed).group(1)
    key = re.search(r"Facilitator key \(keep private\):\s+(\S+)", printed).group(1)
    return code, key


@contextlib.contextmanager
def start_hub(
    state: Path, store_url: str, preheat: int = 0, cull: int = 0, timeout: float = 90
) -> Iterator[Hub]:
    """The hub of deploy/jupyterhub on free loopback ports, its files in ``state``, a
    workshop created in the store; stopped (with every user server) on exit."""
    data = state / "data"
    data.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {
        **os.environ,
        "TOTKIT_DATA": str(data),
        "TOTKIT_DB": store_url,
        "TOTKIT_LANG": "en",
        "TOTKIT_HUB_STATE": str(state),
        "TOTKIT_HUB_URL": f"http://127.0.0.1:{port}/",
        "TOTKIT_HUB_API_PORT": str(free_port()),
        "TOTKIT_HUB_PROXY_API_PORT": str(free_port()),
        "TOTKIT_HUB_PREHEAT": str(preheat),
        "TOTKIT_HUB_CULL": str(cull),
    }
    code, key = create_workshop(env)
    log_path = state / "hub.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(HUB_CONFIG)],
            cwd=state,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    hub = Hub(f"http://127.0.0.1:{port}", env, log_path, code, key, process)
    try:
        wait_for_hub(hub, timeout)
        yield hub
    finally:
        stop(process)


def wait_for_hub(hub: Hub, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if hub.process.poll() is not None:
            raise RuntimeError(
                f"jupyterhub exited with {hub.process.returncode}:\n" + hub.log()[-3000:]
            )
        if "JupyterHub is now running" in hub.log():
            return
        time.sleep(0.3)
    raise TimeoutError(f"jupyterhub did not start within {timeout} s")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM: the hub stops every user server and its proxy; then its process group."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


# -- what is measured ------------------------------------------------------------------------


def user_pss_mib(user: str) -> float:
    """PSS of the Voilà server spawned for ``user`` and of its kernels."""
    import psutil

    for process in psutil.process_iter():
        with contextlib.suppress(psutil.Error):
            if process.environ().get("JUPYTERHUB_USER") == user and "serve" in process.cmdline():
                tree = [process, *process.children(recursive=True)]
                return sum(pss_kib(p.pid) for p in tree) / 1024
    return float("nan")


def pss_kib(pid: int) -> int:
    with contextlib.suppress(OSError), open(f"/proc/{pid}/smaps_rollup") as handle:
        for line in handle:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def time_login(browser, hub: Hub) -> dict:
    context = browser.new_context()
    page = context.new_page()
    started = time.monotonic()
    page.goto(f"{hub.url}/hub/tmplogin")
    page.wait_for_selector(READY, timeout=180_000)
    total = time.monotonic() - started
    user = re.search(r"/user/([^/]+)/", page.url).group(1)
    time.sleep(2)  # let the pool refill before reading memory
    figures = {"total": total, "spawn": hub.spawn_seconds(user), "pss_mib": user_pss_mib(user)}
    context.close()
    return figures


def time_laptop(browser, runs: int, root: Path) -> list[float]:
    """The start app in a new browser on a running laptop ``totkit serve`` (no preheat)."""
    from totkit.paths import notebooks_dir

    data = root / "laptop"
    data.mkdir()
    env = {**os.environ, "TOTKIT_DATA": str(data), "TOTKIT_LANG": "en"}
    server = Server(notebooks_dir(), 0, env, data / "serve.log")
    try:
        server.wait_http()
        times = []
        for _ in range(runs + 1):  # the first warms the disk cache, as the hub's runs were
            context = browser.new_context()
            started = time.monotonic()
            context.new_page().goto(server.url("00_start.ipynb"))
            context.pages[0].wait_for_selector(READY, timeout=180_000)
            times.append(time.monotonic() - started)
            context.close()
            time.sleep(2)
        return times[1:]
    finally:
        server.stop()


def describe(values: list[float]) -> str:
    return f"median {statistics.median(values):.1f} s, worst {max(values):.1f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=3)
    parser.add_argument("--preheat", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--chromium", default=os.environ.get("TOTKIT_CHROMIUM", CHROMIUM))
    args = parser.parse_args()
    reason = hub_missing()
    if reason:
        print(f"cannot run: {reason}")
        return 2
    import tempfile

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-hub-") as tmp, sync_playwright() as pw:
        root = Path(tmp)
        browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        laptop = time_laptop(browser, args.users, root)
        print(f"laptop, start app in a new browser (no preheat): {describe(laptop)}")
        for preheat in args.preheat:
            state = root / f"hub-preheat-{preheat}"
            state.mkdir()
            with start_hub(state, f"sqlite:///{state / 'totkit.db'}", preheat) as hub:
                runs = [time_login(browser, hub) for _ in range(args.users)]
            totals = [run["total"] for run in runs]
            spawns = [run["spawn"] for run in runs if run["spawn"] is not None]
            print(
                f"hub, preheat {preheat}: login to interactive start app {describe(totals)}"
                f" ({statistics.median(totals) / statistics.median(laptop):.2f}x the laptop);"
                f" spawn (hub's figure) {describe(spawns)};"
                f" memory per user {statistics.median(r['pss_mib'] for r in runs):.0f} MiB PSS"
            )
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
