"""Enrolment photos taken with a camera: the current frame checked here with the same quality
checks as a photo file (check_photo / assess_photo: no face, several faces, too small, too dark,
too blurred, eyes closed) and encoded as JPEG bytes for the server, which checks it again against
everybody enrolled. The frame is never written to disk (face images are sensitive data)."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from app.faces.detect import FaceDetector
from app.faces.errors import FaceQualityError, UnreadableImageError
from app.faces.quality import assess_photo
from app.faces.settings import FaceSettings

JPEG_QUALITY = 92


@dataclass(frozen=True, eq=False)
class CapturedPhoto:
    """A camera frame as an enrolment photo: its name for the upload, JPEG bytes, and what the
    local check found (None: the photo looks good)."""

    name: str
    jpeg: bytes
    problem: FaceQualityError | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def capture_photo(frame: np.ndarray, name: str, *, settings: FaceSettings | None = None, detector: FaceDetector | None = None) -> CapturedPhoto:
    """Check a BGR frame as an enrolment photo and encode it. Run off the GUI thread (~0.3 s)."""
    ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise UnreadableImageError(name=name)
    check = assess_photo(frame, detector or FaceDetector(settings or FaceSettings()))
    return CapturedPhoto(name, buf.tobytes(), check.problem)
