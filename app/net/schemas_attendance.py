"""Wire schemas of the attendance, quorum and face-consent endpoints. The domain rules
(app/domain/attendance.py) check the values again with clear messages."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AttendanceEventBody(_Strict):
    id: str | None = Field(default=None, max_length=36, description="UUID made by the device; the same id again is applied once")
    person_id: str = Field(max_length=36)
    action: str = Field(pattern="^(check_in|check_out|excused|unexcused)$")
    method: str = Field(default="manual", pattern="^(face|manual)$")
    at: str | None = Field(default=None, max_length=40, description="when it happened on the device (ISO 8601); default now")
    device: str = Field(default="", max_length=200)
    distance: float | None = Field(default=None, description="face match distance (face check-ins)")
    reason: str = Field(default="", max_length=500)
    substitute_for: str | None = Field(default=None, max_length=36, description="the member a substitute stands in for")


class QuorumBody(_Strict):
    rule: str = Field(pattern="^(more_than_half|two_thirds|at_least)$")
    count: int | None = Field(default=None, ge=0, le=10_000)


class ConsentBody(_Strict):
    text_version: str = Field(max_length=40)
