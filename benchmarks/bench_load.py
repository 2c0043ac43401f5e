"""Benchmark: a workshop of 30 planners on one ``totkit serve``, from joining to a saved plan.

One Chromium, one browser context per planner, against one ``totkit serve`` on loopback
(started as ``bench_start.py`` starts it: ``totkit.serve.serve`` in a child process).
Planners arrive evenly spread over ``--spread`` seconds. Each one opens the start app, joins
(with consent), follows the link to ``01_readiness`` and answers all 40 items, opens
``02_context_gap`` and rates the 9 factors, opens ``03_followup_plan`` and adds one cascade
session with the form, then closes the tab. Every planner answers differently (a planner's
answers are a function of its number), so a save landing in another planner's workbook
would show. A single planner runs the same journey alone first, on the same server::

    .venv/bin/python benchmarks/bench_load.py --planners 30 --spread 60 --preheat 2 \\
        --json benchmarks/results/load.json

It reports the pool sizes; time to interactive of each app (``performance.now()`` when the
app's first control is visible and enabled, as ``bench_start.py`` measures it) under load,
median and worst, against the single planner; kernel memory (PSS from
``/proc/<pid>/smaps_rollup``, which shares a library's pages among the processes that map
it, where RSS counts them in full in every kernel); the kernels still alive after the tabs
close and how long each took to go; and whether every answer, rating and session of every
planner is in the store. Target: nothing lost, no error shown, worst time to interactive
within 4x the single planner. The browser runs on the same machine as the server, so on a
small machine it competes with the kernels for the CPUs: the figures are pessimistic. The
CPU seconds of the server, its kernels and the browser are reported apart; at a workshop
the browsers run on the planners' phones and laptops. ``--think`` is the pause before each
answer, rating or field (1 s by default: a quick reader).

``tests/browser/test_load.py`` runs the same journey for 5 planners (``run()``). The
browser tests' helpers (``tests/browser/test_*.py``) use Playwright's sync API, which
cannot drive 30 contexts at once, so this journey uses the async API with the same
selectors and waits; the constants and checks come from ``tests/browser/conftest.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlparse

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

from bench_start import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    PROBE_JS,
    READ_JS,
    Server,
    memory_kib,
    work_folder,
    write_results,
)

from tests.browser.conftest import BAD_TEXT, LOOPBACK, VIEWPORTS  # noqa: E402

TARGET_RATIO = 4.0  # worst time to interactive under load / the single planner's
APPS = ("start", "readiness", "gaps", "plan")
NOTEBOOKS = {"start": "00_start.ipynb", "readiness": "01_readiness.ipynb",
             "gaps": "02_context_gap.ipynb", "plan": "03_followup_plan.ipynb"}
# The first control of each app; the probe marks when one is visible and enabled.
READY = ".totkit-join, .totkit-item, .totkit-factor, .totkit-check-status"
SESSION_DATE = date(2026, 8, 20)  # after the workshop below


# -- what each planner enters -------------------------------------------------------------


@dataclass
class Planner:
    number: int
    instrument: object  # totkit.instrument.Instrument
    factors: list[str]

    @property
    def name(self) -> str:
        return f"Peserta Beban {self.number:02d}"

    @property
    def viewport(self) -> dict[str, int]:
        return VIEWPORTS["phone" if self.number % 2 else "laptop"]

    def answers(self) -> dict[str, int]:
        items = [item.id for dim in self.instrument.dimensions for item in dim.items]
        return {item: 1 + (self.number + n) % 5 for n, item in enumerate(items)}

    def ratings(self) -> dict[str, tuple[int, int]]:
        return {factor: (1 + (self.number + n) % 5, 1 + (self.number + 2 * n + 1) % 5)
                for n, factor in enumerate(self.factors)}

    def session(self) -> dict[str, object]:
        return {"title": f"KKG pembelajaran aktif {self.number:02d}", "date": SESSION_DATE,
                "participants": 10 + self.number, "owner": self.name}


@dataclass
class Journey:
    planner: Planner
    started: float = 0.0
    tti_ms: dict[str, float] = field(default_factory=dict)
    step_s: dict[str, float] = field(default_factory=dict)
    kernels: dict[str, str] = field(default_factory=dict)  # app -> kernel id
    left_at: dict[str, float] = field(default_factory=dict)  # app -> when the page left it
    errors: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)  # error text or alerts on a page
    # What the page confirmed saved (its revision number): the first N answers, the
    # factors rated, the session. The store must hold all of it.
    answers_saved: int = 0
    factors_saved: list[str] = field(default_factory=list)
    session_saved: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.shown


# -- the journey, with Playwright's async API ---------------------------------------------


async def wait_ready(page, app: str, journey: Journey, timeout_ms: float) -> None:
    await page.wait_for_function("() => window.__bench && window.__bench.ready !== null",
                                 timeout=timeout_ms, polling=100)
    marks = await page.evaluate(READ_JS)
    journey.tti_ms[app] = marks["ready"]
    journey.kernels[app] = marks["kernelId"]


async def check_page(page, app: str, journey: Journey) -> None:
    """No error text, no alert: what a planner sees before leaving the app."""
    text = await page.locator("body").inner_text()
    if BAD_TEXT.search(text):
        journey.shown.append(f"{app}: error text: {BAD_TEXT.search(text).group(0)}")
    alerts = await page.locator(".totkit-message [role=alert]").all_inner_texts()
    journey.shown += [f"{app}: alert: {alert}" for alert in alerts if alert.strip()]


async def saved(page, after: int, timeout_ms: float) -> int:
    """Wait until the app reports a revision newer than ``after``; return it."""
    handle = await page.wait_for_function(
        """n => { const t = document.querySelector('.totkit-save-state').innerText;
                  const v = t.includes('revisi') ? parseInt(t.split('revisi')[1]) : 0;
                  return v > n ? v : false; }""",
        arg=after, timeout=timeout_ms, polling=100)
    return await handle.json_value()


async def join(page, code: str, planner: Planner, timeout_ms: float) -> str:
    await page.locator(".totkit-workshop-code input").fill(code)
    await page.locator(".totkit-name input").fill(planner.name)
    await page.locator(".totkit-role input").fill("Guru kelas V")
    await page.locator(".totkit-institution input").fill("SD Negeri 2 Sukamaju")
    consent = page.locator(".totkit-consent input[type=checkbox]")
    if await consent.count():
        await consent.check()
    await page.locator(".totkit-join").click()
    await page.wait_for_selector(".totkit-resume-code", timeout=timeout_ms)
    return (await page.locator(".totkit-resume-code").inner_text()).strip()


async def revision(page) -> int:
    text = await page.locator(".totkit-save-state").inner_text(timeout=5_000)
    return int(text.rsplit("revisi", 1)[1]) if "revisi" in text else 0


async def answer_everything(page, done: Journey, timeout_ms: float, think: float) -> None:
    planner = done.planner
    answers = planner.answers()
    answered = 0
    for dimension in planner.instrument.dimensions:
        for item in dimension.items:
            await asyncio.sleep(think)
            radio = page.locator(f".totkit-item-{item.id} input[type=radio]")
            await radio.nth(answers[item.id] - 1).check(timeout=timeout_ms)
        answered += len(dimension.items)
        await page.wait_for_function(
            "n => document.querySelector('.totkit-answer-count').innerText.startsWith(n + ' ')",
            arg=str(answered), timeout=timeout_ms)
        await page.locator(".totkit-next").click()
    await page.wait_for_selector(".totkit-results", state="visible", timeout=timeout_ms)
    version = 0
    while version < len(answers):  # every answer is a revision: wait for the last one
        version = await saved(page, version, timeout_ms)
    done.answers_saved = version


async def rate_factors(page, done: Journey, timeout_ms: float, think: float) -> None:
    planner = done.planner
    version = 0
    for factor, (assumed, reality) in planner.ratings().items():
        card = page.locator(f".totkit-factor-{factor}")
        await asyncio.sleep(think)
        await card.locator(".totkit-assumed select").select_option(index=assumed)
        await asyncio.sleep(think)
        await card.locator(".totkit-reality select").select_option(index=reality)
        version = await saved(page, version, timeout_ms)
        done.factors_saved.append(factor)


async def add_session(page, done: Journey, timeout_ms: float, think: float) -> None:
    values = done.planner.session()
    await page.locator(".totkit-add-sessions").click()
    form = page.locator(".totkit-form-sessions")
    await form.wait_for(state="visible", timeout=timeout_ms)
    for name, value in values.items():
        await asyncio.sleep(think)
        entry = form.locator(f".totkit-field-{name} input, .totkit-field-{name} textarea").first
        await entry.fill(value.isoformat() if isinstance(value, date) else str(value))
        await entry.press("Tab")
    await page.locator(".totkit-save-sessions").click()
    await page.wait_for_function(
        "() => document.querySelectorAll('.totkit-rows-sessions .totkit-row').length > 0",
        timeout=timeout_ms)
    await saved(page, 0, timeout_ms)
    done.session_saved = True


async def journey(browser, url: str, code: str, planner: Planner, timeout_s: float,
                  think: float = 0.0, shots: Path | None = None) -> Journey:
    done = Journey(planner, started=time.monotonic())
    timeout_ms = timeout_s * 1000
    context = await browser.new_context(viewport=planner.viewport)

    def watch(request) -> None:
        # Noted, not intercepted: routing would hold every request (the shutdown beacon of
        # a closing tab too) until this process answers it, which load makes slow.
        if urlparse(request.url).hostname not in LOOPBACK:
            done.errors.append(f"request off loopback: {request.url}")

    context.on("request", watch)
    await context.add_init_script(PROBE_JS % json.dumps(READY))
    page = await context.new_page()
    page.on("pageerror", lambda error: done.errors.append(f"page error: {error}"))
    step = "start"
    began = time.monotonic()

    def leave(app: str) -> None:
        nonlocal began
        done.left_at[app] = time.monotonic()
        done.step_s[app] = done.left_at[app] - began
        began = time.monotonic()

    try:
        await page.goto(f"{url}/voila/render/{NOTEBOOKS['start']}", wait_until="commit",
                        timeout=timeout_ms)
        await wait_ready(page, "start", done, timeout_ms)
        await asyncio.sleep(4 * think)  # reads the page, types four fields
        await join(page, code, planner, timeout_ms)
        await check_page(page, "start", done)

        step = "readiness"
        leave("start")
        await page.locator(".totkit-progress-diagnostic .totkit-section-link").click()
        await page.wait_for_url("**/01_readiness.ipynb?s=*", timeout=timeout_ms,
                                wait_until="commit")
        token = parse_qs(urlparse(page.url).query)["s"][0]
        await wait_ready(page, "readiness", done, timeout_ms)
        await answer_everything(page, done, timeout_ms, think)
        await check_page(page, "readiness", done)

        previous = "readiness"
        for step, act in (("gaps", rate_factors), ("plan", add_session)):
            leave(previous)
            await page.goto(f"{url}/voila/render/{NOTEBOOKS[step]}?s={token}",
                            wait_until="commit", timeout=timeout_ms)
            await wait_ready(page, step, done, timeout_ms)
            await act(page, done, timeout_ms, think)
            await check_page(page, step, done)
            previous = step
        step = "close"
    except Exception as error:  # a benchmark reports failures, it does not stop on them
        done.errors.append(f"{step}: {type(error).__name__}: {str(error).splitlines()[0]}")
        if step == "readiness":  # the answers the page had confirmed saved, in order
            with contextlib.suppress(Exception):
                done.answers_saved = await revision(page)
        if shots:
            with contextlib.suppress(Exception):
                await page.screenshot(path=str(shots / f"planner-{planner.number:02d}.png"),
                                      full_page=True)
    finally:
        leave(step if step != "close" else "plan")
        with contextlib.suppress(Exception):  # as a person closes the tab: unload handlers run
            async with page.expect_event("close", timeout=10_000):
                await page.close(run_before_unload=True)
        await context.close()
    return done


# -- the server's kernels, sampled in a thread ----------------------------------------------


class Sampler(threading.Thread):
    """Every ``interval`` s: the live kernels, their PSS and the server's PSS."""

    def __init__(self, server: Server, interval: float = 0.5):
        super().__init__(daemon=True)
        self.server = server
        self.interval = interval
        self.lock = threading.Lock()
        self.first_seen: dict[str, float] = {}
        self.gone_at: dict[str, float] = {}
        self.pss_kib: dict[str, int] = {}  # kernel id -> highest PSS seen
        self.peak = {"kernels": 0, "kernel_pss_kib": 0, "server_pss_kib": 0, "total_pss_kib": 0}
        self.live: dict[str, int] = {}
        self.cpu_now = {"server": 0.0, "kernels": 0.0}
        self.browser_cpu: dict[int, float] = {}  # pid -> CPU seconds last seen
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            self.sample()
            self.stopping.wait(self.interval)

    def sample(self) -> None:
        kernels = self.server.kernels()
        now = time.monotonic()
        self.sample_cpu(set(kernels.values()))
        sizes = {}
        for kernel_id, pid in kernels.items():
            with contextlib.suppress(OSError, KeyError):
                sizes[kernel_id] = memory_kib(pid)["pss"]
        server_pss = 0
        with contextlib.suppress(OSError, KeyError):
            server_pss = memory_kib(self.server.proc.pid)["pss"]
        with self.lock:
            for kernel_id in kernels:
                self.first_seen.setdefault(kernel_id, now)
            for kernel_id in self.live:
                if kernel_id not in kernels:
                    self.gone_at.setdefault(kernel_id, now)
            for kernel_id, pss in sizes.items():
                self.pss_kib[kernel_id] = max(pss, self.pss_kib.get(kernel_id, 0))
            self.live = kernels
            kernel_pss = sum(sizes.values())
            self.peak["kernels"] = max(self.peak["kernels"], len(kernels))
            self.peak["kernel_pss_kib"] = max(self.peak["kernel_pss_kib"], kernel_pss)
            self.peak["server_pss_kib"] = max(self.peak["server_pss_kib"], server_pss)
            self.peak["total_pss_kib"] = max(self.peak["total_pss_kib"], kernel_pss + server_pss)

    def sample_cpu(self, kernel_pids: set[int]) -> None:
        """CPU seconds so far of the server, its kernels and the browser.

        Kernels: those the server has reaped (its children's times) plus the live ones.
        Browser: Chromium and Playwright's driver (this process's children outside the
        server's tree), each as last seen, so a lower bound."""
        import psutil

        server_tree = self.server.tree()
        with contextlib.suppress(psutil.Error):
            own = self.server.process.cpu_times()
            kernels = own.children_user + own.children_system
            for process in server_tree[1:]:
                if process.pid in kernel_pids:
                    with contextlib.suppress(psutil.Error):
                        times = process.cpu_times()
                        kernels += times.user + times.system
            with self.lock:
                self.cpu_now["server"] = own.user + own.system
                self.cpu_now["kernels"] = kernels
        tree = {p.pid for p in server_tree}
        with contextlib.suppress(psutil.Error):
            for process in psutil.Process().children(recursive=True):
                if process.pid in tree:
                    continue
                with contextlib.suppress(psutil.Error):
                    times = process.cpu_times()
                    with self.lock:
                        self.browser_cpu[process.pid] = times.user + times.system

    def cpu_totals(self) -> dict[str, float]:
        with self.lock:
            return {**self.cpu_now, "browser": sum(self.browser_cpu.values())}

    def stop(self) -> None:
        self.stopping.set()
        self.join(5)


