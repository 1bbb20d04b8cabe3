"""The kiosk's face logic end to end, from a video file made here with OpenCV from the real
photos, read through the same frame source as a camera: an enrolled person who blinks is checked
in, an unenrolled person is not, a still photo without a blink and a frozen feed are refused."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from app.faces.camera import open_source
from app.faces.checkin import PROMPT_UNKNOWN, Recognizer, Verdict
from app.faces.liveness import PROMPTS, REASON_STILL, REASON_TIMEOUT
from app.faces.matcher import Gallery
from app.faces.settings import FaceSettings
from app.faces.synthetic import close_eyes, with_noise

FPS = 10.0


def video(path: Path, frames: list[np.ndarray]) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (640, 480))
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


def live(base: np.ndarray, detector, rng: np.random.Generator, *, before: int = 4, shut: int = 2, after: int = 2) -> list[np.ndarray]:  # noqa: ANN001
    closed = close_eyes(base, detector.analyse(base, largest_only=True)[0].landmarks)
    return [with_noise(base, rng) for _ in range(before)] + [with_noise(closed, rng) for _ in range(shut)] + [with_noise(base, rng) for _ in range(after)]


def play(recognizer: Recognizer, path: Path) -> list[Verdict]:
    verdicts = []
    with open_source(path) as camera:
        for timestamp, frame in camera:
            verdicts.append(recognizer.feed(timestamp, frame))
            if verdicts[-1].final:
                break
    return verdicts


@pytest.mark.parametrize("shot", ["mark/2.jpg", "rose_leslie/2.jpg"])  # rose: shut eyes take her to 0.52, over the threshold
def test_an_enrolled_person_who_blinks_is_checked_in(tmp_path: Path, gallery: Gallery, frame_of, detector, shot: str) -> None:  # noqa: ANN001
    person = shot.split("/")[0]
    rng = np.random.default_rng(11)
    path = video(tmp_path / "door.avi", [np.zeros((480, 640, 3), np.uint8)] * 2 + live(frame_of(shot), detector, rng))
    verdicts = play(Recognizer(gallery, FaceSettings(), detector=detector), path)
    states = [v.state for v in verdicts]
    assert states[:2] == ["idle", "idle"]  # nobody at the door yet
    assert states[2:4] == ["looking", "looking"] and states[4] == "confirming"  # three frames agree, then the blink
    assert verdicts[4].person_id == person and verdicts[4].prompt == PROMPTS["blink"]
    assert states[-1] == "accepted" and len(states) == 9  # on the first open frame after the blink
    assert verdicts[-1].person_id == person and verdicts[-1].distance <= 0.5
    top, right, bottom, left = verdicts[-1].face.box
    assert 150 <= bottom - top <= 280 and 0 <= left < right <= 640


def test_without_liveness_the_name_comes_after_three_agreeing_frames(tmp_path: Path, gallery: Gallery, frame_of, detector) -> None:  # noqa: ANN001
    rng = np.random.default_rng(12)
    path = video(tmp_path / "katy.avi", [with_noise(frame_of("katy/3.jpg"), rng) for _ in range(5)])
    verdicts = play(Recognizer(gallery, FaceSettings(liveness=False), detector=detector), path)
    assert [v.state for v in verdicts] == ["looking", "looking", "accepted"]
    assert verdicts[-1].person_id == "katy"


def test_a_person_not_enrolled_is_sent_to_the_desk(tmp_path: Path, enrolled: dict, frame_of, detector) -> None:  # noqa: ANN001
    rng = np.random.default_rng(13)
    without_obama = Gallery((p, e) for p, e in enrolled.items() if p != "obama")
    path = video(tmp_path / "obama.avi", live(frame_of("obama/2.jpg"), detector, rng))
    verdicts = play(Recognizer(without_obama, FaceSettings(), detector=detector), path)
    assert [v.state for v in verdicts] == ["looking", "looking", "unknown"]  # even though he blinks later
    assert verdicts[-1].prompt == PROMPT_UNKNOWN and verdicts[-1].distance > 0.5


def test_a_still_photo_of_an_enrolled_person_is_refused(tmp_path: Path, gallery: Gallery, frame_of, detector) -> None:  # noqa: ANN001
    rng = np.random.default_rng(14)
    base = frame_of("mark/2.jpg")
    path = video(tmp_path / "printed.avi", [with_noise(np.roll(base, i % 2, axis=0), rng) for i in range(14)])
    verdicts = play(Recognizer(gallery, FaceSettings(liveness_timeout_s=1.0), detector=detector), path)
    states = [v.state for v in verdicts]
    assert "accepted" not in states and states.count("confirming") >= 5  # recognised, but never blinks
    assert states[-1] == "refused" and verdicts[-1].prompt == REASON_TIMEOUT


def test_a_frozen_feed_repeating_one_frame_is_refused(tmp_path: Path, gallery: Gallery, frame_of, detector) -> None:  # noqa: ANN001
    # A folder of frames: PNG is lossless, so the repeated frame is really the same each time
    # (a video codec may still wobble on its first frames).
    frame = with_noise(frame_of("mark/2.jpg"), np.random.default_rng(15))
    folder = tmp_path / "frozen"
    folder.mkdir()
    for i in range(8):
        cv2.imwrite(str(folder / f"{i}.png"), frame)
    verdicts = play(Recognizer(gallery, FaceSettings(), detector=detector), folder)
    assert [v.state for v in verdicts] == ["looking", "looking", "refused"]
    assert verdicts[-1].prompt == REASON_STILL


def test_blinking_after_showing_somebody_elses_photo_does_not_check_them_in(tmp_path: Path, gallery: Gallery, frame_of, detector) -> None:  # noqa: ANN001
    rng = np.random.default_rng(16)
    photo_of_mark = [with_noise(frame_of("mark/2.jpg"), rng) for _ in range(4)]
    jeff_blinks = live(frame_of("jeff/2.jpg"), detector, rng, before=3)
    path = video(tmp_path / "swap.avi", photo_of_mark + jeff_blinks)
    verdicts = play(Recognizer(gallery, FaceSettings(), detector=detector), path)
    assert "mark" not in {v.person_id for v in verdicts if v.state == "accepted"}
    assert verdicts[3].state == "confirming" and verdicts[3].person_id == "mark"
    assert verdicts[4].state == "looking"  # another face while confirming: the attempt starts over
