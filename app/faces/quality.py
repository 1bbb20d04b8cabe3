"""Enrolment checks: is this photo (a file, or a frame from the kiosk camera) good enough to
recognise this person at the door, and is it really a new person?

Checks, in this order, each with its own typed error (app/faces/errors.py) that says what to do:
no face · several faces (of comparable size: a tiny face far behind is ignored) · face too
small (in the original photo's pixels) · too dark (mean grey of the face) · too blurred
(variance of the Laplacian of the face at 128×128, so the measure does not depend on the photo's
resolution) · eyes closed (eye aspect ratio) · possible duplicate (within the match threshold of
somebody else already enrolled: both would be confused at the door) · not the same person (far
from this person's own earlier photos).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Hashable

import cv2
import numpy as np

from app.faces.detect import Face, FaceDetector, PhotoFaces
from app.faces.errors import (
    EyesClosedError,
    FaceQualityError,
    FaceTooBlurredError,
    FaceTooDarkError,
    FaceTooSmallError,
    NoFaceError,
    NotSamePersonError,
    PossibleDuplicateError,
    SeveralFacesError,
)
from app.faces.liveness import eyes_ear
from app.faces.matcher import Gallery

COMPARABLE_FACE = 0.5  # a second face at least half as tall as the main one makes the photo ambiguous
NORMALISED_FACE = 128


@dataclass(frozen=True, eq=False)
class EnrolmentPhoto:
    """An accepted photo: the face, its encoding (to store encrypted) and the measures."""

    face: Face
    encoding: np.ndarray
    size_px: int
    brightness: float
    sharpness: float
    ear: float
    nearest_other: float  # distance to the nearest other enrolled person (inf if none)


@dataclass(frozen=True, eq=False)
class PhotoCheck:
    photo: EnrolmentPhoto | None
    problem: FaceQualityError | None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def accepted(self) -> EnrolmentPhoto:
        if self.problem is not None:
            raise self.problem
        assert self.photo is not None
        return self.photo


def face_measures(image: np.ndarray, face: Face) -> tuple[float, float]:
    """(brightness, sharpness) of the face region."""
    grey = face.crop(image)
    if grey.ndim == 3:
        grey = cv2.cvtColor(grey, cv2.COLOR_BGR2GRAY)
    grey = cv2.resize(grey, (NORMALISED_FACE, NORMALISED_FACE), interpolation=cv2.INTER_AREA)
    return float(grey.mean()), float(cv2.Laplacian(grey, cv2.CV_64F).var())


def assess_photo(
    image: np.ndarray,
    detector: FaceDetector,
    *,
    gallery: Gallery | None = None,
    person_id: Hashable | None = None,
    name_of: Callable[[Hashable], str] = str,
) -> PhotoCheck:
    """Check a BGR photo for enrolling `person_id` against the people already in `gallery`."""
    analysed = detector.analyse_photo(image, thorough=True)
    return assess_faces(analysed, detector, gallery=gallery, person_id=person_id, name_of=name_of)


def assess_faces(
    analysed: PhotoFaces,
    detector: FaceDetector,
    *,
    gallery: Gallery | None = None,
    person_id: Hashable | None = None,
    name_of: Callable[[Hashable], str] = str,
) -> PhotoCheck:
    s = detector.settings
    faces = analysed.faces
    if not faces:
        return PhotoCheck(None, NoFaceError())
    main = faces[0]
    comparable = [f for f in faces if f.height >= COMPARABLE_FACE * main.height]
    if len(comparable) > 1:
        return PhotoCheck(None, SeveralFacesError(count=len(comparable)))
    size = analysed.original_size(main)
    if size < s.min_face_px:
        return PhotoCheck(None, FaceTooSmallError(size=size, minimum=s.min_face_px))
    brightness, sharpness = face_measures(analysed.image, main)
    if brightness < s.min_brightness:
        return PhotoCheck(None, FaceTooDarkError())
    if sharpness < s.min_sharpness:
        return PhotoCheck(None, FaceTooBlurredError())
    ear = eyes_ear(main.landmarks) if main.landmarks else 1.0
    if ear < s.ear_closed:
        return PhotoCheck(None, EyesClosedError())
    assert main.encoding is not None
    nearest_other = float("inf")
    if gallery is not None and len(gallery):
        others = gallery.without(person_id) if person_id is not None else gallery
        near = others.nearest(main.encoding)
        nearest_other = near.distance
        if near.person_id is not None and near.distance < s.threshold:
            return PhotoCheck(None, PossibleDuplicateError(name=name_of(near.person_id)))
        if person_id is not None and person_id in gallery.person_ids:
            own = Gallery((pid, e) for pid, e in gallery.entries() if pid == person_id).nearest(main.encoding)
            if own.distance > s.same_person_distance:
                return PhotoCheck(None, NotSamePersonError(name=name_of(person_id)))
    photo = EnrolmentPhoto(face=main, encoding=main.encoding, size_px=size, brightness=brightness, sharpness=sharpness, ear=ear, nearest_other=nearest_other)
    return PhotoCheck(photo, None)


def check_photo(image: np.ndarray, detector: FaceDetector, **kwargs) -> EnrolmentPhoto:  # noqa: ANN003
    """assess_photo, raising the FaceQualityError that refuses it."""
    return assess_photo(image, detector, **kwargs).accepted()
