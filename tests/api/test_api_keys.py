"""Listing API keys: a page of them newest first, like every list, filtered by holder and by
whether they are revoked; the secret is never in the listing."""

from __future__ import annotations

from typing import Any

from tests.factories import Api

KEYS = "/api/v1/api-keys"


def _holder_id(api: Api, headers: dict[str, str]) -> int:
    me = api.client.get("/api/v1/auth/me", headers=headers)
    assert me.status_code == 200, me.text
    user_id: int = me.json()["id"]
    return user_id


def _create(api: Api, user_id: int, name: str) -> dict[str, Any]:
    created = api.client.post(
        KEYS, headers=api.login("admin"), json={"user_id": user_id, "name": name}
    )
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body


def test_api_keys_are_listed_a_page_at_a_time_newest_first(api: Api) -> None:
    admin = api.login("admin")
    border, gateway = _holder_id(api, api.user("customs")), _holder_id(api, api.user("customs"))
    made = [_create(api, border if i % 2 else gateway, f"key {i}") for i in range(5)]
    revoked = api.client.post(f"{KEYS}/{made[0]['id']}/revoke", headers=admin)
    assert revoked.status_code == 200, revoked.text

    first = api.client.get(KEYS, headers=admin, params={"limit": 2}).json()
    assert first["total"] == 5
    assert [k["name"] for k in first["items"]] == ["key 4", "key 3"]
    rest = api.client.get(KEYS, headers=admin, params={"limit": 2, "offset": 4}).json()
    assert [k["name"] for k in rest["items"]] == ["key 0"]

    of_border = api.client.get(KEYS, headers=admin, params={"user_id": border}).json()
    assert [k["name"] for k in of_border["items"]] == ["key 3", "key 1"]
    active = api.client.get(KEYS, headers=admin, params={"revoked": "false"}).json()
    assert active["total"] == 4
    gone = api.client.get(KEYS, headers=admin, params={"revoked": "true"}).json()
    assert [k["name"] for k in gone["items"]] == ["key 0"]
    listing = api.client.get(KEYS, headers=admin).text
    assert all(key["key"] not in listing for key in made)


def test_a_bad_page_is_refused_with_the_usual_error(api: Api) -> None:
    response = api.client.get(KEYS, headers=api.login("admin"), params={"limit": 0})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
