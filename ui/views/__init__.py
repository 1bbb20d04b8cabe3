"""Screens: launcher, connect/pair/login, the main window and its meeting views, the kiosk."""
