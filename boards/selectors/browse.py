"""Reads behind the pages that list a space's articles: home, categories, tags, authors,
archives.

Lists page by keyset on (published_at, id) descending, never by offset: a page is "the
next N articles older than this one", found by walking one of the article indexes
(article_space_feed, article_category_feed, article_author_feed) from the cursor, so the
hundredth page costs what the first does, and an article published while someone reads
does not shift the pages they have not opened yet.
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import User
from boards.models import Article, Category, Link, Space, Tag

PAGE_SIZE = 20
TAG_CLOUD_SIZE = 30
TAG_CLOUD_STEPS = 5

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

T = TypeVar("T")


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: the last article's (published_at, id), opaque to the reader."""

    published_at: datetime
    id: int

    def encode(self) -> str:
        micros = (self.published_at - _EPOCH) // timedelta(microseconds=1)
        raw = f"{micros}.{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str | None) -> "Cursor | None":
        """The cursor in `token`, or None when it is missing or not one of ours."""
        if not token or len(token) > 64:
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            micros, article_id = raw.split(".")
            published_at = _EPOCH + timedelta(microseconds=int(micros))
            return cls(published_at=published_at, id=int(article_id))
        except (ValueError, binascii.Error, UnicodeDecodeError, OverflowError):
            return None

    @classmethod
    def after(cls, article: Article) -> "Cursor":
        return cls(published_at=article.published_at, id=article.pk)


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None
    is_first: bool

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def published_in(space: Space) -> QuerySet[Article]:
    """The space's published articles (walks the article_space_feed index)."""
    return Article.objects.filter(space=space, status=Article.Status.PUBLISHED)


def published_in_category(category: Category) -> QuerySet[Article]:
    """A category's published articles (walks article_category_feed)."""
    return Article.objects.filter(category=category, status=Article.Status.PUBLISHED)


def published_by(author: User, space: Space) -> QuerySet[Article]:
    """An author's published articles in a space (walks article_author_feed)."""
    return Article.objects.filter(author=author, space=space, status=Article.Status.PUBLISHED)


def published_with_tag(tag: Tag) -> QuerySet[Article]:
    return Article.objects.filter(tags=tag, status=Article.Status.PUBLISHED)


def published_in_month(space: Space, year: int, month: int) -> QuerySet[Article]:
    """A month of the space's articles, in the current time zone (a range on the index)."""
    start, end = month_bounds(year, month)
    return published_in(space).filter(published_at__gte=start, published_at__lt=end)


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The first instant of the month and of the next one, in the current time zone."""
    start = timezone.make_aware(datetime(year, month, 1))
    following = datetime(year + month // 12, month % 12 + 1, 1)
    return start, timezone.make_aware(following)


def keyset_page(
    articles: QuerySet[Article], *, before: str | None, size: int = PAGE_SIZE
) -> Page[Article]:
    """One page of `articles`, newest first, older than the cursor `before`.

    An unreadable or foreign cursor gives the first page rather than an error: cursors
    end up in bookmarks and pasted links.
    """
    cursor = Cursor.decode(before)
    articles = articles.filter(published_at__isnull=False)
    if cursor is not None:
        # `published_at <= t` bounds the index range; the OR only sorts out the few
        # rows sharing the cursor's timestamp.
        articles = articles.filter(published_at__lte=cursor.published_at).filter(
            Q(published_at__lt=cursor.published_at) | Q(id__lt=cursor.id)
        )
    rows = list(
        articles.order_by("-published_at", "-id")
        .select_related("author", "category", "space")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))[: size + 1]
    )
    next_cursor = Cursor.after(rows[size - 1]).encode() if len(rows) > size else None
    return Page(items=rows[:size], next_cursor=next_cursor, is_first=cursor is None)


def categories_with_counts(space: Space) -> QuerySet[Category]:
    published = Q(articles__status=Article.Status.PUBLISHED)
    return space.categories.annotate(article_count=Count("articles", filter=published))


@dataclass
class CloudTag:
    tag: Tag
    count: int
    weight: int  # 1 (rare) to TAG_CLOUD_STEPS (frequent)

    @property
    def name(self) -> str:
        return self.tag.name

    @property
    def slug(self) -> str:
        return self.tag.slug


def tag_cloud(space: Space, *, size: int = TAG_CLOUD_SIZE) -> list[CloudTag]:
    """The space's most used tags, alphabetical, each weighted by how often it is used."""
    tags = list(
        space.tags.annotate(
            article_count=Count("articles", filter=Q(articles__status=Article.Status.PUBLISHED))
        )
        .filter(article_count__gt=0)
        .order_by("-article_count", "name")[:size]
    )
    if not tags:
        return []
    low = min(tag.article_count for tag in tags)
    high = max(tag.article_count for tag in tags)
    spread = max(high - low, 1)
    cloud = [
        CloudTag(
            tag=tag,
            count=tag.article_count,
            weight=1 + round((tag.article_count - low) * (TAG_CLOUD_STEPS - 1) / spread),
        )
        for tag in tags
    ]
    return sorted(cloud, key=lambda item: item.tag.name.casefold())


def links_of(space: Space) -> QuerySet[Link]:
    return space.links.all()


def member_count(space: Space) -> int:
    return space.memberships.count()


@dataclass
class ArchiveMonth:
    year: int
    month: int
    count: int

    @property
    def date(self) -> datetime:
        return datetime(self.year, self.month, 1)


@dataclass
class ArchiveYear:
    year: int
    months: list[ArchiveMonth]

    @property
    def count(self) -> int:
        return sum(month.count for month in self.months)


def archive_months(space: Space) -> list[ArchiveYear]:
    """Years (newest first) and their months with published article counts."""
    rows = (
        published_in(space)
        .filter(published_at__isnull=False)
        .annotate(month=TruncMonth("published_at"))
        .values("month")
        .annotate(count=Count("id"))
        .order_by("-month")
    )
    years: dict[int, ArchiveYear] = {}
    for row in rows:
        month = row["month"]
        if timezone.is_aware(month):
            month = timezone.localtime(month)
        entry = years.setdefault(month.year, ArchiveYear(year=month.year, months=[]))
        entry.months.append(ArchiveMonth(year=month.year, month=month.month, count=row["count"]))
    return list(years.values())


def neighbour_months(
    space: Space, year: int, month: int
) -> tuple[ArchiveMonth | None, ArchiveMonth | None]:
    """The nearest earlier and later months that have articles (counts left at 0)."""
    start, end = month_bounds(year, month)
    earlier = (
        published_in(space)
        .filter(published_at__lt=start)
        .order_by("-published_at", "-id")
        .values_list("published_at", flat=True)
        .first()
    )
    later = (
        published_in(space)
        .filter(published_at__gte=end)
        .order_by("published_at", "id")
        .values_list("published_at", flat=True)
        .first()
    )

    def as_month(moment: datetime | None) -> ArchiveMonth | None:
        if moment is None:
            return None
        local = timezone.localtime(moment)
        return ArchiveMonth(year=local.year, month=local.month, count=0)

    return as_month(earlier), as_month(later)


def author_in_space(space: Space, username: str) -> User | None:
    """The user behind /by/<username>/ if they are a member or have published here."""
    user = User.objects.filter(username=username).first()
    if user is None:
        return None
    if space.memberships.filter(user=user).exists() or published_by(user, space).exists():
        return user
    return None
