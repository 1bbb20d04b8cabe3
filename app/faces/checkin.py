"""Recognizer: camera frames in, "who is at the door" out. The kiosk's whole face logic, Qt-free.

Per frame: detect (largest face only: the person in front), encode, match against the gallery,
let `frames` consecutive frames agree (matcher.Agreement), and meanwhile watch liveness. The
verdict says what to show:

    idle        no face: "Please look at the camera"
    looking     a face, not enough frames yet
    confirming  identity agreed, waiting for the blink/head turn (prompt says which)
    unsure      frames disagree or two people are too close: "Please look at the camera again"
    accepted    final: person_id and distance (check the person in)
    unknown     final: nobody enrolled is near enough: manual check-in
    manual      final: still unsure after `retries` new looks: manual check-in
    refused     final: liveness failed (still picture, no blink in time): manual check-in

While confirming, every frame must still be nearest to the same person (within
`same_person_distance`: shut eyes move an encoding a little), and only a frame that fully
matches can accept: holding up somebody's photo for the identity and then blinking with one's
own face restarts the attempt. After a final verdict
the next frame starts a new attempt; re-recognising somebody already checked in is for the
attendance code to ignore. Call from one worker thread (never the GUI thread): ~0.1 s a frame.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

import numpy as np

from app.faces.detect import Face, FaceDetector
from app.faces.liveness import LivenessCheck, LivenessState
from app.faces.matcher import Agreement, Gallery, Matcher, MatchResult, PersonId
from app.faces.settings import FaceSettings
from app.i18n import N_

VerdictState = Literal["idle", "looking", "confirming", "unsure", "accepted", "unknown", "manual", "refused"]
FINAL_STATES = frozenset({"accepted", "unknown", "manual", "refused"})

PROMPT_LOOK = N_("Please look at the camera")
PROMPT_AGAIN = N_("Please look at the camera again")
PROMPT_UNKNOWN = N_("You are not recognised. Please check in at the desk.")
PROMPT_MANUAL = N_("You could not be recognised with certainty. Please check in at the desk.")


@dataclass(frozen=True, eq=False)
class Verdict:
    state: VerdictState
    timestamp: float
    face: Face | None = None
    person_id: PersonId | None = None
    distance: float = float("inf")
    prompt: str | None = None  # msgid: translate with _() where it is shown
    liveness: LivenessState | None = None

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES


class Recognizer:
    def __init__(self, gallery: Gallery, settings: FaceSettings | None = None, *, detector: FaceDetector | None = None, rng: random.Random | None = None) -> None:
        self.settings = settings or FaceSettings()
        self.detector = detector or FaceDetector(self.settings)
        self.matcher = Matcher(gallery, self.settings)
        self._rng = rng
        self._new_attempt()

    @property
    def gallery(self) -> Gallery:
        return self.matcher.gallery

    def _new_attempt(self) -> None:
        self.agreement = Agreement(self.settings)
        self.liveness = LivenessCheck(self.settings, rng=self._rng) if self.settings.liveness else None
        self.identity: MatchResult | None = None
        self.unsure_count = 0
        self.missing = 0
        self.started: float | None = None

    def reset(self) -> None:
        self._new_attempt()

    def feed(self, timestamp: float, frame: np.ndarray) -> Verdict:
        faces = self.detector.analyse(frame, largest_only=True, landmarks=self.settings.liveness)
        return self.feed_face(timestamp, frame, faces[0] if faces else None)

    def feed_face(self, timestamp: float, frame: np.ndarray, face: Face | None) -> Verdict:
        """The same, for a face already found (tests, or a caller that detects itself)."""
        if face is None:
            self.missing += 1
            if self.missing >= self.settings.frames and self.started is not None:
                self._new_attempt()  # the person walked away: the next face is a new attempt
            return Verdict("idle", timestamp, prompt=PROMPT_LOOK)
        self.missing = 0
        if self.started is None:
            self.started = timestamp
        live = self.liveness.observe(timestamp, frame, face) if self.liveness else None
        if live is not None and live.state == "refused":
            return self._final(Verdict("refused", timestamp, face, prompt=live.reason, liveness=live))
        assert face.encoding is not None
        result = self.matcher.match(face.encoding)

        if self.identity is not None:
            # Still the same person? Shutting the eyes moves an encoding by ~0.1, so a frame
            # whose nearest person is still the identity within `same_person_distance` keeps
            # the attempt (and its blink) alive, but only a full match can accept.
            if result.person_id != self.identity.person_id or result.distance > self.settings.same_person_distance:
                self._new_attempt()  # somebody else in front of the camera: start over
                return Verdict("looking", timestamp, face)
            return self._identified(timestamp, face, live, result.matched)

        decision = self.agreement.add(result)
        if decision is None:
            return Verdict("looking", timestamp, face, result.person_id, result.distance, liveness=live)
        if decision.kind == "match":
            self.identity = decision
            return self._identified(timestamp, face, live, True)
        if decision.kind == "unknown":
            return self._final(Verdict("unknown", timestamp, face, decision.person_id, decision.distance, PROMPT_UNKNOWN, live))
        self.unsure_count += 1
        self.agreement.reset()
        if self.unsure_count > self.settings.retries:
            return self._final(Verdict("manual", timestamp, face, decision.person_id, decision.distance, PROMPT_MANUAL, live))
        return Verdict("unsure", timestamp, face, decision.person_id, decision.distance, PROMPT_AGAIN, live)

    def _identified(self, timestamp: float, face: Face, live: LivenessState | None, matched: bool) -> Verdict:
        assert self.identity is not None
        if matched and (live is None or live.state == "passed"):
            return self._final(Verdict("accepted", timestamp, face, self.identity.person_id, self.identity.distance, liveness=live))
        return Verdict("confirming", timestamp, face, self.identity.person_id, self.identity.distance, live.prompt, live)

    def _final(self, verdict: Verdict) -> Verdict:
        self._new_attempt()
        return verdict
