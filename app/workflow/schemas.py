from __future__ import annotations

from pydantic import ConfigDict, Field

from app.core.schemas import InputModel


class RefuseBody(InputModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=4000, description="Told to the applicant")


class ReturnBody(InputModel):
    model_config = ConfigDict(extra="forbid")

    comment: str = Field(min_length=3, max_length=4000, description="What to change")
