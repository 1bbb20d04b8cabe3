"""Regenerate the screenshots in docs/screenshots/ from the real application.

    uv run python scripts/screenshots.py [--out docs/screenshots]

A real embedded server with the demo council runs in a temporary directory; every screen is
opened offscreen at 1280×800, put in a realistic state (a meeting selected, a dialog open, a
pairing code typed) and saved as PNG, in Vietnamese and in English where it matters. Times are
shown in Vietnam's time zone, as in a council office.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["TZ"] = os.environ.get("CHAMBER_SCREENSHOT_TZ", "Asia/Ho_Chi_Minh")
time.tzset()

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from datetime import datetime, timedelta, timezone  # noqa: E402

from PySide6.QtCore import QEventLoop, QPoint, QTimer  # noqa: E402
from PySide6.QtGui import QColor, QPainter  # noqa: E402
from PySide6.QtWidgets import QWidget  # noqa: E402

from app import i18n  # noqa: E402
from app.demo import DEMO_PASSWORD, DELEGATES  # noqa: E402
from app.domain.roles import Actor, Role  # noqa: E402
from app.net.discovery import DiscoveredServer  # noqa: E402
from app.services import pairing  # noqa: E402
from app.sync.profile import Profile  # noqa: E402
from ui.application import create_application  # noqa: E402
from ui.flows.demo import DemoFlow  # noqa: E402
from ui.tasks import TaskRunner  # noqa: E402
from ui.views.connect.connect_window import ConnectWindow  # noqa: E402
from ui.views.main_window import MainWindow  # noqa: E402

VN = timezone(timedelta(hours=7))

SIZE = (1280, 800)


def pump(ms: int = 30) -> None:
    """Let Qt run for a moment (layouts, queued signals, repaints)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_until(predicate: Callable[[], bool], timeout: float = 20.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what or predicate}")
        pump(20)


def save(widget: QWidget, out: Path, name: str, *, dialog: QWidget | None = None) -> None:
    pump(150)
    picture = widget.grab()
    if dialog is not None:
        # A dialog is its own window: draw it over a dimmed copy of its parent, as a user sees it.
        pump(50)
        shot = dialog.grab()
        painter = QPainter(picture)
        painter.fillRect(picture.rect(), QColor(15, 39, 64, 90))
        x = (picture.width() - shot.width()) // 2
        y = (picture.height() - shot.height()) // 2
        painter.fillRect(x - 1, y - 1, shot.width() + 2, shot.height() + 2, QColor("#9aa8b6"))
        painter.drawPixmap(QPoint(x, y), shot)
        painter.end()
    path = out / f"{name}.png"
    picture.save(str(path))
    print(f"saved {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")


def in_languages(languages: tuple[str, ...], shoot: Callable[[str], None]) -> None:
    for lang in languages:
        i18n.set_language(lang)
        pump(50)
        shoot(lang)
    i18n.set_language("vi")


def seed_invitation_history(ctx) -> None:  # noqa: ANN001 - ServerContext
    """Two earlier council sessions with their invitations and answers, so the usage report has
    months to compare. Answers go through the services, dated back to when they were given."""
    from sqlalchemy import select

    from app.services import invitations, meetings
    from app.services.events import record_event
    from app.storage.models import Body, Invitation, Meeting

    system = Actor.system()
    now = datetime.now(VN)
    with ctx.db.write() as db:
        council = db.scalar(select(Body).where(Body.kind == "council"))
        for months_ago, title in ((2, "Kỳ họp thứ 11 HĐND phường khóa XII"), (1, "Kỳ họp chuyên đề: đầu tư công năm 2027")):
            sent = now - timedelta(days=30 * months_ago + 12)
            starts = (sent + timedelta(days=10)).replace(hour=8, minute=0, second=0, microsecond=0)
            m = meetings.create_meeting(db, system, {"title": title, "body_id": council.id, "starts_at": starts, "ends_at": starts + timedelta(hours=4),
                                                     "location": "Hội trường UBND phường, tầng 2"})
            invitations.send_invitations(db, system, m["id"], body_ids=[council.id])
            meeting = db.get(Meeting, m["id"])
            rows = db.scalars(select(Invitation).where(Invitation.meeting_id == m["id"]).order_by(Invitation.name)).all()
            for n, inv in enumerate(rows):
                actor = Actor(account_id=None, username=inv.name, role=Role.DELEGATE, person_id=inv.person_id)
                invitations.mark_read(db, actor, inv.id)
                if n < 12 + months_ago:
                    invitations.respond(db, actor, inv.id, response="declined" if n % 6 == 4 else "accepted",
                                        reason="Đi công tác" if n % 6 == 4 else "")
                inv.created_at = inv.delivered_at = sent
                inv.read_at = sent + timedelta(hours=1 + n)
                if inv.responded_at is not None:
                    inv.responded_at = sent + timedelta(hours=3 + n)
                db.flush()
                record_event(db, kind="invitation", action="updated", entity_id=inv.id, data=invitations.invitation_dict(inv, meeting),
                             meeting_id=meeting.id, body_id=meeting.body_id)
            meetings.update_meeting(db, system, m["id"], {"status": "closed"})


