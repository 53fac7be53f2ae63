"""The administrator's pages: users, API keys (shown once, then usable against the API until
revoked), peers and their certificates, the reference data; closed to every other role; a
form without its CSRF token changes nothing."""

from __future__ import annotations

import re

import pytest

from app.species import importing
from tests.certificates import certificate_pem
from tests.factories import PASSWORD
from tests.web.conftest import Browser, username_of
from tests.web.pages import read

ADMIN_PAGES = ["/admin", "/admin/users", "/admin/api-keys", "/admin/peers", "/admin/reference"]
KEY = re.compile(r'<code id="new-key">([^<]+)</code>')


def _admin(api, browser: Browser) -> Browser:
    api.login("admin")
    browser.sign_in("admin")
    return browser


def test_an_administrator_lands_on_the_administration_page(api, browser) -> None:
    browser.get("/login")
    response = browser.post("/login", {"username": "admin", "password": PASSWORD})
    assert response.headers["location"] == "/admin"
    home = browser.get("/admin")
    assert home.status_code == 200
    assert set(ADMIN_PAGES[1:]) <= set(read(home.text).links)


def test_an_administrator_creates_a_trader_and_disables_then_enables_them(api, browser) -> None:
    _admin(api, browser)
    organisation = api.organisation("Zoo Supplies")
    form = {
        "username": "new.trader",
        "full_name": "New Trader",
        "role": "trader",
        "organisation_id": str(organisation),
        "password": "a-long-enough-password",
    }
    created = browser.post("/admin/users", form)
    assert created.status_code == 303
    assert created.headers["location"] == "/admin/users?done=user_created"
    listing = browser.get("/admin/users")
    assert "new.trader" in listing.text
    assert "Zoo Supplies" in listing.text
    assert "a-long-enough-password" not in listing.text
    assert api.login("new.trader", "a-long-enough-password")
    user_id = next(
        u["id"]
        for u in api.client.get("/api/v1/users", headers=api.login("admin")).json()["items"]
        if u["username"] == "new.trader"
    )
    assert browser.post(f"/admin/users/{user_id}/disable").status_code == 303
    refused = api.client.post(
        "/api/v1/auth/token", json={"username": "new.trader", "password": form["password"]}
    )
    assert refused.status_code == 401
    assert browser.post(f"/admin/users/{user_id}/enable").status_code == 303
    again = api.client.post(
        "/api/v1/auth/token", json={"username": "new.trader", "password": form["password"]}
    )
    assert again.status_code == 200


def test_a_wrong_user_form_shows_errors_linked_to_the_fields(api, browser) -> None:
    _admin(api, browser)
    response = browser.post(
        "/admin/users",
        {"username": "x", "full_name": "", "role": "trader", "password": "short"},
    )
    assert response.status_code == 422
    page = read(response.text)
    targets = {h[3:] for h in page.links if h.startswith("#f-")}
    assert {"username", "full_name", "password"} <= targets
    assert all(f"f-{t}" in page.ids for t in targets)
    no_organisation = browser.post(
        "/admin/users",
        {
            "username": "lonely.trader",
            "full_name": "Lonely",
            "role": "trader",
            "organisation_id": "",
            "password": "a-long-enough-password",
        },
    )
    assert no_organisation.status_code == 422
    assert 'href="#f-organisation_id"' in no_organisation.text
    names = [
        u["username"]
        for u in api.client.get("/api/v1/users", headers=api.login("admin")).json()["items"]
    ]
    assert "lonely.trader" not in names
    assert "x" not in names


def test_an_api_key_is_shown_once_works_and_stops_when_revoked(api, browser) -> None:
    _admin(api, browser)
    api.user("customs", username="border.post")
    created = browser.post("/admin/api-keys", {"holder": "border.post", "name": "Border post 1"})
    assert created.status_code == 200
    found = KEY.search(created.text)
    assert found is not None
    key = found.group(1)
    me = api.client.get("/api/v1/auth/me", headers={"X-API-Key": key})
    assert me.status_code == 200
    assert me.json()["username"] == "border.post"
    listing = browser.get("/admin/api-keys")
    assert "Border post 1" in listing.text
    assert key not in listing.text  # shown once only
    key_id = next(
        k["id"]
        for k in api.client.get("/api/v1/api-keys", headers=api.login("admin")).json()["items"]
        if k["name"] == "Border post 1"
    )
    revoked = browser.post(f"/admin/api-keys/{key_id}/revoke")
    assert revoked.headers["location"] == "/admin/api-keys?done=key_revoked"
    assert api.client.get("/api/v1/auth/me", headers={"X-API-Key": key}).status_code == 401


