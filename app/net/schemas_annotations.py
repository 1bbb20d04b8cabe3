"""Wire schemas of the annotation endpoints. Shapes are loose on purpose: rectangles, strokes and
colours are checked by app/domain/annotations.py, whose errors say what is wrong in the user's
language (a schema error could only say "not valid")."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class AnnotationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str | None = Field(default=None, max_length=100, description="made by the client (uuid), so offline creation keeps it")
    kind: str = Field(max_length=40, description="highlight | underline | ink | note | bookmark")
    page: Any = Field(description="0-based page number")
    rects: list[Any] = Field(default_factory=list, description="[[x0, y0, x1, y1], …] in PDF points, unrotated page")
    ink: list[Any] = Field(default_factory=list, description="strokes: [[[x, y, pressure], …], …]")
    text: str = ""
    note: str = ""
    colour: str | None = Field(default=None, max_length=40, description="#RRGGBB")
    visibility: str = Field(default="private", max_length=40, description="private | people | meeting")
    shared_with: list[Any] = Field(default_factory=list, description="person ids (visibility people)")


class AnnotationPatch(BaseModel):
    """Only the fields sent change. `base_version` is the version the edit was made on: when the
    annotation has changed since, the edit is kept as a new annotation (`conflict_of`)."""

    model_config = ConfigDict(extra="forbid")
    note: str | None = None
    colour: str | None = Field(default=None, max_length=40)
    visibility: str | None = Field(default=None, max_length=40)
    shared_with: list[Any] | None = None
    rects: list[Any] | None = None
    ink: list[Any] | None = None
    page: Any = None
    text: str | None = None
    base_version: int | None = None
    base_document_id: str | None = Field(default=None, max_length=100)
