"""app/ is the product without a screen: importing every app module must not load Qt."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import app

REPO = Path(__file__).resolve().parent.parent


def test_app_never_imports_qt() -> None:
    modules = [m.name for m in pkgutil.walk_packages(app.__path__, "app.") if ".migrations" not in m.name]
    assert len(modules) > 20
    code = "import importlib, sys\n" + "".join(f"importlib.import_module({m!r})\n" for m in modules) + (
        "bad = sorted(k for k in sys.modules if k.split('.')[0] in ('PySide6', 'shiboken6'))\nprint(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"app/ pulled in Qt: {out.stdout.strip()}"
