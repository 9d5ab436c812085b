"""Checks for uploaded images: size and real type, read from the file's content."""

import secrets
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

IMAGE_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


def validate_image_upload(upload: UploadedFile, *, max_bytes: int) -> str:
    """Raise ValidationError unless `upload` is an allowed image under `max_bytes`.

    Returns the image format as Pillow reads it from the content (never the file name).
    """
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("The image is too large (%(size)s MB at most).")
            % {"size": round(max_bytes / (1024 * 1024), 1)},
            code="image_too_large",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format or ""
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            _("This file is not an image we can read."), code="image_invalid"
        ) from error
    finally:
        upload.seek(0)
    if image_format not in settings.CARNET_IMAGE_TYPES:
        raise ValidationError(_("Allowed image types: JPEG, PNG, GIF and WebP."), code="image_type")
    return image_format


def unguessable_image_name(folder: str, original_name: str) -> str:
    """A storage path that nobody can guess: `folder/<random>.<ext>`."""
    extension = PurePath(original_name).suffix.lower().lstrip(".")
    if extension not in {"jpg", "jpeg", "png", "gif", "webp"}:
        extension = "img"
    return f"{folder}/{secrets.token_urlsafe(24)}.{extension}"
