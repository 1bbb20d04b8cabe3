"""Wire schemas of the document endpoints (uploads are multipart forms, not JSON)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class DocumentPatch(BaseModel):
    """Only the fields sent are changed; `agenda_item_id: null` detaches the document from its item."""

    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(default=None, max_length=1000)
    agenda_item_id: str | None = Field(default=None, max_length=100)
    confidential: bool = False
    access: list[str] = Field(default_factory=list, max_length=2000)
