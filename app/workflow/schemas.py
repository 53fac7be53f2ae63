from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class RefuseBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=4000, description="Told to the applicant")


class ReturnBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str = Field(min_length=3, max_length=4000, description="What to change")
