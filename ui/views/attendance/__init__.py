"""The attendance screens: the live board of a meeting for the secretariat and the chair."""
