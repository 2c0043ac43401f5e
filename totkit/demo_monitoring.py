"""The demo workshop's monitoring logs: what happened in the months after the TOT.

The essay's worked case goes on: back at school, full timetables, exam-focused principals,
sceptical colleagues and no room or teaching aids. By day ``STORY_DAYS`` (120) after the TOT's
last day (the demo's ``as_of`` + 90 days) the logs say so:

* **Few sessions held.** Three planners, the success cases, held their planned session,
  cascaded further with a session of their own, were mentored and measured their indicator
  (status ``done``). About a third of the other planners with a dated plan held
  their one session late and then stopped; the rest held none.
* **Most planners stalled.** Every planner with a dated plan who is not a success case has
  had no activity for more than 45 days while their session or their indicator's first
  measurement (day 100) is due: ``stalled``. The at-risk third planned no dated session and no
  indicator, so nothing of theirs is ever due: monitoring counts them ``on_track`` with no
  session held, and their plan check says why (``missing-date``, ``no-application-indicator``).
* **Obstacles by cause.** Most planners who stopped log what blocked them, tagged with the
  essay's causes: workload and no mandate first, then the principal's priorities, sceptical
  colleagues, the missing room and aids, and no one to ask.
* **Less reached than projected**: the people reached fall short of even the realistic
  projection for the sessions due, let alone the plans on paper.
* **Two or three success cases** (Brinkerhoff's Success Case Method): the two with the
  leaders' commitment and mentoring (the "ready" third) and one "developing" planner who
  found a way through the monthly KKG meeting.

``add_monitoring`` writes the logs into a stored demo workshop; ``monitoring_log`` builds one
planner's log, so the dashboard benchmark can make thousands of them. Everything comes from
the ``random.Random`` passed in: the same seed tells the same story.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from totkit.monitoring import Monitoring
    from totkit.plan import Plan
    from totkit.store import Store

STORY_DAYS = 120  # the logs run to day 120 after the TOT: the demo's as_of + 90 days
SUCCESS_READY = 2  # success cases among the "ready" third (leaders' commitment, mentoring)
SUCCESS_DEVELOPING = 1  # ... and among the "developing" third
STOPPED_SHARE = 1 / 3  # of the other planners with a dated plan, those who held one session

Role = Literal["success", "stopped", "silent", "undated"]

OBSTACLES: dict[str, tuple[str, ...]] = {
    "structural": (
        "Jadwal mengajar penuh; tidak ada jam kosong bersama rekan untuk sesi KKG.",
        "Surat tugas belum keluar, jadi rekan tidak wajib hadir.",
        "Beban administrasi akhir semester menyita waktu.",
    ),
    "culture_leadership": (
        "Kepala sekolah meminta fokus pada persiapan ujian, bukan metode baru.",
        "Rapat dewan guru tidak memberi tempat untuk berbagi hasil TOT.",
    ),
    "motivation_peers": (
        "Rekan guru menganggap pembelajaran aktif membuat kelas ribut.",
        "Hanya dua rekan yang mau mencoba; yang lain menunggu.",
    ),
    "context_gap": (
        "Tidak ada ruang dan alat peraga seperti di tempat pelatihan.",
        "Kelas 40 murid; kerja kelompok sulit diatur.",
    ),
    "no_mentoring": (
        "Tidak ada yang bisa ditanya setelah TOT; pendamping belum datang.",
    ),
}
# How often each cause is drawn for a planner who stopped: the worked case's order.
CAUSE_WEIGHTS = {"structural": 5, "culture_leadership": 3, "motivation_peers": 2,
                 "context_gap": 2, "no_mentoring": 2}


def role_of(plan: Plan) -> Literal["at_risk", "developing", "ready"]:
    """The demo's third a plan belongs to, read from the plan itself: the ready third has
    leaders' commitments, the developing third an indicator but no commitment, the at-risk
    third neither (``totkit.demo._plan``)."""
    if plan.commitments:
        return "ready"
    if plan.indicators:
        return "developing"
    return "at_risk"


def monitoring_log(plan: Plan, role: Role, tot_end: date, rng: random.Random) -> Monitoring:
    """One planner's log up to day ``STORY_DAYS``, for their ``role`` in the story."""
    from totkit.monitoring import Monitoring
    from totkit.parts import parse

    def day(n: int) -> str:
        return (tot_end + timedelta(days=n)).isoformat()

    planned = plan.sessions[0] if plan.sessions else None
    indicator = plan.indicators[0] if plan.indicators else None
    log: dict[str, Any] = {"sessions_held": [], "mentoring_held": [], "measurements": [],
                           "obstacles": []}
    if role == "success":
        first = 21 + rng.randint(0, 4)
        log["sessions_held"].append({
            "planned": planned.id if planned else None, "date": day(first),
            "participants": rng.randint(11, 14), "hours": 2,
            "notes": "Sesi pertama di KKG; rekan mencoba diskusi kelompok.",
        })
        log["sessions_held"].append({
            "date": day(first + 28 + rng.randint(0, 14)),
            "participants": rng.randint(7, 11), "hours": 2,
            "notes": "Sesi lanjutan atas permintaan rekan (tidak ada dalam RTL).",
        })
        mentoring = plan.mentoring[0] if plan.mentoring else None
        log["mentoring_held"].append({
            "planned": mentoring.id if mentoring else None,
            "date": day(14 if mentoring else 35 + rng.randint(0, 7)),
            "mentor": "Pengawas sekolah" if mentoring else "Rekan KKG",
            "mode": "school_visit" if mentoring else "peer_community",
            "notes": "Membahas persiapan dan hasil sesi.",
        })
        if indicator is not None:
            for measured, teachers in ((100, rng.randint(4, 6)), (115, rng.randint(6, 8))):
                log["measurements"].append({
                    "indicator": indicator.id, "value": f"{teachers} dari 12 guru",
                    "number": teachers, "date": day(measured + rng.randint(-2, 2)),
                    "source": "Lembar observasi kelas", "kind": "observed",
                })
        log["reflection"] = {
            "helped": "Surat tugas dan jadwal KKG yang tetap; pengawas datang sebelum sesi.",
            "blocked": "Beberapa rekan masih ragu karena ujian.",
            "next": "Undang rekan yang sudah mencoba untuk memandu sesi berikutnya.",
        }
    elif role == "stopped":
        log["sessions_held"].append({
            "planned": planned.id if planned else None, "date": day(rng.randint(24, 70)),
            "participants": rng.randint(4, 9), "hours": 2,
        })
        log["obstacles"] += _obstacles(rng, tot_end, rng.randint(1, 2))
    elif role == "silent":
        if rng.random() < 0.6:  # some at least say why
            log["obstacles"] += _obstacles(rng, tot_end, 1)
    elif rng.random() < 0.3:  # undated: a few note the missing mandate
        log["obstacles"].append({"date": day(rng.randint(20, 90)), "cause": "structural",
                                 "text": "Belum ada surat tugas; sesi belum dijadwalkan."})
    return parse(Monitoring, log)


