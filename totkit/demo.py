"""``totkit demo``: the essay's worked case as a demo workshop.

A district education office runs a five-day TOT on active learning for selected
teachers. Back at school, full timetables, exam-focused principals, sceptical
colleagues and no room or teaching aids mean the follow-up sessions never happen.
The demo cohort's readiness answers tell that story: mandate and leadership score
lowest, motivation and capacity highest, and planners fall in every band.
Their monitoring logs run to 90 days after ``as_of`` (``totkit.demo_monitoring``): few
sessions held, most planners stalled, two or three success cases. Dates are relative to
``as_of`` and everything comes from a seeded generator, so the story is the same whenever
it is created.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from totkit import access
from totkit.store import Store

TITLE = "TOT Pembelajaran Aktif, Dinas Pendidikan Kabupaten Sukamaju (demo)"
TOT_DAYS = 5
DAYS_SINCE_TOT = 30
COHORT = 25
PLANNERS = (
    {"name": "Sri Wahyuni", "role": "Guru kelas IV", "institution": "SD Negeri 1 Sukamaju"},
    {"name": "Budi Santoso", "role": "Guru IPA", "institution": "SMP Negeri 3 Sukamaju"},
    {"name": "Dewi Lestari", "role": "Guru kelas VI", "institution": "SD Negeri 4 Cibening"},
)
GIVEN_NAMES = ("Agus", "Ani", "Bambang", "Citra", "Dedi", "Endang", "Fitri", "Hendra", "Indah",
               "Joko", "Kartika", "Lina", "Made", "Nur", "Putu", "Rina", "Siti", "Teguh",
               "Umi", "Wayan", "Yanti", "Yusuf")
FAMILY_NAMES = ("Hidayat", "Kusuma", "Lubis", "Nasution", "Pratama", "Rahayu", "Saputra",
                "Setiawan", "Siregar", "Susanti", "Wibowo", "Wijaya")
ROLES = ("Guru kelas III", "Guru kelas V", "Guru Matematika", "Guru Bahasa Indonesia",
         "Guru IPA", "Wakil kepala sekolah")
SCHOOLS = ("SD Negeri 2 Sukamaju", "SD Negeri 5 Sukamaju", "SD Negeri 1 Cibening",
           "SMP Negeri 1 Sukamaju", "SMP Negeri 2 Cibening", "SD Negeri 3 Mekarsari")
# How far each dimension sits from a planner's overall readiness, on the 1-5 agreement
# scale: the essay's case is motivated, capable teachers without mandate, time or support.
STORY = {"selection": 0.1, "motivation": 0.8, "mandate": -1.1, "leadership": -1.0,
         "peers": -0.4, "context": -0.5, "mentoring": -0.3, "capacity": 0.6, "evaluation": -0.2}
# The cohort's overall readiness, in thirds: at risk, developing, ready.
LEVELS = (2.7, 3.5, 4.3)


@dataclass(frozen=True)
class Demo:
    title: str
    workshop_code: str
    facilitator_key: str
    start_date: date
    end_date: date
    planners: tuple[tuple[str, str], ...]  # (name, resume code), the first few printed
    cohort: int


def create_demo(store: Store, as_of: date | None = None, seed: int = 27) -> Demo:
    """Create (or re-create) the demo workshop, its planners and their answers."""
    from totkit.demo_monitoring import add_monitoring
    from totkit.diagnostic import score
    from totkit.gaps import load_context
    from totkit.instrument import instrument_path, load_instrument
    from totkit.model import Diagnostic

    as_of = as_of or date.today()
    rng = random.Random(seed)
    code = access.new_workshop_code(rng)
    key = access.new_facilitator_key(rng)
    store.delete_workshop(code)
    end = as_of - timedelta(days=DAYS_SINCE_TOT)
    start = end - timedelta(days=TOT_DAYS - 1)
    store.create_workshop(TITLE, code=code, key=key, start_date=start, end_date=end)
    instrument = load_instrument(instrument_path("readiness"))
    context = load_context()
    planners = []
    for number, profile in enumerate(_profiles(rng)):
        joined = store.join(code, profile, resume_code=access.new_resume_code(rng))
        level = number % len(LEVELS)
        answers = _answers(instrument, LEVELS[level], rng)
        diagnostic = Diagnostic(instrument=instrument.ref(), answers=answers)
        store.save_section(joined.workbook_id, "diagnostic", diagnostic, 0)
        gaps = _gaps(context, level, rng)
        store.save_section(joined.workbook_id, "gaps", gaps, 0)
        plan = _plan(profile, level, end, score(instrument, answers), gaps, context)
        store.save_section(joined.workbook_id, "plan", plan, 0)
        planners.append((profile["name"], joined.resume_code))
    add_monitoring(store, code, end, rng)
    return Demo(TITLE, code, key, start, end, tuple(planners[: len(PLANNERS)]), len(planners))


def _profiles(rng: random.Random) -> list[dict[str, str]]:
    profiles = [dict(profile) for profile in PLANNERS]
    names = {profile["name"] for profile in profiles}
    while len(profiles) < COHORT:
        name = f"{rng.choice(GIVEN_NAMES)} {rng.choice(FAMILY_NAMES)}"
        if name not in names:
            names.add(name)
            profiles.append({"name": name, "role": rng.choice(ROLES),
                             "institution": rng.choice(SCHOOLS)})
    return profiles


def _answers(instrument, level: float, rng: random.Random) -> dict[str, int]:  # type: ignore[no-untyped-def]
    answers = {}
    for dimension in instrument.dimensions:
        for item in dimension.items:
            agreement = level + STORY.get(dimension.id, 0.0) + rng.gauss(0, 0.6)
            positive = min(5, max(1, round(agreement)))
            answers[item.id] = 6 - positive if item.reverse else positive
    return answers


# How far the field is from what the TOT assumed, per context factor (assumed, reality):
# the worked case's full timetables, exam-focused principals, sceptical colleagues and no
# room or teaching aids.
FIELD = {"time": (4, 1), "workload": (4, 2), "mandate": (4, 1), "leadership": (4, 2),
         "peers": (4, 2), "facilities": (5, 2), "recipients": (4, 3), "language": (4, 4),
         "incentives": (3, 2)}
ADAPTATIONS = {
    "time": "Sesi 45 menit di rapat KKG bulanan, bukan pelatihan sehari penuh.",
    "workload": "Bagi materi menjadi tiga pertemuan pendek dan pakai contoh dari RPP yang ada.",
    "mandate": "Minta surat tugas dari kepala sekolah sebelum sesi pertama.",
    "leadership": "Tunjukkan kaitan pembelajaran aktif dengan hasil asesmen yang "
                  "dipedulikan kepala sekolah.",
    "peers": "Mulai dengan dua rekan yang tertarik, lalu undang mereka berbagi pengalaman.",
    "facilities": "Pakai kelas biasa dan bahan sederhana: kartu kertas, papan tulis, "
                  "benda sekitar.",
}


def _gaps(context, level: int, rng: random.Random):  # type: ignore[no-untyped-def]
    from totkit.gaps import Gaps
    from totkit.parts import parse

    entries = []
    for factor in context.factors:
        assumed, reality = FIELD.get(factor.id, (4, 3))
        reality = min(5, max(1, reality + level + rng.choice((-1, 0, 0, 1)) - 1))
        entries.append({"factor": factor.id, "assumed": assumed, "reality": reality,
                        "importance": 3 if factor.id in ("time", "mandate") else 2,
                        "adaptation": ADAPTATIONS.get(factor.id, "") if level else ""})
    return parse(Gaps, {"instrument": context.ref().model_dump(), "entries": entries})


def _plan(profile, level: int, tot_end: date, result, gaps, context):  # type: ignore[no-untyped-def]
    """A plan as the essay's case would have it: the ready third plan fully, the developing
    third forgets the leadership commitment and mentoring, the at-risk third has a session
    with no owner and nothing else."""
    from totkit.gaps import priority_gaps
    from totkit.parts import parse
    from totkit.plan import Plan

    def day(n: int) -> str:
        return (tot_end + timedelta(days=n)).isoformat()

    name = profile["name"]
    header = {"name": name, "position": profile["role"], "work_unit": profile["institution"],
              "superior_name": "Kepala sekolah", "superior_position": "Kepala Sekolah"}
    session = {"title": "KKG: pembelajaran aktif di kelas kita",
               "objective": "Rekan guru mencoba diskusi kelompok dan tanya jawab terbuka.",
               "audience": "Guru kelas dan guru mapel", "participants": 12,
               "hours": 2, "venue": profile["institution"]}
    if level == 0:  # a date, but no owner, no indicator, no commitment
        return parse(Plan, {"header": header, "sessions": [{**session, "date": day(30)}]})
    session.update(date=day(21), owner=name, indicators=["i1"])
    indicator = {"id": "i1", "level": "application", "owner": name,
                 "statement": "Guru memakai paling sedikit satu strategi pembelajaran aktif "
                              "per minggu (observasi kelas)",
                 "baseline": "1 dari 12 guru", "target": "8 dari 12 guru",
                 "source": "Lembar observasi kelas", "measurement_dates": [day(100), day(170)]}
    weak = [d.id for d in result.dimensions if result.band_of_dimension(d.id) == "at_risk"]
    action = {"what": "Bicarakan RTL dengan kepala sekolah dan minta surat tugas",
              "owner": name, "due": day(7),
              "gaps": [row.factor for row in priority_gaps(gaps, context)],
              "dimensions": weak}
    plan = {"header": header, "sessions": [session], "indicators": [indicator],
            "actions": [action]}
    if level == 2:
        plan["commitments"] = [
            {"kind": "assignment_letter", "from_whom": "Kepala sekolah", "status": "received"},
            {"kind": "protected_time", "from_whom": "Kepala sekolah", "status": "agreed",
             "hours_per_month": 4, "months": [day(21)[:7], day(51)[:7]]},
        ]
        plan["mentoring"] = [{"date": day(14), "mentor": "Pengawas sekolah",
                              "mode": "school_visit", "focus": "Persiapan sesi KKG pertama"}]
    return parse(Plan, plan)
