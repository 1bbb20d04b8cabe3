"""Fixtures for the face pipeline tests: the real photos of ../shared/data/faces (never copied),
one FaceDetector for the session, and each photo analysed once per session (~0.1–0.3 s each on
2 cores), plus 640×480 camera-like frames made from them."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import pytest

from app.faces.camera import load_image
from app.faces.detect import FaceDetector, PhotoFaces
from app.faces.matcher import Gallery
from app.faces.settings import FaceSettings
from app.faces.synthetic import camera_frame

PEOPLE = ("angelina", "biden", "elon", "jack", "jeff", "jennifer", "katy", "kit_harington", "marissa", "mark", "obama", "rose_leslie", "scarlett")


@pytest.fixture(scope="session")
def faces_dir(shared_data: Path) -> Path:
    path = shared_data / "faces"
    if not (path / "manifest.csv").exists():
        pytest.skip(f"face photos not found at {path}")
    return path


@pytest.fixture(scope="session")
def detector() -> FaceDetector:
    return FaceDetector(FaceSettings())


@pytest.fixture(scope="session")
def photo(faces_dir: Path, detector: FaceDetector) -> Callable[[str], PhotoFaces]:
    """photo("obama/1.jpg") → the photo analysed as at enrolment (cached for the session)."""
    cache: dict[str, PhotoFaces] = {}

    def get(name: str) -> PhotoFaces:
        if name not in cache:
            cache[name] = detector.analyse_photo(load_image(faces_dir / name), thorough=True)
        return cache[name]

    return get


@pytest.fixture(scope="session")
def frame_of(photo: Callable[[str], PhotoFaces]) -> Callable[[str], np.ndarray]:
    """frame_of("obama/1.jpg") → a 640×480 camera frame with that face ~200 px tall."""
    cache: dict[str, np.ndarray] = {}

    def get(name: str) -> np.ndarray:
        if name not in cache:
            analysed = photo(name)
            cache[name] = camera_frame(analysed.image, analysed.faces[0].box)
        return cache[name]

    return get


@pytest.fixture(scope="session")
def enrolled(photo: Callable[[str], PhotoFaces]) -> dict[str, np.ndarray]:
    """Every person's enrolment encoding (their 1.jpg), as the evaluate command enrols them."""
    return {person: photo(f"{person}/1.jpg").faces[0].encoding for person in PEOPLE}


@pytest.fixture
def gallery(enrolled: dict[str, np.ndarray]) -> Gallery:
    return Gallery(enrolled.items())
