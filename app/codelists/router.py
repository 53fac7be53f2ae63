from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.codelists.lists import code_lists

router = APIRouter(prefix="/codelists", tags=["reference"])


@router.get("", summary="The CITES code lists this service checks input against (public)")
def get_code_lists() -> dict[str, Any]:
    lists = code_lists()
    return {
        "version": lists.version,
        "purpose": lists.purpose,
        "source": lists.source,
        "appendix": lists.appendix,
        "unit": lists.unit,
        "unit_legacy": lists.unit_legacy,
        "term": lists.term,
        "country": lists.country,
        "document_type": lists.document_type,
        "other_subtype": lists.other_subtype,
    }