def machine_busy() -> float:
    """CPU seconds the whole machine spent busy so far (every process, anyone's)."""
    import psutil

    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


# -- the store --------------------------------------------------------------------------------


def check_store(db_url: str, folder: Path, workshop_code: str,
                journeys: list[Journey]) -> dict[str, dict[str, list[str]]]:
    """Per planner: ``lost``, what a page confirmed saved that the store does not hold (or
    holds wrong); ``not_entered``, what the journey never got to enter."""
    from totkit.store import Store

    store = Store(db_url, folder=folder)
    try:
        workbooks = {wb.profile.name: wb
                     for wb in store.load_workbooks(store.workshop_id(workshop_code))}
    finally:
        store.close()
    found: dict[str, dict[str, list[str]]] = {}
    for done in journeys:
        planner = done.planner
        lost: list[str] = []
        not_entered: list[str] = []
        found[planner.name] = {"lost": lost, "not_entered": not_entered}
        workbook = workbooks.get(planner.name)
        stored_answers = workbook.diagnostic.answers if workbook else {}
        for n, (item, value) in enumerate(planner.answers().items()):
            if n >= done.answers_saved:
                not_entered.append(f"answer {item}")
            elif stored_answers.get(item) != value:
                lost.append(f"answer {item}: stored {stored_answers.get(item)}, gave {value}")
        stored = {e.factor: (e.assumed, e.reality) for e in workbook.gaps.entries} \
            if workbook else {}
        for factor, pair in planner.ratings().items():
            if factor not in done.factors_saved:
                not_entered.append(f"gap {factor}")
            elif stored.get(factor) != pair:
                lost.append(f"gap {factor}: stored {stored.get(factor)}, gave {pair}")
        session = planner.session()
        held = workbook is not None and any(
            s.title == session["title"] and s.date == session["date"]
            and s.participants == session["participants"] for s in workbook.plan.sessions)
        if not done.session_saved:
            not_entered.append("session")
        elif not held:
            lost.append(f"session {session['title']!r}")
        if workbook is None and (done.answers_saved or done.factors_saved):
            lost.insert(0, "no workbook")
    return found


