"""Annotation rules shared by the client and the server: the kinds, the marked areas, the pen
strokes, colours, who sees an annotation, and the limits. Pure: no database, no PDF.

Coordinates are PDF points on the unrotated page (PyMuPDF's page space, origin top left). A
highlight or underline has one rectangle per line it covers; a note has one small rectangle at its
anchor; a bookmark has at most one; ink is a list of strokes of [x, y, pressure] points.
"""

from __future__ import annotations

import math
import re
from typing import Any, Iterable

from app.domain.roles import Role
from app.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from app.i18n import N_

# Who annotates: whoever reads documents (app/services/documents.py DOCUMENT_READERS, which the
# server checks; the client, which does not load the services, checks this same set).
ANNOTATORS = frozenset({Role.ADMIN, Role.SECRETARIAT, Role.CHAIR, Role.DELEGATE})
KINDS = ("highlight", "underline", "ink", "note", "bookmark")
VISIBILITIES = ("private", "people", "meeting")
PLACEMENTS = ("placed", "moved", "unplaced")
DEFAULT_COLOURS = {"highlight": "#FFE135", "underline": "#D32F2F", "ink": "#1565C0", "note": "#FFB300", "bookmark": "#E53935"}
# What an update may change; the kind, the document and the author never change.
EDITABLE = ("note", "colour", "visibility", "shared_with", "rects", "ink", "page", "text")
GEOMETRY = ("page", "rects", "ink", "text")
# What an annotation event carries besides the record, for the server's stream filter; clients drop them.
EVENT_SCOPE_KEYS = ("meeting_status", "document_access", "previous_audience")

MAX_RECTS = 1000
MAX_STROKES = 500
MAX_POINTS = 20_000  # over all strokes of one ink annotation
MAX_NOTE = 10_000
MAX_TEXT = 20_000
MAX_SHARED = 200
MAX_PER_DOCUMENT = 5_000  # one author's annotations on one document
MAX_PAGE_SIZE = 14_400  # points: the largest page PDF allows (200 inches)
MOUSE_PRESSURE = 0.5

_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


class InvalidAnnotationError(InvalidInputError):
    message = N_("This annotation is not valid.")


class AnnotationKindError(InvalidAnnotationError):
    message = N_("%(value)s is not a kind of annotation; use highlight, underline, ink, note or bookmark.")


class AnnotationPageError(InvalidAnnotationError):
    message = N_("Page %(page)s does not exist in this document (it has %(pages)s pages).")


class AnnotationAreaError(InvalidAnnotationError):
    message = N_("The marked area of this annotation is not valid (at most %(limit)s rectangles inside the page).")


class AnnotationInkError(InvalidAnnotationError):
    message = N_("The pen strokes of this annotation are not valid (at most %(limit)s points, pressure from 0 to 1).")


class AnnotationColourError(InvalidAnnotationError):
    message = N_("%(value)s is not a colour; use the form #RRGGBB.")


class AnnotationVisibilityError(InvalidAnnotationError):
    message = N_("%(value)s is not a choice of who sees an annotation; use private, people or meeting.")


class AnnotationShareError(InvalidAnnotationError):
    message = N_("Choose at least one person to share this annotation with (at most %(limit)s).")


class AnnotationPersonError(InvalidAnnotationError):
    message = N_("%(value)s is not a person of this chamber; an annotation can be shared with people only.")


class NoteTooLongError(InvalidAnnotationError):
    message = N_("The note is too long (%(length)s characters; at most %(limit)s).")


class AnnotationTextTooLongError(InvalidAnnotationError):
    message = N_("The marked text is too long (%(length)s characters; at most %(limit)s).")


class AnnotationFieldError(InvalidAnnotationError):
    message = N_("%(value)s cannot be changed on an annotation.")


class AnnotationShapeError(InvalidAnnotationError):
    message = N_("A highlight or underline needs the text it marks, ink needs a stroke, and a note needs its place on the page.")


