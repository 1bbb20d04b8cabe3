"""FaceSettings from a configuration table: defaults, overrides, and refusals of what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.faces.errors import FaceSettingsError
from app.faces.settings import FaceSettings, load_face_settings


def test_defaults_are_the_calibrated_ones() -> None:
    s = FaceSettings()
    assert (s.threshold, s.frames, s.liveness, s.liveness_challenge) == (0.50, 3, True, "blink")


def test_a_faces_table_overrides_and_bad_values_are_refused(tmp_path: Path) -> None:
    config = tmp_path / "server.toml"
    config.write_text('name = "HĐND"\n[faces]\nthreshold = 0.45\nframes = 2\nliveness = false\nliveness_challenge = "random"\n', encoding="utf-8")
    s = load_face_settings(config)
    assert (s.threshold, s.frames, s.liveness, s.liveness_challenge) == (0.45, 2, False, "random")
    assert load_face_settings(None) == FaceSettings()

    for table, word in [({"treshold": 0.5}, "treshold"), ({"frames": 2.5}, "frames"), ({"liveness": "yes"}, "liveness"),
                        ({"threshold": 1.5}, "threshold"), ({"liveness_challenge": "smile"}, "liveness_challenge")]:
        with pytest.raises(FaceSettingsError) as err:
            FaceSettings.from_mapping(table)
        assert word in err.value.user_message("en")
    broken = tmp_path / "broken.toml"
    broken.write_text("[faces\nthreshold=", encoding="utf-8")
    with pytest.raises(FaceSettingsError):
        load_face_settings(broken)
