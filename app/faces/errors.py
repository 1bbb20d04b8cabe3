"""Errors of face check-in that a user can meet: camera sources, photos, enrolment quality,
face settings and the encryption key. Each is a ChamberError with an English msgid (N_) that is
translated where it is shown; `code` is stable for the server's JSON and the kiosk's logic."""

from __future__ import annotations

from app.errors import ChamberError, InvalidInputError, NotFoundError
from app.i18n import N_


class CameraNotFoundError(NotFoundError):
    code = "camera_not_found"
    message = N_("The camera source %(source)s does not exist: give a camera number, a video file or a folder of images.")


class CameraUnavailableError(ChamberError):
    status = 503
    code = "camera_unavailable"
    message = N_("Camera %(source)s cannot be opened. Check that it is connected and not used by another program.")


class UnsupportedCameraSourceError(InvalidInputError):
    code = "camera_unsupported"
    message = N_("%(source)s cannot be used as a camera: it is not a video OpenCV can read, nor a folder with images.")


class UnreadableImageError(InvalidInputError):
    code = "image_unreadable"
    message = N_("The image %(name)s cannot be read: it is damaged or not a photo (JPEG, PNG, WEBP, BMP).")


class FaceSettingsError(InvalidInputError):
    code = "face_settings_invalid"
    message = N_("The face check-in settings are not valid: %(detail)s")


class FaceKeyError(ChamberError):
    status = 500
    code = "face_key_invalid"
    message = N_("The face data key at %(path)s cannot be used: %(detail)s")


class FaceDataUndecryptableError(ChamberError):
    status = 500
    code = "face_data_undecryptable"
    message = N_("Stored face data cannot be decrypted with this server's key: the key was changed or the data were altered. Enrol the person again.")


class FaceQualityError(InvalidInputError):
    """A photo refused for enrolment; `code` says why (the UI may pick an icon by it)."""

    code = "face_quality"
    message = N_("This photo cannot be used for enrolment.")


class NoFaceError(FaceQualityError):
    code = "no_face"
    message = N_("No face was found in the photo. Use a photo where the face is clearly visible and facing the camera.")


class SeveralFacesError(FaceQualityError):
    code = "several_faces"
    message = N_("The photo shows %(count)s faces. Use a photo of this person alone.")


class FaceTooSmallError(FaceQualityError):
    code = "face_too_small"
    message = N_("The face is too small (%(size)s pixels, at least %(minimum)s needed). Use a closer or larger photo.")


class FaceTooBlurredError(FaceQualityError):
    code = "face_blurred"
    message = N_("The face is too blurred. Use a sharp photo.")


class FaceTooDarkError(FaceQualityError):
    code = "face_dark"
    message = N_("The face is too dark. Use a photo taken in better light.")


class EyesClosedError(FaceQualityError):
    code = "eyes_closed"
    message = N_("The eyes are closed in this photo. Use a photo with the eyes open.")


class PossibleDuplicateError(FaceQualityError):
    status = 409
    code = "possible_duplicate"
    message = N_("This face looks too much like %(name)s, who is already enrolled. Check that it is not the same person before enrolling.")


class NotSamePersonError(FaceQualityError):
    code = "not_same_person"
    message = N_("This photo does not look like the photos already enrolled for %(name)s. Check that it shows the same person.")
