"""Five planners at once on one ``totkit serve``: nothing lost, no error shown.

The journey of ``benchmarks/bench_load.py`` (join, answer all 40 items, rate the 9
factors, add a session to the plan, close the tab) for 5 planners arriving within 10 s,
on a server with one preheated kernel per entry app. The benchmark runs it for 30.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .conftest import load_benchmark


@pytest.fixture(scope="module")
def bench_load():
    return load_benchmark("bench_load")


@pytest.mark.slow
def test_five_planners_at_once_lose_nothing_and_see_no_error(bench_load, chromium_path,
                                                             tmp_path):
    lines: list[str] = []
    # In a thread: the session's sync Playwright keeps an event loop running in this one,
    # and the benchmark drives its own (async Playwright, one context per planner).
    with ThreadPoolExecutor(1) as pool:
        summary = pool.submit(bench_load.run, planners=5, spread=10, preheat=1, timeout_s=150,
                              think=0.0, chromium=chromium_path, baseline=False, root=tmp_path,
                              log=lines.append).result()
    bench_load.report(summary, log=lines.append)
    output = "\n".join(lines)
    print(output)
    assert len(summary["journeys"]) == 5, output
    for journey in summary["journeys"]:
        assert journey["errors"] == [], output
        assert journey["shown"] == [], output
    store = summary["store"]
    assert len(store) == 5, output
    for found in store.values():  # everything entered, everything there
        assert found == {"lost": [], "not_entered": []}, output
    assert summary["met"]["nothing lost"] and summary["met"]["no error shown"], output
    # Every page left (next app or closed tab) ended its kernel within seconds.
    kernels = summary["kernels"]
    assert sum(kernels[app]["not_gone"] for app in bench_load.APPS) == 0, output
    assert max(v for app in bench_load.APPS for v in kernels[app]["gone_after_s"]) < 15, output
    assert summary["live_after"]["planner_kernels"] == [], output
    assert "Preheated kernels per app: 00_start 1, 01_readiness 1" in \
        Path(summary["server_log"]).read_text()
