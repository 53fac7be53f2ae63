from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.core.schemas import InputModel


class RefuseBody(InputModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=4000, description="Told to the applicant")


class ReturnBody(InputModel):
    model_config = ConfigDict(extra="forbid")

    comment: str = Field(min_length=3, max_length=4000, description="What to change")


class ApproveBody(InputModel):
    model_config = ConfigDict(extra="forbid")

    acknowledge_warnings: bool = Field(
        False, description="The officer has read the checks' warnings (required when there are)"
    )


class OverrideBody(InputModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=10, max_length=4000, description="Why issuance may proceed")


class CheckResultRead(BaseModel):
    code: str
    severity: str
    message: str
    line: str | None


class CheckRunRead(BaseModel):
    id: int
    stage: str = Field(description="submission or approval")
    snapshot_id: int | None = Field(description="The reference data used (null: none loaded)")
    results: list[CheckResultRead]
    blocked: bool
    created_at: datetime
    acknowledged_by_id: int | None
    overridden_by_id: int | None
    override_reason: str | None
