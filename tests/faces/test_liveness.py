"""Liveness on frames made from real photos. Photos cannot blink, so the blink is made here:
frames whose eye region (from the landmarks) is painted shut, then open again. A still photo
(sensor noise but no blink), the very same frame repeated, and head turns are checked too."""

from __future__ import annotations

import random

import cv2
import numpy as np
import pytest

from app.faces.liveness import REASON_STILL, REASON_TIMEOUT, LivenessCheck, eyes_ear, head_yaw
from app.faces.settings import FaceSettings
from app.faces.synthetic import close_eyes, with_noise

FPS = 10.0


def blink_frames(base: np.ndarray, detector, seed: int = 1, before: int = 3, shut: int = 2, after: int = 2) -> list[np.ndarray]:  # noqa: ANN001
    rng = np.random.default_rng(seed)
    closed = close_eyes(base, detector.analyse(base, largest_only=True)[0].landmarks)
    return [with_noise(base, rng) for _ in range(before)] + [with_noise(closed, rng) for _ in range(shut)] + [with_noise(base, rng) for _ in range(after)]


def run(check: LivenessCheck, frames: list[np.ndarray], detector) -> list[str]:  # noqa: ANN001
    states = []
    for i, frame in enumerate(frames):
        face = detector.analyse(frame, largest_only=True)[0]
        states.append(check.observe(i / FPS, frame, face).state)
        if states[-1] != "pending":
            break
    return states


@pytest.mark.parametrize("person", ["mark/2.jpg", "jennifer/1.jpg"])
def test_a_blink_open_closed_open_passes(frame_of, detector, person: str) -> None:  # noqa: ANN001
    check = LivenessCheck(FaceSettings(), challenge="blink")
    states = run(check, blink_frames(frame_of(person), detector), detector)
    assert states == ["pending"] * 5 + ["passed"]  # passed on the first open frame after the shut ones
    open_ear = float(np.median(check.ears[:3]))
    assert max(check.ears[3:5]) < 0.7 * open_ear < min(check.ears[:3] + check.ears[5:])


def test_a_still_photo_without_a_blink_is_refused_in_time(frame_of, detector) -> None:  # noqa: ANN001
    rng = np.random.default_rng(2)
    base = frame_of("mark/2.jpg")
    # Held by hand: noise and a little movement, but the eyes never change.
    frames = [with_noise(np.roll(base, (i % 3) - 1, axis=1), rng) for i in range(13)]
    check = LivenessCheck(FaceSettings(liveness_timeout_s=1.0), challenge="blink")
    states = run(check, frames, detector)
    assert "passed" not in states
    assert states[-1] == "refused" and check.state.reason == REASON_TIMEOUT
    assert len(states) == 12  # refused at the first frame past the timeout (t = 1.1 s)


def test_the_same_frame_repeated_is_refused_at_once(frame_of, detector) -> None:  # noqa: ANN001
    frame = with_noise(frame_of("mark/2.jpg"), np.random.default_rng(3))
    check = LivenessCheck(FaceSettings(), challenge="blink")
    states = run(check, [frame] * 6, detector)
    assert states == ["pending", "pending", "refused"] and check.state.reason == REASON_STILL
    assert check.differences == [0.0, 0.0]


def test_head_yaw_follows_the_head_and_flips_with_a_mirror(photo, detector) -> None:  # noqa: ANN001
    frontal = photo("obama/1.jpg").faces[0].landmarks
    turned = photo("obama/2.jpg")
    mirrored = detector.analyse(cv2.flip(turned.image, 1), largest_only=True)[0].landmarks
    assert abs(head_yaw(frontal)) < 0.05
    yaw = head_yaw(turned.faces[0].landmarks)
    assert yaw < -0.15  # obama/2 looks toward his right
    assert head_yaw(mirrored) == pytest.approx(-yaw, abs=0.05)


def test_a_requested_head_turn_passes_only_in_the_requested_direction(photo, frame_of, detector) -> None:  # noqa: ANN001
    rng = np.random.default_rng(4)
    frontal = frame_of("obama/1.jpg")
    turned_right = frame_of("obama/2.jpg")  # he turns toward his right
    turned_left = cv2.flip(turned_right, 1)
    frames_right = [with_noise(frontal, rng) for _ in range(2)] + [turned_right]
    frames_left = [with_noise(frontal, rng) for _ in range(2)] + [turned_left]
    assert run(LivenessCheck(FaceSettings(), challenge="turn_right"), frames_right, detector)[-1] == "passed"
    assert run(LivenessCheck(FaceSettings(), challenge="turn_left"), frames_left, detector)[-1] == "passed"
    assert run(LivenessCheck(FaceSettings(), challenge="turn_left"), frames_right, detector)[-1] == "pending"
    # A profile from the first frame is not a turn: the turn must start frontal.
    assert run(LivenessCheck(FaceSettings(), challenge="turn_right"), [turned_right, with_noise(turned_right, rng)], detector)[-1] == "pending"


def test_the_challenge_is_chosen_at_random_when_configured() -> None:
    rng = random.Random(5)
    seen = {LivenessCheck(FaceSettings(liveness_challenge="random"), rng=rng).challenge for _ in range(40)}
    assert seen == {"blink", "turn_left", "turn_right"}
    turns = {LivenessCheck(FaceSettings(liveness_challenge="turn"), rng=rng).challenge for _ in range(20)}
    assert turns == {"turn_left", "turn_right"}
    assert LivenessCheck(FaceSettings()).challenge == "blink"

