"""Finding faces in a frame and describing them: boxes, 68 landmarks, 128-d encodings.

face_recognition's HOG detector runs on the frame scaled by `settings.downscale` (the costly
part); its boxes are scaled back and the encodings are computed on the full-resolution frame, so
downscaling costs speed only where detection is concerned, never encoding quality. Landmarks
(68 points, dlib's "large" model) feed liveness (eye aspect ratio, head yaw) and the eyes-closed
check; encodings use face_recognition's default 5-point alignment, the one its distances (and
our thresholds) were measured with.

One FaceDetector per thread: dlib's models are loaded once per process but are not meant to be
called from two threads at the same time.
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from app.faces.camera import fit_within
from app.faces.settings import FaceSettings

Box = tuple[int, int, int, int]  # top, right, bottom, left: face_recognition's order
Landmarks = dict[str, list[tuple[int, int]]]

_fr_lock = threading.Lock()
_fr_module: Any = None


def face_recognition_module() -> Any:
    """Import face_recognition once (loads dlib's models, ~0.5 s); quiet its setuptools warning."""
    global _fr_module
    with _fr_lock:
        if _fr_module is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                import face_recognition

            _fr_module = face_recognition
        return _fr_module


@dataclass(frozen=True, eq=False)
class Face:
    box: Box
    landmarks: Landmarks | None = None
    encoding: np.ndarray | None = None

    @property
    def height(self) -> int:
        return self.box[2] - self.box[0]

    @property
    def width(self) -> int:
        return self.box[1] - self.box[3]

    @property
    def area(self) -> int:
        return self.height * self.width

    def crop(self, frame: np.ndarray) -> np.ndarray:
        top, right, bottom, left = self.box
        return frame[max(0, top) : bottom, max(0, left) : right]


@dataclass(frozen=True, eq=False)
class PhotoFaces:
    """Faces of a photo shrunk to `settings.max_image_side`: `image` is what was analysed and
    `scale` the shrink factor (face size in the original photo = face.height / scale)."""

    image: np.ndarray
    scale: float
    faces: list[Face] = field(default_factory=list)

    def original_size(self, face: Face) -> int:
        return round(face.height / self.scale)


class FaceDetector:
    def __init__(self, settings: FaceSettings | None = None) -> None:
        self.settings = settings or FaceSettings()
        self._fr = face_recognition_module()

    def locate(self, frame: np.ndarray, *, rgb: np.ndarray | None = None) -> list[Box]:
        """Face boxes in full-frame pixels, largest first."""
        s = self.settings
        if rgb is None:
            rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
        height, width = rgb.shape[:2]
        if s.downscale < 1.0:
            small = cv2.resize(rgb, (max(1, round(width * s.downscale)), max(1, round(height * s.downscale))), interpolation=cv2.INTER_AREA)
            fx, fy = width / small.shape[1], height / small.shape[0]
        else:
            small, fx, fy = rgb, 1.0, 1.0
        boxes = []
        for top, right, bottom, left in self._fr.face_locations(small, number_of_times_to_upsample=s.upsample, model="hog"):
            boxes.append((
                max(0, round(top * fy)), min(width, round(right * fx)), min(height, round(bottom * fy)), max(0, round(left * fx)),
            ))
        boxes.sort(key=lambda b: (b[2] - b[0]) * (b[1] - b[3]), reverse=True)
        return boxes

    def analyse(self, frame: np.ndarray, *, encode: bool = True, landmarks: bool = True, largest_only: bool = False) -> list[Face]:
        """Every face of a BGR frame (largest first) with its landmarks and encoding."""
        rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
        boxes = self.locate(frame, rgb=rgb)
        if largest_only:
            boxes = boxes[:1]
        return self.describe(rgb, boxes, encode=encode, landmarks=landmarks)

    def describe(self, rgb: np.ndarray, boxes: list[Box], *, encode: bool = True, landmarks: bool = True) -> list[Face]:
        """Landmarks and encodings of known boxes on an RGB frame (no detection)."""
        if not boxes:
            return []
        marks = self._fr.face_landmarks(rgb, boxes, model="large") if landmarks else [None] * len(boxes)
        encodings = self._fr.face_encodings(rgb, boxes, num_jitters=1, model="small") if encode else [None] * len(boxes)
        return [Face(box=b, landmarks=m, encoding=e) for b, m, e in zip(boxes, marks, encodings)]

    def analyse_photo(self, image: np.ndarray, *, thorough: bool = False) -> PhotoFaces:
        """A photo (enrolment file, calibration probe): shrunk to max_image_side, then analysed
        as a kiosk frame. `thorough`: when that finds nothing, look again at full scale (faces
        from ~40 px), so enrolment can say "face too small" instead of "no face"."""
        work, scale = fit_within(image, self.settings.max_image_side)
        faces = self.analyse(work)
        if not faces and thorough and self.settings.downscale < 1.0:
            faces = FaceDetector(self.settings.with_(downscale=1.0)).analyse(work)
        return PhotoFaces(image=work, scale=scale, faces=faces)
