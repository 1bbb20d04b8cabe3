"""The words the reader uses about an annotation — its kind, who wrote it, who sees it — in the
current language (the list in the side panel and the editor say them the same way)."""

from __future__ import annotations

from typing import Any

from app.i18n import N_, _, ngettext

KINDS = {
    "highlight": N_("Highlight"),
    "underline": N_("Underline"),
    "ink": N_("Drawing"),
    "note": N_("Note"),
    "bookmark": N_("Bookmark"),
}
KIND_ICONS = {"highlight": "highlighter", "underline": "underline", "ink": "edit-3", "note": "message-square", "bookmark": "bookmark"}


def kind_text(annotation: dict[str, Any]) -> str:
    return _(KINDS.get(annotation.get("kind", ""), N_("Annotation")))


def title_text(annotation: dict[str, Any]) -> str:
    """"Highlight · page 3"."""
    return _("%(kind)s · page %(page)s") % {"kind": kind_text(annotation), "page": int(annotation.get("page", 0)) + 1}


def excerpt(annotation: dict[str, Any]) -> str:
    """The note if there is one, else the text it covers, on one line."""
    text = (annotation.get("note") or "").strip() or (annotation.get("text") or "").strip()
    return " ".join(text.split())


def author_text(annotation: dict[str, Any], mine: bool) -> str:
    return _("You") if mine else (annotation.get("author_name") or _("Someone else"))


def visibility_text(annotation: dict[str, Any]) -> str:
    visibility = annotation.get("visibility", "private")
    if visibility == "meeting":
        return _("Shared with the meeting")
    if visibility == "people":
        count = len(annotation.get("shared_with") or ())
        return ngettext("Shared with %(count)s person", "Shared with %(count)s people", count) % {"count": count}
    return _("Private")
