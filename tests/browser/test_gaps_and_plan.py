"""From an empty gap analysis and plan to a "ready" plan, in a real browser."""

from __future__ import annotations

from datetime import date

import pytest

from totkit.gaps import load_context, priority_gaps
from totkit.instrument import instrument_path, load_instrument
from totkit.model import Diagnostic
from totkit.store import Store

from .conftest import open_app, screenshot

# The demo's TOT (created with --as-of 2026-09-01) ended on 2026-08-02: day 0.
FIELD = {"time": (5, 1), "mandate": (4, 1), "facilities": (5, 2)}


@pytest.fixture
def planner(server):
    """A planner of the demo workshop whose diagnostic is done, with mandate at risk."""
    store = Store(server.env["TOTKIT_DB"], folder=__import__("pathlib").Path(
        server.env["TOTKIT_DATA"]))
    joined = store.join(server.workshop_code, {"name": "Lukas Tanjung"})
    instrument = load_instrument(instrument_path("readiness"))
    answers = {item.id: 2 if item.reverse else 4 for item in instrument.items.values()}
    for item in next(d for d in instrument.dimensions if d.id == "mandate").items:
        answers[item.id] = 5 if item.reverse else 1
    store.save_section(joined.workbook_id, "diagnostic",
                       Diagnostic(instrument=instrument.ref(), answers=answers), 0)
    yield store, joined
    store.close()


def revision(page) -> int:
    text = page.locator(".totkit-save-state").inner_text()
    return int(text.rsplit("revisi", 1)[1]) if "revisi" in text else 0


def saved(page, after: int) -> int:
    """Wait until the app reports a revision newer than ``after``; return it."""
    page.wait_for_function(
        """n => { const t = document.querySelector('.totkit-save-state').innerText;
                  return t.includes('revisi') && parseInt(t.split('revisi')[1]) > n; }""",
        arg=after,
    )
    return revision(page)


def rate(page, factor: str, assumed: int, reality: int) -> None:
    card = page.locator(f".totkit-factor-{factor}")
    card.locator(".totkit-assumed select").select_option(index=assumed)
    card.locator(".totkit-reality select").select_option(index=reality)


def fill_form(page, name: str, values: dict[str, object]) -> None:
    page.locator(f".totkit-add-{name}").click()
    form = page.locator(f".totkit-form-{name}")
    form.wait_for(state="visible")
    for field, value in values.items():
        entry = form.locator(f".totkit-field-{field}")
        if isinstance(value, list):
            entry.locator("select").select_option(label=value)
        elif field in ("kind", "status", "level", "mode"):
            entry.locator("select").select_option(label=str(value))
        elif isinstance(value, date):
            entry.locator("input").fill(value.isoformat())
        else:
            entry.locator("input, textarea").first.fill(str(value))
            entry.locator("input, textarea").first.press("Tab")
    rows = page.locator(f".totkit-rows-{name} .totkit-row").count()
    page.locator(f".totkit-save-{name}").click()
    page.wait_for_function(
        "([name, n]) => document.querySelectorAll(`.totkit-rows-${name} .totkit-row`).length > n",
        arg=[name, rows],
    )


@pytest.mark.parametrize("viewport", ["laptop"], indirect=True)
def test_gaps_then_plan_from_empty_to_ready(server, new_context, planner, viewport):
    store, joined = planner
    context = load_context()
    page = open_app(new_context(), f"{server.url}/voila/render/02_context_gap.ipynb?s="
                    f"{joined.token}", ".totkit-factor")
    factors = [factor.id for factor in context.factors]
    version = 0
    for n, factor in enumerate(factors):
        rate(page, factor, *FIELD.get(factor, (3, 3)))
        version = saved(page, version)
        if n == 4:  # reload midway: what was rated is kept
            page.reload()
            page.wait_for_selector(".totkit-factor", timeout=60_000)
            chosen = page.locator(".totkit-factor-time .totkit-reality select").evaluate(
                "select => select.options[select.selectedIndex].text")
            assert chosen.startswith("1.")
    stored = store.load_workbook(joined.workbook_id).gaps
    assert len(stored.entries) == len(factors)
    priorities = priority_gaps(stored, context)
    assert [row.factor for row in priorities] == ["time", "mandate", "facilities"]
    for row in priorities:
        area = page.locator(f".totkit-adaptation-{row.factor} textarea")
        area.fill(f"Penyesuaian untuk {row.name('id')}")
        area.press("Tab")
        version = saved(page, version)
    assert page.locator(".totkit-gap-chart svg").count() == 1
    screenshot(page, "gaps")
    stored = store.load_workbook(joined.workbook_id).gaps
    assert all(e.adaptation for e in stored.entries if e.factor in FIELD)

    plan = open_app(new_context(), f"{server.url}/voila/render/03_followup_plan.ipynb?s="
                    f"{joined.token}", ".totkit-check-status")
    assert plan.locator(".totkit-status-not_ready").count() == 1
    assert plan.locator(".totkit-finding-no-cascade-session").count() == 1
    fill_form(plan, "indicators", {
        "statement": "Guru memakai diskusi kelompok tiap minggu", "level": "Penerapan",
        "owner": "Lukas", "measurement_dates": "2026-11-15"})
    plan.wait_for_selector(".totkit-finding-no-cascade-session")
    assert plan.locator(".totkit-finding-no-application-indicator").count() == 0
    fill_form(plan, "sessions", {"title": "KKG pembelajaran aktif",
                                 "date": date(2026, 8, 20), "participants": 12,
                                 "owner": "Lukas"})
    plan.wait_for_function(
        "!document.querySelector('.totkit-finding-no-cascade-session')")

    plan.reload()  # midway: the plan and its findings come back as they were
    plan.wait_for_selector(".totkit-check-status", timeout=60_000)
    assert plan.locator(".totkit-rows-sessions .totkit-row").count() == 1
    assert plan.locator(".totkit-finding-no-leadership-commitment").count() == 1

    fill_form(plan, "commitments", {"kind": "Surat tugas",
                                    "from_whom": "Kepala sekolah", "status": "Sudah diajukan"})
    fill_form(plan, "mentoring", {"date": date(2026, 8, 12), "mentor": "Pengawas sekolah"})
    fill_form(plan, "actions", {
        "what": "Minta surat tugas dan waktu khusus", "owner": "Lukas",
        "due": date(2026, 8, 9), "gaps": [row.name("id") for row in priorities],
        "dimensions": [next(d for d in load_instrument(instrument_path("readiness")).dimensions
                            if d.id == "mandate").name("id")]})
    plan.wait_for_selector(".totkit-status-ready", timeout=30_000)
    screenshot(plan, "plan-ready")
    assert plan.locator(".totkit-finding.totkit-error").count() == 0
