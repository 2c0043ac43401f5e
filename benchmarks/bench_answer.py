"""Benchmark: changing an answer in the readiness app against a bare button click.

Target (from the issue): changing an answer updates the numbers shown within 2x the round
trip of a bare button click measured in the same page session.  Chart redraws are
debounced (``CHART_DELAY`` after the last answer) and timed separately, in-process.

It serves a temporary copy of the notebooks folder the way ``totkit serve`` does (through
``benchmarks/bench_start.py``'s server helpers), where ``01_readiness.ipynb`` gets an
extra cell after the app: a bare ipywidgets Button (``bench-button``) whose click handler
increments a counter shown in a Label (``bench-label``), and, as a reference only, a bare
RadioButtons (``bench-radio``) that bumps the same counter.  A workshop and a planner are
created in the temporary store with the totkit API, every item pre-answered with the
middle of the scale (so every dimension has a score), and the page opens directly at
``01_readiness.ipynb?s=<token>``.  In that one page session it then alternates, after
warm-up, N times:

(a) a click on the bare button, timed in the page from right before the click (dispatched
    from inside the page) to the label's text changing (MutationObserver +
    ``performance.now()``): click -> kernel -> label update;
(b) a click on another radio of the first item of the visible dimension page, timed the
    same way to the first change of ``.totkit-answer-count`` or of that page's
    ``.totkit-dimension-score`` (the numbers shown); the change of ``.totkit-live-score``
    is recorded too;
(c) a click on the bare radio (reference: what ipywidgets' state-update path alone costs).

Between measurements it waits for the server and kernel to be idle (after an answer, also
for the debounced chart redraw).  To show where an answer's time goes, an init script
timestamps the kernel websocket frames sent and received in the page, and a second extra
cell (instrumentation only; ``--no-kernel-timings`` leaves it out) times ``answer()``,
``save()``, ``redraw_numbers()`` and the debounced chart inside the served kernel.  Then,
in a separate process, it times in-process ``ReadinessApp.redraw_chart()`` (the first
call, with the matplotlib import, apart), ``redraw_numbers()``, ``save()`` and
``answer()``, and profiles ``answer()`` (printed when the target is missed, or with
``--profile``)::

    .venv/bin/python benchmarks/bench_answer.py --runs 20 --json benchmarks/results/answer.json

``--cell change.py`` runs a Python file as one more cell after the app in the served
kernel, to try a change to the app (e.g. patching ``ReadinessApp.answer``) without editing
totkit; the in-process timings always use the app as it is.

It reports what it measured and exits 0 either way, unless ``--strict`` is given.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_start import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PYTHON,
    Server,
    shut_down_kernel,
)

READINESS_NOTEBOOK = "01_readiness.ipynb"
TARGET = 2.0  # answer -> numbers may take at most this many times button -> label (medians)

BENCH_CELL = """import ipywidgets as _bench_widgets

_bench_count = 0
_bench_label = _bench_widgets.Label(value="0")
_bench_label.add_class("bench-label")
_bench_button = _bench_widgets.Button(description="Bench")
_bench_button.add_class("bench-button")


def _bench_click(_button):
    global _bench_count
    _bench_count += 1
    _bench_label.value = str(_bench_count)


_bench_button.on_click(_bench_click)
# A reference, not the baseline: the same round trip through a radio's state update.
_bench_radio = _bench_widgets.RadioButtons(options=[("a", 1), ("b", 2)], value=None)
_bench_radio.add_class("bench-radio")
_bench_radio.observe(lambda _change: _bench_click(None), names="value")
_bench_widgets.HBox([_bench_button, _bench_label, _bench_radio])"""

# A second extra cell, instrumentation only: wraps ReadinessApp.answer, .save and
# .redraw_numbers (looked up on the instance at each call) and the app's debounced chart
# action with perf_counter() timers, kept in the kernel until the "dump" button asks.
TIMING_CELL = """import gc as _bench_gc
import json as _bench_json
import time as _bench_time

import ipywidgets as _bench_widgets
from totkit.ui.readiness import ReadinessApp as _BenchApp

