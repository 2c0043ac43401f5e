"""Benchmark: 30 concurrent writer processes on PostgreSQL against the same on SQLite.

Each of ``--processes`` processes opens its own ``Store`` and saves ``--revisions``
revisions of one section of its own workbook, as ``tests/test_faults.py``'s 30-process test
does; all start together (a barrier), every save is timed. ``--shared`` adds the harder
case: all processes save one shared section, reloading and saving again on a conflict.
Both backends run in one go, on the same machine, and the figures are checked (every
revision there, no gap in the versions) before they are printed::

    .venv/bin/python benchmarks/bench_writers.py --pg postgresql+psycopg://totkit:PW@127.0.0.1:5432/totkit_test
    TOTKIT_TEST_PG=postgresql+psycopg://... .venv/bin/python benchmarks/bench_writers.py --shared

It prints revisions per second, the median and worst save latency per backend, and the
ratios PostgreSQL / SQLite. SQLite runs with totkit's settings (WAL, ``synchronous=FULL``,
``BEGIN IMMEDIATE``); PostgreSQL with the server's own (commits flushed to disk unless the
server says otherwise). The PostgreSQL run works in a schema of its own in that database,
created and then dropped, so the user needs the right to create one (``CREATE`` on the
database, which its owner has). Without ``--pg`` or ``TOTKIT_TEST_PG`` it says so and stops.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from totkit.errors import ConflictError, StoreError  # noqa: E402
from totkit.store import Store  # noqa: E402

SECTION = "diagnostic"


@dataclass
class Result:
    backend: str
    case: str
    processes: int
    revisions: int  # saved, in all
    seconds: float
    per_second: float
    median_ms: float
    worst_ms: float
    conflicts: int  # saves tried again: a conflict, or (SQLite) busy past its timeout


# -- the writers ----------------------------------------------------------------------------------


def _writer(job: tuple, barrier, results) -> None:  # type: ignore[no-untyped-def]
    try:
        results.put(_write(job, barrier))
    except BaseException as error:  # reported, so the benchmark stops instead of waiting
        results.put(("error", repr(error)))


def _write(job: tuple, barrier) -> tuple:  # type: ignore[no-untyped-def]
    case, url, folder, workbook_id, worker, count = job
    store = Store(url, folder=Path(folder))
    store.load_section(workbook_id, SECTION)  # connected and migrated before the start
    latencies, conflicts = [], 0
    barrier.wait(timeout=300)
    started = time.monotonic()
    for i in range(count):
        while True:  # "own": the version it saved last; "shared": reload, as the app does
            based_on = i if case == "own" else store.load_section(workbook_id, SECTION).version
            began = time.perf_counter()
            try:
                store.save_section(workbook_id, SECTION,
                                   {"reflection": f"writer {worker} revision {i}"}, based_on)
            except ConflictError:
                conflicts += 1
                continue
            except StoreError as error:  # SQLite busy past its timeout: the planner retries
                if error.key != "error.store_locked":
                    raise
                conflicts += 1
                continue
            finally:
                latencies.append(time.perf_counter() - began)
            break
    store.close()
    return started, time.monotonic(), latencies, conflicts


def run_case(case: str, backend: str, url: str, processes: int, count: int) -> Result:
    with tempfile.TemporaryDirectory(prefix="totkit-bench-") as folder:
        store = Store(url, folder=Path(folder))
        code = store.create_workshop("Bench").code
        ids = [store.join(code, {"name": f"Writer {w}"}).workbook_id
               for w in range(processes if case == "own" else 1)]
        store.close()  # no connection crosses the fork
        context = multiprocessing.get_context("fork")
        barrier, results = context.Barrier(processes), context.Queue()
        jobs = [(case, url, folder, ids[w % len(ids)], w, count) for w in range(processes)]
        workers = [context.Process(target=_writer, args=(job, barrier, results)) for job in jobs]
        for worker in workers:
            worker.start()
        done = [results.get(timeout=3600) for _ in workers]
        for worker in workers:
            worker.join()
        failed = [d[1] for d in done if d[0] == "error"]
        if failed:
            raise RuntimeError(f"{len(failed)} writers failed, the first with {failed[0]}")
        check(Store(url, folder=Path(folder)), ids, processes * count)
    first, last = min(d[0] for d in done), max(d[1] for d in done)
    latencies = [latency for d in done for latency in d[2]]
    seconds = last - first
    return Result(backend, case, processes, processes * count, round(seconds, 2),
                  round(processes * count / seconds, 1),
                  round(statistics.median(latencies) * 1000, 2),
                  round(max(latencies) * 1000, 1), sum(d[3] for d in done))


def check(store: Store, ids: list[str], total: int) -> None:
    """Every revision is there, versions 1..N with no gap in each workbook."""
    found = 0
    for workbook_id in ids:
        versions = [revision.version for revision in store.history(workbook_id, SECTION)]
        assert versions == list(range(1, len(versions) + 1)), "a gap in the versions"
        found += len(versions)
    store.close()
    assert found == total, f"{found} revisions stored, {total} saved"


# -- the backends ---------------------------------------------------------------------------------


def postgresql_url(given: str | None) -> tuple[str | None, str]:
    """The server's URL and '', or None and why the benchmark cannot run."""
    url = given or os.environ.get("TOTKIT_TEST_PG")
    if not url:
        return None, ("no PostgreSQL server: give --pg URL or set TOTKIT_TEST_PG (a URL such "
                      "as postgresql+psycopg://totkit:PASSWORD@127.0.0.1:5432/totkit_test)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return None, "psycopg is not installed (pip install 'psycopg[binary]')"
    return url, ""


def server_version(url: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("SHOW server_version")).scalar())
    finally:
        engine.dispose()


