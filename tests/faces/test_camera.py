"""Frame sources: a video made here with OpenCV from the real photos, a folder of frames, and
sources that cannot work (missing path, not a video, no camera at that index)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from app.faces.camera import decode_image, load_image, open_source
from app.faces.errors import CameraNotFoundError, CameraUnavailableError, UnreadableImageError, UnsupportedCameraSourceError


def write_video(path: Path, frames: list[np.ndarray], fps: float = 10.0) -> None:
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (width, height))
    assert writer.isOpened(), "OpenCV cannot write MJPG here"
    for frame in frames:
        writer.write(frame)
    writer.release()


def test_video_file_yields_its_frames_with_media_time(tmp_path: Path, frame_of) -> None:  # noqa: ANN001
    shots = [frame_of("obama/1.jpg"), frame_of("biden/1.jpg"), frame_of("katy/1.jpg")]
    video = tmp_path / "door.avi"
    write_video(video, [shot for shot in shots for _ in range(2)], fps=10.0)
    with open_source(str(video)) as source:
        assert source.kind == "video"
        got = list(source)
    assert len(got) == 6
    assert [round(t, 3) for t, _ in got] == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
    for (_, frame), shot in zip(got, [s for s in shots for _ in range(2)]):
        assert frame.shape == (480, 640, 3) and frame.dtype == np.uint8
        assert float(cv2.absdiff(frame, shot).mean()) < 6  # the same picture, through JPEG
    assert float(cv2.absdiff(got[0][1], got[2][1]).mean()) > 20  # and really the next photo


def test_folder_of_frames_in_natural_order_skipping_damaged_ones(tmp_path: Path, frame_of) -> None:  # noqa: ANN001
    folder = tmp_path / "frames"
    folder.mkdir()
    names = {"frame2.png": "biden/1.jpg", "frame10.png": "katy/1.jpg", "frame1.png": "obama/1.jpg"}
    for name, person in names.items():
        cv2.imwrite(str(folder / name), frame_of(person))
    (folder / "frame5.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    (folder / "notes.txt").write_text("ignored")
    with open_source(folder, fps=5.0) as source:
        got = list(source)
    assert [p.name for p in source.skipped] == ["frame5.jpg"]
    assert len(got) == 3
    expected = [frame_of("obama/1.jpg"), frame_of("biden/1.jpg"), frame_of("katy/1.jpg")]
    for (_, frame), shot in zip(got, expected):
        assert np.array_equal(frame, shot)  # PNG is lossless: frame1, frame2, frame10 in that order
    assert [t for t, _ in got] == [0.0, 0.2, 0.6]  # media time by position; the damaged frame kept its slot


def test_missing_path_unsupported_file_empty_folder_and_absent_camera(tmp_path: Path) -> None:
    with pytest.raises(CameraNotFoundError) as missing:
        open_source(tmp_path / "nowhere.mp4")
    assert "nowhere.mp4" in missing.value.user_message("en")
    assert missing.value.user_message("vi") != missing.value.user_message("en")

    text = tmp_path / "notes.mp4"
    text.write_text("this is not a video")
    with pytest.raises(UnsupportedCameraSourceError):
        open_source(text)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UnsupportedCameraSourceError):
        open_source(empty)
    with pytest.raises(CameraUnavailableError) as absent:
        open_source("97")
    assert "97" in absent.value.user_message("en")


def test_photos_load_whatever_their_format(faces_dir: Path) -> None:
    rgba = load_image(faces_dir / "_variants" / "obama" / "32bit.png")  # 32-bit RGBA PNG
    assert rgba.ndim == 3 and rgba.shape[2] == 3
    webp_origin = load_image(faces_dir / "scarlett" / "3.jpg")
    assert webp_origin.shape[2] == 3
    with pytest.raises(UnreadableImageError):
        decode_image(b"GIF89a but truncated", "upload.gif")
    with pytest.raises(UnreadableImageError):
        load_image(faces_dir / "does-not-exist.jpg")
