"""sitemap.xml and robots.txt: what search engines may find, public content only."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from boards.models import Article, Category, Space


class SpaceSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self) -> QuerySet[Space]:
        return Space.objects.filter(visibility=Space.Visibility.PUBLIC).order_by("id")

    def lastmod(self, space: Space):
        return space.last_activity_at


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6
    limit = 10_000

    def items(self) -> QuerySet[Article]:
        return (
            Article.objects.filter(
                status=Article.Status.PUBLISHED, space__visibility=Space.Visibility.PUBLIC
            )
            .select_related("space")
            .only("slug", "published_at", "edited_at", "space__slug")
            .order_by("id")
        )

    def lastmod(self, article: Article):
        return article.edited_at or article.published_at


class CategorySitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self) -> QuerySet[Category]:
        published = Q(articles__status=Article.Status.PUBLISHED)
        return (
            Category.objects.filter(space__visibility=Space.Visibility.PUBLIC)
            .select_related("space")
            .annotate(latest=Max("articles__published_at", filter=published))
            .filter(latest__isnull=False)
            .order_by("id")
        )

    def lastmod(self, category: Category):
        return category.latest


SITEMAPS = {"spaces": SpaceSitemap, "articles": ArticleSitemap, "categories": CategorySitemap}

# Pages that are not content: settings, writing, search results, accounts, private feeds.
ROBOTS_DISALLOW = [
    "/admin/",
    "/accounts/",
    "/feeds/",
    "/search/",
    "/invite/",
    "/s/*/settings/",
    "/s/*/search/",
    "/s/*/write/",
    "/s/*/drafts/",
    "/s/*/a/*/edit/",
    "/s/*/join/",
    "/s/*/leave/",
]


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('boards:sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
