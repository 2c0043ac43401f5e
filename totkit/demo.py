"""``totkit demo``: the essay's worked case as a demo workshop.

A district education office runs a five-day TOT on active learning for selected
teachers. Back at school, full timetables, exam-focused principals, sceptical
colleagues and no room or teaching aids mean the follow-up sessions never happen.
The demo cohort's readiness answers tell that story: mandate and leadership score
lowest, motivation and capacity highest, and planners fall in every band.
Dates are relative to ``as_of`` and everything comes from a seeded generator, so
the story is the same whenever it is created.
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
    planners = []
    for number, profile in enumerate(_profiles(rng)):
        joined = store.join(code, profile, resume_code=access.new_resume_code(rng))
        answers = _answers(instrument, LEVELS[number % len(LEVELS)], rng)
        diagnostic = Diagnostic(instrument=instrument.ref(), answers=answers)
        store.save_section(joined.workbook_id, "diagnostic", diagnostic, 0)
        planners.append((profile["name"], joined.resume_code))
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
