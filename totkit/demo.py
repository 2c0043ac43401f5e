"""``totkit demo``: the essay's worked case as a demo workshop.

A district education office runs a five-day TOT on active learning for selected
teachers. Dates are relative to ``as_of`` and the codes come from a seeded
generator, so the story is the same whenever it is created.
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
PLANNERS = (
    {"name": "Sri Wahyuni", "role": "Guru kelas IV", "institution": "SD Negeri 1 Sukamaju"},
    {"name": "Budi Santoso", "role": "Guru IPA", "institution": "SMP Negeri 3 Sukamaju"},
    {"name": "Dewi Lestari", "role": "Guru kelas VI", "institution": "SD Negeri 4 Cibening"},
)


@dataclass(frozen=True)
class Demo:
    title: str
    workshop_code: str
    facilitator_key: str
    start_date: date
    end_date: date
    planners: tuple[tuple[str, str], ...]  # (name, resume code)
    replaced: bool


def create_demo(store: Store, as_of: date | None = None, seed: int = 27) -> Demo:
    """Create (or re-create) the demo workshop and its planners."""
    as_of = as_of or date.today()
    rng = random.Random(seed)
    code = access.new_workshop_code(rng)
    key = access.new_facilitator_key(rng)
    replaced = store.delete_workshop(code)
    end = as_of - timedelta(days=DAYS_SINCE_TOT)
    start = end - timedelta(days=TOT_DAYS - 1)
    store.create_workshop(TITLE, code=code, key=key, start_date=start, end_date=end)
    planners = []
    for profile in PLANNERS:
        joined = store.join(code, profile, resume_code=access.new_resume_code(rng))
        planners.append((profile["name"], joined.resume_code))
    return Demo(TITLE, code, key, start, end, tuple(planners), replaced)
