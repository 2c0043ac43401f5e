"""Benchmark: the start app's time to an interactive widget and its kernel's memory.

Compares ``notebooks/00_start.ipynb`` with a bare one-button ipywidgets notebook served
the same way as ``totkit serve`` (totkit's Voilà configuration, template and store
environment), cold and with preheated kernels, then times ``import totkit`` and
``totkit --help``.  It reports what it measured and never fails on a timing::

    .venv/bin/python benchmarks/bench_start.py --runs 5 --json benchmarks/results/start.json

Each page load uses a fresh browser context.  An init script installs a MutationObserver
at document start that records ``performance.now()`` (ms since navigation start) when the
target button is attached, visible and enabled; Python only reads the result.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
START_NOTEBOOK = "00_start.ipynb"
BARE_NOTEBOOK = "zz_bench_bare.ipynb"
APPS = {
    # app name: (notebook, CSS selector of the widget that makes the page usable)
    "start": (START_NOTEBOOK, "button.totkit-join"),
    "bare": (BARE_NOTEBOOK, "button.bench-button"),
}
TARGETS = {"cold": 1.5, "preheat": 1.2}  # start app / bare, medians of time to interactive
HEAVY_MODULES = ("pandas", "ipywidgets", "matplotlib")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]

BARE_SOURCE = """import ipywidgets as widgets

button = widgets.Button(description="Click me", button_style="primary")
button.add_class("bench-button")
button"""

# Runs in the page before any of its scripts.  Marks: attached = the target element is in
# the DOM; ready = it is also visible (no display:none / visibility:hidden / opacity:0
# ancestor, e.g. Voila's #rendered_cells while loading) and enabled.
PROBE_JS = """
(() => {
  const SELECTOR = %s;
  const mark = window.__bench = {attached: null, ready: null, dcl: null};
  document.addEventListener("DOMContentLoaded", () => { mark.dcl = performance.now(); },
                            {once: true});
  const visible = (el) => el.isConnected && (el.checkVisibility
      ? el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true,
                                           opacityProperty: true, visibilityProperty: true})
      : el.getClientRects().length > 0);
  let frame = false;
  let observer = null;
  function check() {
    if (mark.ready !== null) return;
    const el = document.querySelector(SELECTOR);
    if (!el) return;
    if (mark.attached === null) mark.attached = performance.now();
    if (!el.disabled && visible(el)) {
      mark.ready = performance.now();
      if (observer) observer.disconnect();
      return;
    }
    // Attached but hidden or disabled: a stylesheet or an ancestor's class can reveal it
    // without a mutation we observe, so also look again on the next frames.
    if (!frame) {
      frame = true;
      requestAnimationFrame(() => { frame = false; check(); });
    }
  }
  observer = new MutationObserver(check);
  observer.observe(document, {childList: true, subtree: true, attributes: true,
                              attributeFilter: ["class", "style", "disabled", "hidden"]});
})();
"""

READ_JS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  let kernelId = null;
  try {
    const config = document.getElementById("jupyter-config-data");
    kernelId = config ? JSON.parse(config.textContent).kernelId : null;
  } catch (e) {}
  return {...window.__bench, kernelId,
          responseStart: nav ? nav.responseStart : null,
          responseEnd: nav ? nav.responseEnd : null,
          loadEventEnd: nav ? nav.loadEventEnd : null};
}"""


# -- the server, started as `totkit serve` starts Voila ------------------------------------


def serve_folder(folder: str, port: int, preheat: int) -> None:
    """Child process: ``totkit.serve.serve`` on ``folder`` instead of the shipped notebooks."""
    from totkit import serve as serve_module

    options = serve_module.ServeOptions(port=port, open_browser=False, preheat=preheat)
    if "notebooks" in {field.name for field in dataclasses.fields(options)}:
        options = dataclasses.replace(options, notebooks=Path(folder))
    else:
        # No hook in totkit.serve for another notebooks folder (yet): voila_argv() reads
        # it from notebooks_dir(), looked up in totkit.serve's namespace.
        serve_module.notebooks_dir = lambda: Path(folder)
    serve_module.serve(options, lang="en")