def test_an_api_key_for_an_unknown_user_is_refused_on_the_field(api, browser) -> None:
    _admin(api, browser)
    response = browser.post("/admin/api-keys", {"holder": "nobody", "name": "Nothing"})
    assert response.status_code == 404
    assert 'href="#f-holder"' in response.text
    assert not KEY.search(response.text)
    assert api.client.get("/api/v1/api-keys", headers=api.login("admin")).json()["items"] == []


def test_an_administrator_adds_a_peer_with_a_certificate_and_revokes_it(api, browser) -> None:
    _admin(api, browser)
    added = browser.post("/admin/peers", {"party": "fr", "name": "Ministère", "endpoint_url": ""})
    assert added.headers["location"] == "/admin/peers/FR?done=peer_added"
    pem = certificate_pem()
    trusted = browser.post("/admin/peers/FR/certificates", {"pem": pem, "state": "active"})
    assert trusted.status_code == 303
    admin = api.login("admin")
    certificates = api.client.get("/api/v1/peers/FR/certificates", headers=admin).json()
    assert [c["state"] for c in certificates] == ["active"]
    fingerprint = certificates[0]["fingerprint"]
    page = browser.get("/admin/peers/FR")
    assert fingerprint in page.text
    no_reason = browser.post(
        f"/admin/peers/FR/certificates/{fingerprint}/state",
        {"action": "revoke", f"reason-{fingerprint[:16]}": ""},
    )
    assert no_reason.status_code == 422
    assert f'href="#f-reason-{fingerprint[:16]}"' in no_reason.text
    revoked = browser.post(
        f"/admin/peers/FR/certificates/{fingerprint}/state",
        {"action": "revoke", f"reason-{fingerprint[:16]}": "key compromised"},
    )
    assert revoked.status_code == 303
    states = [
        c["state"] for c in api.client.get("/api/v1/peers/FR/certificates", headers=admin).json()
    ]
    assert states == ["revoked"]
    suspended = browser.post("/admin/peers/FR/state", {"action": "suspend"})
    assert suspended.status_code == 303
    peers = api.client.get("/api/v1/peers", headers=admin).json()["items"]
    assert [(p["party"], p["state"]) for p in peers] == [("FR", "suspended")]


def test_bad_peer_and_certificate_forms_change_nothing(api, browser) -> None:
    _admin(api, browser)
    own = browser.post("/admin/peers", {"party": "CH", "name": "Ourselves", "endpoint_url": ""})
    assert own.status_code == 422
    assert 'href="#f-party"' in own.text
    insecure = browser.post(
        "/admin/peers", {"party": "DE", "name": "BfN", "endpoint_url": "http://example.org/epix"}
    )
    assert insecure.status_code == 422
    assert 'href="#f-endpoint_url"' in insecure.text
    admin = api.login("admin")
    assert api.client.get("/api/v1/peers", headers=admin).json()["total"] == 0
    browser.post("/admin/peers", {"party": "DE", "name": "BfN", "endpoint_url": ""})
    broken = browser.post(
        "/admin/peers/DE/certificates", {"pem": "-----BEGIN CERTIFICATE-----\n" + "A" * 80}
    )
    assert broken.status_code == 422
    assert 'href="#f-pem"' in broken.text
    assert api.client.get("/api/v1/peers/DE/certificates", headers=admin).json() == []
    assert browser.get("/admin/peers/ZZ").status_code == 404


def test_the_reference_data_page_imports_the_shipped_dataset(api, browser) -> None:
    _admin(api, browser)
    response = browser.post("/admin/reference/import")
    assert response.status_code == 200
    assert 'role="status"' in response.text
    taxa = re.search(r"<dt>Taxa \(names[^<]*</dt><dd>([\d,]+)</dd>", response.text)
    assert taxa is not None
    assert int(taxa.group(1).replace(",", "")) > 0
    again = browser.post("/admin/reference/import")
    assert "nothing has changed" in again.text
    page = browser.get("/admin/reference")
    assert importing.DATASET.name in page.text
    assert "species.import" not in page.text  # the history is shown, not the audit codes
    assert len(read(page.text).texts) > 10


