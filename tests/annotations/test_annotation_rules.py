"""The pure annotation rules shared by client and server: what each kind needs, how areas, strokes
and colours are checked and normalised, the limits, and who is in an annotation's audience."""

from __future__ import annotations

import math

import pytest

from app.domain import annotations as rules
from app.services.documents import DOCUMENT_READERS


def test_the_client_and_the_server_agree_on_who_annotates() -> None:
    assert rules.ANNOTATORS == DOCUMENT_READERS


def test_a_highlight_is_normalised_and_completed() -> None:
    record = rules.clean_new({"kind": "highlight", "page": 2, "rects": [[300, 80.123, 100, 60]], "text": "ngân sách"}, pages=5)
    assert record == {"kind": "highlight", "page": 2, "rects": [[100.0, 60.0, 300.0, 80.12]], "ink": [], "text": "ngân sách", "note": "",
                      "colour": rules.DEFAULT_COLOURS["highlight"], "visibility": "private", "shared_with": []}


def test_ink_points_without_pressure_get_the_mouse_pressure() -> None:
    record = rules.clean_new({"kind": "ink", "page": 0, "ink": [[[10, 20], [30, 40, 0.9]]], "colour": "#1565c0"})
    assert record["ink"] == [[[10.0, 20.0, 0.5], [30.0, 40.0, 0.9]]]
    assert record["colour"] == "#1565C0"


@pytest.mark.parametrize("fields, error", [
    ({"kind": "scribble", "page": 0}, rules.AnnotationKindError),
    ({"kind": "highlight", "page": 0}, rules.AnnotationShapeError),  # marks no text
    ({"kind": "highlight", "page": 7, "rects": [[0, 0, 1, 1]]}, rules.AnnotationPageError),
    ({"kind": "highlight", "page": -1, "rects": [[0, 0, 1, 1]]}, rules.AnnotationPageError),
    ({"kind": "highlight", "page": True, "rects": [[0, 0, 1, 1]]}, rules.AnnotationPageError),
    ({"kind": "highlight", "page": 0, "rects": [[0, 0, 1]]}, rules.AnnotationAreaError),
    ({"kind": "highlight", "page": 0, "rects": [[0, 0, math.nan, 1]]}, rules.AnnotationAreaError),
    ({"kind": "highlight", "page": 0, "rects": [[0, 0, 1e9, 1]]}, rules.AnnotationAreaError),
    ({"kind": "highlight", "page": 0, "rects": "0,0,1,1"}, rules.AnnotationAreaError),
    ({"kind": "highlight", "page": 0, "rects": [[0, 0, 1, 1]] * (rules.MAX_RECTS + 1)}, rules.AnnotationAreaError),
    ({"kind": "ink", "page": 0}, rules.AnnotationShapeError),
    ({"kind": "ink", "page": 0, "ink": [[]]}, rules.AnnotationInkError),
    ({"kind": "ink", "page": 0, "ink": [[[1, 2, 1.5]]]}, rules.AnnotationInkError),
    ({"kind": "ink", "page": 0, "ink": [[[1, 2, 0.5]] * (rules.MAX_POINTS + 1)]}, rules.AnnotationInkError),
    ({"kind": "note", "page": 0}, rules.AnnotationShapeError),  # a note needs its anchor
    ({"kind": "bookmark", "page": 0, "rects": [[0, 0, 1, 1], [2, 2, 3, 3]]}, rules.AnnotationShapeError),
    ({"kind": "bookmark", "page": 0, "colour": "red"}, rules.AnnotationColourError),
    ({"kind": "bookmark", "page": 0, "visibility": "public"}, rules.AnnotationVisibilityError),
    ({"kind": "bookmark", "page": 0, "visibility": "people"}, rules.AnnotationShareError),  # with nobody
    ({"kind": "bookmark", "page": 0, "visibility": "people", "shared_with": [5]}, rules.AnnotationPersonError),
    ({"kind": "note", "page": 0, "rects": [[0, 0, 9, 9]], "note": "x" * (rules.MAX_NOTE + 1)}, rules.NoteTooLongError),
])
def test_what_is_refused(fields: dict, error: type) -> None:
    with pytest.raises(error) as refused:
        rules.clean_new(fields, pages=3)
    assert isinstance(refused.value, rules.InvalidAnnotationError)
    assert refused.value.status == 422


def test_a_bookmark_needs_no_area_and_sharing_only_keeps_people_for_people() -> None:
    assert rules.clean_new({"kind": "bookmark", "page": 1, "visibility": "meeting", "shared_with": ["p1"]})["shared_with"] == []
    assert rules.clean_new({"kind": "bookmark", "page": 1, "visibility": "people", "shared_with": ["p1", "p1", " p2 "]})["shared_with"] == ["p1", "p2"]


def test_changes_are_checked_and_merged_as_a_whole() -> None:
    record = {**rules.clean_new({"kind": "note", "page": 0, "rects": [[5, 5, 20, 20]], "note": "a"}), "author_account_id": "acc"}
    assert rules.clean_changes({"note": "b", "colour": "#00ff00"}, kind="note") == {"note": "b", "colour": "#00FF00"}
    with pytest.raises(rules.AnnotationFieldError):
        rules.clean_changes({"author_account_id": "me"}, kind="note")
    with pytest.raises(rules.AnnotationShapeError):
        rules.merged(record, {"rects": []})
    shared = rules.merged(record, {"visibility": "people", "shared_with": ["p9"]})
    assert rules.merged(shared, {"visibility": "private"})["shared_with"] == []


def test_audience() -> None:
    mine = {"author_account_id": "acc-1", "visibility": "private", "shared_with": []}
    assert rules.audience_includes(mine, account_id="acc-1", person_id=None)
    assert not rules.audience_includes(mine, account_id="acc-2", person_id="p2")
    people = {**mine, "visibility": "people", "shared_with": ["p2"]}
    assert rules.audience_includes(people, account_id="acc-2", person_id="p2")
    assert not rules.audience_includes(people, account_id="acc-3", person_id="p3")
    assert not rules.audience_includes(people, account_id=None, person_id=None)
    assert rules.audience_includes({**mine, "visibility": "meeting"}, account_id="acc-3", person_id=None)
    assert not rules.is_author({"author_account_id": None}, None)
