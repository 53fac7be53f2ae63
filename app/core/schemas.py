"""What every request body shares."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator


class InputModel(BaseModel):
    """Base of the request bodies: unknown fields are refused, and so is the NUL character
    in any text. PostgreSQL cannot store it and SQLite would keep it silently; refused here,
    it is the same 422 on every backend, before anything is written."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("text must not contain the NUL character (U+0000)")
        return value
