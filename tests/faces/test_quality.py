"""Enrolment checks on real photos and on versions of them made here (blurred, dark, small,
eyes painted shut): each refusal has its own typed reason, in Vietnamese and English."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from app.faces.camera import load_image
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
from app.faces.matcher import Gallery
from app.faces.quality import assess_photo, check_photo
from app.faces.synthetic import close_eyes


def refusal(image: np.ndarray, detector, **kwargs) -> FaceQualityError:  # noqa: ANN001
    check = assess_photo(image, detector, **kwargs)
    assert check.problem is not None, "the photo was accepted"
    assert check.problem.user_message("vi") != check.problem.user_message("en")  # translated
    return check.problem


def test_a_good_photo_is_accepted_with_its_measures(faces_dir: Path, detector) -> None:  # noqa: ANN001
    photo = check_photo(load_image(faces_dir / "obama/1.jpg"), detector)
    assert photo.encoding.shape == (128,)
    assert photo.size_px >= 80 and photo.brightness > 60 and photo.sharpness > 40 and photo.ear > 0.15


@pytest.mark.parametrize("name", ["benchmarks.jpg", "facenet-pca.png", "patreon.png"])
def test_no_face(faces_dir: Path, detector, name: str) -> None:  # noqa: ANN001
    assert isinstance(refusal(load_image(faces_dir / "_noface" / name), detector), NoFaceError)


@pytest.mark.parametrize("name", ["fr_two_people.jpg", "fr_kit_with_rose.jpg"])
def test_several_faces(faces_dir: Path, detector, name: str) -> None:  # noqa: ANN001
    problem = refusal(load_image(faces_dir / "_multi" / name), detector)
    assert isinstance(problem, SeveralFacesError) and problem.params["count"] == 2
    assert "2" in problem.user_message("vi")


def test_a_tiny_face_far_in_the_background_is_not_a_second_person(faces_dir: Path, detector) -> None:  # noqa: ANN001
    # elon/3.jpg: HOG also reports a ~43 px false face in the dark background.
    assert assess_photo(load_image(faces_dir / "elon/3.jpg"), detector).ok


def test_blurred_dark_and_small_versions_are_refused(photo, detector) -> None:  # noqa: ANN001
    analysed = photo("jennifer/1.jpg")
    image, face = analysed.image, analysed.faces[0]
    blurred = cv2.GaussianBlur(image, (0, 0), face.height / 40)
    assert isinstance(refusal(blurred, detector), FaceTooBlurredError)
    dark = (image * 0.25).astype(np.uint8)
    assert isinstance(refusal(dark, detector), FaceTooDarkError)
    factor = 56 / face.height  # the whole photo shrunk until the face is ~56 px
    small = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    problem = refusal(small, detector)
    assert isinstance(problem, FaceTooSmallError)
    assert problem.params["size"] < 80 and problem.params["minimum"] == 80


def test_eyes_closed(photo, detector) -> None:  # noqa: ANN001
    analysed = photo("jeff/1.jpg")
    shut = close_eyes(analysed.image, analysed.faces[0].landmarks)
    assert isinstance(refusal(shut, detector), EyesClosedError)


def test_possible_duplicate_and_not_the_same_person(enrolled: dict, photo, faces_dir: Path, detector) -> None:  # noqa: ANN001
    gallery = Gallery(enrolled.items())
    names = {"obama": "Barack Obama"}
    second_obama = load_image(faces_dir / "obama/2.jpg")
    problem = refusal(second_obama, detector, gallery=gallery, person_id="new-person", name_of=names.get)
    assert isinstance(problem, PossibleDuplicateError) and "Barack Obama" in problem.user_message("vi")
    # The same photo as obama's own second photo is fine: he is not his own duplicate.
    more = check_photo(second_obama, detector, gallery=gallery, person_id="obama")
    assert more.nearest_other > 0.6
    # Somebody else's photo filed under obama's name is caught.
    problem = refusal(load_image(faces_dir / "biden/2.jpg"), detector, gallery=Gallery([("obama", enrolled["obama"])]), person_id="obama", name_of=names.get)
    assert isinstance(problem, NotSamePersonError)
