"""FaceSettings: every threshold of face check-in, in one typed, frozen dataclass.

The kiosk, enrolment and `main.py faces evaluate` all read the same object, so a chamber that
calibrates a threshold gets exactly that threshold at the door. A deployment sets them in a
`[faces]` table of its TOML configuration (`FaceSettings.from_mapping(raw["faces"])`); unknown
keys and impossible values are refused with a typed error instead of being ignored.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, Mapping

from app.faces.errors import FaceSettingsError

LIVENESS_CHALLENGES = ("blink", "turn", "random")


@dataclass(frozen=True)
class FaceSettings:
    # Matching (dlib 128-d encodings, Euclidean distance). 0.50 rather than the library's 0.60:
    # measured on real photos, 0.60 accepted 0.4 % of impostor pairs and 13 % of unenrolled people.
    threshold: float = 0.50
    margin: float = 0.06  # the best person must beat the second-best person by this much
    frames: int = 3  # consecutive face frames that must agree on the same person
    retries: int = 1  # "please look at the camera again" this many times, then manual check-in

    # Detection: HOG on the frame scaled by `downscale`, upsampled `upsample` times by dlib;
    # 0.5 with 1 upsample looks at the frame at its own scale (faces from ~80 px), 4× fewer
    # pixels than face_recognition's default (full frame, 1 upsample). Encodings always use the
    # full-resolution frame.
    downscale: float = 0.5
    upsample: int = 1
    max_image_side: int = 800  # photos (enrolment files, calibration) are shrunk to this first

    # Enrolment quality.
    min_face_px: int = 80  # face box height in the original photo
    min_sharpness: float = 40.0  # variance of the Laplacian of the face scaled to 128×128 px
    min_brightness: float = 60.0  # mean grey level of the face (0–255)
    ear_closed: float = 0.15  # eye aspect ratio below which eyes count as closed on a photo
    # A person's further photos must be within this distance of their first ones (the library's
    # own "same person" tolerance): catches a photo of somebody else filed under the wrong name.
    same_person_distance: float = 0.60

    # Liveness (on by default; a kiosk may switch it off in its configuration).
    liveness: bool = True
    liveness_challenge: str = "blink"  # "blink", "turn" (random left/right) or "random" (either)
    blink_ratio: float = 0.70  # eyes closed: EAR below this share of the person's open-eye EAR
    blink_reopen_ratio: float = 0.85  # and open again above this share
    turn_yaw: float = 0.15  # head turned: nose offset from the eyes' midpoint, in eye distances (a flat photo turned keeps it)
    still_diff: float = 0.25  # mean grey difference of the face between frames below which a frame is a repeat
    still_frames: int = 3  # that many repeated frames in a row: a still picture or a frozen feed
    liveness_timeout_s: float = 6.0  # no blink/turn by then: refused, checked in by hand

    # Storage (server): keep the enrolment photos themselves, not only their sealed encodings.
    # Off by default: the encodings are all the kiosk needs, and a photo is more personal data.
    keep_photos: bool = False

    def __post_init__(self) -> None:
        problems = []
        if not 0.2 <= self.threshold <= 1.0:
            problems.append("threshold must be between 0.2 and 1.0")
        if not 0.0 <= self.margin <= 0.5:
            problems.append("margin must be between 0 and 0.5")
        if not 1 <= self.frames <= 10:
            problems.append("frames must be between 1 and 10")
        if not 0 <= self.retries <= 5:
            problems.append("retries must be between 0 and 5")
        if not 0.1 <= self.downscale <= 1.0:
            problems.append("downscale must be between 0.1 and 1")
        if not 0 <= self.upsample <= 2:
            problems.append("upsample must be 0, 1 or 2")
        if self.max_image_side < 160:
            problems.append("max_image_side must be at least 160")
        if self.liveness_challenge not in LIVENESS_CHALLENGES:
            problems.append("liveness_challenge must be one of " + ", ".join(LIVENESS_CHALLENGES))
        if not 0.0 < self.blink_ratio < self.blink_reopen_ratio <= 1.0:
            problems.append("need 0 < blink_ratio < blink_reopen_ratio <= 1")
        if self.still_frames < 2 or self.liveness_timeout_s <= 0:
            problems.append("still_frames must be at least 2 and liveness_timeout_s positive")
        if problems:
            raise FaceSettingsError(detail="; ".join(problems))

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any] | None) -> "FaceSettings":
        """Build from a configuration table (`[faces]` in TOML); missing keys keep their defaults."""
        raw = dict(raw or {})
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(raw) - set(known))
        if unknown:
            raise FaceSettingsError(detail="unknown setting " + ", ".join(unknown))
        values: dict[str, Any] = {}
        for name, value in raw.items():
            default = getattr(cls, name)
            try:
                if isinstance(default, bool):
                    if not isinstance(value, bool):
                        raise TypeError
                    values[name] = value
                elif isinstance(default, int):
                    if isinstance(value, bool) or int(value) != value:
                        raise TypeError
                    values[name] = int(value)
                elif isinstance(default, float):
                    if isinstance(value, bool):
                        raise TypeError
                    values[name] = float(value)
                else:
                    values[name] = str(value)
            except (TypeError, ValueError):
                raise FaceSettingsError(detail=f"{name} = {value!r} is not a {type(default).__name__}") from None
        return cls(**values)

    def with_(self, **changes: Any) -> "FaceSettings":
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def load_face_settings(path: Path | None) -> FaceSettings:
    """The `[faces]` table of a TOML file (e.g. DATA/server.toml); defaults without a file."""
    if path is None:
        return FaceSettings()
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise FaceSettingsError(detail=f"{path}: {exc}"[:300]) from None
    return FaceSettings.from_mapping(raw.get("faces"))
