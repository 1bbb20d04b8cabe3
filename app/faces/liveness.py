"""Liveness: is a living person in front of the camera, not a photo, a screen or a frozen feed?

Three signals from the frames of one attempt, all from the 68 landmarks and the pixels:
- a blink: the eye aspect ratio (EAR, Soukupová & Čech 2016) falls below `blink_ratio` of the
  person's own open-eye EAR and comes back above `blink_reopen_ratio` (open → closed → open).
  Relative, not absolute, because open-eye EAR differs a lot between people (narrow eyes);
- or, when asked, a head turn to a randomly chosen side: yaw estimated as the nose tip's offset
  from the eyes' midpoint in eye distances, from a frontal frame to beyond `turn_yaw`;
- refusal of repeated frames: a camera's sensor noise makes consecutive frames differ a little,
  always; a face region that does not change at all for `still_frames` frames is a still image
  fed in, or a frozen camera.
A printed photo or a phone held up can move but cannot blink on demand; it runs into the timeout.

Directions are the person's own: "turn to your left" moves the nose to the right of an
unmirrored camera image (positive yaw).
"""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass
from typing import Literal, Sequence

import cv2
import numpy as np

from app.faces.detect import Face, Landmarks
from app.faces.settings import FaceSettings
from app.i18n import N_

Challenge = Literal["blink", "turn_left", "turn_right"]
State = Literal["pending", "passed", "refused"]

PROMPTS: dict[str, str] = {
    "blink": N_("Please blink"),
    "turn_left": N_("Please turn your head to your left"),
    "turn_right": N_("Please turn your head to your right"),
}
REASON_STILL = N_("The picture does not move: a photo or a frozen camera cannot check in.")
REASON_TIMEOUT = N_("No blink or head turn was seen in time. Please check in at the desk.")


def eye_aspect_ratio(points: Sequence[tuple[float, float]]) -> float:
    """(|p2-p6| + |p3-p5|) / (2 |p1-p4|) over the 6 points of one eye."""
    p = np.asarray(points, dtype=np.float64)
    width = np.linalg.norm(p[0] - p[3])
    if width <= 0:
        return 0.0
    return float((np.linalg.norm(p[1] - p[5]) + np.linalg.norm(p[2] - p[4])) / (2.0 * width))


def eyes_ear(landmarks: Landmarks) -> float:
    return (eye_aspect_ratio(landmarks["left_eye"]) + eye_aspect_ratio(landmarks["right_eye"])) / 2.0


def head_yaw(landmarks: Landmarks) -> float:
    """Nose tip offset from the eyes' midpoint, in eye distances: ~0 frontal, + toward image right."""
    left = np.mean(np.asarray(landmarks["left_eye"], dtype=np.float64), axis=0)
    right = np.mean(np.asarray(landmarks["right_eye"], dtype=np.float64), axis=0)
    nose = np.mean(np.asarray(landmarks["nose_tip"], dtype=np.float64), axis=0)
    distance = float(np.linalg.norm(right - left))
    if distance <= 0:
        return 0.0
    return float((nose[0] - (left[0] + right[0]) / 2.0) / distance)


def face_difference(previous: np.ndarray, current: np.ndarray, face: Face) -> float:
    """Mean absolute grey difference inside the face box between two frames of equal size."""
    if previous.shape != current.shape:
        return float("inf")
    a = face.crop(previous)
    b = face.crop(current)
    if a.size == 0:
        return float("inf")
    if a.ndim == 3:
        a = cv2.cvtColor(a, cv2.COLOR_BGR2GRAY)
        b = cv2.cvtColor(b, cv2.COLOR_BGR2GRAY)
    return float(cv2.absdiff(a, b).mean())


@dataclass(frozen=True)
class LivenessState:
    state: State
    challenge: Challenge
    prompt: str  # msgid to show while pending (translate with _())
    reason: str | None = None  # msgid when refused


class LivenessCheck:
    """Watches the face frames of one attempt. `observe()` each frame with a face; the state
    becomes "passed" on the requested blink/turn, "refused" on repeated frames or timeout."""

    def __init__(self, settings: FaceSettings | None = None, *, challenge: Challenge | None = None, rng: random.Random | None = None) -> None:
        self.settings = s = settings or FaceSettings()
        rng = rng or random.SystemRandom()  # unpredictable: a recorded answer must not fit
        if challenge is None:
            kind = s.liveness_challenge if s.liveness_challenge != "random" else rng.choice(("blink", "turn"))
            challenge = "blink" if kind == "blink" else rng.choice(("turn_left", "turn_right"))
        self.challenge: Challenge = challenge
        self.ears: list[float] = []
        self.yaws: list[float] = []
        self.differences: list[float] = []
        self._open_ears: list[float] = []
        self._closed = False
        self._frontal = False
        self._repeats = 0
        self._started: float | None = None
        self._previous: np.ndarray | None = None
        self.state = LivenessState("pending", challenge, PROMPTS[challenge])

    def observe(self, timestamp: float, frame: np.ndarray, face: Face) -> LivenessState:
        if self.state.state != "pending":
            return self.state
        s = self.settings
        if self._started is None:
            self._started = timestamp
        if self._previous is not None:
            difference = face_difference(self._previous, frame, face)
            self.differences.append(difference)
            self._repeats = self._repeats + 1 if difference < s.still_diff else 0
            if self._repeats >= s.still_frames - 1:  # still_frames identical frames = still_frames-1 repeats
                return self._end("refused", REASON_STILL)
        self._previous = frame
        if face.landmarks is not None:
            if self.challenge == "blink" and self._blinked(eyes_ear(face.landmarks)):
                return self._end("passed")
            if self.challenge != "blink" and self._turned(head_yaw(face.landmarks)):
                return self._end("passed")
        if timestamp - self._started > s.liveness_timeout_s:
            return self._end("refused", REASON_TIMEOUT)
        return self.state

    def _blinked(self, ear: float) -> bool:
        s = self.settings
        self.ears.append(ear)
        baseline = statistics.median(self._open_ears[-5:]) if self._open_ears else ear
        if not self._closed:
            if self._open_ears and ear < s.blink_ratio * baseline:
                self._closed = True
            else:
                self._open_ears.append(ear)
            return False
        return ear >= s.blink_reopen_ratio * baseline

    def _turned(self, yaw: float) -> bool:
        s = self.settings
        self.yaws.append(yaw)
        if abs(yaw) < s.turn_yaw / 2:
            self._frontal = True  # a turn counts from a frontal start: a profile photo is not a turn
            return False
        wanted = 1.0 if self.challenge == "turn_left" else -1.0
        return self._frontal and yaw * wanted > s.turn_yaw

    def _end(self, state: State, reason: str | None = None) -> LivenessState:
        self.state = LivenessState(state, self.challenge, PROMPTS[self.challenge], reason)
        return self.state
