"""Benchmark: exporting one workbook to every format (``totkit.exports.export``).

Builds one realistic, fully filled workbook (every item of the shipped instrument answered,
every context factor rated plus an own one, a plan with sessions, commitments, mentoring,
indicators and actions, texts of a real planner's length) and its workshop, then times each
format: the first export in this process (``cold``: it imports the writer's library and
loads the templates) and then best-of and median over ``--repeat`` runs::

    .venv/bin/python benchmarks/bench_exports.py --repeat 7 [--lang en] [--out DIR]

``--out DIR`` also writes the files there (to open them). Exits 0: it reports what it
measured; there is no target.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from totkit.exports import FORMATS, export, write_export  # noqa: E402
from totkit.model import Workbook  # noqa: E402
from totkit.store.store import WorkshopInfo  # noqa: E402

TOT_END = date(2026, 8, 14)
SENTENCE = ("Rekan guru mencoba diskusi kelompok dan tanya jawab terbuka di kelas masing-masing, "
            "lalu berbagi hasilnya di pertemuan KKG berikutnya. ")


def day(n: int) -> str:
    return (TOT_END + timedelta(days=n)).isoformat()


def build() -> tuple[Workbook, WorkshopInfo]:
    from totkit.gaps import load_context
    from totkit.instrument import instrument_path, load_instrument

    instrument = load_instrument(instrument_path("readiness"))
    context = load_context()
    name = "Sri Wahyuni"
    answers = {item: 1 + (n * 3) % 5 for n, item in enumerate(instrument.items)}
    entries = [{"factor": f.id, "assumed": 4, "reality": 1 + n % 4, "importance": 1 + n % 3,
                "adaptation": SENTENCE} for n, f in enumerate(context.factors)]
    entries.append({"factor": "own_1", "label": "Jadwal ujian sekolah", "assumed": 5,
                    "reality": 1, "importance": 3, "adaptation": SENTENCE})
    indicators = [
        {"id": f"i{n}", "statement": f"Indikator {n}: guru memakai strategi aktif. " + SENTENCE,
         "level": ("application", "results", "learning", "reaction")[n % 4],
         "baseline": "1 dari 12 guru", "target": "8 dari 12 guru", "source": "Observasi kelas",
         "measurement_dates": [day(30 * n), day(100 + 10 * n), day(170)], "owner": name}
        for n in range(1, 5)
    ]
    plan = {
        "header": {"name": name, "nip": "19800101 200501 2 001", "position": "Guru kelas IV",
                   "work_unit": "SD Negeri 1 Sukamaju", "superior_name": "Drs. Bambang Hidayat",
                   "superior_position": "Kepala Sekolah", "superior_nip": "19700202 199303 1 002"},
        "sessions": [
            {"title": f"KKG {n}: pembelajaran aktif", "objective": SENTENCE * 2,
             "audience": "Guru kelas dan guru mapel", "participants": 12 + n, "date": day(14 * n),
             "hours": 2 + n % 3, "venue": "SD Negeri 1 Sukamaju", "resources": SENTENCE,
             "indicators": ["i1", f"i{1 + n % 4}"], "notes": SENTENCE, "owner": name}
            for n in range(1, 9)
        ],
        "commitments": [
            {"kind": "assignment_letter", "from_whom": "Kepala sekolah", "status": "received"},
            {"kind": "protected_time", "from_whom": "Kepala sekolah", "status": "agreed",
             "hours_per_month": 6, "months": [day(30)[:7], day(60)[:7], day(90)[:7]]},
            {"kind": "facility", "from_whom": "Komite sekolah", "status": "requested",
             "notes": SENTENCE},
        ],
        "mentoring": [{"date": day(10 * n), "mentor": "Pengawas sekolah",
                       "mode": ("school_visit", "online", "peer_community")[n % 3],
                       "focus": SENTENCE} for n in range(1, 6)],
        "indicators": indicators,
        "actions": [{"what": f"Langkah {n}: " + SENTENCE, "owner": name, "due": day(7 * n),
                     "gaps": ["mandate", "time"], "dimensions": ["mandate", "leadership"]}
                    for n in range(1, 7)],
    }
    workbook = Workbook.model_validate({
        "id": "0f3c9a2b7d4e4c1aa1b2c3d4e5f60718", "workshop": "K7QM2P",
        "created_at": "2026-08-10T02:00:00+00:00",
        "profile": {"name": name, "role": "Guru kelas IV", "institution": "SD Negeri 1 Sukamaju"},
        "diagnostic": {"instrument": instrument.ref().model_dump(), "answers": answers,
                       "reflection": SENTENCE * 3},
        "gaps": {"instrument": context.ref().model_dump(), "entries": entries},
        "plan": plan,
        "versions": {"profile": 1, "diagnostic": 1, "gaps": 1, "plan": 3},
    })
    workshop = WorkshopInfo(id=1, title="TOT Pembelajaran Aktif", start_date=date(2026, 8, 10),
                            end_date=TOT_END, timezone="WITA", created_at=datetime(2026, 7, 1),
                            workbooks=25)
    return workbook, workshop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per format")
    parser.add_argument("--lang", default="id", choices=("id", "en"))
    parser.add_argument("--out", type=Path, help="also write the files into this folder")
    args = parser.parse_args(argv)

    workbook, workshop = build()
    now = datetime(2026, 9, 1, tzinfo=timezone.utc)
    options = {"workshop": workshop, "lang": args.lang, "now": now}
    plan = workbook.plan
    print(f"python {platform.python_version()} on {platform.machine()}; repeat {args.repeat}, "
          f"lang {args.lang}")
    print(f"workbook: {len(workbook.diagnostic.answers)} answers, {len(workbook.gaps.entries)} "
          f"gaps, {len(plan.sessions)} sessions, {len(plan.commitments)} commitments, "
          f"{len(plan.mentoring)} touchpoints, {len(plan.indicators)} indicators, "
          f"{len(plan.actions)} actions")
    print(f"{'format':8}{'cold ms':>10}{'best ms':>10}{'median ms':>11}{'size kB':>10}")
    ms = 1000.0
    total_best = total_median = 0.0
    for fmt in FORMATS:
        started = time.perf_counter()
        content = export(workbook, fmt, **options)
        cold = time.perf_counter() - started
        runs = []
        for _ in range(max(args.repeat, 1)):
            started = time.perf_counter()
            export(workbook, fmt, **options)
            runs.append(time.perf_counter() - started)
        best, median = min(runs), statistics.median(runs)
        total_best += best
        total_median += median
        print(f"{fmt:8}{cold * ms:10.1f}{best * ms:10.1f}{median * ms:11.1f}"
              f"{len(content) / 1000:10.1f}")
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            write_export(workbook, fmt, args.out, **options)
    print(f"{'all five':8}{'':10}{total_best * ms:10.1f}{total_median * ms:11.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
