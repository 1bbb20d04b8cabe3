"""Hostile requests over real HTTPS: oversized and deeply nested JSON, path traversal in an upload's
file name, SQL-looking text. Each is refused with a clear 4xx or stored faithfully; the server
stays up and nothing else changes."""

from __future__ import annotations

import pymupdf

from app.server.limits import MAX_DEPTH, MAX_JSON_BYTES, nesting_depth


def plenary(api) -> dict:  # noqa: ANN001
    token = api.token("thuky")
    return next(m for m in api.call("GET", "/meetings", token=token).json() if m["title"].startswith("Kỳ họp thứ 12"))


def test_oversized_and_deeply_nested_json_are_refused_before_parsing(api) -> None:  # noqa: ANN001
    token = api.token("thuky")
    meeting = plenary(api)
    before = api.call("GET", f"/meetings/{meeting['id']}", token=token).json()
    huge = b'{"description": "' + b"a" * (MAX_JSON_BYTES + 10) + b'"}'
    answer = api.call("PATCH", f"/meetings/{meeting['id']}", token=token, content=huge,
                      headers={"Content-Type": "application/json", "Accept-Language": "en"})
    assert answer.status_code == 413 and answer.json()["error"] == "request_too_large", answer.text

    deep = b'{"description": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    answer = api.call("PATCH", f"/meetings/{meeting['id']}", token=token, content=deep, headers={"Content-Type": "application/json"})
    assert answer.status_code == 422 and answer.json()["error"] == "request_too_deep", answer.text
    # Chunked (no Content-Length): still counted as it arrives.
    answer = api.call("PATCH", f"/meetings/{meeting['id']}", token=token, content=iter([b'{"description": "', b"b" * MAX_JSON_BYTES, b'"}']),
                      headers={"Content-Type": "application/json"})
    assert answer.status_code == 413, answer.text
    assert api.call("GET", f"/meetings/{meeting['id']}", token=token).json() == before
    assert api.call("GET", "/health").status_code == 200


def test_nesting_is_measured_outside_strings_only() -> None:
    assert nesting_depth(b'{"a": [1, {"b": "[[[[{{{{"}]}') == 3
    assert nesting_depth(b'"\\"[[["') == 0
    assert nesting_depth(b"[" * (MAX_DEPTH + 1)) == MAX_DEPTH + 1


def test_an_upload_named_like_a_path_is_stored_by_hash_and_named_harmlessly(api, demo) -> None:  # noqa: ANN001
    _runner, ctx = demo
    token = api.token("thuky")
    meeting = plenary(api)
    doc = pymupdf.open()
    doc.new_page().insert_htmlbox(pymupdf.Rect(50, 50, 500, 200), "<p>Tờ trình</p>")
    data = doc.tobytes()
    doc.close()
    names = ("../../../etc/passwd.pdf", "..\\..\\windows\\system32\\x.pdf", "/abs/olute.pdf", "tờ trình\u202e.fdp.pdf", "a" * 300 + ".pdf")
    for name in names:
        answer = api.call("POST", f"/meetings/{meeting['id']}/documents", token=token, files={"file": (name, data, "application/pdf")})
        assert answer.status_code in (201, 422), (name, answer.text)
        if answer.status_code == 201:
            kept = answer.json()["file_name"]
            assert "/" not in kept and "\\" not in kept and not kept.startswith(".."), (name, kept)
            assert len(kept.encode()) <= 180 and kept.endswith(".pdf"), kept
    # Files live only under their hash in the store; nothing was written anywhere a name pointed.
    store = ctx.settings.data_dir / "documents"
    assert all(len(p.name) == 64 or p.is_dir() or "tmp" in p.parts for p in store.rglob("*")), sorted(store.rglob("*"))
    assert not (ctx.settings.data_dir.parent / "etc").exists() and not (ctx.settings.data_dir.parent.parent / "etc" / "passwd.pdf").exists()


def test_sql_looking_text_is_stored_as_text(api) -> None:  # noqa: ANN001
    token = api.token("thuky")
    meeting = plenary(api)
    sneaky = "Robert'); DROP TABLE meetings;-- \" OR 1=1 --"
    answer = api.call("PATCH", f"/meetings/{meeting['id']}", token=token, json={"location": sneaky})
    assert answer.status_code == 200, answer.text
    assert api.call("GET", f"/meetings/{meeting['id']}", token=token).json()["location"] == sneaky
    assert len(api.call("GET", "/meetings", token=token).json()) >= 3
