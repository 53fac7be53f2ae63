"""The audit trail page: the events newest first with their details as a readable list,
filtered by action, actor, object and dates, 50 a page; the verification of the hash chain,
intact or broken at the event altered behind the service's back."""

from __future__ import annotations

import re

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import AuditEvent
from app.core.clock import utcnow
from app.core.db import unit_of_work
from tests.web.test_admin_data_pages import V1, _admin, rows


def test_the_audit_trail_lists_filters_and_verifies(api, browser) -> None:
    _admin(api, browser)
    created = browser.post(
        "/admin/users",
        {
            "username": "audited.officer",
            "full_name": "Audited Officer",
            "role": "officer",
            "password": "a-long-enough-password",
        },
    )
    assert created.status_code == 303
    trail = browser.get("/admin/audit")
    assert trail.status_code == 200
    first = rows(trail.text)[0]  # newest first: the user just created
    assert "user.create" in first[3]
    assert "username audited.officer" in first[5]
    assert "role officer" in first[5]
    assert "<dt><code>username</code></dt><dd>audited.officer</dd>" in trail.text  # no raw JSON
    only = rows(browser.get("/admin/audit?action=user.create&actor=admin").text)
    assert [r[3] for r in only] == ["user.create"]
    assert rows(browser.get("/admin/audit?action=user.create&actor=nobody").text) == []
    user_id = first[4].split()[-1]
    by_object = rows(browser.get(f"/admin/audit?object_type=user&object_id={user_id}").text)
    assert [r[3] for r in by_object] == ["user.create"]
    day = utcnow().date()
    assert len(rows(browser.get(f"/admin/audit?occurred_from={day}&occurred_to={day}").text)) >= 2
    later = f"{day.replace(year=day.year + 1)}"
    assert rows(browser.get(f"/admin/audit?occurred_from={later}").text) == []
    verified = browser.get("/admin/audit/verify?action=user.create&actor=admin")
    assert verified.status_code == 200
    assert re.search(r"The chain is intact: \d+ events checked\.", verified.text)
    assert [r[3] for r in rows(verified.text)] == ["user.create"]  # the filters are kept


def test_the_audit_trail_is_paged_by_fifty(api, browser) -> None:
    for number in range(52):
        api.organisation(f"Audit Paging {number:02d}")
    _admin(api, browser)
    first = browser.get("/admin/audit?action=organisation.create")
    assert "Events found: 52" in first.text
    assert len(rows(first.text)) == 50
    assert "name Audit Paging 51" in rows(first.text)[0][5]
    second = browser.get("/admin/audit?action=organisation.create&page=2")
    names = [re.search(r"name (Audit Paging \d+)", r[5]) for r in rows(second.text)]
    assert [m.group(1) for m in names if m] == ["Audit Paging 01", "Audit Paging 00"]


def test_an_altered_event_breaks_the_chain_on_the_page(
    api, browser, session_factory: sessionmaker[Session]
) -> None:
    api.organisation("Honest Traders")
    _admin(api, browser)
    [event] = api.client.get(
        f"{V1}/audit/events", headers=api.login("admin"), params={"action": "organisation.create"}
    ).json()["items"]
    with unit_of_work(session_factory) as session:  # someone edits the table behind the service
        session.execute(
            update(AuditEvent)
            .where(AuditEvent.seq == event["seq"])
            .values(details='{"country": "CH", "name": "Dishonest Traders"}')
        )
    verified = browser.get("/admin/audit/verify")
    assert verified.status_code == 200
    assert f"The chain is broken at event {event['seq']}." in verified.text
    assert "row altered" in verified.text
    assert "The chain is intact" not in verified.text
