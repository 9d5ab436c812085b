"""Small factories for tests: plain functions with sensible defaults."""

import itertools

from accounts.models import User
from boards.models import Membership, Role, Space

_counter = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"


def make_user(username: str | None = None, **fields: object) -> User:
    username = username or f"user{next(_counter)}"
    fields.setdefault("display_name", username.capitalize())
    fields.setdefault("email", f"{username}@example.org")
    return User.objects.create_user(username=username, password=PASSWORD, **fields)


def make_space(
    slug: str | None = None, *, visibility: str = Space.Visibility.PUBLIC, **fields: object
) -> Space:
    slug = slug or f"space-{next(_counter)}"
    fields.setdefault("name", slug.replace("-", " ").title())
    return Space.objects.create(slug=slug, visibility=visibility, **fields)


def make_member(space: Space, user: User | None = None, role: str = Role.MEMBER) -> User:
    user = user or make_user()
    Membership.objects.create(user=user, space=space, role=role)
    return user