def answer_as(ctx, person_name: str, meeting_id: str, response: str | None, *, reason: str = "", substitute: str = "") -> None:  # noqa: ANN001
    """A delegate reads (and answers) on their own device: the same service the server runs."""
    from sqlalchemy import select

    from app.services import invitations
    from app.storage.models import Invitation, Person

    with ctx.db.write() as db:
        person = db.scalar(select(Person).where(Person.full_name == person_name))
        inv = db.scalar(select(Invitation).where(Invitation.meeting_id == meeting_id, Invitation.person_id == person.id))
        actor = Actor(account_id=None, username=person_name, role=Role.DELEGATE, person_id=person.id)
        invitations.mark_read(db, actor, inv.id)
        if response:
            invitations.respond(db, actor, inv.id, response=response, reason=reason, substitute_name=substitute)


def shoot_invitations(secretariat: MainWindow, delegate: MainWindow, ctx, out: Path, meeting: dict) -> None:  # noqa: ANN001
    """The send dialog at its preview, the tracking board with a mix of answers, the delegate's
    inbox with a changed meeting, and the usage report."""
    page, board = secretariat.page, secretariat.page.board
    seed_invitation_history(ctx)
    secretariat.meetings.refresh()
    secretariat.meetings.select(meeting["id"])
    page.show_section("invitations")
    wait_until(lambda: board.mail is not None, 10, "the mail status")

    dialog = board.open_send_dialog()
    dialog.person_search.setText("Lan")
    guest = dialog.add_guest("Trần Minh Đức", "duc.tm@sokhdt.example.vn")
    dialog.body_edit.setFocus()
    save(secretariat, out, "invitations_compose", dialog=dialog)
    dialog.remove_guest(guest)  # no e-mail on the demo server: a guest would not receive it
    dialog.person_search.clear()
    dialog.preview_button.click()
    wait_until(lambda: bool(dialog.previews), 10, "the preview")
    dialog.recipients.setCurrentRow(4)
    save(secretariat, out, "invitations_send", dialog=dialog)
    dialog.send_button.click()

    session = secretariat.session
    committee = next(b for b in session.list_bodies() if b["name"].startswith("Ban Kinh tế"))
    committee_meeting = next(m for m in session.list_meetings() if m["body_id"] == committee["id"] and m["status"] == "scheduled")
    session.send_invitations(committee_meeting["id"], body_ids=[committee["id"]])
    wait_until(lambda: len(board.model.rows) == 15, 15, "the board to fill")
    wait_until(lambda: {meeting["id"], committee_meeting["id"]} <= {i["meeting_id"] for i in delegate.inbox.invitations}, 15, "the delegate's inbox")

    names = [d[0] for d in DELEGATES]
    for n in (0, 1, 2, 3, 5, 7, 9, 10):
        answer_as(ctx, names[n], meeting["id"], "accepted")
    answer_as(ctx, names[6], meeting["id"], "declined", reason="Đi công tác tại Sở Tài chính tỉnh")
    answer_as(ctx, names[12], meeting["id"], "declined", reason="Nằm viện điều trị")
    answer_as(ctx, names[11], meeting["id"], "substitute", reason="Trực dịch tại trạm y tế", substitute="Nguyễn Thị Thu Trang")
    answer_as(ctx, names[13], meeting["id"], None)

    # The delegate opens the invitation on their tablet and accepts; then the place changes.
    delegate.show_section("invitations")
    inbox = delegate.inbox
    inbox.select(next(i["id"] for i in inbox.invitations if i["meeting_id"] == meeting["id"]))
    inbox.accept_button.click()
    wait_until(lambda: not delegate.session.pending_operations(), 10, "the delegate's answer")
    session.update_meeting(meeting["id"], {"location": "Hội trường lớn UBND phường"})
    wait_until(lambda: bool(inbox.changed_seen), 10, "the change to reach the delegate")
    for n in (0, 1, 2):
        answer_as(ctx, names[n], meeting["id"], None)  # they open it again and see the new place
    wait_until(lambda: board.counts.get("substitute") == 1 and board.counts.get("declined") == 2 and board.counts.get("seen_latest_change") == 4, 10, "the answers")
    board.notice.clear()
    inbox.scroll.verticalScrollBar().setValue(0)
    in_languages(("vi", "en"), lambda lang: save(delegate, out, f"invitations_inbox_{lang}"))
    save(delegate, out, "invitations_inbox")
    in_languages(("vi", "en"), lambda lang: save(secretariat, out, f"invitations_board_{lang}"))
    save(secretariat, out, "invitations_board")

    report = board.open_usage_report()
    wait_until(lambda: report.loaded, 10, "the usage report")
    in_languages(("vi", "en"), lambda lang: save(secretariat, out, f"usage_report_{lang}", dialog=report))
    save(secretariat, out, "usage_report", dialog=report)
    report.accept()
    page.show_section("meeting")


