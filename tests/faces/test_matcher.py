"""1:N matching on the real photos: accept, reject, unsure by margin, frame agreement; and the
vectorised search agrees with a plain loop over 10 000 encodings."""

from __future__ import annotations

import numpy as np
import pytest

from app.faces.matcher import Agreement, Gallery, Matcher, MatchResult
from app.faces.settings import FaceSettings


def test_enrolled_people_are_recognised_from_their_other_photos(gallery: Gallery, photo) -> None:  # noqa: ANN001
    matcher = Matcher(gallery, FaceSettings())
    for name, person in [("obama/2.jpg", "obama"), ("angelina/3.jpg", "angelina"), ("mark/2.jpg", "mark"), ("biden/2.jpg", "biden")]:
        result = matcher.match(photo(name).faces[0].encoding)
        assert result.kind == "match", (name, result)
        assert result.person_id == person
        assert result.distance <= 0.5 and result.second_distance - result.distance >= 0.06


def test_a_person_not_enrolled_is_unknown(enrolled: dict, photo) -> None:  # noqa: ANN001
    without_obama = Gallery((p, e) for p, e in enrolled.items() if p != "obama")
    for name in ("obama/1.jpg", "obama/2.jpg", "obama/3.jpg"):
        result = Matcher(without_obama).match(photo(name).faces[0].encoding)
        assert result.kind == "unknown", (name, result)
        assert result.distance > 0.5


def test_two_enrolled_faces_too_close_make_the_answer_unsure(enrolled: dict, photo) -> None:  # noqa: ANN001
    # A second record for the same face under another id (a duplicate enrolment): whoever of
    # the two is nearer, the other is within the margin, so the kiosk must not pick one.
    gallery = Gallery([*enrolled.items(), ("obama-again", photo("obama/2.jpg").faces[0].encoding)])
    probe = photo("obama/3.jpg").faces[0].encoding
    unsure = Matcher(gallery, FaceSettings(margin=0.2)).match(probe)
    assert unsure.kind == "unsure" and unsure.person_id in {"obama", "obama-again"}
    assert unsure.distance <= 0.5
    assert Matcher(gallery, FaceSettings(margin=0.0)).match(probe).kind == "match"


def test_one_person_with_several_photos_is_not_their_own_competitor(enrolled: dict, photo) -> None:  # noqa: ANN001
    gallery = Gallery([*enrolled.items(), ("obama", photo("obama/2.jpg").faces[0].encoding)])
    result = Matcher(gallery, FaceSettings(margin=0.2)).match(photo("obama/3.jpg").faces[0].encoding)
    assert result.kind == "match" and result.person_id == "obama"
    assert result.second_distance > 0.6  # the runner-up is somebody else, not obama's other photo


def test_removing_a_person_forgets_every_encoding(enrolled: dict, photo) -> None:  # noqa: ANN001
    gallery = Gallery([*enrolled.items(), ("obama", photo("obama/2.jpg").faces[0].encoding)])
    assert gallery.remove("obama") == 2
    assert "obama" not in gallery.person_ids and len(gallery) == 12
    assert Matcher(gallery).match(photo("obama/3.jpg").faces[0].encoding).kind == "unknown"
    assert gallery.remove("obama") == 0


def test_agreement_names_a_person_only_when_frames_agree() -> None:
    settings = FaceSettings(frames=3)
    a1, a2, a3 = (MatchResult("match", "an", d, 0.8) for d in (0.41, 0.45, 0.43))
    agreement = Agreement(settings)
    assert agreement.add(a1) is None and agreement.add(a2) is None
    final = agreement.add(a3)
    assert final is not None and final.kind == "match" and final.person_id == "an" and final.distance == 0.45

    other = Agreement(settings)
    other.add(a1)
    assert other.add(MatchResult("match", "binh", 0.4, 0.7)).kind == "unsure"  # another person: stop at once

    margin = Agreement(settings)
    assert margin.add(MatchResult("unsure", "an", 0.45, 0.47)).kind == "unsure"

    nobody = Agreement(settings)
    for _ in range(2):
        assert nobody.add(MatchResult("unknown", "an", 0.7, 0.8)) is None
    assert nobody.add(MatchResult("unknown", "an", 0.7, 0.8)).kind == "unknown"

    mixed = Agreement(settings)
    mixed.add(MatchResult("unknown", "an", 0.55, 0.8))
    mixed.add(a1)
    assert mixed.add(a2).kind == "unsure"  # not three matches in a row


def test_vectorised_search_matches_a_plain_loop_over_10000() -> None:
    rng = np.random.default_rng(7)
    encodings = rng.normal(0, 0.09, (10_000, 128))
    owners = [f"p{i // 2}" for i in range(10_000)]  # two encodings per person
    gallery = Gallery(zip(owners, encodings))
    for _ in range(5):
        probe = encodings[rng.integers(10_000)] + rng.normal(0, 0.02, 128)
        near = gallery.nearest(probe)
        distances = np.linalg.norm(encodings - probe, axis=1)
        order = np.argsort(distances)
        best = owners[order[0]]
        second = next(owners[i] for i in order if owners[i] != best)
        assert near.person_id == best and near.second_person_id == second
        assert near.distance == pytest.approx(distances[order[0]], abs=1e-4)
        assert near.second_distance == pytest.approx(min(d for d, o in zip(distances, owners) if o != best), abs=1e-4)


def test_empty_gallery_and_bad_encodings() -> None:
    assert Matcher(Gallery()).match(np.zeros(128)).kind == "unknown"
    with pytest.raises(ValueError):
        Gallery([("x", np.zeros(64))])
    with pytest.raises(ValueError):
        Gallery().add("x", np.full(128, np.nan))
