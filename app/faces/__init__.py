"""Face check-in without a screen: camera frames → faces → who is at the door, and enrolment checks.

The API for enrolment storage, attendance and the kiosk screens (all Qt-free; run it on a worker
thread, ~0.1 s a frame on 2 cores):

    from app.faces import FaceSettings, FaceDetector, Gallery, Recognizer, open_source

    settings = FaceSettings.from_mapping(toml["faces"])     # or FaceSettings(); settings.py
    gallery = Gallery([(person_id, encoding), ...])          # matcher.py; add()/remove() live
    recognizer = Recognizer(gallery, settings)               # checkin.py
    with open_source("0" | "video.mp4" | "frames/") as camera:   # camera.py
        for timestamp, frame in camera:                      # BGR numpy frames
            verdict = recognizer.feed(timestamp, frame)
            # verdict.state: idle | looking | confirming | unsure | accepted | unknown | manual | refused
            # verdict.face.box (top, right, bottom, left) to draw; verdict.prompt: a msgid, show _(prompt)
            if verdict.state == "accepted": check_in(verdict.person_id, distance=verdict.distance)
            elif verdict.final: offer the manual check-in

Enrolment (1–5 photos, files or kiosk frames):

    detector = FaceDetector(settings)
    photo = check_photo(load_image(path) | decode_image(upload_bytes) | frame, detector,
                        gallery=gallery, person_id=pid, name_of=lambda pid: name)   # quality.py
    # raises a FaceQualityError subclass (no face, several faces, too small, too dark, too
    # blurred, eyes closed, possible duplicate, not the same person) with user_message();
    # assess_photo(...) returns PhotoCheck(photo, problem) instead of raising.
    cipher = EncodingCipher.for_data_dir(server_data_dir)     # crypto.py, key in DATA/face.key (0600)
    blob = cipher.seal(photo.encoding, owner=pid)             # store blob; cipher.open(blob, owner=pid)
    # withdrawal: delete the rows (SQLite: SQLITE_SECURE_DELETE pragma), erase_file() cached images,
    # gallery.remove(pid).

Calibration: `main.py faces evaluate FOLDER` (evaluate.py). Liveness alone: liveness.py.
"""

from app.faces.camera import FrameSource, decode_image, load_image, open_source
from app.faces.checkin import FINAL_STATES, Recognizer, Verdict
from app.faces.crypto import EncodingCipher, erase_file, load_or_create_key
from app.faces.detect import Face, FaceDetector
from app.faces.liveness import LivenessCheck
from app.faces.matcher import Agreement, Gallery, Matcher, MatchResult
from app.faces.quality import EnrolmentPhoto, PhotoCheck, assess_photo, check_photo
from app.faces.settings import FaceSettings, load_face_settings

__all__ = [
    "FINAL_STATES", "Agreement", "EncodingCipher", "EnrolmentPhoto", "Face", "FaceDetector", "FaceSettings", "FrameSource",
    "Gallery", "LivenessCheck", "MatchResult", "Matcher", "PhotoCheck", "Recognizer", "Verdict", "assess_photo", "check_photo",
    "decode_image", "erase_file", "load_face_settings", "load_image", "load_or_create_key", "open_source",
]
