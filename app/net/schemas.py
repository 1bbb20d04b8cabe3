"""Wire schemas of the REST API (requests). Values are checked again, with clear messages, by the
services' domain rules; these models give the API its shape and its OpenAPI description."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginRequest(_Strict):
    username: str = Field(max_length=200)
    password: str = Field(max_length=2000)  # above the domain's limit (app/domain/passwords.py): a password that may be set may be typed
    device_name: str = Field(default="", max_length=200)


class PasswordChange(_Strict):
    current_password: str = Field(max_length=2000)
    new_password: str = Field(max_length=2000)  # the domain refuses more than 1024 with its own message


class PasswordReset(_Strict):
    new_password: str = Field(max_length=2000)


class AccountDisabled(_Strict):
    disabled: bool


class MeetingCreate(_Strict):
    id: str | None = None
    title: str
    starts_at: str
    ends_at: str | None = None
    body_id: str | None = None
    location: str = ""
    description: str = ""


class MeetingPatch(_Strict):
    title: str | None = None
    starts_at: str | None = None
    ends_at: str | None = None
    body_id: str | None = None
    location: str | None = None
    status: str | None = None
    description: str | None = None


class AgendaItemCreate(_Strict):
    id: str | None = None
    parent_id: str | None = None
    position: int | None = None
    title: str
    presenter: str = ""
    duration_minutes: int = 0
    notes: str = ""


class AgendaItemPatch(_Strict):
    title: str | None = None
    presenter: str | None = None
    duration_minutes: int | None = None
    notes: str | None = None


class AgendaMove(_Strict):
    parent_id: str | None = None
    position: int = Field(ge=0, le=10_000)


class PairingCodeRequest(_Strict):
    minutes: int | None = Field(default=None, ge=1, le=24 * 60)


class PairingStart(_Strict):
    lookup: str = Field(pattern=r"^[0-9]{4}$")
    client_message: str = Field(max_length=200)  # base64 of a 33-byte SPAKE2 message


class PairingFinish(_Strict):
    pairing_id: str = Field(max_length=100)
    client_confirm: str = Field(max_length=128)
    device_name: str = Field(default="", max_length=200)
