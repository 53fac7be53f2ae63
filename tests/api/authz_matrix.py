"""The authorisation matrix: every endpoint x every principal -> the expected outcome.

Principals are the four roles, an anonymous caller, and ``other_trader``: a trader of ANOTHER
organisation than the one owning the application or permit the endpoint acts on. A trader never
sees another organisation's objects: they are ``hidden`` (404, existence not revealed).
The table's columns are in the order of ``PRINCIPALS`` ("other" is ``other_trader``).

The keys must equal the operations in the OpenAPI document (tests/api/test_authorization.py
checks this), so a new endpoint cannot be added without deciding who may call it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final, Literal

Principal = Literal["anonymous", "trader", "other_trader", "officer", "customs", "admin"]
PRINCIPALS: Final[tuple[Principal, ...]] = (
    "anonymous",
    "trader",
    "other_trader",
    "officer",
    "customs",
    "admin",
)


class Expect(StrEnum):
    OK = "ok"  # the call succeeds (2xx)
    UNAUTH = "unauth"  # 401 not_authenticated
    DENY = "deny"  # 403 role_not_allowed
    HIDDEN = "hidden"  # 404 application_not_found / permit_not_found: someone else's object


OK, UNAUTH, DENY, HIDDEN = Expect.OK, Expect.UNAUTH, Expect.DENY, Expect.HIDDEN

Endpoint = tuple[str, str]  # (METHOD, path template as in the OpenAPI document)


def _row(*outcomes: Expect) -> dict[Principal, Expect]:
    assert len(outcomes) == len(PRINCIPALS)
    return dict(zip(PRINCIPALS, outcomes, strict=True))


V1 = "/api/v1"
APP = f"{V1}/applications/{{application_id}}"
PERMIT = f"{V1}/permits/{{permit_id}}"
USERS = f"{V1}/users"
KEYS = f"{V1}/api-keys"
CERT = f"{V1}/certificates/{{fingerprint}}"
CUSTOMS = f"{V1}/customs/permits/{{country}}/{{number}}"
HOOK = f"{V1}/customs/webhooks/{{webhook_id}}"
ANNUAL = f"{V1}/reports/annual/{{year}}"
MEASURES = f"{V1}/species/measures"

# fmt: off
MATRIX: Final[dict[Endpoint, dict[Principal, Expect]]] = {
    #                                              anon    trader  other   officer customs admin
    ("POST", f"{V1}/auth/token"):             _row(OK,     OK,     OK,     OK,     OK,     OK),
    ("GET", f"{V1}/auth/me"):                 _row(UNAUTH, OK,     OK,     OK,     OK,     OK),
    ("POST", f"{V1}/organisations"):          _row(UNAUTH, DENY,   DENY,   DENY,   DENY,   OK),
    ("GET", f"{V1}/organisations"):           _row(UNAUTH, DENY,   DENY,   OK,     DENY,   OK),
    ("POST", USERS):                          _row(UNAUTH, DENY,   DENY,   DENY,   DENY,   OK),
    ("GET", USERS):                           _row(UNAUTH, DENY,   DENY,   DENY,   DENY,   OK),
    ("POST", f"{USERS}/{{user_id}}/disable"): _row(UNAUTH, DENY,   DENY,   DENY,   DENY,   OK),
    ("POST", KEYS):                           _row(UNAUTH, DENY,   DENY,   DENY,   DENY,   OK),
    ("GET", KEYS):                            _row(UNAUTH, DENY,   DENY,   DENY,   DENY,   OK),
    ("POST", f"{KEYS}/{{key_id}}/revoke"):    _row(UNAUTH, DENY,   DENY,   DENY,   DENY,   OK),
    ("POST", f"{V1}/applications"):           _row(UNAUTH, OK,     OK,     DENY,   DENY,   DENY),
    ("GET", f"{V1}/applications"):            _row(UNAUTH, OK,     OK,     OK,     DENY,   OK),
    ("GET", APP):                             _row(UNAUTH, OK,     HIDDEN, OK,     DENY,   OK),
    ("PUT", APP):                             _row(UNAUTH, OK,     HIDDEN, DENY,   DENY,   DENY),
    ("POST", f"{APP}/submit"):                _row(UNAUTH, OK,     HIDDEN, DENY,   DENY,   DENY),
    ("POST", f"{APP}/withdraw"):              _row(UNAUTH, OK,     HIDDEN, DENY,   DENY,   DENY),
    ("POST", f"{APP}/approve"):               _row(UNAUTH, DENY,   DENY,   OK,     DENY,   DENY),
    ("POST", f"{APP}/refuse"):                _row(UNAUTH, DENY,   DENY,   OK,     DENY,   DENY),
    ("POST", f"{APP}/return"):                _row(UNAUTH, DENY,   DENY,   OK,     DENY,   DENY),
    ("POST", f"{APP}/issue"):                 _row(UNAUTH, DENY,   DENY,   OK,     DENY,   DENY),
    ("POST", f"{PERMIT}/cancel"):             _row(UNAUTH, DENY,   DENY,   OK,     DENY,   DENY),
    ("POST", f"{PERMIT}/replace"):            _row(UNAUTH, DENY,   DENY,   OK,     DENY,   DENY),
    ("GET", f"{V1}/permits"):                 _row(UNAUTH, OK,     OK,     OK,     OK,     OK),
    ("GET", PERMIT):                          _row(UNAUTH, OK,     HIDDEN, OK,     OK,     OK),
    ("GET", f"{PERMIT}.xml"):                 _row(UNAUTH, OK,     HIDDEN, OK,     OK,     OK),
    ("GET", f"{PERMIT}.pdf"):                 _row(UNAUTH, OK,     HIDDEN, OK,     OK,     OK),
    ("POST", f"{V1}/xml/validate"):           _row(UNAUTH, OK,     OK,     OK,     OK,     OK),
    ("GET", f"{V1}/audit/events"):            _row(UNAUTH, DENY,   DENY,   DENY,   DENY,   OK),
    ("GET", f"{V1}/audit/verify"):            _row(UNAUTH, DENY,   DENY,   DENY,   DENY,   OK),
    ("GET", f"{V1}/codelists"):               _row(OK,     OK,     OK,     OK,     OK,     OK),
    ("POST", f"{V1}/peers"):                  _row(UNAUTH, DENY,   DENY,   DENY,   DENY,   OK),
    ("GET", f"{V1}/peers"):                   _row(UNAUTH, DENY,   DENY,   DENY,   DENY,   OK),
    ("POST", f"{V1}/peers/{{party}}/suspend"):  _row(UNAUTH, DENY, DENY,   DENY,   DENY,   OK),
    ("POST", f"{V1}/peers/{{party}}/activate"): _row(UNAUTH, DENY, DENY,   DENY,   DENY,   OK),
    ("POST", f"{V1}/peers/{{party}}/certificates"): _row(UNAUTH, DENY, DENY, DENY, DENY,  OK),
    ("GET", f"{V1}/peers/{{party}}/certificates"):  _row(UNAUTH, DENY, DENY, DENY, DENY,  OK),
    ("POST", f"{CERT}/activate"): _row(UNAUTH, DENY, DENY, DENY, DENY, OK),
    ("POST", f"{CERT}/retire"):   _row(UNAUTH, DENY, DENY, DENY, DENY, OK),
    ("POST", f"{CERT}/revoke"):   _row(UNAUTH, DENY, DENY, DENY, DENY, OK),
    ("POST", f"{V1}/verify"):                 _row(OK,     OK,     OK,     OK,     OK,     OK),
    ("GET", "/epix/v1/certificates"):         _row(OK,     OK,     OK,     OK,     OK,     OK),
    ("POST", "/epix/v1/messages"):            _row(OK,     OK,     OK,     OK,     OK,     OK),
    ("GET", "/epix/v1/status"):               _row(OK,     OK,     OK,     OK,     OK,     OK),
    ("GET", f"{V1}/outbox"):                  _row(UNAUTH, DENY,   DENY,   OK,     DENY,   OK),
    ("GET", f"{V1}/outbox/{{message_id}}/receipt"): _row(UNAUTH, DENY, DENY, OK,   DENY,   OK),
    ("POST", f"{V1}/outbox/{{message_id}}/requeue"): _row(UNAUTH, DENY, DENY, OK,   DENY,   DENY),
    ("GET", f"{V1}/foreign-permits"):         _row(UNAUTH, DENY,   DENY,   OK,     OK,     OK),
    ("POST", f"{V1}/foreign-permits/request"): _row(UNAUTH, DENY, DENY,   OK,     OK,     OK),
    ("GET", f"{V1}/foreign-permits/{{party}}/{{number}}.xml"): _row(UNAUTH, DENY, DENY, OK, OK, OK),
    ("GET", f"{APP}/export-permit-check"):    _row(UNAUTH, OK,     HIDDEN, OK,     DENY,   OK),
    ("GET", CUSTOMS):                         _row(UNAUTH, DENY,   DENY,   OK,     OK,     OK),
    ("POST", f"{CUSTOMS}/export-endorsements"): _row(UNAUTH, DENY, DENY,   DENY,   OK,     DENY),
    ("POST", f"{CUSTOMS}/import-clearances"): _row(UNAUTH, DENY,   DENY,   DENY,   OK,     DENY),
    ("POST", f"{V1}/customs/webhooks"):       _row(UNAUTH, DENY,   DENY,   DENY,   DENY,   OK),
    ("GET", f"{V1}/customs/webhooks"):        _row(UNAUTH, DENY,   DENY,   DENY,   DENY,   OK),
    ("POST", f"{HOOK}/suspend"):              _row(UNAUTH, DENY,   DENY,   DENY,   DENY,   OK),
    ("POST", f"{HOOK}/activate"):             _row(UNAUTH, DENY,   DENY,   DENY,   DENY,   OK),
    ("GET", f"{V1}/species"):                 _row(UNAUTH, OK,     OK,     OK,     OK,     OK),
    ("GET", f"{V1}/species/quotas"):          _row(UNAUTH, DENY,   DENY,   OK,     DENY,   OK),
    ("GET", MEASURES):                        _row(UNAUTH, DENY,   DENY,   OK,     DENY,   OK),
    ("POST", MEASURES):                       _row(UNAUTH, DENY,   DENY,   DENY,   DENY,   OK),
    ("POST", f"{MEASURES}/{{measure_id}}/withdraw"): _row(UNAUTH, DENY, DENY, DENY, DENY,  OK),
    ("POST", f"{V1}/checks"):                 _row(UNAUTH, OK,     OK,     OK,     OK,     OK),
    ("GET", f"{APP}/checks"):                 _row(UNAUTH, OK,     HIDDEN, OK,     DENY,   OK),
    ("POST", f"{APP}/checks/override"):       _row(UNAUTH, DENY,   DENY,   DENY,   DENY,   OK),
    ("GET", ANNUAL):                          _row(UNAUTH, DENY,   DENY,   OK,     DENY,   OK),
    ("GET", f"{ANNUAL}/problems"):            _row(UNAUTH, DENY,   DENY,   OK,     DENY,   OK),
    ("GET", f"{ANNUAL}/statistics"):          _row(UNAUTH, DENY,   DENY,   OK,     DENY,   OK),
    ("GET", "/healthz"):                      _row(OK,     OK,     OK,     OK,     OK,     OK),
    ("GET", "/verify/{party}/{number}"):      _row(OK,     OK,     OK,     OK,     OK,     OK),
}
# fmt: on