# -- one run ------------------------------------------------------------------------------------


def planners_for(count: int, first: int = 1) -> list[Planner]:
    from totkit.gaps import load_context
    from totkit.instrument import instrument_path, load_instrument

    instrument = load_instrument(instrument_path("readiness"))
    factors = [factor.id for factor in load_context().factors]
    return [Planner(n, instrument, factors) for n in range(first, first + count)]


def pool_sizes(preheat: int) -> dict[str, int]:
    from totkit.serve import ServeOptions, pool_sizes

    return pool_sizes(ServeOptions(preheat=preheat))


async def drive(server: Server, code: str, planners: list[Planner], spread: float,
                timeout_s: float, think: float, chromium: str, baseline: Planner | None,
                pool_kernels: int, shots: Path | None, mark, log=print) -> tuple:
    from playwright.async_api import async_playwright

    url = f"http://127.0.0.1:{server.port}"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        log(f"Chromium {browser.version}")
        try:
            single = None
            if baseline is not None:
                log("single planner, alone on the server ...")
                single = await journey(browser, url, code, baseline, timeout_s, think, shots)
                log(f"  done in {time.monotonic() - single.started:.0f} s; time to interactive "
                    + ", ".join(f"{a} {single.tti_ms.get(a, float('nan')):.0f} ms"
                                for a in APPS)
                    + ("" if single.ok else f"; PROBLEMS: {single.errors + single.shown}"))
                waited = await asyncio.to_thread(server.settle, pool_kernels)
                log(f"  server quiet again after {waited:.1f} s")
            log(f"{len(planners)} planners arriving over {spread:.0f} s ...")
            mark("load")
            began = time.monotonic()
            gap = spread / max(len(planners) - 1, 1) if len(planners) > 1 else 0

            async def arrive(index: int, planner: Planner) -> Journey:
                await asyncio.sleep(max(0.0, began + index * gap - time.monotonic()))
                done = await journey(browser, url, code, planner, timeout_s, think, shots)
                status = "ok" if done.ok else f"PROBLEMS: {(done.errors + done.shown)[:2]}"
                log(f"  planner {planner.number:02d}: {time.monotonic() - done.started:5.0f} s, "
                    f"start app interactive after {done.tti_ms.get('start', float('nan')):.0f}"
                    f" ms; {status}")
                return done

            journeys = await asyncio.gather(*(arrive(i, p) for i, p in enumerate(planners)))
            mark("done")
            return single, list(journeys), began
        finally:
            await browser.close()


