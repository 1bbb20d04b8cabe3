"""CameraWorker: the kiosk's camera loop on its own thread, never the GUI's. It reads frames from
app.faces.open_source, feeds each to the Recognizer (~0.1 s a frame), draws the face box onto a
scaled QImage (QPainter on a QImage is fine off the GUI thread) and hands image and verdict to the
window by a queued signal. The window only shows them and decides nothing about faces."""

from __future__ import annotations

import logging

import cv2
import numpy as np
from PySide6.QtCore import QRect, QSize, Qt, QThread, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from app.errors import ChamberError
from app.faces import FaceSettings, Gallery, Recognizer, open_source
from app.faces.checkin import Verdict
from app.i18n import N_

log = logging.getLogger(__name__)

BOX_COLOURS = {"looking": "#ffffff", "confirming": "#5eead4", "unsure": "#fbbf24", "accepted": "#22c55e", "unknown": "#fbbf24", "manual": "#fbbf24",
               "refused": "#f87171"}


class CameraFailedError(ChamberError):
    status = 503
    code = "camera_failed"
    message = N_("The camera stopped working (%(detail)s).")


def frame_image(frame: np.ndarray, verdict: Verdict | None, size: QSize) -> QImage:
    """The BGR frame as a QImage scaled to fit `size`, with the verdict's face box drawn."""
    rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
    height, width = rgb.shape[:2]
    image = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()  # copy: rgb dies with this call
    if verdict is not None and verdict.face is not None:
        top, right, bottom, left = verdict.face.box
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(QColor(BOX_COLOURS.get(verdict.state, "#ffffff")))
        pen.setWidth(max(3, width // 160))
        painter.setPen(pen)
        painter.drawRoundedRect(QRect(left, top, right - left, bottom - top), 12, 12)
        painter.end()
    return image.scaled(size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)


class CameraWorker(QThread):
    frame_ready = Signal(QImage, object)  # the picture to show, the Verdict
    failed = Signal(object)  # a ChamberError: the camera cannot be opened or stopped delivering
    ended = Signal()  # a video file or folder of frames came to its end

    def __init__(self, camera: str, gallery: Gallery, settings: FaceSettings, *, view_size: QSize, paced: bool = True, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.camera = camera
        self.settings = settings
        self.view_size = view_size
        self.paced = paced
        self._gallery = gallery
        self._next_gallery: Gallery | None = None
        self._stopping = False

    def set_gallery(self, gallery: Gallery) -> None:
        """A new gallery (someone enrolled or withdrew): used from the next frame on."""
        self._next_gallery = gallery  # one reference assignment: safe across threads

    def stop(self, timeout_ms: int = 3000) -> None:
        self._stopping = True
        self.wait(timeout_ms)

    def run(self) -> None:
        try:
            recognizer = Recognizer(self._gallery, self.settings)
            with open_source(self.camera, paced=self.paced) as source:
                for timestamp, frame in source:
                    if self._stopping:
                        return
                    if self._next_gallery is not None:
                        self._gallery, self._next_gallery = self._next_gallery, None
                        recognizer = Recognizer(self._gallery, self.settings, detector=recognizer.detector)
                    verdict = recognizer.feed(timestamp, frame)
                    self.frame_ready.emit(frame_image(frame, verdict, self.view_size), verdict)
        except ChamberError as err:
            self.failed.emit(err)
            return
        except Exception as exc:  # a driver or decoder failure must not take the kiosk down
            log.exception("camera loop failed")
            self.failed.emit(CameraFailedError(detail=str(exc)[:200]))
            return
        if not self._stopping:
            self.ended.emit()
