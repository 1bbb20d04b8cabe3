"""Wire schemas of the invitation endpoints."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Guest(_Strict):
    name: str = Field(default="", max_length=200)
    email: str = Field(max_length=320)
    title: str = Field(default="", max_length=100)


class InvitationRequest(_Strict):
    body_ids: list[str] = Field(default_factory=list, max_length=50)
    person_ids: list[str] = Field(default_factory=list, max_length=2000)
    guests: list[Guest] = Field(default_factory=list, max_length=500)
    subject: str | None = Field(default=None, max_length=300)
    body: str | None = Field(default=None, max_length=20_000)
    language: str = Field(default="vi", pattern="^(vi|en)$")


class InvitationResponse(_Strict):
    response: str = Field(pattern="^(accepted|declined|substitute|none)$")
    reason: str = Field(default="", max_length=2000)
    substitute_person_id: str | None = None
    substitute_name: str = Field(default="", max_length=200)
    substitute_email: str | None = Field(default=None, max_length=320)


class SubstituteDecision(_Strict):
    approve: bool


class TemplateBody(_Strict):
    subject: str = Field(max_length=300)
    body: str = Field(max_length=20_000)
