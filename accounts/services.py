"""Writes on accounts and profiles."""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from accounts.models import User, new_feed_token
from accounts.validators import validate_image_upload

PROFILE_FIELDS = ("display_name", "occupation", "organisation", "region", "bio", "expertise")


@transaction.atomic
def user_create(
    *, username: str, password: str, email: str = "", display_name: str = "", **profile: object
) -> User:
    user = User(username=username, email=email, display_name=display_name, **profile)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def expertise_from_text(text: str) -> list[str]:
    """ "Décrochage, Orientation ,  " -> ["Décrochage", "Orientation"] (no duplicates)."""
    seen: dict[str, str] = {}
    for part in text.split(","):
        tag = " ".join(part.split())[:40]
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    return list(seen.values())[:12]


@transaction.atomic
def profile_update(*, user: User, avatar: UploadedFile | None = None, **changes: object) -> User:
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for field, value in changes.items():
        setattr(user, field, value)
    if avatar is not None:
        validate_image_upload(avatar, max_bytes=settings.CARNET_AVATAR_MAX_BYTES)
        user.avatar = avatar
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def user_feed_token_rotate(*, user: User) -> str:
    """Give the user a new private-feed token; feed URLs with the old one stop working."""
    user.feed_token = new_feed_token()
    user.save(update_fields=["feed_token"])
    return user.feed_token
