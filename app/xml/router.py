from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from app.api.deps import CurrentActor, SchemaDep, SettingsDep
from app.api.errors import ERROR_RESPONSES
from app.xml.validation import validate_xml

router = APIRouter(prefix="/xml", tags=["xml"], responses=ERROR_RESPONSES)

REPORT_EXAMPLE = {
    "valid": False,
    "layers": [
        {"layer": "wellformed", "status": "passed", "problems": []},
        {
            "layer": "schema",
            "status": "failed",
            "problems": [
                {
                    "layer": "schema",
                    "code": "schema_invalid",
                    "severity": "error",
                    "message": "Element 'TypeCode': [facet 'enumeration'] 'Z' is not valid",
                    "path": "/CITESEPermit/HeaderExchangedDocument/TypeCode",
                    "line": 12,
                    "column": None,
                }
            ],
        },
        {"layer": "rules", "status": "skipped", "problems": []},
    ],
}


@router.post(
    "/validate",
    summary="Validate a CITESEPermit document: well-formed, then XSD, then CITES rules",
    description="Send the XML as the request body (Content-Type: application/xml). The answer is "
    "200 with a report for any body, valid or not: one result per layer with the problems "
    "found (path, code, message); layers after a failed one are skipped. Any logged-in user.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/xml": {"schema": {"type": "string"}}},
        }
    },
    responses={200: {"content": {"application/json": {"example": REPORT_EXAMPLE}}}},
)
async def validate(
    request: Request, _actor: CurrentActor, schema: SchemaDep, settings: SettingsDep
) -> dict[str, Any]:
    data = await request.body()
    # parsing and validating are CPU work: keep them off the event loop
    report = await run_in_threadpool(
        validate_xml, data, schema=schema, max_bytes=settings.max_xml_bytes
    )
    return report.as_dict()