_bench_records = []


def _bench_timed(name, function):
    def timed(*args, **kwargs):
        began = _bench_time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            _bench_records.append((name, began, _bench_time.perf_counter()))

    return timed


for _bench_name in ("answer", "save", "redraw_numbers"):
    setattr(_BenchApp, _bench_name, _bench_timed(_bench_name, getattr(_BenchApp, _bench_name)))
for _bench_app in [o for o in _bench_gc.get_objects() if isinstance(o, _BenchApp)]:
    if hasattr(_bench_app, "chart_debounced"):
        _bench_app.chart_debounced.action = _bench_timed("chart", _bench_app.chart_debounced.action)

_bench_out = _bench_widgets.HTML()
_bench_out.add_class("bench-dump-out")
_bench_dump = _bench_widgets.Button(description="dump")
_bench_dump.add_class("bench-dump")
_bench_dump.on_click(lambda _b: setattr(_bench_out, "value", _bench_json.dumps(_bench_records)))
_bench_widgets.HBox([_bench_dump, _bench_out])"""

# Runs in the page before its scripts: the arrival time of every kernel websocket frame.
FRAMES_JS = """
(() => {
  const frames = window.__benchFrames = [];
  const sent = window.__benchSent = [];
  const Native = window.WebSocket;
  class Probe extends Native {
    constructor(...args) {
      super(...args);
      this.__kernel = String(args[0]).includes("/channels");
      if (this.__kernel) {
        this.addEventListener("message", () => { frames.push(performance.now()); });
      }
    }
    send(data) {
      if (this.__kernel) sent.push(performance.now());
      return super.send(data);
    }
  }
  window.WebSocket = Probe;
})();
"""

# Runs in the page: notes the text of the watched elements, starts a MutationObserver on
# the body, takes performance.now() and clicks, all in one task; resolves with the ms from
# the click to each watched element's first text change.  The round trip ends at the first
# change of a "primary" element; the others get `extraMs` more to change.
MEASURE_JS = """async ({click, index, watch, primary, extraMs, timeoutMs}) => {
  const read = (sel) => { const el = document.querySelector(sel);
                          return el ? el.textContent : null; };
  const names = Object.keys(watch);
  const before = Object.fromEntries(names.map((k) => [k, read(watch[k])]));
  const target = document.querySelectorAll(click)[index || 0];
  if (!target) return {error: "nothing matches " + click + " #" + (index || 0)};
  const frames = window.__benchFrames || [];
  const firstFrame = frames.length;
  const sent = window.__benchSent || [];
  const firstSent = sent.length;
  return await new Promise((resolve) => {
    const changed = {};
    let t0 = 0, primaryAt = null, done = false, extra = null, timer = null, observer = null;
    const finish = (why) => {
      if (done) return;
      done = true;
      observer.disconnect(); clearTimeout(timer); clearTimeout(extra);
      resolve({changed, primary: primaryAt, why, before,
               frames: frames.slice(firstFrame).map((t) => t - t0),
               sent: sent.slice(firstSent).map((t) => t - t0),
               after: Object.fromEntries(names.map((k) => [k, read(watch[k])]))});
    };
    const check = () => {
      const now = performance.now() - t0;
      for (const k of names) {
        if (!(k in changed) && read(watch[k]) !== before[k]) changed[k] = now;
      }
      if (primaryAt === null && primary.some((k) => k in changed)) {
        primaryAt = Math.min(...primary.filter((k) => k in changed).map((k) => changed[k]));
        extra = setTimeout(() => finish("extra"), extraMs);
      }
      if (Object.keys(changed).length === names.length) finish("all");
    };
    observer = new MutationObserver(check);
    observer.observe(document.body, {subtree: true, childList: true, characterData: true});
    timer = setTimeout(() => finish("timeout"), timeoutMs);
    t0 = performance.now();
    target.click();
  });
}"""

KERNEL_ID_JS = """() => {
  try { return JSON.parse(document.getElementById("jupyter-config-data").textContent).kernelId; }
  catch (e) { return null; }
}"""


# -- set-up: the served folder and the planner ----------------------------------------------


def make_folder(root: Path, kernel_timings: bool = True, extra_cells: tuple = ()) -> Path:
    """A copy of the shipped notebooks; the readiness app gets the bare button cell after it
    (then any ``extra_cells`` sources, then the timing cell)."""
    from totkit.paths import notebooks_dir

    folder = root / "notebooks"
    shutil.copytree(notebooks_dir(), folder,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    path = folder / READINESS_NOTEBOOK
    notebook = json.loads(path.read_text(encoding="utf-8"))
    extra = [("benchbtn1", BENCH_CELL)]
    extra += [(f"benchext{n}", source) for n, source in enumerate(extra_cells)]
    if kernel_timings:
        extra.append(("benchtim1", TIMING_CELL))
    for cell_id, source in extra:
        notebook["cells"].append({"cell_type": "code", "execution_count": None, "id": cell_id,
                                  "metadata": {}, "outputs": [],
                                  "source": source.splitlines(True)})
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return folder


def new_planner(store, name: str, prefill: bool = True) -> tuple[str, str]:
    """A workshop and a planner; every item answered with the scale's middle value.

    Returns (session token, workbook id).
    """
    from totkit.instrument import instrument_path, load_instrument
    from totkit.model import Diagnostic

    instrument = load_instrument(instrument_path("readiness"))
    workshop = store.create_workshop(f"Benchmark workshop ({name})")
    joined = store.join(workshop.code, {"name": name})
    if prefill:
        middle = instrument.scale[len(instrument.scale) // 2].value
        store.save_section(joined.workbook_id, "diagnostic",
                           Diagnostic(instrument=instrument.ref(),
                                      answers={item: middle for item in instrument.items}), 0)
    return joined.token, joined.workbook_id


# -- the page session ------------------------------------------------------------------------


def wait_quiet(server: Server, since: float = 0.0, window: float = 0.3, tick: float = 0.05,
               idle_cpu: float = 0.03, timeout: float = 30.0) -> float:
    """Wait until ``since`` (monotonic) has passed and the server tree has used under
    ``idle_cpu`` of a CPU for ``window`` seconds; returns the seconds waited."""
    start = time.monotonic()
    if since > start:
        time.sleep(since - start)
    samples = [(time.monotonic(), server.cpu_seconds())]
    while time.monotonic() - start < timeout:
        time.sleep(tick)
        samples.append((time.monotonic(), server.cpu_seconds()))
        now = samples[-1][0]
        old = [s for s in samples if now - s[0] >= window]
        if old:
            then, cpu_then = old[-1]
            if (samples[-1][1] - cpu_then) < idle_cpu * (now - then):
                return time.monotonic() - start
            samples = samples[samples.index(old[-1]):]
    return time.monotonic() - start


def process_cpu(pid: int | None) -> float:
    import psutil

    if not pid:
        return 0.0
    try:
        times = psutil.Process(pid).cpu_times()
        return times.user + times.system
    except psutil.Error:
        return 0.0


def page_session(browser, server: Server, token: str, args) -> dict:
    from totkit.instrument import instrument_path, load_instrument
    from totkit.ui.readiness import CHART_DELAY

    instrument = load_instrument(instrument_path("readiness"))
    dimension = instrument.dimensions[0]
    item = dimension.items[0]
    choices = len(instrument.scale)
    button_watch = {"label": ".bench-label"}
    answer_watch = {
        "count": ".totkit-answer-count",
        "dimension": f".totkit-dimension-{dimension.id} .totkit-dimension-score",
        "live": ".totkit-live-score",
    }
    timeout_ms = args.timeout * 1000
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(FRAMES_JS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    frames = {"in": 0, "out": 0, "in_bytes": 0, "out_bytes": 0}

    def count(way: str, payload) -> None:  # type: ignore[no-untyped-def]
        frames[way] += 1
        frames[f"{way}_bytes"] += len(payload)

    def on_websocket(websocket) -> None:  # type: ignore[no-untyped-def]
        if "/channels" in websocket.url:  # the kernel's websocket
            websocket.on("framereceived", lambda payload: count("in", payload))
            websocket.on("framesent", lambda payload: count("out", payload))

    page.on("websocket", on_websocket)

    def frames_now() -> dict[str, int]:
        page.evaluate("0")  # let Playwright deliver the websocket events seen so far
        return dict(frames)

    def frames_since(before: dict[str, int]) -> dict[str, int]:
        after = frames_now()
        return {k: after[k] - before[k] for k in after}
    session: dict = {"item": item.id, "dimension": dimension.id, "pairs": [], "errors": errors}
    kernel_id = pid = None
    try:
        began = time.monotonic()
        page.goto(server.url(READINESS_NOTEBOOK) + f"?s={token}", timeout=timeout_ms)
        for selector in (f".totkit-item-{item.id} input[type=radio]", "button.bench-button",
                         ".bench-label", answer_watch["dimension"]):
            page.wait_for_selector(selector, state="visible", timeout=timeout_ms)
        session["page_ready_s"] = time.monotonic() - began
        kernel_id = page.evaluate(KERNEL_ID_JS)
        pid = server.kernels().get(kernel_id or "")
        session.update(kernel_id=kernel_id, kernel_pid=pid)
        wait_quiet(server)
        print(f"page ready after {session['page_ready_s']:.1f} s (kernel pid {pid}); "
              f"answer item {item.id} on dimension {dimension.id}, toggled between choices "
              f"1 and {choices}", flush=True)

        def measure(kind: str, settle_s: float, **spec) -> dict:
            seen = frames_now()
            cpu0, kcpu0 = server.cpu_seconds(), process_cpu(pid)
            clicked = time.monotonic()
            result = page.evaluate(MEASURE_JS, {"index": 0, "extraMs": 0,
                                                "timeoutMs": timeout_ms, **spec})
            # Wait for the server tree to go idle (after an answer, also for the debounced
            # chart redraw) before the next measurement.
            wait_quiet(server, since=clicked + settle_s)
            pair[f"{kind}_cpu_ms"] = (server.cpu_seconds() - cpu0) * 1000
            pair[f"{kind}_kernel_cpu_ms"] = (process_cpu(pid) - kcpu0) * 1000
            pair[f"{kind}_frames"] = frames_since(seen)
            return result

        radio = f".totkit-item-{item.id} input[type=radio]"
        total = args.warmup + args.runs
        for index in range(total):
            warm = index < args.warmup
            pair: dict = {"run": index - args.warmup, "warmup": warm}
            # (a) the bare button
            pair["button"] = measure("button", 0.05, click="button.bench-button",
                                     watch=button_watch, primary=["label"])
            # (b) another answer: alternately the first and the last choice
            choice = 1 if index % 2 == 0 else choices
            pair["answer_choice"] = choice
            pair["answer"] = measure("answer", CHART_DELAY + 0.1, click=radio, index=choice - 1,
                                     watch=answer_watch, primary=["count", "dimension"],
                                     extraMs=2000)
            # (c) reference: a bare radio -> the same label
            if args.radio:
                pair["radio"] = measure("radio", 0.05, click=".bench-radio input[type=radio]",
                                        index=index % 2, watch=button_watch, primary=["label"])
            session["pairs"].append(pair)
            b, a, r = pair["button"], pair["answer"], pair.get("radio", {})
            label = "warm-up" if warm else f"run {index - args.warmup + 1}/{args.runs}"
            problems = [f"{kind}: {m.get('why') or m.get('error')}"
                        for kind, m in (("button", b), ("answer", a), ("radio", r))
                        if kind in pair and m.get("primary") is None]
            print(f"  {label:<10} button {fmt_ms(b.get('primary'))}   answer "
                  f"{fmt_ms(a.get('primary'))} (live score "
                  f"{fmt_ms(a.get('changed', {}).get('live'))})"
                  + (f"   bare radio {fmt_ms(r.get('primary'))}" if r else "")
                  + f"   kernel CPU {pair['button_kernel_cpu_ms']:.0f} / "
                  f"{pair['answer_kernel_cpu_ms']:.0f} ms"
                  + (f"   !! {'; '.join(problems)}" if problems else ""), flush=True)
        if args.kernel_timings:
            session["kernel_records"] = dump_kernel_records(page, timeout_ms)
    except Exception as error:  # a benchmark reports failures, it does not stop on them
        session["error"] = f"{type(error).__name__}: {str(error).splitlines()[0]}"
        print(f"  page session failed: {session['error']}", flush=True)
    finally:
        if kernel_id is None:
            try:
                kernel_id = page.evaluate(KERNEL_ID_JS)
                pid = server.kernels().get(kernel_id or "")
            except Exception:
                pass
        shut_down_kernel(page, server, kernel_id, pid)
        context.close()
    return session


def dump_kernel_records(page, timeout_ms: float) -> list:
    page.locator("button.bench-dump").click()
    page.wait_for_function(
        "() => (document.querySelector('.bench-dump-out') || {}).textContent", timeout=timeout_ms)
    return json.loads(page.locator(".bench-dump-out").text_content())


def kernel_phases(records: list, answers: int) -> list[dict]:
    """Per answer() call in the real kernel: ms in it, in save(), in redraw_numbers(), and
    the chart redraw that followed; in the order of the answers given."""
    calls = [r for r in records if r[0] == "answer"]
    phases = []
    for n, (_, began, ended) in enumerate(calls[:answers]):
        inner = {name: (e - b) * 1000 for name, b, e in records
                 if name in ("save", "redraw_numbers") and began <= b and e <= ended}
        following = calls[n + 1][1] if n + 1 < len(calls) else math.inf
        charts = [(e - b) * 1000 for name, b, e in records
                  if name == "chart" and ended <= b < following]
        phases.append({"answer": (ended - began) * 1000, **inner,
                       "chart": charts[0] if charts else None})
    return phases


def fmt_ms(value: float | None) -> str:
    return "   n/a" if value is None else f"{value:6.1f}"


# -- in-process timings (a child process, so the matplotlib import is its first) ----------


def inprocess(runs: int, profile_runs: int) -> dict:
    import cProfile
    import io
    import pstats

    out: dict = {"matplotlib_already_imported": "matplotlib" in sys.modules}
    began = time.perf_counter()
    from totkit.store import open_store
    from totkit.ui.readiness import ReadinessApp
    from totkit.ui.request import Request

    out["import_ms"] = (time.perf_counter() - began) * 1000
    store = open_store()
    token, _ = new_planner(store, "In-process Planner")
    began = time.perf_counter()
    # A chart delay that never comes: the debounced redraw must not run during the timings.
    app = ReadinessApp(Request(in_voila=True, session=token), store=store, chart_delay=3600)
    out["build_ms"] = (time.perf_counter() - began) * 1000
    item = app.instrument.dimensions[0].items[0].id
    low, high = app.instrument.scale[0].value, app.instrument.scale[-1].value

    def timed(action, count: int) -> list[float]:
        values = []
        for n in range(count):
            began = time.perf_counter()
            action(n)
            values.append((time.perf_counter() - began) * 1000)
        return values

    began = time.perf_counter()
    app.redraw_chart()
    out["chart_first_ms"] = (time.perf_counter() - began) * 1000
    out["chart_svg_bytes"] = len(app.chart.value.encode())
    out["chart_ms"] = timed(lambda n: app.redraw_chart(), runs)
    out["numbers_ms"] = timed(lambda n: app.redraw_numbers(), runs)

    def save(n: int) -> None:
        app.answers[item] = low if n % 2 == 0 else high
        assert app.save()

    out["save_ms"] = timed(save, runs)
    out["score_ms"] = timed(lambda n: app.result(), runs)
    def other() -> int:  # always a change: answer() ignores the value already given
        return low if app.answers.get(item) != low else high

    out["answer_ms"] = timed(lambda n: app.answer(item, other()), runs)

    profiler = cProfile.Profile()
    for _ in range(profile_runs):
        value = other()
        profiler.enable()
        app.answer(item, value)
        profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.strip_dirs().sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(15)
    out["profile"] = text.getvalue()
    out["profile_runs"] = profile_runs
    store.close()
    return out


def run_inprocess(env: dict[str, str], args) -> dict:
    done = subprocess.run(
        [PYTHON, __file__, "--_inprocess", "--runs", str(args.inprocess_runs),
         "--profile-runs", str(args.profile_runs)],
        env=env, capture_output=True, text=True)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip()
                else f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the report -----------------------------------------------------------------------------


def stats(values: list[float]) -> dict | None:
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    return {"median": statistics.median(values), "p90": values[math.ceil(0.9 * len(values)) - 1],
            "max": values[-1], "min": values[0], "n": len(values)}


def line(name: str, stat: dict | None, width: int = 44) -> str:
    if stat is None:
        return f"  {name:<{width}} n/a"
    return (f"  {name:<{width}} {stat['median']:7.1f} {stat['p90']:7.1f} {stat['max']:7.1f}"
            f" {stat['min']:7.1f}  (n={stat['n']})")


def report(session: dict, local: dict, args) -> dict:
    pairs = [p for p in session.get("pairs", []) if not p["warmup"]]
    button = stats([p["button"].get("primary") for p in pairs])
    answer = stats([p["answer"].get("primary") for p in pairs])
    live = stats([p["answer"].get("changed", {}).get("live") for p in pairs])
    which = [min(("count", "dimension"),
                 key=lambda k: p["answer"].get("changed", {}).get(k, math.inf))
             for p in pairs if p["answer"].get("primary") is not None]
    ratio = answer["median"] / button["median"] if answer and button else None
    met = None if ratio is None else ratio <= TARGET
    header = f"  {'':<44} {'median':>7} {'p90':>7} {'max':>7} {'min':>7}"
    print()
    print(f"Round trips in one page session (ms from the click, dispatched in the page, to the "
          f"DOM text change; {len(pairs)} pairs after {args.warmup} warm-up)")
    print(header)
    print(line("(a) bare button -> label", button))
    print(line("(b) answer -> numbers (count/dimension score)", answer))
    print(line("    answer -> live score (.totkit-live-score)", live))
    radio = stats([p["radio"].get("primary") for p in pairs if "radio" in p])
    if radio:
        print(line("(c) reference: bare radio -> label", radio))
    if which:
        print(f"  numbers: first change was the dimension score in "
              f"{which.count('dimension')}/{len(which)} answers (the count does not change "
              f"when an answered item changes)")
    missed = [p for p in pairs if p["answer"].get("primary") is None
              or p["button"].get("primary") is None]
    if missed:
        print(f"  {len(missed)} measurement(s) saw no change within {args.timeout:.0f} s")
    def mean(values: list[float]) -> float:
        return statistics.fmean(values) if values else float("nan")

    # CPU times tick in 10 ms: the mean over the runs resolves more than a median would.
    kinds = [k for k in ("button", "answer", "radio") if pairs and k in pairs[0]]
    cpu = {f"{kind}_{k}": mean([p[f"{kind}_{k}"] for p in pairs])
           for kind in kinds for k in ("kernel_cpu_ms", "cpu_ms")}
    wire = {kind: {k: mean([p[f"{kind}_frames"][k] for p in pairs])
                   for k in ("in", "out", "in_bytes", "out_bytes")}
            for kind in kinds}
    print("  per action, mean (CPU: kernel / whole server tree, an answer's includes its "
          "debounced chart redraw; kernel websocket frames received (bytes) / sent):")
    for kind in kinds:
        w = wire[kind]
        print(f"    {kind:<7} CPU {cpu[f'{kind}_kernel_cpu_ms']:6.1f} / "
              f"{cpu[f'{kind}_cpu_ms']:6.1f} ms   frames in {w['in']:5.1f} "
              f"({w['in_bytes'] / 1024:6.1f} KiB) / out {w['out']:4.1f}")
    print("  where the time goes, medians in ms from the click (kernel frames = websocket "
          "frames received from the kernel, timed at arrival in the page):")
    for kind in kinds:
        sent = stats([p[kind]["sent"][0] for p in pairs if p[kind].get("sent")])
        first = stats([p[kind]["frames"][0] for p in pairs if p[kind].get("frames")])
        before = stats([sum(1 for t in p[kind].get("frames", []) if t <= p[kind]["primary"])
                        for p in pairs if p[kind].get("primary") is not None])
        last = stats([p[kind]["primary"] - max(t for t in p[kind]["frames"]
                                               if t <= p[kind]["primary"])
                      for p in pairs if p[kind].get("primary") is not None
                      and any(t <= p[kind]["primary"] for t in p[kind].get("frames", []))])
        print(f"    {kind:<7} sent {sent['median'] if sent else math.nan:4.1f}, "
              f"first kernel frame {first['median'] if first else math.nan:5.1f}"
              f", frames before the text changed {before['median'] if before else math.nan:4.1f}"
              f", last of them -> DOM change {last['median'] if last else math.nan:4.1f}")
    phases = []
    if session.get("kernel_records") is not None:
        all_phases = kernel_phases(session["kernel_records"], len(session.get("pairs", [])))
        phases = [ph for ph, p in zip(all_phases, session.get("pairs", []), strict=False)
                  if not p["warmup"]]
        print("  in the real kernel (perf_counter around the methods; median / p90 / max ms):")
        for key, name in (("answer", "answer()"), ("save", "  save()"),
                          ("redraw_numbers", "  redraw_numbers()"),
                          ("chart", "debounced chart redraw (timer thread)")):
            st = stats([ph.get(key) for ph in phases])
            print(f"    {name:<40}" + (f" {st['median']:6.1f} / {st['p90']:6.1f} / "
                                        f"{st['max']:6.1f}" if st else " n/a"))
    if session.get("errors"):
        print(f"  page errors: {session['errors'][:3]}")
    if session.get("error"):
        print(f"  the page session failed: {session['error']}")

    print()
    if "error" in local:
        print(f"In-process timings failed: {local['error']}")
    else:
        print(f"In-process (a fresh Python process; widgets without a kernel, so no comm "
              f"messages are serialized or sent; {args.inprocess_runs} runs each)")
        print(header)
        print(f"  {'redraw_chart(), first call (matplotlib import)':<44} "
              f"{local['chart_first_ms']:7.1f}"
              + ("   (matplotlib was already imported!)"
                 if local["matplotlib_already_imported"] else ""))
        rows = [("redraw_chart(), later calls", "chart_ms"),
                ("redraw_numbers()", "numbers_ms"),
                ("save()", "save_ms"),
                ("result() (scoring only)", "score_ms"),
                ("answer() = save() + redraw_numbers() + ...", "answer_ms")]
        for name, key in rows:
            print(line(name, stats(local[key])))
        print(f"  chart SVG {local['chart_svg_bytes'] / 1024:.1f} KiB; import of the app "
              f"{local['import_ms']:.0f} ms, building it for a session {local['build_ms']:.0f} ms")
        from totkit.ui.readiness import CHART_DELAY

        chart = stats(local["chart_ms"])
        if chart:
            print(f"  a chart shows {CHART_DELAY * 1000:.0f} ms (CHART_DELAY) + "
                  f"~{chart['median']:.0f} ms after the last answer "
                  f"(+ {local['chart_first_ms'] - chart['median']:.0f} ms the first time)")
    print()
    if ratio is None:
        print("Target: not measured")
    else:
        print(f"Target: answer/button median {ratio:.2f} <= {TARGET} -> "
              f"{'met' if met else 'NOT met'}  ({answer['median']:.1f} ms vs "
              f"{button['median']:.1f} ms)")
    if "profile" in local and (args.profile or met is False):
        print()
        print(f"Profile of {local['profile_runs']} in-process answer() calls:")
        print(local["profile"])
    return {"button_ms": button, "answer_ms": answer, "live_score_ms": live,
            "bare_radio_ms": radio, "ratio": ratio,
            "target": TARGET, "met": met, "cpu_ms": cpu, "frames": wire,
            "kernel_ms": {k: stats([ph.get(k) for ph in phases])
                          for k in ("answer", "save", "redraw_numbers", "chart")},
            "inprocess": {k: (stats(v) if isinstance(v, list) else v)
                          for k, v in local.items() if k != "profile"}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20,
                        help="measured (button, answer) pairs (default 20)")
    parser.add_argument("--warmup", type=int, default=3,
                        help="unmeasured pairs first (default 3)")
    parser.add_argument("--inprocess-runs", type=int, default=20,
                        help="repeats of each in-process timing (default 20)")
    parser.add_argument("--profile-runs", type=int, default=50,
                        help="answer() calls profiled in-process (default 50)")
    parser.add_argument("--profile", action="store_true",
                        help="print the answer() profile even when the target is met")
    parser.add_argument("--no-kernel-timings", dest="kernel_timings", action="store_false",
                        help="leave out the cell that times answer()/save()/redraw_numbers() "
                             "and the chart inside the served kernel")
    parser.add_argument("--no-radio", dest="radio", action="store_false",
                        help="leave out the reference round trip through a bare radio")
    parser.add_argument("--cell", type=Path, action="append", default=[],
                        help="a Python file to run as one more cell after the app (to try a "
                             "change to the app without editing it); repeatable")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per wait")
    parser.add_argument("--json", type=Path, help="write every measurement to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--strict", action="store_true", help="exit 1 if the target is missed")
    parser.add_argument("--_inprocess", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._inprocess:
        print(json.dumps(inprocess(args.runs, args.profile_runs)))
        return 0

    root = Path(tempfile.mkdtemp(prefix="totkit-bench-answer-"))
    os.environ["TOTKIT_DATA"] = str(root / "data")
    for name in ("TOTKIT_DB", "TOTKIT_TEMPLATES", "PYTHONDONTWRITEBYTECODE"):
        os.environ.pop(name, None)
    env = {**os.environ, "PYTHONUNBUFFERED": "1",
           # Bytecode as an installed package has it, without writing into the checkout.
           "PYTHONPYCACHEPREFIX": str(root / "pycache")}
    folder = make_folder(root, args.kernel_timings,
                         tuple(path.read_text(encoding="utf-8") for path in args.cell))

    from importlib.metadata import version

    from playwright.sync_api import sync_playwright

    from totkit.store import open_store

    store = open_store()
    token, _ = new_planner(store, "Bench Planner")
    store.close()

    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    print(f"totkit answer benchmark: voila {version('voila')}, ipywidgets "
          f"{version('ipywidgets')}, matplotlib {version('matplotlib')}, Python "
          f"{platform.python_version()}")
    print(f"machine: {os.cpu_count()} CPUs ({affinity} usable), load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; the machine is shared, so "
          f"absolute times vary between runs: compare within a run")
    print(f"served folder {folder}, TOTKIT_DATA={root / 'data'}", flush=True)
    if args.cell:
        print(f"!! the served app is changed by: {', '.join(str(p) for p in args.cell)}")
    server = Server(folder, 0, env, root / "voila.log")
    session: dict = {}
    try:
        server.wait_http()
        server.settle(0)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            print(f"Chromium {browser.version}; server pid {server.proc.pid}, port "
                  f"{server.port}", flush=True)
            try:
                session = page_session(browser, server, token, args)
            finally:
                browser.close()
    finally:
        server.stop()
    print("in-process timings ...", flush=True)
    local = run_inprocess(env, args)
    summary: dict = {}
    try:
        summary = report(session, local, args)
        print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(
                {"args": {k: v for k, v in vars(args).items() if k != "json"},
                 "cpus": os.cpu_count(), "loadavg_end": os.getloadavg(), "summary": summary,
                 "session": session, "inprocess": local}, indent=2, default=str))
            print(f"wrote {args.json}")
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 1 if args.strict and summary.get("met") is False else 0


if __name__ == "__main__":
    sys.exit(main())
