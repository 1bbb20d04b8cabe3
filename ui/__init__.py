"""Chamber's desktop interface (PySide6): shows the state of app/ and forwards the user's actions."""
