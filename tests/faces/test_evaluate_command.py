"""`main.py faces evaluate` as an administrator runs it, on a folder built here with symlinks into
../shared/data/faces (plus a damaged photo and a skipped folder): report format, the last JSON
line, and the accuracy goal at the default threshold."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.faces.conftest import PEOPLE

REPO = Path(__file__).resolve().parent.parent.parent
MAIN = [sys.executable, str(REPO / "main.py"), "--lang", "en"]


@pytest.fixture(scope="module")
def calibration_folder(tmp_path_factory: pytest.TempPathFactory, faces_dir: Path) -> Path:
    root = tmp_path_factory.mktemp("calibration")
    for person in PEOPLE:
        folder = root / person
        folder.mkdir()
        for photo in (faces_dir / person).iterdir():
            (folder / photo.name).symlink_to(photo)
    (root / "katy" / "0_damaged.jpg").write_bytes(b"\xff\xd8\xff\xe0 cut short")  # sorts first: enrolment falls to 1.jpg
    (root / "_multi").symlink_to(faces_dir / "_multi", target_is_directory=True)
    return root


@pytest.fixture(scope="module")
def report(calibration_folder: Path) -> list[str]:
    out = subprocess.run([*MAIN, "faces", "evaluate", str(calibration_folder)], capture_output=True, text=True, cwd=REPO, timeout=240)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()


def test_last_line_is_the_json_summary_with_exactly_these_keys(report: list[str]) -> None:
    summary = json.loads(report[-1])
    assert list(summary) == ["threshold", "far", "frr", "unsure", "probes"]
    assert summary["threshold"] == 0.5
    # 13 people, 58 photos: 45 genuine probes + 58 unenrolled-visitor probes (leave one person out).
    assert summary["probes"] == 45 + 58


def test_accuracy_goal_on_the_shared_faces(report: list[str]) -> None:
    summary = json.loads(report[-1])
    assert summary["far"] == 0.0
    assert summary["frr"] <= 0.05
    assert summary["unsure"] <= 0.02


def test_table_has_every_threshold_and_reports_problems(report: list[str]) -> None:
    text = "\n".join(report)
    rows = [line.split() for line in report if line.strip()[:4] in {"0.40", "0.45", "0.50", "0.55", "0.60"}]
    assert [r[0] for r in rows] == ["0.40", "0.45", "0.50*", "0.55", "0.60"]
    false_rejects = [int(r[2]) for r in rows]
    assert false_rejects == sorted(false_rejects, reverse=True)  # a looser threshold rejects fewer
    assert "Not counted: katy/0_damaged.jpg: The image" in text
    assert "_multi" in text and "left out of the gallery" in text


def test_an_empty_folder_is_a_clear_error_and_help_works(tmp_path: Path) -> None:
    out = subprocess.run([*MAIN, "faces", "evaluate", str(tmp_path)], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert out.returncode == 2 and "no sub-folder with a usable face photo" in out.stderr
    for command in (["faces", "--help"], ["faces", "evaluate", "--help"]):
        helped = subprocess.run([*MAIN, *command], capture_output=True, text=True, cwd=REPO, timeout=60)
        assert helped.returncode == 0 and "usage:" in helped.stdout