def run_all(pg: str, cases: list[str], processes: int, count: int) -> list[Result]:
    from sqlalchemy.engine import make_url

    from tests.pg import fresh_schema

    results = []
    for case in cases:
        with tempfile.TemporaryDirectory(prefix="totkit-bench-sqlite-") as folder:
            url = f"sqlite:///{Path(folder) / 'totkit.db'}"
            results.append(report(run_case(case, "sqlite", url, processes, count)))
        server = make_url(pg).set(drivername="postgresql+psycopg")
        with fresh_schema(server, prefix="totkit_bench") as url:
            results.append(report(run_case(case, "postgresql", url, processes, count)))
    return results


def report(result: Result) -> Result:
    print(f"{result.backend:<11} {result.case:<7} {result.per_second:>12,.1f} "
          f"{result.median_ms:>10.2f} {result.worst_ms:>9.1f} {result.seconds:>9.2f} "
          f"{result.conflicts:>10,}", flush=True)
    return result


def ratios(results: list[Result]) -> list[dict]:
    lines = []
    for case in dict.fromkeys(r.case for r in results):
        by = {r.backend: r for r in results if r.case == case}
        pg, lite = by["postgresql"], by["sqlite"]
        line = {"case": case,
                "per_second": round(pg.per_second / lite.per_second, 2),
                "median": round(pg.median_ms / lite.median_ms, 2),
                "worst": round(pg.worst_ms / lite.worst_ms, 2)}
        print(f"PostgreSQL / SQLite ({case}): revisions per second x{line['per_second']}, "
              f"median save x{line['median']}, worst save x{line['worst']}")
        lines.append(line)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", help="PostgreSQL URL (default: TOTKIT_TEST_PG)")
    parser.add_argument("--processes", type=int, default=30)
    parser.add_argument("--revisions", type=int, default=200, help="saved by each process")
    parser.add_argument("--shared", action="store_true",
                        help="also: every process on one shared section, retrying on conflict")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args(argv)
    pg, why = postgresql_url(args.pg)
    if pg is None:
        print(f"bench_writers: cannot run: {why}", file=sys.stderr)
        return 2
    if "fork" not in multiprocessing.get_all_start_methods():
        print("bench_writers: cannot run: needs fork() to start the writers", file=sys.stderr)
        return 2
    try:
        version = server_version(make_psycopg(pg))
    except Exception as error:  # the server's own words: down, login refused, no database
        print(f"bench_writers: cannot run: PostgreSQL does not answer: {error}", file=sys.stderr)
        return 2
    cases = ["own", "shared"] if args.shared else ["own"]
    print(f"{args.processes} writer processes x {args.revisions} revisions; {os.cpu_count()} "
          f"CPUs, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
          f"PostgreSQL {version}")
    print(f"{'backend':<11} {'case':<7} {'revisions/s':>12} {'median ms':>10} {'worst ms':>9} "
          f"{'seconds':>9} {'conflicts':>10}")
    try:
        results = run_all(pg, cases, args.processes, args.revisions)
    except StoreError as error:
        print(f"bench_writers: cannot run: {error}", file=sys.stderr)
        return 2
    lines = ratios(results)
    if args.json:
        args.json.write_text(json.dumps({"results": [asdict(r) for r in results],
                                         "ratios": lines}, indent=2) + "\n")
    return 0


def make_psycopg(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql+psycopg").render_as_string(
        hide_password=False)


if __name__ == "__main__":
    sys.exit(main())
