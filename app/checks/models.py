from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, UTCDateTime


class CheckRun(Base):
    """The compliance checks of an application at one stage (submission, approval), with the
    reference-data snapshot they used, so the decision can be reproduced. Warnings are
    acknowledged by the approving officer; a blocking result is lifted only by an
    administrator's written override."""

    __tablename__ = "check_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("species_snapshot.id"))
    results: Mapped[str] = mapped_column(Text)  # JSON [{code, severity, message, line}]
    blocked: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    overridden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    override_reason: Mapped[str | None] = mapped_column(Text)