class TooManyAnnotationsError(InvalidAnnotationError):
    message = N_("You already have %(limit)s annotations on this document; delete some first.")


class AnnotationNotFoundError(NotFoundError):
    message = N_("This annotation does not exist, was deleted, or is not shared with you.")


class NotYourAnnotationError(PermissionDeniedError):
    message = N_("Only the author of an annotation can change or delete it.")


class AnnotationIdTakenError(ConflictError):
    message = N_("Another annotation already has this identifier.")


# --- single values ----------------------------------------------------------------------------
def clean_kind(value: Any) -> str:
    if value not in KINDS:
        raise AnnotationKindError(value=str(value)[:40])
    return value


def clean_page(value: Any, pages: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or (pages is not None and pages > 0 and value >= pages):
        raise AnnotationPageError(page=str(value)[:20], pages=pages if pages is not None else "?")
    return value


def _number(value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not low <= value <= high:
        raise ValueError(value)
    return float(value)


def clean_rects(value: Any) -> list[list[float]]:
    """Rectangles [x0, y0, x1, y1], corners put in order, rounded to 1/100 point."""
    if value is None:
        return []
    if isinstance(value, (str, bytes, dict)) or not isinstance(value, Iterable):
        raise AnnotationAreaError(limit=MAX_RECTS)
    out: list[list[float]] = []
    try:
        for rect in value:
            if isinstance(rect, (str, bytes, dict)) or len(rect) != 4:
                raise ValueError(rect)
            x0, y0, x1, y1 = (_number(v, -MAX_PAGE_SIZE, MAX_PAGE_SIZE) for v in rect)
            out.append([round(min(x0, x1), 2), round(min(y0, y1), 2), round(max(x0, x1), 2), round(max(y0, y1), 2)])
            if len(out) > MAX_RECTS:
                raise ValueError(len(out))
    except (TypeError, ValueError):
        raise AnnotationAreaError(limit=MAX_RECTS) from None
    return out


def clean_ink(value: Any) -> list[list[list[float]]]:
    """Strokes of [x, y, pressure] points; a point without pressure (a mouse) gets 0.5."""
    if value is None:
        return []
    if isinstance(value, (str, bytes, dict)) or not isinstance(value, Iterable):
        raise AnnotationInkError(limit=MAX_POINTS)
    strokes: list[list[list[float]]] = []
    points = 0
    try:
        for stroke in value:
            if isinstance(stroke, (str, bytes, dict)):
                raise ValueError(stroke)
            clean: list[list[float]] = []
            for point in stroke:
                if isinstance(point, (str, bytes, dict)) or len(point) not in (2, 3):
                    raise ValueError(point)
                x = _number(point[0], -MAX_PAGE_SIZE, MAX_PAGE_SIZE)
                y = _number(point[1], -MAX_PAGE_SIZE, MAX_PAGE_SIZE)
                pressure = _number(point[2], 0.0, 1.0) if len(point) == 3 else MOUSE_PRESSURE
                clean.append([round(x, 2), round(y, 2), round(pressure, 3)])
            points += len(clean)
            if not clean or points > MAX_POINTS:
                raise ValueError(points)
            strokes.append(clean)
            if len(strokes) > MAX_STROKES:
                raise ValueError(len(strokes))
    except (TypeError, ValueError):
        raise AnnotationInkError(limit=MAX_POINTS) from None
    return strokes


def clean_colour(value: Any, kind: str) -> str:
    if value is None or value == "":
        return DEFAULT_COLOURS[kind]
    if not isinstance(value, str) or not _COLOUR.match(value):
        raise AnnotationColourError(value=str(value)[:20])
    return value.upper()


def clean_text(value: Any, *, note: bool = False) -> str:
    text = "" if value is None else str(value)
    limit = MAX_NOTE if note else MAX_TEXT
    if len(text) > limit:
        raise (NoteTooLongError if note else AnnotationTextTooLongError)(length=len(text), limit=limit)
    return text


def clean_visibility(value: Any) -> str:
    if value is None:
        return "private"
    if value not in VISIBILITIES:
        raise AnnotationVisibilityError(value=str(value)[:40])
    return value


def clean_shared_with(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, bytes, dict)) or not isinstance(value, Iterable):
        raise AnnotationPersonError(value=str(value)[:40])
    out: list[str] = []
    for entry in value:
        if not isinstance(entry, str) or not entry.strip() or len(entry.strip()) > 36:
            raise AnnotationPersonError(value=str(entry)[:40])
        if entry.strip() not in out:
            out.append(entry.strip())
    if len(out) > MAX_SHARED:
        raise AnnotationShareError(limit=MAX_SHARED)
    return out


# --- whole annotations ------------------------------------------------------------------------
def check_shape(record: dict[str, Any]) -> None:
    """What each kind needs: text marks their lines, ink its strokes, a note its anchor."""
    kind, rects, ink = record["kind"], record.get("rects") or [], record.get("ink") or []
    if kind in ("highlight", "underline") and not rects:
        raise AnnotationShapeError()
    if kind == "ink" and not ink:
        raise AnnotationShapeError()
    if kind == "note" and len(rects) != 1:
        raise AnnotationShapeError()
    if kind == "bookmark" and len(rects) > 1:
        raise AnnotationShapeError()
    if record.get("visibility") == "people" and not record.get("shared_with"):
        raise AnnotationShareError(limit=MAX_SHARED)


def clean_new(fields: dict[str, Any], *, pages: int | None = None) -> dict[str, Any]:
    """The fields of a new annotation, checked and completed with defaults."""
    kind = clean_kind(fields.get("kind"))
    record = {
        "kind": kind,
        "page": clean_page(fields.get("page"), pages),
        "rects": clean_rects(fields.get("rects")),
        "ink": clean_ink(fields.get("ink")) if kind == "ink" else [],
        "text": clean_text(fields.get("text")),
        "note": clean_text(fields.get("note"), note=True),
        "colour": clean_colour(fields.get("colour"), kind),
        "visibility": clean_visibility(fields.get("visibility")),
        "shared_with": clean_shared_with(fields.get("shared_with")),
    }
    if record["visibility"] != "people":
        record["shared_with"] = []
    check_shape(record)
    return record


def clean_changes(changes: dict[str, Any], *, kind: str, pages: int | None = None) -> dict[str, Any]:
    """The fields an update changes, checked (the result of applying them is checked by `merged`)."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise AnnotationFieldError(value=", ".join(unknown)[:80])
    out: dict[str, Any] = {}
    for key, value in changes.items():
        if key == "page":
            out[key] = clean_page(value, pages)
        elif key == "rects":
            out[key] = clean_rects(value)
        elif key == "ink":
            out[key] = clean_ink(value) if kind == "ink" else []
        elif key == "text":
            out[key] = clean_text(value)
        elif key == "note":
            out[key] = clean_text(value, note=True)
        elif key == "colour":
            out[key] = clean_colour(value, kind)
        elif key == "visibility":
            out[key] = clean_visibility(value)
        elif key == "shared_with":
            out[key] = clean_shared_with(value)
    return out


def merged(record: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The annotation with `changes` applied, checked as a whole."""
    result = {**record, **changes}
    if result.get("visibility") != "people":
        result["shared_with"] = []
    check_shape(result)
    return result


# --- who sees it ------------------------------------------------------------------------------
def is_author(record: dict[str, Any], account_id: str | None) -> bool:
    return account_id is not None and record.get("author_account_id") == account_id


def audience_includes(record: dict[str, Any], *, account_id: str | None, person_id: str | None) -> bool:
    """The annotation's own rule (the document's rule is checked separately): private → the author;
    people → the author and those named; meeting → everyone who may read the document."""
    if is_author(record, account_id):
        return True
    visibility = record.get("visibility")
    if visibility == "meeting":
        return True
    return visibility == "people" and person_id is not None and person_id in (record.get("shared_with") or [])