class Server:
    def __init__(self, folder: Path, preheat: int, env: dict[str, str], log: Path):
        self.port = free_port()
        self.preheat = preheat
        self.log_path = log
        self._log = open(log, "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [PYTHON, __file__, "--_serve", str(folder), "--port", str(self.port),
             "--pool-size", str(preheat)],
            env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        import psutil

        self.process = psutil.Process(self.proc.pid)
        self.seen_kernels: dict[int, str] = {}

    def url(self, notebook: str) -> str:
        return f"http://127.0.0.1:{self.port}/voila/render/{notebook}"

    def wait_http(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=2):
                    return
            except urllib.error.HTTPError:
                return  # any HTTP answer means the server is up
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(f"server did not answer on port {self.port}; see {self.log_path}")

    def tree(self) -> list:
        import psutil

        try:
            return [self.process, *self.process.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def kernels(self) -> dict[str, int]:
        """kernel id -> pid of each live kernel the server spawned."""
        import psutil

        found = {}
        for child in self.tree()[1:]:
            try:
                if child.status() == psutil.STATUS_ZOMBIE:
                    continue
                cmdline = " ".join(child.cmdline())
            except psutil.Error:
                continue
            match = re.search(r"kernel-([0-9a-f-]+)\.json", cmdline)
            if "ipykernel" in cmdline and match:
                found[match.group(1)] = child.pid
                self.seen_kernels[child.pid] = match.group(1)
        return found

    def cpu_seconds(self) -> float:
        import psutil

        total = 0.0
        for process in self.tree():
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except psutil.Error:
                pass
        return total

    def settle(self, kernels: int, timeout: float = 120, window: float = 1.0,
               idle_cpu: float = 0.05) -> float:
        """Wait for ``kernels`` live kernels and a quiet server tree; returns seconds waited."""
        start = time.monotonic()
        last = self.cpu_seconds()
        quiet_since = None
        while time.monotonic() - start < timeout:
            time.sleep(0.25)
            now = self.cpu_seconds()
            busy = (now - last) > idle_cpu * 0.25  # CPU seconds used in this 0.25 s tick
            last = now
            if busy or len(self.kernels()) != kernels:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= window:
                return time.monotonic() - start
        print(f"  (warning: server not settled after {timeout:.0f} s: "
              f"{len(self.kernels())} kernel(s), expected {kernels})", flush=True)
        return time.monotonic() - start

    def stop(self) -> None:
        import psutil

        self.kernels()  # remember every kernel still alive
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # Voila shuts its kernels down on TERM
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        # Kernels run in their own sessions: end any the server left behind, by pid.
        for pid in self.seen_kernels:
            try:
                psutil.Process(pid).wait(5)
            except psutil.NoSuchProcess:
                pass
            except psutil.TimeoutExpired:
                os.kill(pid, signal.SIGKILL)
        self._log.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def memory_kib(pid: int) -> dict[str, int]:
    values = {}
    with open(f"/proc/{pid}/smaps_rollup") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                values[parts[0].rstrip(":")] = int(parts[1])
    return {"pss": values["Pss"], "rss": values["Rss"],
            "uss": values.get("Private_Clean", 0) + values.get("Private_Dirty", 0)}


def make_folder(root: Path) -> Path:
    from totkit.paths import notebooks_dir

    folder = root / "notebooks"
    shutil.copytree(notebooks_dir(), folder,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    notebook = {
        "cells": [{"cell_type": "code", "execution_count": None, "id": "bench0001",
                   "metadata": {}, "outputs": [], "source": BARE_SOURCE.splitlines(True)}],
        "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)",
                                    "language": "python", "name": "python3"},
                     "language_info": {"name": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    (folder / BARE_NOTEBOOK).write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return folder


# -- one page load ------------------------------------------------------------------------


def load_page(browser, server: Server, app: str, timeout_ms: int) -> dict:
    notebook, selector = APPS[app]
    before = server.kernels()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(PROBE_JS % json.dumps(selector))
    page = context.new_page()
    result: dict = {"app": app}
    try:
        page.goto(server.url(notebook), wait_until="commit", timeout=timeout_ms)
        page.wait_for_function("() => window.__bench && window.__bench.ready !== null",
                               timeout=timeout_ms, polling=100)
        marks = page.evaluate(READ_JS)
        result.update(
            ready_ms=marks["ready"], attached_ms=marks["attached"], dcl_ms=marks["dcl"],
            response_start_ms=marks["responseStart"], response_end_ms=marks["responseEnd"],
            kernel_id=marks["kernelId"],
        )
        pid = server.kernels().get(marks["kernelId"] or "")
        result["pooled"] = (marks["kernelId"] in before) if marks["kernelId"] else None
        if pid:
            result["kernel_pid"] = pid
            result.update({f"{k}_kib": v for k, v in memory_kib(pid).items()})
    except Exception as error:  # a benchmark reports failures, it does not stop on them
        result["error"] = f"{type(error).__name__}: {str(error).splitlines()[0]}"
        try:  # still find the kernel, so it can be shut down
            result["kernel_id"] = page.evaluate(READ_JS)["kernelId"]
            result["kernel_pid"] = server.kernels().get(result["kernel_id"] or "")
        except Exception:
            pass
    finally:
        shut_down_kernel(page, server, result.get("kernel_id"), result.get("kernel_pid"))
        context.close()
    return result


# Voila's own beforeunload shutdown (navigator.sendBeacon) is refused with 403 "'_xsrf'
# argument missing from POST" because the page never sets an _xsrf cookie
# (voila-dashboards/voila#1458), so each page load would leave its kernel running.
# Shut it down as the frontend means to, with a double-submit XSRF cookie and header.
SHUTDOWN_JS = """async (kernelId) => {
  document.cookie = "_xsrf=totkitbench0123456789; path=/";
  const response = await fetch("/voila/api/shutdown/" + kernelId,
      {method: "POST", headers: {"X-XSRFToken": "totkitbench0123456789"}});
  return response.status;
}"""


def shut_down_kernel(page, server: Server, kernel_id: str | None, pid: int | None) -> None:
    import psutil

    try:
        if kernel_id:
            page.evaluate(SHUTDOWN_JS, kernel_id)
        page.close()
    except Exception:
        pass
    if pid:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.TimeoutExpired):
            psutil.Process(pid).wait(30)


def run_mode(mode: str, browser, folder: Path, env: dict[str, str], args, root: Path) -> dict:
    preheat = args.pool_size if mode == "preheat" else 0
    notebooks = [p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in str(p)]
    pool_kernels = preheat * len(notebooks)
    server = Server(folder, preheat, env, root / f"voila-{mode}.log")
    runs: list[dict] = []
    try:
        server.wait_http()
        waited = server.settle(pool_kernels, timeout=args.settle_timeout)
        print(f"[{mode}] server on port {server.port}, pid {server.proc.pid}; "
              f"{pool_kernels} pooled kernel(s) ready after {waited:.1f} s", flush=True)
        total = args.warmup + args.runs
        for index in range(total):
            warm = index < args.warmup
            order = ("start", "bare") if index % 2 == 0 else ("bare", "start")
            for app in order:
                server.settle(pool_kernels, timeout=args.settle_timeout)
                result = load_page(browser, server, app, args.timeout * 1000)
                result.update(mode=mode, run=index - args.warmup, warmup=warm)
                runs.append(result)
                shown = (f"{result['ready_ms']:.0f} ms" if "ready_ms" in result
                         else result.get("error"))
                extra = f", PSS {result['pss_kib'] / 1024:.1f} MiB" if "pss_kib" in result else ""
                pool = "" if mode == "cold" else f", pooled={result.get('pooled')}"
                label = "warm-up" if warm else f"run {index - args.warmup + 1}/{args.runs}"
                print(f"  {label:<10} {app:<6} {shown}{extra}{pool}", flush=True)
    finally:
        server.stop()
    return {"mode": mode, "pool_size": preheat, "notebooks": len(notebooks), "runs": runs,
            "server_log": str(server.log_path)}


# -- import totkit / totkit --help ---------------------------------------------------------


def cli_check(repeats: int, env: dict[str, str]) -> dict:
    script = Path(PYTHON).parent / "totkit"
    commands = {
        "python -c pass": [PYTHON, "-c", "pass"],
        "import totkit": [PYTHON, "-c", "import totkit"],
        "totkit --help": [PYTHON, str(script), "--help"],
    }
    report = {}
    for name, argv in commands.items():
        subprocess.run(argv, env=env, capture_output=True, check=True)  # warm-up
        walls = []
        for _ in range(repeats):
            began = time.perf_counter()
            subprocess.run(argv, env=env, capture_output=True, check=True)
            walls.append((time.perf_counter() - began) * 1000)
        entry: dict = {"wall_ms": statistics.median(walls), "walls_ms": walls}
        if name != "python -c pass":
            traced = subprocess.run([argv[0], "-X", "importtime", *argv[1:]], env=env,
                                    capture_output=True, text=True, check=True)
            modules = {}
            for line in traced.stderr.splitlines():
                match = re.match(r"import time:\s+(\d+)\s*\|\s*(\d+)\s*\|(\s*)(\S+)", line)
                if match:
                    modules[match.group(4)] = int(match.group(2))
            entry["heavy_imported"] = sorted(
                {m.split(".")[0] for m in modules if m.split(".")[0] in HEAVY_MODULES})
            entry["totkit_cumulative_ms"] = (
                max((us for m, us in modules.items() if m.startswith("totkit")), default=0)
                / 1000)
            entry["modules_imported"] = len(modules)
        report[name] = entry
    return report


# -- the report ---------------------------------------------------------------------------


def summarize(runs: list[dict], app: str, key: str) -> dict | None:
    values = [r[key] for r in runs if r["app"] == app and not r["warmup"] and r.get(key)]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)}


