"""End to end in a real headless browser: Playwright driving Debian's Chromium against the
service served by uvicorn. A trader applies and submits, an officer approves and issues, the
trader finds the permit; each page is checked with axe-core (WCAG 2.1 A and AA rules) and
photographed under var/test-artifacts/web/.

Chromium comes from Debian (``make postgres`` installs it with the other system packages);
without it these tests fail and say so (they are never skipped: ``make test`` installs it).
Playwright never downloads a browser."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pypdfium2
import pytest
import uvicorn
import zxingcpp

from tests.certificates import certificate_pem
from tests.factories import PASSWORD
from tests.web.conftest import approved_but_blocked, username_of
from tests.web.exchange_data import push_permit, pushing_peer, undeliverable

CHROMIUM = os.environ.get("ECITES_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("ECITES_TEST_ARTIFACTS", "var/test-artifacts")) / "web"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
def live_url(app, api) -> Iterator[str]:
    """The app served over real HTTP on a free local port, for the browser."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@pytest.fixture
def page(live_url: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert shutil.which(CHROMIUM), f"no Chromium at {CHROMIUM}: `make postgres` installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(base_url=live_url, locale="en-GB")
            yield context.new_page()
            context.close()
        finally:
            browser.close()


def check(page: Any, name: str) -> None:
    """axe-core's WCAG 2.1 A/AA rules find nothing on the page; a screenshot is kept."""
    from axe_playwright_python.sync_playwright import Axe

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    violations = Axe().run(page, options=WCAG).response["violations"]
    found = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert found == [], (name, found)


def sign_in(page: Any, username: str) -> None:
    page.goto("/login")
    check(page, "login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_permit_from_application_to_download(app, api, page) -> None:
    trader, officer = api.trader(), api.user("officer")

    sign_in(page, username_of(api, trader))
    page.wait_for_url("**/dashboard")
    check(page, "dashboard-empty")
    page.get_by_role("link", name="Start a new application").click()
    check(page, "new-application")
    fields = {
        "counterparty_name": "Jardin des Plantes",
        "counterparty_address": "57 rue Cuvier, Paris",
        "counterparty_country": "FR",
        "lines-0-scientific_name": "Python regius",
        "lines-0-term_code": "LIV",
        "lines-0-quantity": "2",
    }
    for name, value in fields.items():
        page.locator(f"#f-{name}").fill(value)
    choices = {"document_type": "E", "purpose_code": "Z"}
    choices.update({"lines-0-appendix": "II", "lines-0-source_code": "C"})
    for name, value in choices.items():
        page.locator(f"#f-{name}").select_option(value)
    page.get_by_role("button", name="Save and submit").click()
    page.wait_for_url("**/applications/*?done=submitted")
    assert page.get_by_role("status").inner_text() == "The application has been submitted."
    check(page, "submitted-application")
    application_url = page.url.split("?")[0]
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login?done=signed_out")

    sign_in(page, username_of(api, officer))
    page.wait_for_url("**/officer/queue")
    check(page, "officer-queue")
    page.goto(application_url)
    check(page, "officer-application")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url("**?done=approved")
    page.get_by_role("button", name="Issue the permit").click()
    page.wait_for_url("**?done=issued")
    check(page, "issued-application")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, username_of(api, trader))
    page.wait_for_url("**/dashboard")
    check(page, "dashboard-with-permit")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").first.click()
    saved = ARTIFACTS / "permit.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    # The QR code printed on it opens the public verification page, which shows it valid.
    document = pypdfium2.PdfDocument(saved.read_bytes())
    image = document[0].render(scale=2).to_pil()
    document.close()
    (code,) = zxingcpp.read_barcodes(image)
    base = app.state.settings.public_base_url
    assert code.text.startswith(f"{base}/verify/CH/"), code.text
    address = urlsplit(code.text)
    page.context.clear_cookies()  # anyone may verify: no session
    page.goto(f"{address.path}?{address.query}")
    check(page, "verification")
    assert "Confirmed" in page.get_by_role("main").inner_text()
    assert page.get_by_role("heading", level=2).first.inner_text().endswith(": Valid")
    page.get_by_role("link", name="Español").click()  # the switcher comes back to the page
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", level=2).first.inner_text().endswith(": Válido")
    check(page, "verification-es")


def test_errors_in_french_lead_to_their_fields(api, page) -> None:
    trader = api.trader()
    sign_in(page, username_of(api, trader))
    page.wait_for_url("**/dashboard")
    page.get_by_role("link", name="Français").click()
    page.goto("/applications/new")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    summary = page.get_by_role("alert")
    assert "Il y a un problème" in summary.inner_text()
    check(page, "form-errors-fr")
    summary.get_by_role("link").first.click()
    focused = page.evaluate("document.activeElement && document.activeElement.id")
    target = page.evaluate("location.hash")
    assert target.startswith("#f-")
    assert focused == target[1:]


def test_the_administrators_pages(api, page) -> None:
    api.organisation("Zoo Supplies")
    sign_in(page, "admin")
    page.wait_for_url("**/admin")
    check(page, "admin-home")
    page.get_by_role("link", name="Users", exact=True).click()
    page.locator("#f-username").fill("x")
    page.get_by_role("button", name="Create the user").click()
    summary = page.get_by_role("alert")
    assert "There is a problem" in summary.inner_text()
    check(page, "admin-users-errors")
    page.goto("/admin/api-keys")
    page.locator("#f-holder").fill("admin")
    page.locator("#f-name").fill("Reporting script")
    page.get_by_role("button", name="Create the key").click()
    assert page.locator("#new-key").inner_text().startswith("ecites_")
    check(page, "admin-api-key-created")
    page.goto("/admin/peers")
    page.locator("#f-party").fill("FR")
    page.locator("#f-name").fill("Ministère de la Transition écologique")
    page.get_by_role("button", name="Add the peer").click()
    page.wait_for_url("**/admin/peers/FR?done=peer_added")
    page.locator("#f-pem").fill(certificate_pem())
    page.get_by_role("button", name="Add the certificate").click()
    page.wait_for_url("**/admin/peers/FR?done=certificate_added")
    check(page, "admin-peer")
    page.get_by_label("Reason").fill("the peer replaced its key")
    page.get_by_role("button", name="Revoke it").click()
    page.wait_for_url("**/admin/peers/FR?done=certificate_changed")
    assert "Revoked" in page.get_by_role("main").inner_text()
    page.goto("/admin/reference")
    check(page, "admin-reference")
    page.get_by_role("button", name="Import the shipped dataset").click()
    page.wait_for_load_state()
    page.goto("/admin/organisations")
    page.locator("#f-name").fill("Jardin Botanique SA")
    page.locator("#f-address").fill("Route de Lausanne 1, Genève")
    page.locator("#f-country").select_option("CH")
    page.get_by_role("button", name="Register the organisation").click()
    page.wait_for_url("**/admin/organisations?done=organisation_created")
    check(page, "admin-organisations")
    page.goto("/admin/measures")
    page.locator("#f-taxon").fill("Loxodonta africana")
    page.locator("#f-purpose_codes-T").check()
    page.locator("#f-reason").fill("national moratorium on commercial exports of ivory")
    page.get_by_role("button", name="Add the measure").click()
    page.wait_for_url("**/admin/measures?done=measure_added")
    check(page, "admin-measures")
    page.get_by_label("Reason for withdrawing").fill("the moratorium has ended")
    page.get_by_role("button", name="Withdraw").click()
    page.wait_for_url("**/admin/measures?done=measure_withdrawn*")
    page.goto("/admin/quotas")
    check(page, "admin-quotas")
    page.goto("/admin/audit?action=measure.withdraw")
    page.get_by_role("button", name="Verify the chain").click()
    page.wait_for_url("**/admin/audit/verify?action=measure.withdraw")
    assert "The chain is intact" in page.get_by_role("status").inner_text()
    check(page, "admin-audit")


def test_the_officers_exchange_report_and_override_pages(api, page) -> None:
    """The received permits, the outbox and the annual report with content, a permit request
    refused, a message sent again; the administrator's override of blocking checks."""
    trader, officer = api.trader(), api.user("officer")
    germany = pushing_peer(api, "DE")
    for serial in range(3):
        push_permit(api, "DE", germany, f"DE-E-2026-{serial:04d}", date(2026, 1, 5))
    dead, _waiting = undeliverable(api, trader, officer, "DE")

    sign_in(page, username_of(api, officer))
    page.wait_for_url("**/officer/queue")
    page.get_by_role("link", name="Received permits").click()
    assert "DE-E-2026-0002" in page.get_by_role("table").inner_text()
    check(page, "received-permits")
    page.locator("#f-request-party").fill("QZ")
    page.locator("#f-request-number").fill("QZ-1")
    page.get_by_role("button", name="Request the permit").click()
    assert "not a peer of this service" in page.get_by_role("alert").inner_text()
    check(page, "received-request-refused")

    page.get_by_role("link", name="Outbox").click()
    assert dead in page.get_by_role("table").inner_text()
    check(page, "outbox")
    page.get_by_role("button", name="Send again").click()
    page.wait_for_url("**/officer/outbox?done=requeued")
    assert page.get_by_role("status").inner_text() == "The message will be sent again."
    check(page, "outbox-requeued")

    page.get_by_role("link", name="Annual report").click()
    page.locator("#f-year").fill(str(date.today().year))
    page.locator("#f-basis").select_option("issued")
    page.get_by_role("button", name="Show").click()
    assert page.locator("#figure-documents").inner_text() == "2"
    check(page, "annual-report")
    page.get_by_role("button", name="Sign out").click()

    application_id = approved_but_blocked(api, trader, officer)
    sign_in(page, "admin")
    page.wait_for_url("**/admin")
    page.goto(f"/applications/{application_id}")
    check(page, "override-form")
    page.get_by_role("button", name="Override the blocking checks").click()
    assert "Write the reason for the override" in page.get_by_role("alert").inner_text()
    check(page, "override-errors")
    page.get_by_label("Reason for the override").fill("Pre-Convention tusks: certificate checked")
    page.get_by_role("button", name="Override the blocking checks").click()
    page.wait_for_url("**?done=checks_overridden")
    assert "admin overrode the blocking results" in page.get_by_role("main").inner_text()
    check(page, "overridden")


def test_the_remaining_pages_pass_the_accessibility_check(api, page) -> None:
    """The pages the walks above do not reach: the sign-in error, the account page with its
    sessions, the form of an application returned for changes, the "not found" and "not
    allowed" pages, the verification page that confirms nothing, and the customs account."""
    trader, officer = api.trader(), api.user("officer")
    customs = api.user("customs")
    application_id = api.submitted_application(trader)
    returned = api.client.post(
        f"/api/v1/applications/{application_id}/return",
        headers=officer,
        json={"comment": "Give the specimens' origin in box 12."},
    )
    assert returned.status_code == 200, returned.text

    page.goto("/login")
    page.get_by_label("User name").fill(username_of(api, trader))
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert "password is wrong" in page.get_by_role("alert").inner_text()
    check(page, "sign-in-refused")

    sign_in(page, username_of(api, trader))
    page.wait_for_url("**/dashboard")
    page.goto("/account")
    assert "(this browser)" in page.locator("main").inner_text()
    check(page, "account-sessions")
    page.goto(f"/applications/{application_id}")
    page.get_by_role("link", name="Change the application").click()
    page.wait_for_url(f"**/applications/{application_id}/edit")
    check(page, "returned-application-form")
    page.goto("/applications/999999")
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    check(page, "not-found")
    page.goto("/officer/queue")
    assert page.get_by_role("heading", level=1).inner_text() == "Not allowed"
    check(page, "not-allowed")
    page.goto("/verify/CH/NO-SUCH-PERMIT?d=0123456789abcdef")
    assert "not" in page.get_by_role("heading", level=2).first.inner_text().lower()
    check(page, "verification-not-confirmed")
    page.goto("/account")  # the public page has no header: sign out from a page that has
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, username_of(api, customs))
    page.wait_for_url("**/account")
    check(page, "customs-account")
