"""Chamber's core: the product without a screen. Never imports Qt (tests/test_layers.py checks)."""

API_VERSION = 1
__version__ = "0.1.0"
