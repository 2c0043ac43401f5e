"""Benchmark: the facilitator dashboard of a workshop of ``--workbooks`` (2,000) workbooks,
against reading and parsing those workbooks from the store alone, in the same run.

The store is a SQLite file in a temporary folder. Its workbooks are the demo's (``totkit.demo``
and ``totkit.demo_monitoring``), repeated: a profile, the readiness diagnostic answered in full
(a third at risk, a third developing, a third ready), every context factor rated, a follow-up
plan as each third writes it, and a monitoring log as of 120 days after the TOT (success
cases, planners who stopped after one session, silent ones, obstacles). They are written
straight into the tables (one ``executemany`` per table), as ``Store.save_section`` would
write them, so building 2,000 takes seconds.

* **baseline**: ``Store.load_workbooks(workshop_id)``: one query over the latest revisions,
  every section's JSON parsed and validated into a ``Workbook``.
* **dashboard**: ``totkit.dashboard.open_dashboard(store, code, key, as_of=...)`` (the key
  check, the same load, then every table and view: scores, plan check, monitoring status,
  reach, gaps, findings, obstacles, stalled, success) and every chart
  (``totkit.charts.dashboard_charts``: the readiness box plot, reach and obstacles, as SVG).

Both are warmed up once (imports, matplotlib's font cache), then timed alternately, best-of
and median over ``--repeat`` runs, and the ratio dashboard / baseline is printed against the
target (at most 3x)::

    .venv/bin/python benchmarks/bench_dashboard.py --repeat 5

It reports what it measured and exits 0 either way, unless ``--strict`` is given.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from totkit import demo  # noqa: E402
from totkit.charts import dashboard_charts  # noqa: E402
from totkit.dashboard import open_dashboard  # noqa: E402
from totkit.demo_monitoring import STORY_DAYS, monitoring_log, story_roles  # noqa: E402
from totkit.diagnostic import score  # noqa: E402
from totkit.gaps import load_context  # noqa: E402
from totkit.instrument import instrument_path, load_instrument  # noqa: E402
from totkit.store import Store  # noqa: E402
from totkit.store.schema import revisions, workbooks  # noqa: E402

TARGET = 3.0  # the dashboard may take at most this many times reading the workbooks
BLOCK = 30  # workbooks per block of story roles (three success cases per 30, as the demo)


def build(store: Store, count: int, seed: int = 1) -> tuple[str, str, int, date]:
    """A workshop of ``count`` demo-like workbooks; returns its code, key, id and as_of."""
    rng = random.Random(seed)
    tot_end = date(2026, 8, 2)
    created = store.create_workshop("Benchmark TOT", start_date=tot_end - timedelta(days=4),
                                    end_date=tot_end)
    instrument = load_instrument(instrument_path("readiness"))
    context = load_context()
    now = datetime.now(timezone.utc)
    workbook_rows: list[dict] = []
    revision_rows: list[dict] = []
    plans = []
    for number in range(count):
        level = number % len(demo.LEVELS)
        profile = {"name": f"{rng.choice(demo.GIVEN_NAMES)} {rng.choice(demo.FAMILY_NAMES)} "
                           f"{number + 1}",
                   "role": rng.choice(demo.ROLES), "institution": rng.choice(demo.SCHOOLS),
                   "language": "id"}
        answers = demo._answers(instrument, demo.LEVELS[level], rng)
        gaps = demo._gaps(context, level, rng)
        plan = demo._plan(profile, level, tot_end, score(instrument, answers), gaps, context)
        plans.append(plan)
        workbook_id = uuid.uuid4().hex
        workbook_rows.append({"id": workbook_id, "workshop_id": created.id,
                              "resume_digest": secrets.token_hex(32),
                              "created_at": now + timedelta(microseconds=number)})
        sections = {
            "profile": profile,
            "diagnostic": {"instrument": instrument.ref().model_dump(), "answers": answers,
                           "reflection": ""},
            "gaps": gaps.model_dump(mode="json"),
            "plan": plan.model_dump(mode="json"),
        }
        for section, data in sections.items():
            revision_rows.append(_revision(workbook_id, section, data, now))
    roles = []
    for start in range(0, count, BLOCK):
        roles += story_roles(plans[start:start + BLOCK], rng)
    for row, plan, role in zip(workbook_rows, plans, roles, strict=True):
        log = monitoring_log(plan, role, tot_end, rng)
        revision_rows.append(_revision(row["id"], "monitoring", log.model_dump(mode="json"), now))
    with store.engine.begin() as conn:
        conn.execute(insert(workbooks), workbook_rows)
        conn.execute(insert(revisions), revision_rows)
    return created.code, created.key, created.id, tot_end + timedelta(days=STORY_DAYS)


def _revision(workbook_id: str, section: str, data: dict, now: datetime) -> dict:
    return {"workbook_id": workbook_id, "section": section, "version": 1, "based_on": 0,
            "data": json.dumps(data, ensure_ascii=False, sort_keys=True), "created_at": now}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workbooks", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--strict", action="store_true", help="exit 1 if the target is missed")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{Path(folder) / 'bench.db'}", folder=Path(folder))
        start = time.perf_counter()
        code, key, workshop_id, as_of = build(store, args.workbooks)
        built = time.perf_counter() - start

        loaded = store.load_workbooks(workshop_id)  # warm up: imports, caches
        dashboard = open_dashboard(store, code, key, as_of=as_of)
        charts = dashboard_charts(dashboard, "id")

        base_times: list[float] = []
        dash_times: list[float] = []
        open_times: list[float] = []
        for _ in range(args.repeat):  # alternate, so both see the same machine state
            start = time.perf_counter()
            loaded = store.load_workbooks(workshop_id)
            base_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            dashboard = open_dashboard(store, code, key, as_of=as_of)
            opened = time.perf_counter()
            charts = dashboard_charts(dashboard, "id")
            done = time.perf_counter()
            dash_times.append(done - start)
            open_times.append(opened - start)
        store.close()

    import pandas

    base_best, base_median = min(base_times), statistics.median(base_times)
    dash_best, dash_median = min(dash_times), statistics.median(dash_times)
    ratio_best = dash_best / base_best
    ratio_median = dash_median / base_median
    met = ratio_best <= TARGET and ratio_median <= TARGET
    counts = dashboard.counts()
    ms = 1000.0
    print(f"python {platform.python_version()}, pandas {pandas.__version__}, "
          f"{platform.machine()}")
    print(f"{len(loaded):,} workbooks (built in {built:.1f} s), as of {as_of}, "
          f"repeat {args.repeat}")
    print(f"dashboard: {counts['statuses']}, {counts['sessions_held']:,} sessions held, "
          f"{counts['people_reached']:,} people reached; charts "
          f"{', '.join(f'{name} {len(svg) // 1024} KB' for name, svg in charts.items())}")
    print(f"{'':34}{'best ms':>10}{'median ms':>12}")
    print(f"{'load_workbooks (baseline)':34}{base_best * ms:10.1f}{base_median * ms:12.1f}")
    print(f"{'  open_dashboard (tables, views)':34}{min(open_times) * ms:10.1f}"
          f"{statistics.median(open_times) * ms:12.1f}")
    print(f"{'open_dashboard + every chart':34}{dash_best * ms:10.1f}{dash_median * ms:12.1f}")
    print(f"dashboard/baseline: best {ratio_best:.2f}x, median {ratio_median:.2f}x; "
          f"target <= {TARGET:.0f}x: {'met' if met else 'NOT met'}")
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    raise SystemExit(main())
