"""The start app in a real browser against a real ``totkit serve``."""

from __future__ import annotations

from .conftest import open_app, screenshot


def join(page, code: str, name: str) -> str:
    page.locator(".totkit-workshop-code input").fill(code)
    page.locator(".totkit-name input").fill(name)
    page.locator(".totkit-role input").fill("Guru kelas V")
    page.locator(".totkit-institution input").fill("SD Negeri 2 Sukamaju")
    page.locator(".totkit-consent input").check()
    page.locator(".totkit-join").click()
    page.wait_for_selector(".totkit-resume-code", timeout=30_000)
    return page.locator(".totkit-resume-code").inner_text().strip()


def resume(page, code: str, resume_code: str) -> None:
    page.locator(".totkit-mode button", has_text="Lanjutkan").click()
    page.locator(".totkit-resume-workshop input").fill(code)
    page.locator(".totkit-resume-code-input input").fill(resume_code)
    page.locator(".totkit-resume").click()


def assert_fits(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width + 1, f"the page scrolls sideways: {scroll}px in a {width}px window"


def test_join_then_resume_in_a_fresh_context_shows_the_same_workbook(server, new_context, viewport):
    page = open_app(new_context(), server.app(), ".totkit-join")
    assert_fits(page, viewport["width"])
    if viewport["width"] == 360:
        screenshot(page, "start-join-phone")
    resume_code = join(page, server.workshop_code, "Rahmat Hidayat")
    if viewport["width"] == 360:
        screenshot(page, "start-resume-code-phone")
    assert len(resume_code.split("-")) == 3
    assert "Selamat datang, Rahmat Hidayat" in page.locator(".totkit-signed-in").inner_text()
    assert page.locator(".totkit-progress-row").count() == 5
    assert_fits(page, viewport["width"])

    again = open_app(new_context(), server.app(), ".totkit-join")
    resume(again, server.workshop_code.lower(), resume_code.upper())
    again.wait_for_selector(".totkit-progress", timeout=30_000)
    signed_in = again.locator(".totkit-signed-in").inner_text()
    assert "Rahmat Hidayat" in signed_in and "Sukamaju" in signed_in
    assert again.locator(".totkit-resume-code").count() == 0  # shown once only


def test_english_from_the_url_and_from_the_switch(server, new_context):
    context = new_context()
    page = open_app(context, server.app("lang=en"), ".totkit-join")
    assert page.locator(".totkit-join").inner_text() == "Join the workshop"
    assert "Join your workshop" in page.locator(".totkit-entry").inner_text()

    page = open_app(context, server.app(), ".totkit-join")
    assert page.locator(".totkit-join").inner_text() == "Bergabung ke lokakarya"
    page.locator(".totkit-lang button", has_text="English").click()
    page.wait_for_function(
        "document.querySelector('.totkit-join').innerText.includes('Join the workshop')"
    )
    assert "Workshop code" in page.locator(".totkit-join-form").inner_text()


def test_wrong_code_shows_an_error_and_opens_nothing(server, new_context, viewport):
    page = open_app(new_context(), server.app(), ".totkit-join")
    resume(page, server.workshop_code, "bukan-kode-saya")
    message = page.wait_for_selector(".totkit-message [role=alert]", timeout=30_000)
    assert "Kode lanjut tidak cocok" in message.inner_text()
    assert page.locator(".totkit-progress").count() == 0
    assert page.locator(".totkit-resume-form").is_visible()
    assert_fits(page, viewport["width"])

    page.locator(".totkit-mode button", has_text="Bergabung").click()
    page.locator(".totkit-workshop-code input").fill("ZZZZZZ")
    page.locator(".totkit-name input").fill("Ani")
    page.locator(".totkit-consent input").check()
    page.locator(".totkit-join").click()
    page.wait_for_function(
        "document.querySelector('.totkit-message').innerText.includes('Kode lokakarya')"
    )
    assert page.locator(".totkit-resume-code").count() == 0


def test_preheated_kernel_reads_the_query_string_of_the_request(preheated_server, new_context):
    """A preheated kernel ran before any request: it must wait for the page's ?lang=."""
    context = new_context()
    for query, label in (("lang=en", "Join the workshop"), ("", "Bergabung ke lokakarya"),
                         ("lang=en", "Join the workshop")):
        page = open_app(context, preheated_server.app(query), ".totkit-join")
        assert page.locator(".totkit-join").inner_text() == label
        page.close()
