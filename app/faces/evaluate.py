"""Calibration on a chamber's own photos: `main.py faces evaluate FOLDER`.

FOLDER has one sub-folder per person (folders starting with "_" or "." are skipped). The first
usable photo of each person (natural name order: 1.jpg before 10.jpg) is enrolled; the others
probe the gallery with the kiosk's own code (FaceDetector, Gallery, Matcher, FaceSettings), so
the figures are the kiosk's. A photo is one frame: `frames` agreement over copies of one frame
gives the same decision as that frame, so each probe is decided once.

Two kinds of probes:
- genuine: a person's further photos against the full gallery. Correct, false reject (nobody
  within the threshold), unsure (another person within the margin) or a false accept (taken for
  somebody else).
- unenrolled visitor: leave-one-person-out. Each person in turn is removed from the gallery and
  every photo of theirs is probed against the others; any match is a false accept.

Rates: far = false accepts / all probes; frr = false rejects / genuine probes; unsure = unsure
answers / all probes. A damaged image or a photo without a face is reported and not counted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Hashable, TextIO

import numpy as np

from app.errors import InvalidInputError
from app.faces.camera import IMAGE_SUFFIXES, load_image
from app.faces.detect import FaceDetector
from app.faces.errors import UnreadableImageError
from app.faces.matcher import Gallery, Nearest, decide
from app.faces.quality import assess_faces
from app.faces.settings import FaceSettings
from app.i18n import N_, _

THRESHOLDS = (0.40, 0.45, 0.50, 0.55, 0.60)


class EvaluationFolderError(InvalidInputError):
    code = "evaluation_folder"
    message = N_("%(path)s has no sub-folder with a usable face photo: give a folder with one sub-folder of photos per person.")


@dataclass
class Sample:
    person: str
    path: Path
    encoding: np.ndarray | None = None
    problem: str | None = None  # why it is not counted
    note: str | None = None  # enrolment quality remark (still enrolled)


@dataclass
class Counts:
    threshold: float
    genuine: int = 0
    impostor: int = 0
    correct: int = 0
    false_rejects: int = 0
    unsure: int = 0
    wrong_person: int = 0  # a genuine probe taken for somebody else
    unenrolled_accepted: int = 0

    @property
    def probes(self) -> int:
        return self.genuine + self.impostor

    @property
    def false_accepts(self) -> int:
        return self.wrong_person + self.unenrolled_accepted

    @property
    def far(self) -> float:
        return self.false_accepts / self.probes if self.probes else 0.0

    @property
    def frr(self) -> float:
        return self.false_rejects / self.genuine if self.genuine else 0.0

    @property
    def unsure_rate(self) -> float:
        return self.unsure / self.probes if self.probes else 0.0


@dataclass
class Evaluation:
    folder: Path
    settings: FaceSettings
    people: dict[str, list[Sample]] = field(default_factory=dict)  # usable samples, enrolment first
    problems: list[Sample] = field(default_factory=list)
    skipped_folders: list[str] = field(default_factory=list)
    rows: list[Counts] = field(default_factory=list)
    genuine: list[tuple[Sample, Nearest]] = field(default_factory=list)  # to the person's own enrolment
    impostor: list[tuple[Sample, Nearest]] = field(default_factory=list)  # with the person left out

    def row(self, threshold: float) -> Counts:
        return next(r for r in self.rows if abs(r.threshold - threshold) < 1e-9)


def _natural_key(path: Path) -> list:
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name)]


def collect(folder: Path, detector: FaceDetector, *, progress: Callable[[Path], None] | None = None) -> Evaluation:
    """Read and encode every photo (the slow part: ~0.1–0.3 s a photo)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise EvaluationFolderError(path=str(folder))
    ev = Evaluation(folder, detector.settings)
    for sub in sorted((p for p in folder.iterdir() if p.is_dir()), key=_natural_key):
        if sub.name.startswith(("_", ".")):
            ev.skipped_folders.append(sub.name)
            continue
        usable: list[Sample] = []
        files = sorted((p for p in sub.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES), key=_natural_key)
        for path in files:
            if progress:
                progress(path)
            sample = Sample(sub.name, path)
            try:
                analysed = detector.analyse_photo(load_image(path))
            except UnreadableImageError as err:
                sample.problem = err.user_message()
            else:
                if not analysed.faces:
                    sample.problem = _("no face found")
                else:
                    sample.encoding = analysed.faces[0].encoding  # the largest face, as at the kiosk
                    if not usable:
                        check = assess_faces(analysed, detector)
                        if check.problem is not None:
                            sample.note = check.problem.user_message()
            (usable if sample.problem is None else ev.problems).append(sample)
        if usable:
            ev.people[sub.name] = usable
    if not ev.people:
        raise EvaluationFolderError(path=str(folder))
    return ev


