"""Camera-like frames made from still photos, for tests, the benchmark and kiosk demos.

A kiosk camera gives 640×480 frames with a face of ~150–250 px and sensor noise; a photo gives
neither. `camera_frame` places a photo's face in such a frame, `with_noise` adds the noise a real
sensor always has (so consecutive frames are never identical), and `close_eyes` paints the eyes
shut from the 68 landmarks (the eye region inpainted with the surrounding skin, a dark lid line
along the lower lash line): photos cannot blink, so a blink is made open → closed → open.
"""

from __future__ import annotations

import numpy as np
import cv2

from app.faces.detect import Box, Landmarks

FRAME_SIZE = (640, 480)  # width, height


def camera_frame(image: np.ndarray, box: Box, *, size: tuple[int, int] = FRAME_SIZE, face_height: int = 200) -> np.ndarray:
    """Scale `image` so the face in `box` is `face_height` px tall, centred in a `size` frame
    (borders replicated where the photo does not reach)."""
    top, right, bottom, left = box
    scale = face_height / max(1, bottom - top)
    scaled = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    width, height = size
    cx = (left + right) / 2 * scale
    cy = (top + bottom) / 2 * scale
    x0 = int(round(cx - width / 2))
    y0 = int(round(cy - height / 2.2))  # a little above centre: the face sits in the upper part
    pad = max(width, height)
    padded = cv2.copyMakeBorder(scaled, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    return np.ascontiguousarray(padded[y0 + pad : y0 + pad + height, x0 + pad : x0 + pad + width])


def with_noise(frame: np.ndarray, rng: np.random.Generator, sigma: float = 2.0) -> np.ndarray:
    noise = rng.normal(0.0, sigma, frame.shape)
    return np.clip(frame.astype(np.float32) + noise, 0, 255).astype(np.uint8)


def close_eyes(frame: np.ndarray, landmarks: Landmarks) -> np.ndarray:
    out = frame.copy()
    mask = np.zeros(frame.shape[:2], np.uint8)
    lids = []
    for key in ("left_eye", "right_eye"):
        p = np.asarray(landmarks[key], dtype=np.float64)
        centre = p.mean(axis=0)
        width = float(np.linalg.norm(p[0] - p[3]))
        grown = centre + (p - centre) * [1.35, 1.9]
        cv2.fillConvexPoly(mask, cv2.convexHull(grown.round().astype(np.int32)), 255)
        lid = np.array([p[0], p[5], p[4], p[3]])  # outer corner, lower lid, inner corner
        lid[1:3, 1] -= 0.1 * width
        lids.append((lid, width))
    mask = cv2.dilate(mask, np.ones((3, 3), np.uint8))
    out = cv2.inpaint(out, mask, 5, cv2.INPAINT_TELEA)
    for lid, width in lids:
        cv2.polylines(out, [lid.round().astype(np.int32).reshape(-1, 1, 2)], False, (35, 30, 30), max(1, int(round(width / 10))), cv2.LINE_AA)
    return out
