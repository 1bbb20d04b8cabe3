"""Frame sources for the kiosk: a camera device, a video file or a folder of frames, one API.

`open_source("0" | "video.mp4" | "frames/")` returns a FrameSource; iterating it yields
`(timestamp_s, frame)` with `frame` a BGR uint8 array (OpenCV's layout). Tests and the real kiosk
go through this same code path. Timestamps are the camera's clock for a device (monotonic
seconds) and media time for files (frame index / frame rate), so a
recorded sequence replays with the timing it was recorded with. `paced=True` plays files at their
own frame rate, as a live camera would deliver them.

Also here: `load_image` / `decode_image` for enrolment photos (any OpenCV-readable image, EXIF
orientation applied, alpha dropped), with a typed error for a damaged file.
"""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path
from typing import Iterator

import cv2
import numpy as np

from app.faces.errors import CameraNotFoundError, CameraUnavailableError, UnreadableImageError, UnsupportedCameraSourceError

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".ppm", ".pgm"})
DEFAULT_FOLDER_FPS = 15.0


def _natural_key(path: Path) -> list:
    """frame2 before frame10: recorders rarely zero-pad."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name)]


class FrameSource:
    """An iterator of (timestamp_s, BGR frame). Close it (or use `with`) to free the device."""

    kind = "source"

    def __init__(self, description: str) -> None:
        self.description = description

    def __iter__(self) -> Iterator[tuple[float, np.ndarray]]:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self) -> "FrameSource":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class CaptureSource(FrameSource):
    """cv2.VideoCapture over a device index or a video file."""

    def __init__(self, capture: cv2.VideoCapture, description: str, *, live: bool, paced: bool = False) -> None:
        super().__init__(description)
        self.kind = "camera" if live else "video"
        self._capture = capture
        self._live = live
        self._paced = paced and not live
        fps = capture.get(cv2.CAP_PROP_FPS)
        self.fps = fps if fps and fps > 0 and fps < 1000 else 30.0

    def __iter__(self) -> Iterator[tuple[float, np.ndarray]]:
        started = time.monotonic()
        index = 0
        while self._capture is not None:
            ok, frame = self._capture.read()
            if not ok or frame is None:
                if self._live:
                    raise CameraUnavailableError(source=self.description)
                return
            if self._live:
                stamp = time.monotonic()
            else:
                # Frame count over the container's rate: POS_MSEC differs between backends.
                stamp = index / self.fps
                if self._paced:
                    wait = started + stamp - time.monotonic()
                    if wait > 0:
                        time.sleep(wait)
            index += 1
            yield stamp, _as_bgr(frame)

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


class FolderSource(FrameSource):
    """Image files of a folder in natural name order, at `fps` media time. Damaged files are
    skipped (logged): one bad frame must not stop a kiosk demo or a recorded test."""

    kind = "folder"

    def __init__(self, folder: Path, files: list[Path], *, fps: float = DEFAULT_FOLDER_FPS, paced: bool = False) -> None:
        super().__init__(str(folder))
        self.files = files
        self.fps = fps
        self._paced = paced
        self.skipped: list[Path] = []

    def __iter__(self) -> Iterator[tuple[float, np.ndarray]]:
        started = time.monotonic()
        for index, path in enumerate(self.files):
            frame = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if frame is None:
                log.warning("skipping unreadable frame %s", path)
                self.skipped.append(path)
                continue
            stamp = index / self.fps
            if self._paced:
                wait = started + stamp - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
            yield stamp, frame


def open_source(spec: str | int | Path, *, fps: float = DEFAULT_FOLDER_FPS, paced: bool = False) -> FrameSource:
    """A device index ("0", 0), a video file or a folder of frames. Raises CameraNotFoundError,
    UnsupportedCameraSourceError or CameraUnavailableError with the source in the message."""
    if isinstance(spec, int) or (isinstance(spec, str) and spec.strip().isdigit()):
        index = int(spec)
        capture = cv2.VideoCapture(index)
        if not capture.isOpened():
            capture.release()
            raise CameraUnavailableError(source=str(index))
        return CaptureSource(capture, str(index), live=True)
    path = Path(spec).expanduser()
    if not path.exists():
        raise CameraNotFoundError(source=str(path))
    if path.is_dir():
        files = sorted((p for p in path.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES), key=_natural_key)
        if not files:
            raise UnsupportedCameraSourceError(source=str(path))
        return FolderSource(path, files, fps=fps, paced=paced)
    capture = cv2.VideoCapture(str(path))
    # isOpened() alone is not enough: some backends "open" any file and fail on the first read.
    ok = capture.isOpened() and capture.grab()
    if not ok:
        capture.release()
        raise UnsupportedCameraSourceError(source=str(path))
    capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
    return CaptureSource(capture, str(path), live=False, paced=paced)


def _as_bgr(frame: np.ndarray) -> np.ndarray:
    if frame.ndim == 2:
        return cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    if frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR)
    return frame


def decode_image(data: bytes, name: str = "") -> np.ndarray:
    """Bytes of a photo (an upload) → BGR array. EXIF orientation is applied, alpha dropped."""
    buf = np.frombuffer(data, dtype=np.uint8)
    image = cv2.imdecode(buf, cv2.IMREAD_COLOR) if buf.size else None
    if image is None or image.size == 0:
        raise UnreadableImageError(name=name or "?")
    return image


def load_image(path: str | Path) -> np.ndarray:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError:
        raise UnreadableImageError(name=str(path)) from None
    return decode_image(data, str(path))


def fit_within(image: np.ndarray, max_side: int) -> tuple[np.ndarray, float]:
    """Shrink so the longer side is at most `max_side`; returns (image, scale applied ≤ 1)."""
    h, w = image.shape[:2]
    scale = min(1.0, max_side / max(h, w))
    if scale >= 1.0:
        return image, 1.0
    return cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA), scale
