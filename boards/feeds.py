"""RSS 2.0 and Atom feeds of a space's published articles, and of each of its categories.

Public spaces have public feeds (/s/<space>/feed/, .../atom/, /s/<space>/c/<category>/feed/).
A private space has no public feed: each member gets a personal address carrying their
`feed_token` (/feeds/<token>/s/<space>/), which stops working when they change the token
from their profile or leave the space. Every way of failing answers 404, so a feed
address reveals nothing about the spaces behind it.
"""

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from accounts.models import User
from boards.models import Article, Category, Space
from boards.permissions import Action, can
from boards.selectors.browse import published_in, published_in_category

FEED_SIZE = 20


class SpaceFeed(Feed):
    """A public space's latest articles (RSS 2.0)."""

    feed_type = Rss201rev2Feed

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        response["X-Content-Type-Options"] = "nosniff"
        return response

    # The object a feed is about: (space, category or None).
    def get_object(self, request: HttpRequest, space: str, category: str | None = None):
        found = get_object_or_404(Space, slug=space, visibility=Space.Visibility.PUBLIC)
        return found, self._category(found, category)

    @staticmethod
    def _category(space: Space, slug: str | None) -> Category | None:
        if slug is None:
            return None
        return get_object_or_404(Category, space=space, slug=slug)

    def title(self, obj) -> str:
        space, category = obj
        return f"{category.name} · {space.name}" if category else space.name

    def description(self, obj) -> str:
        space, category = obj
        if category is not None and category.description:
            return category.description
        return (
            space.tagline
            or space.description
            or _("The latest articles of %(space)s") % {"space": space.name}
        )

    def link(self, obj) -> str:
        space, category = obj
        return category.get_absolute_url() if category else space.get_absolute_url()

    def items(self, obj) -> list[Article]:
        space, category = obj
        articles = published_in_category(category) if category else published_in(space)
        return list(
            articles.select_related("space", "author", "category")
            .prefetch_related("tags")
            .order_by("-published_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        # Stored HTML went through the sanitizer at write time (boards.rendering).
        return item.body_html

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    def item_author_name(self, item: Article) -> str:
        return item.author.name

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.edited_at or item.published_at

    def item_categories(self, item: Article) -> list[str]:
        names = [item.category.name] if item.category else []
        return names + [tag.name for tag in item.tags.all()]


class SpaceAtomFeed(SpaceFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj) -> str:
        return self.description(obj)


class PrivateSpaceFeed(SpaceFeed):
    """A member's personal feed of a space, found by their secret token (RSS 2.0)."""

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return response

    def get_object(self, request: HttpRequest, token: str, space: str, category: str | None = None):
        reader = User.objects.filter(feed_token=token, is_active=True).first()
        found = Space.objects.filter(slug=space).first()
        if reader is None or found is None or not can(reader, Action.READ, found):
            raise Http404
        return found, self._category(found, category)


class PrivateSpaceAtomFeed(PrivateSpaceFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj) -> str:
        return self.description(obj)


def feed_urls(space: Space) -> dict[str, str]:
    """The public feed addresses of a space (none for a private space)."""
    if not space.is_public:
        return {}
    return {
        "rss": reverse("boards:feed", kwargs={"space": space.slug}),
        "atom": reverse("boards:feed_atom", kwargs={"space": space.slug}),
    }