def score(ev: Evaluation, thresholds: tuple[float, ...] = THRESHOLDS) -> Evaluation:
    settings = ev.settings
    gallery = Gallery((person, samples[0].encoding) for person, samples in ev.people.items())
    genuine: list[tuple[Hashable, Nearest]] = []
    impostor: list[Nearest] = []
    ev.genuine, ev.impostor = [], []
    for person, samples in ev.people.items():
        own = Gallery([(person, samples[0].encoding)])
        for sample in samples[1:]:
            genuine.append((person, gallery.nearest(sample.encoding)))
            ev.genuine.append((sample, own.nearest(sample.encoding)))
        others = gallery.without(person)
        for sample in samples:
            near = others.nearest(sample.encoding)
            impostor.append(near)
            ev.impostor.append((sample, near))
    wanted = sorted(set(thresholds) | {settings.threshold})
    ev.rows = []
    for threshold in wanted:
        c = Counts(threshold, genuine=len(genuine), impostor=len(impostor))
        for person, near in genuine:
            result = decide(near, settings, threshold=threshold)
            if result.kind == "unknown":
                c.false_rejects += 1
            elif result.kind == "unsure":
                c.unsure += 1
            elif result.person_id == person:
                c.correct += 1
            else:
                c.wrong_person += 1
        for near in impostor:
            result = decide(near, settings, threshold=threshold)
            if result.kind == "match":
                c.unenrolled_accepted += 1
            elif result.kind == "unsure":
                c.unsure += 1
        ev.rows.append(c)
    return ev


def evaluate(folder: Path, settings: FaceSettings | None = None, *, progress: Callable[[Path], None] | None = None) -> Evaluation:
    return score(collect(folder, FaceDetector(settings or FaceSettings()), progress=progress))


def summary(ev: Evaluation) -> dict:
    """The last line of the report: the configured threshold's figures."""
    row = ev.row(ev.settings.threshold)
    return {"threshold": row.threshold, "far": round(row.far, 4), "frr": round(row.frr, 4), "unsure": round(row.unsure_rate, 4), "probes": row.probes}


def print_report(ev: Evaluation, out: TextIO) -> None:
    s = ev.settings
    photos = sum(len(v) for v in ev.people.values())
    row = ev.row(s.threshold)

    def say(text: str = "") -> None:
        print(text, file=out)

    say(_("Face check-in calibration on %(folder)s") % {"folder": ev.folder})
    say(_("%(people)s people, %(photos)s usable photos. Enrolled: the first usable photo of each person.") % {"people": len(ev.people), "photos": photos})
    say(_("Genuine probes: each person's other photos against everybody enrolled (%(n)s).") % {"n": row.genuine})
    say(_("Unenrolled visitors: each person in turn is left out of the gallery and all their photos are probed against the others (%(n)s).") % {"n": row.impostor})
    say(_("Kiosk settings: margin %(margin)s over the second-best person, %(frames)s agreeing frames (a photo is one frame), detection at %(downscale)s× scale.")
        % {"margin": s.margin, "frames": s.frames, "downscale": s.downscale})
    if ev.skipped_folders:
        say(_("Folders skipped (name starts with _ or .): %s") % ", ".join(ev.skipped_folders))
    for sample in ev.problems:
        say(_("Not counted: %(path)s: %(reason)s") % {"path": sample.path.relative_to(ev.folder), "reason": sample.problem})
    for samples in ev.people.values():
        if samples[0].note:
            say(_("Enrolment photo %(path)s would be refused at enrolment (%(reason)s); used anyway.") % {"path": samples[0].path.relative_to(ev.folder), "reason": samples[0].note})
    if ev.genuine and ev.impostor:
        worst, worst_near = max(ev.genuine, key=lambda g: g[1].distance)
        closest, closest_near = min(ev.impostor, key=lambda g: g[1].distance)
        say(_("Distances: a person's photos to their own enrolment, median %(median).2f, largest %(worst).2f (%(worst_path)s); nearest unenrolled visitor %(closest).2f (%(closest_path)s, to %(closest_to)s).") % {
            "median": float(np.median([n.distance for _, n in ev.genuine])), "worst": worst_near.distance, "worst_path": worst.path.relative_to(ev.folder),
            "closest": closest_near.distance, "closest_path": closest.path.relative_to(ev.folder), "closest_to": closest_near.person_id,
        })
    say()
    headers = (_("threshold"), _("correct"), _("false rejects"), _("unsure"), _("wrong person"), _("unenrolled accepted"), "FAR", "FRR")
    widths = [max(len(h), 9) for h in headers]
    say("  ".join(h.rjust(w) for h, w in zip(headers, widths)))
    for r in ev.rows:
        cells = (
            f"{r.threshold:.2f}" + ("*" if abs(r.threshold - s.threshold) < 1e-9 else " "),
            f"{r.correct}/{r.genuine}", str(r.false_rejects), str(r.unsure), str(r.wrong_person), f"{r.unenrolled_accepted}/{r.impostor}",
            f"{r.far * 100:.1f}%", f"{r.frr * 100:.1f}%",
        )
        say("  ".join(c.rjust(w) for c, w in zip(cells, widths)))
    say(_("* the configured threshold. FAR = false accepts (wrong person + unenrolled accepted) / all probes; FRR = false rejects / genuine probes; unsure answers ask the person to look again, then go to the desk."))
    say(json.dumps(summary(ev)))
