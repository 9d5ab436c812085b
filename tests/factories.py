"""Small factories for tests: plain functions with sensible defaults."""

import itertools
from datetime import datetime
from functools import cache

from django.contrib.auth.hashers import make_password
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from boards.models import Article, Category, Comment, LiveThread, Membership, Role, Space, Tag
from boards.rendering import excerpt_of, reading_minutes_of, render_markdown

_counter = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"


@cache
def _password_hash() -> str:
    # Argon2 is slow on purpose: hash the shared test password once per run.
    return make_password(PASSWORD)


def make_user(username: str | None = None, **fields: object) -> User:
    username = username or f"user{next(_counter)}"
    fields.setdefault("display_name", username.capitalize())
    fields.setdefault("email", f"{username}@example.org")
    return User.objects.create(username=username, password=_password_hash(), **fields)


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


def make_article(
    space: Space,
    author: User,
    *,
    title: str = "Un article",
    body: str = "Un texte pour la communauté.",
    status: str = "published",
    published_at: datetime | None = None,
    category: Category | None = None,
    tags: list[str] | tuple[str, ...] = (),
    **fields: object,
) -> Article:
    """An article written straight to the database, bypassing the services.

    Published articles get `published_at` now unless given; tags are created in the
    space by name when missing.
    """
    html = render_markdown(body)
    if status == Article.Status.PUBLISHED and published_at is None:
        published_at = timezone.now()
    fields.setdefault("slug", f"{slugify(title)[:180] or 'article'}-{next(_counter)}")
    article = Article.objects.create(
        space=space,
        author=author,
        title=title,
        body_md=body,
        body_html=html,
        excerpt=excerpt_of(html),
        reading_minutes=reading_minutes_of(html),
        status=status,
        published_at=published_at,
        category=category,
        **fields,
    )
    for name in tags:
        tag, _created = Tag.objects.get_or_create(
            space=space, slug=slugify(name), defaults={"name": name}
        )
        article.tags.add(tag)
    return article


def make_category(space: Space, name: str, **fields: object) -> Category:
    fields.setdefault("slug", slugify(name))
    return Category.objects.create(space=space, name=name, **fields)


def make_comment(
    article: Article, author: User, body: str = "Merci !", **fields: object
) -> Comment:
    comment = Comment.objects.create(
        article=article, author=author, body_md=body, body_html=render_markdown(body), **fields
    )
    if comment.removed_at is None:
        Article.objects.filter(pk=article.pk).update(comment_count=F("comment_count") + 1)
    return comment


def make_thread(
    space: Space, creator: User, *, title: str = "Rencontre mensuelle", **fields: object
) -> LiveThread:
    """A live thread written straight to the database (open unless `state` is given)."""
    return LiveThread.objects.create(space=space, created_by=creator, title=title, **fields)
