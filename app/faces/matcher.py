"""1:N face matching: who, among the enrolled people, is this encoding?

Gallery holds every enrolled encoding in one float32 matrix (a person may have up to 5 rows, one
per enrolment photo). A search is one matrix-vector product: |a-b|² = |a|² + |b|² - 2a·b with
the row norms precomputed, then the best row and the best row of any *other* person; 10 000
encodings take well under a millisecond.

Matcher turns a search into a decision for one frame:
- match: best distance ≤ threshold and the second-best person is at least `margin` further;
- unsure: best distance ≤ threshold but another person is too close (ask to look again);
- unknown: nobody within the threshold (not enrolled, or not recognisable: manual check-in).
Agreement then requires `frames` consecutive face frames to agree before anyone is named.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Iterable, Literal

import numpy as np

from app.faces.settings import FaceSettings

PersonId = Hashable
Kind = Literal["match", "unsure", "unknown"]
ENCODING_SIZE = 128


@dataclass(frozen=True)
class Nearest:
    person_id: PersonId | None
    distance: float  # inf when the gallery is empty
    second_person_id: PersonId | None
    second_distance: float  # nearest encoding of any other person; inf if there is none


@dataclass(frozen=True)
class MatchResult:
    kind: Kind
    person_id: PersonId | None = None  # the best candidate (also for unsure/unknown, for the log)
    distance: float = float("inf")
    second_distance: float = float("inf")

    @property
    def matched(self) -> bool:
        return self.kind == "match"


class Gallery:
    """Enrolled encodings, searchable. Not thread-safe for writes: rebuild or lock around add/remove."""

    def __init__(self, entries: Iterable[tuple[PersonId, np.ndarray]] = ()) -> None:
        self._owners: list[PersonId] = []
        self._owner_index: dict[PersonId, int] = {}
        rows: list[np.ndarray] = []
        owner_codes: list[int] = []
        for person_id, encoding in entries:
            rows.append(_as_row(encoding))
            owner_codes.append(self._code(person_id))
        self._matrix = np.vstack(rows).astype(np.float32) if rows else np.empty((0, ENCODING_SIZE), np.float32)
        self._codes = np.asarray(owner_codes, dtype=np.int64)
        self._refresh()

    def _code(self, person_id: PersonId) -> int:
        code = self._owner_index.get(person_id)
        if code is None:
            code = self._owner_index[person_id] = len(self._owners)
            self._owners.append(person_id)
        return code

    def _refresh(self) -> None:
        self._norms = np.einsum("ij,ij->i", self._matrix, self._matrix)

    def __len__(self) -> int:
        return len(self._codes)

    @property
    def person_ids(self) -> set[PersonId]:
        return {self._owners[c] for c in set(self._codes.tolist())}

    def add(self, person_id: PersonId, encoding: np.ndarray) -> None:
        self._matrix = np.vstack([self._matrix, _as_row(encoding)[None, :].astype(np.float32)])
        self._codes = np.append(self._codes, self._code(person_id))
        self._refresh()

    def remove(self, person_id: PersonId) -> int:
        """Forget every encoding of a person (consent withdrawn); returns how many rows went."""
        code = self._owner_index.get(person_id)
        if code is None:
            return 0
        keep = self._codes != code
        removed = int((~keep).sum())
        self._matrix = self._matrix[keep]
        self._codes = self._codes[keep]
        self._refresh()
        return removed

    def without(self, person_id: PersonId) -> "Gallery":
        """A copy without one person (calibration: that person becomes an unenrolled visitor)."""
        return Gallery(entry for entry in self.entries() if entry[0] != person_id)

    def entries(self) -> Iterable[tuple[PersonId, np.ndarray]]:
        for row, code in zip(self._matrix, self._codes):
            yield self._owners[code], row

    def nearest(self, encoding: np.ndarray) -> Nearest:
        if len(self._codes) == 0:
            return Nearest(None, float("inf"), None, float("inf"))
        query = _as_row(encoding).astype(np.float32)
        # einsum's own SIMD loop, not BLAS: a multi-threaded gemv must wake OpenBLAS's sleeping
        # threads on every call, which on a busy 2-core kiosk cost 10–30 ms instead of 0.1 ms.
        products = np.einsum("ij,j->i", self._matrix, query, optimize=False)
        squared = self._norms + float(np.dot(query, query)) - 2.0 * products
        best = int(np.argmin(squared))
        best_code = self._codes[best]
        others = np.where(self._codes == best_code, np.inf, squared)
        second = int(np.argmin(others))
        second_sq = float(others[second])
        distance = float(np.sqrt(max(float(squared[best]), 0.0)))
        if np.isinf(second_sq):
            return Nearest(self._owners[best_code], distance, None, float("inf"))
        return Nearest(self._owners[best_code], distance, self._owners[self._codes[second]], float(np.sqrt(max(second_sq, 0.0))))


class Matcher:
    """One frame's decision from the gallery and the settings."""

    def __init__(self, gallery: Gallery, settings: FaceSettings | None = None) -> None:
        self.gallery = gallery
        self.settings = settings or FaceSettings()

    def match(self, encoding: np.ndarray, *, threshold: float | None = None) -> MatchResult:
        return decide(self.gallery.nearest(encoding), self.settings, threshold=threshold)


def decide(nearest: Nearest, settings: FaceSettings, *, threshold: float | None = None) -> MatchResult:
    limit = settings.threshold if threshold is None else threshold
    if nearest.person_id is None or nearest.distance > limit:
        kind: Kind = "unknown"
    elif nearest.second_distance - nearest.distance < settings.margin:
        kind = "unsure"
    else:
        kind = "match"
    return MatchResult(kind, nearest.person_id, nearest.distance, nearest.second_distance)


class Agreement:
    """Consecutive face frames must agree: `frames` matches of the same person name them. Any
    frame that disagrees (another person, unsure) makes the attempt unsure; `frames` unknown
    frames make it unknown. Returns None while it still needs frames."""

    def __init__(self, settings: FaceSettings | None = None) -> None:
        self.settings = settings or FaceSettings()
        self.results: list[MatchResult] = []

    def reset(self) -> None:
        self.results.clear()

    def add(self, result: MatchResult) -> MatchResult | None:
        self.results.append(result)
        if len(self.results) < self.settings.frames:
            # A frame for another person, or an unsure one, ends the attempt at once: waiting
            # for more frames would not make the answer trustworthy.
            first = self.results[0]
            if result.kind == "unsure" or (result.matched and first.matched and result.person_id != first.person_id):
                return self._final("unsure")
            return None
        return self._final(None)

    def _final(self, forced: Kind | None) -> MatchResult:
        results = self.results
        best = min(results, key=lambda r: r.distance)
        if forced is None:
            if all(r.matched and r.person_id == results[0].person_id for r in results):
                worst = max(results, key=lambda r: r.distance)  # the weakest frame is the evidence
                return MatchResult("match", worst.person_id, worst.distance, min(r.second_distance for r in results))
            forced = "unknown" if all(r.kind == "unknown" for r in results) else "unsure"
        return MatchResult(forced, best.person_id, best.distance, best.second_distance)


def _as_row(encoding: np.ndarray) -> np.ndarray:
    row = np.asarray(encoding, dtype=np.float64).reshape(-1)
    if row.shape != (ENCODING_SIZE,) or not np.all(np.isfinite(row)):
        raise ValueError(f"a face encoding has {ENCODING_SIZE} finite numbers, got shape {row.shape}")
    return row