def shoot_attendance(secretariat: MainWindow, out: Path) -> None:
    """Today's committee meeting on the secretariat's Attendance tab: the demo's arrivals (two by
    face at the kiosk, one by hand), an excuse, the quorum reached."""
    page = secretariat.page
    meeting = next(m for m in secretariat.session.list_meetings() if m["title"].startswith("Phiên họp Ban Kinh tế"))
    secretariat.meetings.select(meeting["id"])
    page.show_section("attendance")
    wait_until(lambda: len(page.attendance.model.rows) == 5, 10, "the attendance board")
    in_languages(("vi", "en"), lambda lang: save(secretariat, out, f"attendance_{lang}"))
    save(secretariat, out, "attendance")
    # The face data dialog of a row (right-click → Face check-in data…): the consent step.
    dialog = page.attendance.open_face_dialog(page.attendance.model.rows[0])
    wait_until(lambda: dialog.status is not None, 10, "the face data status")
    dialog.agreed.setChecked(True)
    in_languages(("vi", "en"), lambda lang: save(secretariat, out, f"face_enrolment_{lang}", dialog=dialog))
    dialog.close()
    page.show_section("meeting")


def shoot_documents(secretariat: MainWindow, out: Path, meeting: dict) -> None:
    """The secretariat's Documents tab: the demo's two PDFs (not yet on this device), a proposal
    just added (on this device), and a file the server refused, with its reason."""
    page, panel = secretariat.page, secretariat.page.documents
    session = secretariat.session
    pdfs = REPO.parent / "shared" / "data" / "pdfs"
    good, broken = pdfs / "good" / "to_trinh_ngan_sach_2026.pdf", pdfs / "broken" / "jpeg_named_pdf.pdf"
    if not good.exists():
        print(f"skipped documents.png: {good} not found")
        return
    secretariat.meetings.select(meeting["id"])
    page.show_section("documents")
    rows = panel.upload([good, broken])
    wait_until(lambda: all(r.state in ("done", "refused", "failed") for r in rows), 60, "the uploads")
    items = {i["number"]: i["id"] for i in session.get_agenda(meeting["id"])}
    for doc in session.list_documents(meeting["id"]):
        # The secretariat files each document under its agenda item; the budget one is confidential.
        number = "3" if doc["file_name"].startswith("to_trinh") else "1" if doc["file_name"].startswith("Bao_cao") else "2"
        fields = {"agenda_item_id": items.get(number, next(iter(items.values())))}
        if doc["file_name"].startswith("To_trinh"):
            fields["confidential"] = True
        session.update_document(doc["id"], fields)
    wait_until(lambda: not session.pending_operations(), 10, "the document changes")
    panel.refresh()
    in_languages(("vi", "en"), lambda lang: save(secretariat, out, f"documents_{lang}"))
    save(secretariat, out, "documents")
    for row in list(panel.transfers):
        panel._remove_transfer(row)
    page.show_section("meeting")


def shoot_reader(out: Path, tasks: TaskRunner) -> None:
    """The delegate's PDF reader on a Vietnamese proposal: thumbnails open, a search (typed without
    diacritics) with its results highlighted."""
    from ui.views.reader.reader_window import ReaderWindow

    pdf = REPO.parent / "shared" / "data" / "pdfs" / "good" / "to_trinh_ngan_sach_2026.pdf"
    if not pdf.exists():
        print(f"skipped reader.png: {pdf} not found")
        return
    reader = ReaderWindow(pdf, title="Tờ trình dự toán ngân sách và kế hoạch đầu tư công năm 2026", tasks=tasks)
    reader.resize(*SIZE)
    reader.show_panel("thumbnails")
    reader.show()
    wait_until(lambda: reader.ready, 20, "the document")
    reader.search("ngan sach")
    wait_until(lambda: reader.hits and not reader._searching, 20, "the search results")
    reader.next_hit()
    page = reader.view.current_page
    strip = reader.side.thumbnails
    wait_until(lambda: reader.view.is_showing(page) and all(reader.document.thumbnail(p) for p in strip.visible_rows()), 20, "the pages")
    save(reader, out, "reader")
    reader.close()