def _obstacles(rng: random.Random, tot_end: date, count: int) -> list[dict[str, Any]]:
    causes = rng.choices(list(CAUSE_WEIGHTS), weights=list(CAUSE_WEIGHTS.values()), k=count)
    return [
        {"date": (tot_end + timedelta(days=rng.randint(20, 110))).isoformat(), "cause": cause,
         "text": rng.choice(OBSTACLES[cause])}
        for cause in causes
    ]


def story_roles(plans: list[Plan], rng: random.Random) -> list[Role]:
    """Each planner's role in the story, in the order of ``plans``: ``SUCCESS_READY`` of the
    ready third and ``SUCCESS_DEVELOPING`` of the developing third are success cases, a third
    of the other dated plans stopped after one session, the rest stayed silent; at-risk plans
    (no dated session) are ``undated``."""
    thirds = [role_of(plan) for plan in plans]
    roles: list[Role] = ["undated" if third == "at_risk" else "silent" for third in thirds]
    for third, count in (("ready", SUCCESS_READY), ("developing", SUCCESS_DEVELOPING)):
        members = [n for n, name in enumerate(thirds) if name == third]
        for n in rng.sample(members, min(count, len(members))):
            roles[n] = "success"
    others = [n for n, role in enumerate(roles) if role == "silent"]
    for n in rng.sample(others, round(len(others) * STOPPED_SHARE)):
        roles[n] = "stopped"
    return roles


def add_monitoring(
    store: Store, workshop_code: str, tot_end: date, rng: random.Random
) -> dict[str, Role]:
    """Write the demo's monitoring logs (up to day ``STORY_DAYS`` after ``tot_end``, the TOT's
    last day) into the workshop's workbooks; returns each workbook's role in the story."""
    workshop_id = store.workshop_id(workshop_code)
    loaded = store.load_workbooks(workshop_id)
    roles = story_roles([workbook.plan for workbook in loaded], rng)
    for workbook, role in zip(loaded, roles, strict=True):
        log = monitoring_log(workbook.plan, role, tot_end, rng)
        store.save_section(workbook.id, "monitoring", log,
                           workbook.versions.get("monitoring", 0))
    return {workbook.id: role for workbook, role in zip(loaded, roles, strict=True)}
