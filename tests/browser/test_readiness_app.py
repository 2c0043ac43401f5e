"""The readiness app in a real browser: answer everything, reload, keep it all, see results."""

from __future__ import annotations

import pytest

from totkit.diagnostic import score
from totkit.i18n import format_number
from totkit.instrument import instrument_path, load_instrument

from .conftest import open_app, screenshot
from .test_start_app import join


@pytest.fixture(scope="module")
def instrument():
    return load_instrument(instrument_path("readiness"))


def chosen(item_id: str) -> int:
    return 2 if item_id.startswith(("man", "lea")) else 4


def visible_answers(page) -> dict[str, int]:
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.totkit-item')]
            .filter(el => el.offsetParent !== null)
            .map(el => {
                const id = [...el.classList].find(c => c.startsWith('totkit-item-')).slice(12);
                const inputs = [...el.querySelectorAll('input[type=radio]')];
                return [id, inputs.findIndex(i => i.checked) + 1];
            }))"""
    )


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_answer_everything_reload_and_keep_it_all(server, new_context, instrument, viewport):
    context = new_context()
    start = open_app(context, server.app(), ".totkit-join")
    join(start, server.workshop_code, "Yohana Manurung")
    start.locator(".totkit-progress-diagnostic .totkit-section-link").click()
    start.wait_for_url("**/01_readiness.ipynb?s=*")
    page = start
    page.wait_for_selector(".totkit-item", timeout=60_000)

    for number, dimension in enumerate(instrument.dimensions):
        for item in dimension.items:
            radio = page.locator(f".totkit-item-{item.id} input[type=radio]")
            radio.nth(chosen(item.id) - 1).check()
        answered = sum(len(d.items) for d in instrument.dimensions[: number + 1])
        page.wait_for_function(
            "n => document.querySelector('.totkit-answer-count').innerText.startsWith(n + ' ')",
            arg=str(answered),
        )
        page.locator(".totkit-next").click()
    page.wait_for_selector(".totkit-results", state="visible", timeout=30_000)

    page.reload()
    page.wait_for_selector(".totkit-item", timeout=60_000)
    total = len(instrument.items)
    count = page.locator(".totkit-answer-count").inner_text()
    assert count.startswith(f"{total} dari {total}")
    for number, dimension in enumerate(instrument.dimensions):
        expected = {item.id: chosen(item.id) for item in dimension.items}
        page.wait_for_selector(f".totkit-dimension-{dimension.id}", state="visible")
        assert visible_answers(page) == expected, f"dimension {number + 1} after the reload"
        page.locator(".totkit-next").click()

    result = score(instrument, {item: chosen(item) for item in instrument.items})
    page.wait_for_selector(".totkit-chart svg", timeout=30_000)
    index_text = page.locator(".totkit-index").inner_text()
    assert format_number(result.index, "id") in index_text
    weakest = page.locator(".totkit-weakest").inner_text()
    for dim_id in result.weakest:
        assert next(d for d in instrument.dimensions if d.id == dim_id).name("id") in weakest
    assert page.locator(".totkit-recommendations li").count() >= 1
    screenshot(page, "readiness-results-phone")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= 361, f"the results scroll sideways at 360 px: {scroll}"
