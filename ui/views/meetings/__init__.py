"""The meeting views of the main window: list, detail/editor, agenda."""
