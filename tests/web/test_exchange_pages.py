"""The officer's outbox and received-permits pages."""

from __future__ import annotations

from tests.web.conftest import username_of


def test_the_outbox_and_received_permits_pages(api, browser) -> None:
    officer = api.user("officer")
    browser.sign_in(username_of(api, officer))
    outbox = browser.get("/officer/outbox")
    assert outbox.status_code == 200
    assert "No message." in outbox.text
    assert browser.get("/officer/outbox?status=dead").status_code == 200
    assert browser.get("/officer/outbox?status=lost").status_code == 400
    received = browser.get("/officer/received?party=fr&number=FR123")
    assert received.status_code == 200
    assert 'value="FR"' in received.text
    assert "No permit received." in received.text
    assert browser.get("/officer/received?party=FRA").status_code == 400


def test_requeueing_an_unknown_message_is_not_found(api, browser) -> None:
    officer = api.user("officer")
    browser.sign_in(username_of(api, officer))
    response = browser.post("/officer/outbox/00000000-0000-0000-0000-000000000000/requeue")
    assert response.status_code == 404


def test_traders_do_not_see_the_exchange(api, browser) -> None:
    trader = api.trader()
    browser.sign_in(username_of(api, trader))
    assert browser.get("/officer/outbox").status_code == 403
    assert browser.get("/officer/received").status_code == 403
    response = browser.post("/officer/outbox/00000000-0000-0000-0000-000000000000/requeue")
    assert response.status_code == 403
