"""Values a database may refuse, on SQLite and PostgreSQL alike: a NUL character in an id or a text,
an integer far out of range, 4-byte emoji, right-to-left marks and zero-width characters. Each is
either stored faithfully or refused with a clear 4xx; never a server error, never half a change."""

from __future__ import annotations

ODD_TEXTS = ["Kỳ họp 🏛️🗳️ thứ 12", "\u202eđảo chiều\u202c", "zero\u200bwidth\u200d", "'; DROP TABLE meetings; --", "a" * 199]


def test_nul_and_out_of_range_values_are_refused_and_odd_text_is_stored_faithfully(chamber) -> None:  # noqa: ANN001
    rest = chamber.rest()
    token = rest.token("thuky")
    for path in ("/meetings/%00", "/meetings/abc%00def/agenda", "/documents/%00", "/annotations/%00"):
        answer = rest.call("GET" if "annotations" not in path else "DELETE", path, token=token)
        assert 400 <= answer.status_code < 500, (path, answer.status_code, answer.text)

    meetings = rest.call("GET", "/meetings", token=token).json()
    meeting = next(m for m in meetings if m["title"].startswith("Kỳ họp thứ 12"))
    before = rest.call("GET", f"/meetings/{meeting['id']}", token=token).json()
    nul = rest.call("PATCH", f"/meetings/{meeting['id']}", token=token, json={"location": "Hội trường\x00B"})
    after = rest.call("GET", f"/meetings/{meeting['id']}", token=token).json()
    if nul.status_code == 200:  # SQLite keeps a NUL: then faithfully
        assert after["location"] == "Hội trường\x00B"
    else:  # PostgreSQL cannot: a clear refusal and nothing half-written
        assert nul.status_code == 422 and nul.json()["error"] == "unstorable_value", nul.text
        assert after == before

    documents = rest.call("GET", f"/meetings/{meeting['id']}/documents", token=token).json()
    huge = rest.call("POST", f"/documents/{documents[0]['id']}/annotations", token=token,
                     json={"kind": "note", "page": 2**40, "rects": [[1, 1, 2, 2]], "note": "x"})
    assert 400 <= huge.status_code < 500, huge.text

    for text in ODD_TEXTS:
        changed = rest.call("PATCH", f"/meetings/{meeting['id']}", token=token, json={"location": text})
        if changed.status_code >= 400:
            assert changed.status_code < 500, (text, changed.text)
            continue
        assert rest.call("GET", f"/meetings/{meeting['id']}", token=token).json()["location"] == text

