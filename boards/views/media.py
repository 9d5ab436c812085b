"""Uploaded files, served only to those who may read the space they belong to."""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpRequest
from django.utils._os import safe_join

from boards.models import Space
from boards.permissions import Action, can


def media(request: HttpRequest, path: str) -> FileResponse:
    parts = Path(path).parts
    if len(parts) >= 3 and parts[0] == "spaces":
        space = Space.objects.filter(pk=parts[1]).first() if parts[1].isdigit() else None
        if space is None or not can(request.user, Action.READ, space):
            raise Http404
        public = space.is_public
    elif len(parts) == 2 and parts[0] == "avatars":
        public = True
    else:
        raise Http404
    try:
        full_path = Path(safe_join(settings.MEDIA_ROOT, path))
    except SuspiciousFileOperation as error:
        raise Http404 from error
    if not full_path.is_file():
        raise Http404
    content_type, _encoding = mimetypes.guess_type(full_path.name)
    response = FileResponse(full_path.open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400" if public else "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
