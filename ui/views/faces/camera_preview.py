"""CameraPreview: the enrolment dialog's camera on its own thread, never the GUI's. It reads the
same OpenCV sources as the kiosk (app.faces.open_source: a device index, a video file, a folder of
frames), hands a scaled picture to the dialog by a queued signal and keeps the latest full frame
for "Capture". No face recognition here: the capture is checked when it is taken."""

from __future__ import annotations

import logging
import threading

import cv2
import numpy as np
from PySide6.QtCore import QSize, Qt, QThread, Signal
from PySide6.QtGui import QImage

from app.errors import ChamberError
from app.faces import open_source
from ui.views.kiosk_camera import CameraFailedError

log = logging.getLogger(__name__)
_stuck: set["CameraPreview"] = set()  # previews whose driver did not stop in time, kept until they do


def preview_image(frame: np.ndarray, size: QSize) -> QImage:
    rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
    height, width = rgb.shape[:2]
    image = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()  # copy: rgb dies with this call
    return image.scaled(size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)


class CameraPreview(QThread):
    frame_ready = Signal(QImage)
    failed = Signal(object)  # a ChamberError: the camera cannot be opened or stopped delivering
    ended = Signal()  # a video file or folder came to its end; its last frame stays current

    def __init__(self, camera: str, *, view_size: QSize, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.camera = camera.strip()
        self.view_size = view_size
        self._lock = threading.Lock()
        self._latest: np.ndarray | None = None
        self._stopping = False

    def latest(self) -> np.ndarray | None:
        """A copy of the frame on screen now (None before the first one)."""
        with self._lock:
            return None if self._latest is None else self._latest.copy()

    def stop(self, timeout_ms: int = 3000) -> None:
        self._stopping = True
        if not self.wait(timeout_ms):
            # A driver stuck in a read: never let the dialog delete a running thread (Qt aborts).
            self.setParent(None)
            _stuck.add(self)
            self.finished.connect(lambda: _stuck.discard(self))

    def run(self) -> None:
        try:
            # A file or folder plays at its own frame rate, as a camera would deliver it.
            with open_source(self.camera, paced=not self.camera.isdigit()) as source:
                for _stamp, frame in source:
                    if self._stopping:
                        return
                    with self._lock:
                        self._latest = frame
                    self.frame_ready.emit(preview_image(frame, self.view_size))
        except ChamberError as err:
            self.failed.emit(err)
            return
        except Exception as exc:  # a driver or decoder failure must not take the dialog down
            log.exception("enrolment camera failed")
            self.failed.emit(CameraFailedError(detail=str(exc)[:200]))
            return
        if not self._stopping:
            self.ended.emit()