def run(planners: int = 30, spread: float = 60, preheat: int = 2, timeout_s: float = 300,
        think: float = 1.0, chromium: str = CHROMIUM, baseline: bool = True,
        root: Path | None = None, log=print) -> dict:
    """One benchmark run; returns its summary (``report()`` prints it)."""
    from totkit.paths import notebooks_dir
    from totkit.store import Store

    root = root or Path(tempfile.mkdtemp(prefix="totkit-load-"))
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    shots = root / "screenshots"
    shots.mkdir(exist_ok=True)
    db_url = f"sqlite:///{data}/totkit.db"
    env = {**os.environ, "TOTKIT_DATA": str(data), "TOTKIT_DB": db_url,
           "PYTHONUNBUFFERED": "1", "PYTHONPYCACHEPREFIX": str(root / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("TOTKIT_TEMPLATES", None)
    store = Store(db_url, folder=data).prepare()
    code = store.create_workshop("TOT Pembelajaran Aktif (beban)", start_date=date(2026, 7, 29),
                                 end_date=date(2026, 8, 2)).code
    store.close()

    pools = pool_sizes(preheat)
    pool_kernels = sum(pools.values())
    everyone = planners_for(planners + (1 if baseline else 0), first=0 if baseline else 1)
    single_planner = everyone.pop(0) if baseline else None
    server = Server(notebooks_dir(), preheat, env, root / "serve.log")
    sampler = Sampler(server)
    summary: dict = {"planners": planners, "spread_s": spread, "pool_sizes": pools,
                     "think_s": think, "cpus": os.cpu_count(),
                     "server_log": str(server.log_path)}
    marks: dict[str, tuple[float, dict[str, float], float]] = {}

    def mark(name: str) -> None:
        marks[name] = (time.monotonic(), sampler.cpu_totals(), machine_busy())
    try:
        server.wait_http()
        waited = server.settle(pool_kernels)
        log(f"server on port {server.port}; pool sizes "
            + ", ".join(f"{app} {size}" for app, size in pools.items())
            + f", every other app 0; {pool_kernels} pooled kernel(s) ready after {waited:.1f} s")
        sampler.start()
        single, journeys, _ = asyncio.run(drive(
            server, code, everyone, spread, timeout_s, think, chromium, single_planner,
            pool_kernels, shots, mark, log))
        sampler.sample()
        mark("done")
        (start, cpu_start, busy_start), (end, cpu_end, busy_end) = marks["load"], marks["done"]
        summary["cpu"] = {"seconds": end - start,
                          "machine_busy_s": busy_end - busy_start,
                          **{name: cpu_end[name] - cpu_start.get(name, 0.0) for name in cpu_end}}
        closed = max(max(j.left_at.values(), default=0.0) for j in journeys)
        planner_kernels = {k for j in journeys for k in j.kernels.values() if k}
        if single:
            planner_kernels |= {k for k in single.kernels.values() if k}
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with sampler.lock:
                left = planner_kernels & set(sampler.live)
            if not left:
                break
            time.sleep(0.5)
        sampler.sample()
        with sampler.lock:
            live = dict(sampler.live)
            gone_at = dict(sampler.gone_at)
            first_seen = dict(sampler.first_seen)
            pss = dict(sampler.pss_kib)
            peak = dict(sampler.peak)
        summary.update(
            single=vars_of(single) if single else None,
            journeys=[vars_of(j) for j in journeys],
            store=check_store(db_url, data, code, [*([single] if single else []), *journeys]),
            peak=peak,
            live_after={"planner_kernels": sorted(planner_kernels & set(live)),
                        "all_kernels": len(live), "pool_kernels": pool_kernels,
                        "waited_s": time.monotonic() - closed},
        )
        summary["kernels"] = kernel_figures(journeys, single, gone_at, first_seen, pss)
        summary["last_close_to_gone_s"] = max(
            (gone_at.get(k, time.monotonic()) - closed for k in planner_kernels), default=0.0)
    finally:
        sampler.stop()
        server.stop()
    summary["tracebacks_in_log"] = tracebacks(server.log_path.read_text(errors="replace"))
    return summary


def tracebacks(log: str) -> list[str]:
    """The exception line of each traceback in the server's log (the facilitator's)."""
    found = []
    lines = log.splitlines()
    for n, line in enumerate(lines):
        if line.startswith("Traceback (most recent call last)"):
            found.append(next((later for later in lines[n + 1:]
                               if later and not later[0].isspace()), "?")[:200])
    return found


def vars_of(journey: Journey) -> dict:
    return {"planner": journey.planner.number, "name": journey.planner.name,
            "viewport": journey.planner.viewport["width"], "tti_ms": journey.tti_ms,
            "step_s": journey.step_s, "kernels": journey.kernels, "errors": journey.errors,
            "shown": journey.shown, "left_at": journey.left_at, "started": journey.started,
            "answers_saved": journey.answers_saved, "factors_saved": journey.factors_saved,
            "session_saved": journey.session_saved}


def kernel_figures(journeys: list[Journey], single: Journey | None, gone_at: dict,
                   first_seen: dict, pss: dict) -> dict:
    """Per app: the kernel's PSS, whether it was preheated, and how long it outlived its page."""
    figures: dict = {}
    for app in APPS:
        rows = [(j, j.kernels.get(app)) for j in journeys if j.kernels.get(app)]
        figures[app] = {
            "pss_kib": [pss[k] for _, k in rows if k in pss],
            "pooled": sum(1 for j, k in rows if first_seen.get(k, 1e18) < j.started),
            "gone_after_s": [gone_at[k] - j.left_at[app] for j, k in rows
                             if k in gone_at and app in j.left_at],
            "not_gone": sum(1 for _, k in rows if k not in gone_at),
        }
    per_planner = [max((pss.get(k, 0) for k in j.kernels.values() if k), default=0)
                   for j in journeys]
    figures["per_planner_pss_kib"] = [v for v in per_planner if v]
    if single:
        figures["single_pss_kib"] = {app: pss.get(k) for app, k in single.kernels.items()}
    return figures


# -- the report --------------------------------------------------------------------------------


def stats(values: list[float]) -> dict | None:
    if not values:
        return None
    return {"median": statistics.median(values), "max": max(values), "min": min(values),
            "n": len(values)}


def report(summary: dict, log=print) -> dict:
    journeys = summary["journeys"]
    single = summary["single"]
    pools = summary["pool_sizes"]
    log("")
    log(f"{summary['planners']} planners over {summary['spread_s']:.0f} s on {summary['cpus']} "
        f"CPUs, {summary['think_s']:g} s between a planner's actions; pool sizes: "
        + ", ".join(f"{a} {s}" for a, s in pools.items()) + ", every other app 0")
    log("")
    log("Time to interactive (ms since navigation start): single planner | "
        "under load median, worst | worst / single")
    verdict: dict = {}
    for app in APPS:
        under = stats([j["tti_ms"][app] for j in journeys if app in j["tti_ms"]])
        alone = single["tti_ms"].get(app) if single else None
        ratio = under["max"] / alone if under and alone else None
        verdict[app] = {"single_ms": alone, "load_ms": under, "worst_ratio": ratio}
        log(f"  {app:<10} {alone or float('nan'):7.0f} | "
            + (f"{under['median']:7.0f} {under['max']:7.0f} (n={under['n']})" if under
               else "    n/a")
            + (f" | {ratio:5.1f}x" if ratio else " |   n/a"))
    log("")
    steps = {app: stats([j["step_s"][app] for j in journeys if app in j["step_s"]])
             for app in APPS}
    log("Time in each app, arrival to leaving (s, median / worst): " + ", ".join(
        f"{app} {s['median']:.0f} / {s['max']:.0f}" for app, s in steps.items() if s))
    log("")
    kernels = summary["kernels"]
    mib = 1024
    log("Kernel memory, PSS (MiB; highest seen per kernel): median [min-max]")
    for app in APPS:
        values = stats(kernels[app]["pss_kib"])
        if values:
            log(f"  {app:<10} {values['median'] / mib:6.1f} [{values['min'] / mib:.1f}-"
                f"{values['max'] / mib:.1f}]   preheated kernels used: {kernels[app]['pooled']}")
    per_planner = stats(kernels["per_planner_pss_kib"])
    peak = summary["peak"]
    if per_planner:
        log(f"  per planner (one kernel at a time): median {per_planner['median'] / mib:.1f}, "
            f"worst {per_planner['max'] / mib:.1f}")
    log(f"  peak: {peak['kernels']} live kernels, {peak['kernel_pss_kib'] / mib:.0f} MiB in "
        f"kernels, server {peak['server_pss_kib'] / mib:.0f} MiB, together "
        f"{peak['total_pss_kib'] / mib:.0f} MiB")
    log("")
    cpu = summary.get("cpu")
    if cpu:
        planners = summary["planners"]
        log(f"CPU while the planners worked ({cpu['seconds']:.0f} s, {summary['cpus']} CPUs, "
            f"the machine busy {cpu['machine_busy_s'] / cpu['seconds'] / summary['cpus']:.0%}"
            f"): server {cpu['server']:.0f} s, kernels {cpu['kernels']:.0f} s, browser "
            f"{cpu['browser']:.0f} s (at least); server and kernels per planner "
            f"{(cpu['server'] + cpu['kernels']) / planners:.1f} s")
        log("")
    gone = stats([v for app in APPS for v in kernels[app]["gone_after_s"]])
    not_gone = sum(kernels[app]["not_gone"] for app in APPS)
    after = summary["live_after"]
    log("Kernels after a page was left (link, next app or closed tab): gone after "
        + (f"median {gone['median']:.1f} s, worst {gone['max']:.1f} s (n={gone['n']})"
           if gone else "n/a") + f"; never gone: {not_gone}")
    log(f"  after the last tab closed: {len(after['planner_kernels'])} planners' kernel(s) "
        f"alive {after['waited_s']:.0f} s later, {after['all_kernels']} kernel(s) in all "
        f"(the pools hold {after['pool_kernels']}); the last went "
        f"{summary['last_close_to_gone_s']:.1f} s after it closed")
    log("")
    store = summary["store"]
    lost = {name: found["lost"] for name, found in store.items() if found["lost"]}
    short = {name: len(found["not_entered"]) for name, found in store.items()
             if found["not_entered"]}
    log(f"Store: {len(store) - len(lost)} of {len(store)} planners have everything their "
        f"pages confirmed saved; entries lost: {sum(len(v) for v in lost.values())}"
        + "".join(f"\n  {name}: {wrong[:3]}" for name, wrong in lost.items()))
    log(f"  planners whose journey ended before entering everything: {len(short)}"
        + (f" ({sum(short.values())} entries never made)" if short else ""))
    failed = [j for j in journeys if j["errors"]]
    shown = [j for j in journeys if j["shown"]]
    logged = summary["tracebacks_in_log"]
    log(f"Journeys with an error: {len(failed)}; with an error shown on the page: "
        f"{len(shown)}; tracebacks in the server's log: {len(logged)}"
        + "".join(f"\n  {line}" for line in sorted(set(logged))))
    for j in failed + [j for j in shown if j not in failed]:
        log(f"  planner {j['planner']:02d}: {(j['errors'] + j['shown'])[:3]}")
    worst = max((v["worst_ratio"] for v in verdict.values() if v["worst_ratio"]), default=None)
    start_ratio = verdict["start"]["worst_ratio"]
    met = {
        "nothing lost": not lost,
        "no error shown": not failed and not shown,
        f"worst start-app time to interactive <= {TARGET_RATIO:.0f}x single":
            start_ratio is not None and start_ratio <= TARGET_RATIO,
        f"worst time to interactive of every app <= {TARGET_RATIO:.0f}x single":
            worst is not None and worst <= TARGET_RATIO,
    }
    log("")
    log("Target: nothing lost, no error shown, worst time to interactive within "
        f"{TARGET_RATIO:.0f}x a single planner")
    for name, ok in met.items():
        log(f"  {name}: {'met' if ok else 'NOT met'}")
    summary["tti"] = verdict
    summary["met"] = met
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--planners", type=int, default=30)
    parser.add_argument("--spread", type=float, default=60,
                        help="seconds over which the planners arrive, evenly (default 60)")
    parser.add_argument("--preheat", type=int, default=2,
                        help="totkit serve --preheat N: kernels kept ready per entry app")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per wait")
    parser.add_argument("--think", type=float, default=1.0,
                        help="seconds a planner takes before each answer, rating or field "
                        "(default 1; people take longer)")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the single planner alone first")
    parser.add_argument("--chromium", default=CHROMIUM)
    parser.add_argument("--json", type=Path, help="write every measurement to this file")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary folder (store, server log, screenshots)")
    args = parser.parse_args()

    from importlib.metadata import version

    print(f"totkit load benchmark: voila {version('voila')}, ipywidgets "
          f"{version('ipywidgets')}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    root = Path(tempfile.mkdtemp(prefix="totkit-load-"))
    with work_folder(root, args.keep):
        summary = run(args.planners, args.spread, args.preheat, args.timeout, args.think,
                      args.chromium, baseline=not args.no_baseline, root=root,
                      log=lambda text: print(text, flush=True))
        report(summary)
        write_results(args.json, summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