def test_bad_reference_rows_are_listed_with_file_and_line(
    api, browser, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _admin(api, browser)
    before = browser.get("/admin/reference").text
    bad = tmp_path / "reference.json"
    bad.write_text('{"taxon_concepts": [{"id": "1"}]}', encoding="utf-8")
    monkeypatch.setattr(importing, "DATASET", bad)
    response = browser.post("/admin/reference/import")
    assert response.status_code == 422
    assert "reference.json" in response.text
    assert "Nothing was imported" in response.text
    after = browser.get("/admin/reference").text
    snapshot = re.compile(r"<dt>Snapshot</dt><dd>(\d+)</dd>")
    assert snapshot.findall(before) == snapshot.findall(after)


@pytest.mark.parametrize("role", ["trader", "officer", "customs"])
def test_other_roles_cannot_open_or_post_the_admin_pages(api, browser, role) -> None:
    headers = api.trader() if role == "trader" else api.user(role)
    browser.sign_in(username_of(api, headers))
    for url in [*ADMIN_PAGES, "/admin/peers/FR"]:
        assert browser.get(url).status_code in (403, 404), url
    posts = {
        "/admin/users": {
            "username": "intruder",
            "full_name": "I",
            "role": "admin",
            "password": "a-long-enough-password",
        },
        "/admin/api-keys": {"holder": "admin", "name": "stolen"},
        "/admin/peers": {"party": "FR", "name": "X", "endpoint_url": ""},
        "/admin/reference/import": {},
        "/admin/users/1/disable": {},
    }
    for url, form in posts.items():
        response = browser.post(url, form)
        assert response.status_code in (403, 404), url
        assert KEY.search(response.text) is None
    admin = api.login("admin")
    names = [u["username"] for u in api.client.get("/api/v1/users", headers=admin).json()["items"]]
    assert "intruder" not in names
    assert api.client.get("/api/v1/api-keys", headers=admin).json()["items"] == []
    assert api.client.get("/api/v1/peers", headers=admin).json()["total"] == 0
    assert api.login("admin")  # still enabled


def test_an_admin_form_without_its_csrf_token_changes_nothing(api, browser) -> None:
    _admin(api, browser)
    form = {
        "username": "forged",
        "full_name": "F",
        "role": "admin",
        "password": "a-long-enough-password",
    }
    response = browser.client.post("/admin/users", data=form, follow_redirects=False)
    assert response.status_code == 403
    forged_key = browser.client.post(
        "/admin/api-keys", data={"holder": "admin", "name": "k", "csrf_token": "forged"}
    )
    assert forged_key.status_code == 403
    admin = api.login("admin")
    names = [u["username"] for u in api.client.get("/api/v1/users", headers=admin).json()["items"]]
    assert "forged" not in names
    assert api.client.get("/api/v1/api-keys", headers=admin).json()["items"] == []


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_customs_land_on_an_account_page_that_says_what_the_api_is_for(
    api, browser, language
) -> None:
    from tests.web.test_languages import _english_patterns

    customs = api.user("customs")
    browser.client.cookies.set("ecites_lang", language)
    browser.sign_in(username_of(api, customs))
    home = browser.get("/", follow_redirects=False)
    assert home.headers["location"] == "/account"
    page = browser.get("/account")
    assert page.status_code == 200
    content = read(page.text)
    assert "/docs" in content.links
    assert content.lang == language
    english = _english_patterns(language if language != "en" else "fr")
    found = [t for t in content.texts if any(p.match(t) for p in english)]
    if language == "en":
        assert len(found) >= 3
    else:
        assert found == []


def test_text_with_a_nul_character_is_refused_on_every_backend(api, browser) -> None:
    _admin(api, browser)
    key = browser.post("/admin/api-keys", {"holder": "adm\x00in", "name": "k\x00"})
    assert key.status_code == 422
    assert {'href="#f-holder"', 'href="#f-name"'} <= set(re.findall(r'href="#f-\w+"', key.text))
    user = browser.post(
        "/admin/users",
        {
            "username": "nul",
            "full_name": "N\x00L",
            "role": "officer",
            "password": "a-long-enough-password",
        },
    )
    assert user.status_code == 422
    admin = api.login("admin")
    api.client.post("/api/v1/peers", headers=admin, json={"party": "FR", "name": "MNHN"})
    api.client.post("/api/v1/peers/FR/certificates", headers=admin, json={"pem": certificate_pem()})
    (certificate,) = api.client.get("/api/v1/peers/FR/certificates", headers=admin).json()
    fingerprint = certificate["fingerprint"]
    reason = browser.post(
        f"/admin/peers/FR/certificates/{fingerprint}/state",
        {"action": "revoke", f"reason-{fingerprint[:16]}": "bad\x00key"},
    )
    assert reason.status_code == 422
    assert api.client.get("/api/v1/api-keys", headers=admin).json()["items"] == []
    states = [
        c["state"] for c in api.client.get("/api/v1/peers/FR/certificates", headers=admin).json()
    ]
    assert states == ["active"]


def test_an_administrator_cannot_disable_their_own_account(api, browser) -> None:
    _admin(api, browser)
    admin_id = api.client.get("/api/v1/auth/me", headers=api.login("admin")).json()["id"]
    response = browser.post(f"/admin/users/{admin_id}/disable")
    assert response.status_code == 409
    assert "You cannot disable your own account." in response.text
    assert browser.get("/admin").status_code == 200  # still signed in, still active