def fmt(stat: dict | None, scale: float = 1.0, digits: int = 0) -> str:
    if stat is None:
        return "n/a"
    return (f"{stat['median'] / scale:.{digits}f} "
            f"[{stat['min'] / scale:.{digits}f}-{stat['max'] / scale:.{digits}f}]")


def write_results(path: Path | None, results: dict) -> None:
    """Every measurement as JSON in ``path`` (``--json``), when one is given."""
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(results, indent=2, default=str))
        print(f"\nwrote {path}")


@contextlib.contextmanager
def work_folder(root: Path, keep: bool) -> Iterator[Path]:
    """The run's temporary folder ``root``: kept when it ends (``--keep``), else removed."""
    try:
        yield root
    finally:
        if keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


def report(modes: list[dict], cli: dict | None, args) -> dict:
    summary: dict = {}
    print()
    print(f"Time to interactive (ms since navigation start; median [min-max]; "
          f"{args.runs} runs each, {args.warmup} warm-up)")
    print(f"  {'mode':<8} {'start app':<22} {'bare':<22} {'ratio':>6}  {'target':<8} met")
    for result in modes:
        mode, runs = result["mode"], result["runs"]
        start, bare = summarize(runs, "start", "ready_ms"), summarize(runs, "bare", "ready_ms")
        ratio = start["median"] / bare["median"] if start and bare else None
        target = TARGETS[mode]
        met = None if ratio is None else ratio <= target
        label = mode if mode == "cold" else f"preheat{result['pool_size']}"
        print(f"  {label:<8} {fmt(start):<22} {fmt(bare):<22} "
              f"{(f'{ratio:.2f}' if ratio else 'n/a'):>6}  <= {target:<5} "
              f"{'n/a' if met is None else ('yes' if met else 'NO')}")
        summary[mode] = {"start_ms": start, "bare_ms": bare, "ratio": ratio, "target": target,
                         "met": met}
    print()
    print("Breakdown (median ms): HTML response end (cells executed server-side) / "
          "button attached / interactive")
    for result in modes:
        for app in APPS:
            parts = [summarize(result["runs"], app, k)
                     for k in ("response_end_ms", "attached_ms", "ready_ms")]
            print(f"  {result['mode']:<8} {app:<6} "
                  + " / ".join(fmt(p).split(" ")[0] for p in parts))
            summary[result["mode"]][f"{app}_breakdown"] = parts
    print()
    print("Kernel memory right after interactive (MiB, median [min-max])")
    print(f"  {'mode':<8} {'app':<6} {'PSS':<20} {'USS':<20} {'RSS':<20}")
    for result in modes:
        for app in APPS:
            stats = {k: summarize(result["runs"], app, f"{k}_kib") for k in ("pss", "uss", "rss")}
            print(f"  {result['mode']:<8} {app:<6} " + " ".join(
                f"{fmt(stats[k], 1024, 1):<20}" for k in ("pss", "uss", "rss")))
            summary[result["mode"]][f"{app}_memory_kib"] = stats
        start_pss = summary[result["mode"]]["start_memory_kib"]["pss"]
        bare_pss = summary[result["mode"]]["bare_memory_kib"]["pss"]
        if start_pss and bare_pss:
            print(f"  {result['mode']:<8} start - bare PSS: "
                  f"{(start_pss['median'] - bare_pss['median']) / 1024:+.1f} MiB")
    failures = [r for m in modes for r in m["runs"] if "error" in r]
    unpooled = [r for m in modes if m["mode"] == "preheat" for r in m["runs"]
                if r.get("pooled") is False]
    if failures:
        print(f"\n{len(failures)} page load(s) failed, e.g. {failures[0]['error']}")
    if unpooled:
        print(f"\n{len(unpooled)} preheat page load(s) did not get a pooled kernel")
    if cli:
        print()
        print(f"CLI start-up (subprocess wall time, median of {args.cli_runs})")
        for name, entry in cli.items():
            line = f"  {name:<16} {entry['wall_ms']:6.0f} ms"
            if "heavy_imported" in entry:
                heavy = ", ".join(entry["heavy_imported"]) or "none"
                line += (f"   totkit imports {entry['totkit_cumulative_ms']:.0f} ms "
                         f"(-X importtime), {entry['modules_imported']} modules; "
                         f"pandas/ipywidgets/matplotlib imported: {heavy}")
            print(line)
        summary["cli_heavy_free"] = all(not e.get("heavy_imported") for e in cli.values())
        print(f"  neither imports pandas, ipywidgets or matplotlib: "
              f"{'yes' if summary['cli_heavy_free'] else 'NO'}")
    print()
    for mode in ("cold", "preheat"):
        if mode in summary and summary[mode]["ratio"] is not None:
            verdict = "met" if summary[mode]["met"] else "NOT met"
            print(f"Target {mode}: start/bare {summary[mode]['ratio']:.2f} "
                  f"<= {TARGETS[mode]} -> {verdict}")
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5,
                        help="measured page loads per app and mode (default 5)")
    parser.add_argument("--warmup", type=int, default=1,
                        help="unmeasured page loads per app and mode first (default 1)")
    parser.add_argument("--pool-size", type=int, default=1,
                        help="preheated kernels per notebook in the preheat mode (default 1)")
    parser.add_argument("--modes", default="cold,preheat", help="cold, preheat or both")
    parser.add_argument("--timeout", type=float, default=120, help="seconds per page load")
    parser.add_argument("--settle-timeout", type=float, default=120,
                        help="seconds to wait for the server to go idle between page loads")
    parser.add_argument("--cli-runs", type=int, default=5, help="repeats of the CLI timings")
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI timings")
    parser.add_argument("--json", type=Path, help="write every measurement to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--_serve", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._serve:
        serve_folder(args._serve, args.port, args.pool_size)
        return 0

    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    root = Path(tempfile.mkdtemp(prefix="totkit-bench-"))
    env = {**os.environ, "TOTKIT_DATA": str(root / "data"),
           "PYTHONUNBUFFERED": "1",
           # Bytecode as an installed package has it, without writing into the checkout.
           "PYTHONPYCACHEPREFIX": str(root / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("TOTKIT_DB", None)
    env.pop("TOTKIT_TEMPLATES", None)
    folder = make_folder(root)

    from importlib.metadata import version

    from playwright.sync_api import sync_playwright

    print(f"totkit start-app benchmark: voila {version('voila')}, ipywidgets "
          f"{version('ipywidgets')}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"served folder {folder} ({', '.join(sorted(p.name for p in folder.glob('*.ipynb')))}),"
          f" TOTKIT_DATA={root / 'data'}", flush=True)
    results = []
    with work_folder(root, args.keep):
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            print(f"Chromium {browser.version}", flush=True)
            try:
                for mode in modes:
                    results.append(run_mode(mode, browser, folder, env, args, root))
            finally:
                browser.close()
        cli = None if args.no_cli else cli_check(args.cli_runs, env)
        summary = report(results, cli, args)
        write_results(
            args.json,
            {
                "args": {k: v for k, v in vars(args).items() if k not in ("json",)},
                "loadavg_end": os.getloadavg(),
                "summary": summary,
                "modes": results,
                "cli": cli,
            },
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