def shoot_annotations(delegate: MainWindow, secretariat: MainWindow, out: Path, meeting: dict) -> None:
    """The delegate's reader with annotations on the budget proposal: highlights and an underline
    over words found in the page's text, a pen mark, a bookmark, the delegate's note open in its
    editor, and a note the secretariat shared with the meeting, listed in the side panel."""
    from app.pdf.text_select import line_rects, select_words, selection_text
    from ui.views.reader.reader_window import ReaderWindow

    session = delegate.session
    wait_until(lambda: any(d["file_name"] == "to_trinh_ngan_sach_2026.pdf" for d in session.list_documents(meeting["id"])), 20, "the proposal")
    document = next(d for d in session.list_documents(meeting["id"]) if d["file_name"] == "to_trinh_ngan_sach_2026.pdf")
    path = session.download_document(document["id"])
    reader = ReaderWindow(path, title=document["title"], tasks=delegate.tasks, session=session, document=document)
    reader.resize(*SIZE)
    reader.show_panel("annotations")
    reader.show()
    wait_until(lambda: reader.ready, 20, "the reader")
    reader.document.request_words(0)
    wait_until(lambda: reader.document.words(0) is not None, 20, "the words of page 1")
    words = reader.document.words(0)

    def mark(kind: str, first: str, last: str, colour: str, *, after: int = 0) -> None:
        start = [n for n, w in enumerate(words) if w.text.startswith(first)][after]
        end = next(n for n, w in enumerate(words) if n >= start and w.text.startswith(last))
        middle = lambda w: ((w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2)  # noqa: E731
        chosen = select_words(words, middle(words[start]), middle(words[end]))
        reader.annotations.set.create(kind=kind, page=0, rects=[list(r) for r in line_rects(chosen)], text=selection_text(chosen), colour=colour)

    mark("highlight", "104,2%", "toán;", "#FFD43B")
    mark("highlight", "100%", "tử", "#51CF66")
    mark("underline", "Tổng", "92,7%", "#E03131", after=1)
    reader.annotations.set.create(kind="ink", page=0, colour="#339AF0",
                                  ink=[[[394 + 27 * math.cos(a / 8), 264 + 12 * math.sin(a / 8), 0.5] for a in range(0, 54)]])
    reader.annotations.toggle_bookmark(0)
    note = reader.annotations.set.create(kind="note", page=0, rects=[[548, 86, 566, 104]], colour="#FFD43B",
                                         note="Đề nghị UBND làm rõ nguồn vốn giải ngân 92,7% và các dự án chậm tiến độ.")
    secretariat.session.create_annotation(document["id"], kind="note", page=0, rects=[[548, 300, 566, 318]], colour="#F06595", visibility="meeting",
                                          note="Số liệu cập nhật đến ngày 30/11; bản sửa sẽ gửi trước kỳ họp.")
    wait_until(lambda: len(reader.annotations.set.items) == 7, 20, "the shared note")
    reader.annotations.jump_to(note["id"])
    reader.view.go_to_page(0)
    wait_until(lambda: reader.view.is_showing(0), 20, "page 1")
    in_languages(("vi", "en"), lambda lang: save(reader, out, f"reader_annotations_{lang}"))
    save(reader, out, "reader_annotations")
    reader.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    app = create_application([sys.argv[0]])
    i18n.set_language("vi")
    tasks = TaskRunner(app)
    shoot_reader(out, tasks)
    with tempfile.TemporaryDirectory(prefix="chamber-shots-") as tmp:
        data = Path(tmp)
        flow = DemoFlow(data / "demo", tasks)
        launcher = flow.start()
        launcher.resize(*SIZE)
        wait_until(lambda: launcher.ready, 60, "the demo server")
        ctx, runner = flow.server.ctx, flow.server.runner

        in_languages(("vi", "en"), lambda lang: save(launcher, out, f"launcher_{lang}"))
        save(launcher, out, "launcher")

        # Secretariat: a meeting selected with its agenda.
        launcher.cards["thuky"].click()
        wait_until(lambda: isinstance(flow.windows.get("thuky"), MainWindow), 30, "the secretariat window")
        secretariat: MainWindow = flow.windows["thuky"]
        secretariat.resize(*SIZE)
        wait_until(lambda: secretariat.session.list_meetings() and secretariat.header.badge.state == "online", 20, "online")
        pump(200)
        upcoming = [m for m in secretariat.session.list_meetings() if m["title"].startswith("Kỳ họp thứ 12")][0]
        secretariat.meetings.select(upcoming["id"])
        wait_until(lambda: secretariat.page.meeting is not None, 5)
        in_languages(("vi", "en"), lambda lang: save(secretariat, out, f"meetings_{lang}"))
        save(secretariat, out, "meetings")

        # The agenda editor: a sub-item selected, its edit dialog open.
        agenda = secretariat.page.agenda
        sub = next(i for i in agenda.items if i["number"] == "2.1")
        agenda.select(sub["id"])
        secretariat.page.scroll.ensureWidgetVisible(agenda.tree)
        dialog = agenda.edit_selected()
        dialog.notes_edit.setPlainText("Báo cáo thẩm tra gửi kèm tài liệu kỳ họp; đại biểu đọc trước.")
        save(secretariat, out, "agenda_editor", dialog=dialog)
        dialog.reject()

        # A delegate reading the same meeting.
        launcher.cards["daibieu"].click()
        wait_until(lambda: isinstance(flow.windows.get("daibieu"), MainWindow), 30, "the delegate window")
        delegate: MainWindow = flow.windows["daibieu"]
        delegate.resize(*SIZE)
        wait_until(lambda: delegate.session.list_meetings() and delegate.header.badge.state == "online", 20, "delegate online")
        delegate.meetings.refresh()
        delegate.meetings.select(upcoming["id"])
        wait_until(lambda: delegate.page.meeting is not None, 5)
        in_languages(("vi", "en"), lambda lang: save(delegate, out, f"delegate_{lang}"))
        save(delegate, out, "delegate")

        shoot_documents(secretariat, out, upcoming)
        shoot_annotations(delegate, secretariat, out, upcoming)

        # Invitations: send, track, answer, report.
        shoot_invitations(secretariat, delegate, ctx, out, upcoming)
        shoot_attendance(secretariat, out)

        # The kiosk.
        launcher.cards["kiosk"].click()
        wait_until(lambda: "kiosk" in flow.windows, 30, "the kiosk")
        kiosk = flow.windows["kiosk"]
        kiosk.resize(*SIZE)
        # Settled: the meeting shown, and the camera either delivering or known to be missing.
        wait_until(lambda: kiosk.meeting is not None and (kiosk.camera_error is not None or kiosk.frames_seen > 0), 20, "the kiosk's meeting and camera")
        in_languages(("vi", "en"), lambda lang: save(kiosk, out, f"kiosk_{lang}"))
        save(kiosk, out, "kiosk")

        # A new device: connect, pair, log in (against the same real server).
        profile = Profile(data / "new-device")
        connect = ConnectWindow(profile, tasks, discover=False)
        connect.resize(*SIZE)
        connect.show()
        connect.start()
        connect.show_found([DiscoveredServer(ctx.name, "127.0.0.1", runner.port, ctx.server_id, ctx.certificate.fingerprint, 1)])
        save(connect, out, "connect")
        connect.servers.address.setText(f"127.0.0.1:{runner.port}")
        connect.servers.connect_button.click()
        wait_until(lambda: connect.stack.currentWidget() is connect.pair_page, 10, "the pair page")
        with ctx.db.write() as session:
            code = pairing.issue_code(session, Actor.system()).code
        connect.pair_page.code.setText(code[:9])
        connect.pair_page.code.setFocus()
        save(connect, out, "pair")
        connect.pair_page.code.setText(code)
        connect.pair_page.pair_button.click()
        wait_until(lambda: connect.stack.currentWidget() is connect.login_page, 10, "the login page")
        connect.login_page.username.setText("thuky")
        connect.login_page.password.setText(DEMO_PASSWORD)
        save(connect, out, "login")
        connect.close()

        # Offline: the server stops; the secretariat keeps working, the change waits in the outbox.
        runner.stop()
        wait_until(lambda: secretariat.header.badge.state == "offline", 20, "offline")
        secretariat.page.form.location_edit.setText("Hội trường UBND phường, tầng 3")
        secretariat.page.form.save_button.click()
        wait_until(lambda: secretariat.header.outbox_button.isVisible(), 10, "the outbox count")
        secretariat.header.outbox_button.click()
        save(secretariat, out, "offline")

        launcher.close()
        tasks.wait(10_000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
