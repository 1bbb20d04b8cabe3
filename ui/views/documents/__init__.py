"""A meeting's documents: the list with its offline state, opening in the reader, downloading for
offline reading and, for editors, adding files (dialog or drag-and-drop)."""

from ui.views.documents.panel import DocumentsPanel

__all__ = ["DocumentsPanel"]
