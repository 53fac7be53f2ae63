"""The main pages, set up with data so that each shows its full content, and a small HTML
reader for the checks that look at them (text, labels, links)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

from tests.certificates import certificate_pem
from tests.factories import application_body
from tests.species.ledger_helpers import PYTHONS, import_quotas
from tests.web.conftest import Browser, username_of
from tests.web.exchange_data import push_permit, pushing_peer, undeliverable

VOID = {"br", "input", "meta", "link", "img", "hr", "option"}
THIS_YEAR = datetime.now(UTC).year


@dataclass
class Page:
    """What the checks need to know of a page."""

    texts: list[str] = field(default_factory=list)
    attributes: list[str] = field(default_factory=list)  # labels, titles, alt texts, values
    ids: list[str] = field(default_factory=list)  # every id, so duplicates show
    label_for: set[str] = field(default_factory=set)
    controls: list[tuple[str, str | None]] = field(default_factory=list)  # (tag, id)
    links: list[str] = field(default_factory=list)
    h1: int = 0
    lang: str | None = None
    english_only: int = 0  # depth inside an element marked lang="en"


class Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[tuple[str, bool]] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        page = self.page
        if tag == "html":
            page.lang = a.get("lang")
        element_id = a.get("id")
        if element_id:
            page.ids.append(element_id)
        if tag == "label" and a.get("for"):
            page.label_for.add(a["for"] or "")
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            page.controls.append((tag, a.get("id")))
        if tag == "a" and a.get("href"):
            page.links.append(a["href"] or "")
        if tag == "h1":
            page.h1 += 1
        for name in ("aria-label", "title", "alt", "placeholder"):
            if a.get(name):
                page.attributes.append(a[name] or "")
        english = a.get("lang") == "en" and tag != "html"
        if tag in ("script", "style"):
            self.skip += 1
        if tag not in VOID:
            self.stack.append((tag, english))
            if english:
                page.english_only += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip -= 1
        while self.stack:
            open_tag, english = self.stack.pop()
            if english:
                self.page.english_only -= 1
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self.skip and not self.page.english_only:
            self.page.texts.append(text)


def read(html: str) -> Page:
    reader = Reader()
    reader.feed(html)
    return reader.page


def main_pages(
    api, trader_browser: Browser, officer_browser: Browser, admin_browser: Browser | None = None
) -> dict[str, tuple[Browser, str]]:
    """Every main page, with data behind it: name -> (the browser that sees it, its URL);
    with ``admin_browser``, the administrator's pages too."""
    trader, officer = api.trader(), api.user("officer")
    draft = api.client.post("/api/v1/applications", headers=trader, json=application_body())
    assert draft.status_code == 201, draft.text
    draft_id = draft.json()["id"]
    permit = api.issued_permit(trader, officer)
    submitted = api.submitted_application(trader)
    exchange_content(api, trader, officer)
    trader_browser.sign_in(username_of(api, trader))
    officer_browser.sign_in(username_of(api, officer))
    return {
        "login": (Browser(trader_browser.client), "/login"),
        "dashboard": (trader_browser, "/dashboard"),
        "account": (trader_browser, "/account"),
        "new application": (trader_browser, "/applications/new"),
        "edit application": (trader_browser, f"/applications/{draft_id}/edit"),
        "trader application": (trader_browser, f"/applications/{permit['application_id']}"),
        "officer queue": (officer_browser, "/officer/queue"),
        "officer application": (officer_browser, f"/applications/{submitted}"),
        "officer issued application": (
            officer_browser,
            f"/applications/{permit['application_id']}",
        ),
        "received permits": (officer_browser, "/officer/received"),
        "outbox": (officer_browser, "/officer/outbox"),
        "annual report": (officer_browser, f"/officer/reports?year={THIS_YEAR}&basis=issued"),
        "not found": (trader_browser, "/applications/999999"),
        **(admin_pages(api, admin_browser) if admin_browser else {}),
        **(override_pages(api, officer_browser, admin_browser) if admin_browser else {}),
    }


def exchange_content(api, trader: dict[str, str], officer: dict[str, str]) -> None:
    """Germany as a peer: it pushed a permit here; two permits issued for it could not be
    delivered (one given up on, one waiting for its next attempt)."""
    germany = pushing_peer(api, "DE")
    push_permit(api, "DE", germany, "DE-E-2026-0042", date(THIS_YEAR, 1, 5))
    undeliverable(api, trader, officer, "DE")


def override_pages(
    api, officer_browser: Browser, admin_browser: Browser
) -> dict[str, tuple[Browser, str]]:
    """An approved application the checks block (Appendix I ivory from the wild, commercial;
    needs the reference data ``admin_pages`` imports): the administrator's override form, the
    officer's sentence."""
    tusks = {
        "scientific_name": "Loxodonta africana",
        "common_name": "African elephant",
        "term_code": "TUS",
        "quantity": "2",
        "unit_code": "",
        "appendix": "I",
        "source_code": "W",
        "origin_country": "KE",
    }
    application_id = api.submitted_application(api.trader(), purpose_code="T", lines=[tusks])
    approved = api.client.post(
        f"/api/v1/applications/{application_id}/approve",
        headers=api.user("officer"),
        json={"acknowledge_warnings": True},
    )
    assert approved.status_code == 200, approved.text
    return {
        "admin blocked application": (admin_browser, f"/applications/{application_id}"),
        "officer blocked application": (officer_browser, f"/applications/{application_id}"),
    }


def admin_pages(api, admin_browser: Browser) -> dict[str, tuple[Browser, str]]:
    """The administrator's pages, with a user, an API key, a peer and its certificates, the
    reference data with a quota, and a national measure."""
    customs = api.user("customs", username="border.system")
    admin = api.login("admin")
    customs_id = api.client.get("/api/v1/auth/me", headers=customs).json()["id"]
    key = api.client.post(
        "/api/v1/api-keys", headers=admin, json={"user_id": customs_id, "name": "Border post"}
    )
    assert key.status_code == 201, key.text
    peer = api.client.post("/api/v1/peers", headers=admin, json={"party": "FR", "name": "MNHN"})
    assert peer.status_code == 201, peer.text
    for state in ("active", "pending"):
        trusted = api.client.post(
            "/api/v1/peers/FR/certificates",
            headers=admin,
            json={"pem": certificate_pem(common_name=f"MNHN {state}"), "state": state},
        )
        assert trusted.status_code == 201, trusted.text
    with tempfile.TemporaryDirectory() as directory:  # reference data with a quota
        import_quotas(api.session_factory, Path(directory), PYTHONS)
    measure = api.client.post(
        "/api/v1/species/measures",
        headers=admin,
        json={
            "taxon": "Loxodonta africana",
            "direction": "export",
            "purpose_codes": ["T"],
            "start_date": "2020-01-01",
            "reason": "national moratorium on commercial exports of ivory",
        },
    )
    assert measure.status_code == 201, measure.text
    admin_browser.sign_in("admin")
    return {
        "admin home": (admin_browser, "/admin"),
        "admin users": (admin_browser, "/admin/users"),
        "admin API keys": (admin_browser, "/admin/api-keys"),
        "admin peers": (admin_browser, "/admin/peers"),
        "admin peer": (admin_browser, "/admin/peers/FR"),
        "admin reference data": (admin_browser, "/admin/reference"),
        "admin organisations": (admin_browser, "/admin/organisations"),
        "admin measures": (admin_browser, "/admin/measures"),
        "admin quotas": (admin_browser, "/admin/quotas"),
        "audit trail": (admin_browser, "/admin/audit/verify"),
    }
