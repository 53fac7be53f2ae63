"""The browser interface's routes, and where its static files are."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from app.web import (
    views_admin,
    views_admin_measures,
    views_admin_orgs,
    views_admin_reference,
    views_admin_trust,
    views_admin_users,
    views_applications,
    views_audit,
    views_auth,
    views_exchange,
    views_lists,
    views_officer,
    views_permits,
    views_reports,
)

STATIC_DIR = Path(__file__).resolve().parent / "static"

router = APIRouter(include_in_schema=False)
for module in (
    views_auth,
    views_lists,
    views_applications,
    views_officer,
    views_permits,
    views_exchange,
    views_reports,
    views_admin,
    views_admin_users,
    views_admin_trust,
    views_admin_reference,
    views_admin_orgs,
    views_admin_measures,
    views_audit,
):
    router.include_router(module.router)
