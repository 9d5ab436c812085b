"""A space's home page and the pages that list its content: categories, tags, authors,
archives. All lists page by keyset (`?before=<cursor>`, see boards.selectors.browse)."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from boards.feeds import feed_urls
from boards.models import Article, Category, Tag
from boards.selectors import browse as selectors
from boards.selectors.spaces import SpaceAccess, space_access_or_404


def _sidebar(access: SpaceAccess) -> dict[str, Any]:
    space = access.space
    return {
        "categories": selectors.categories_with_counts(space),
        "tag_cloud": selectors.tag_cloud(space),
        "links": selectors.links_of(space),
        "member_count": selectors.member_count(space),
        "feeds": feed_urls(space),
    }


def _page(request: HttpRequest, articles: QuerySet[Article]) -> selectors.Page[Article]:
    return selectors.keyset_page(articles, before=request.GET.get("before"))


def space_home(request: HttpRequest, space: str) -> HttpResponse:
    access = space_access_or_404(space, request.user)
    page = _page(request, selectors.published_in(access.space))
    return render(
        request,
        "boards/space_home.html",
        {"space": access.space, "access": access, "page": page, **_sidebar(access)},
    )


def _article_list(
    request: HttpRequest, access: SpaceAccess, page: selectors.Page[Article], **context: Any
) -> HttpResponse:
    return render(
        request,
        "boards/article_list.html",
        {"space": access.space, "access": access, "page": page, **_sidebar(access), **context},
    )


def category(request: HttpRequest, space: str, category: str) -> HttpResponse:
    access = space_access_or_404(space, request.user)
    found = get_object_or_404(Category, space=access.space, slug=category)
    return _article_list(
        request,
        access,
        _page(request, selectors.published_in_category(found)),
        kind="category",
        category=found,
        heading=found.name,
        intro=found.description,
        live_category_id=found.pk,
    )


def tag(request: HttpRequest, space: str, tag: str) -> HttpResponse:
    access = space_access_or_404(space, request.user)
    found = get_object_or_404(Tag, space=access.space, slug=tag)
    return _article_list(
        request,
        access,
        _page(request, selectors.published_with_tag(found)),
        kind="tag",
        tag=found,
        heading=_("Tagged “%(tag)s”") % {"tag": found.name},
    )


def author(request: HttpRequest, space: str, username: str) -> HttpResponse:
    access = space_access_or_404(space, request.user)
    person = selectors.author_in_space(access.space, username)
    if person is None:
        raise Http404
    return _article_list(
        request,
        access,
        _page(request, selectors.published_by(person, access.space)),
        kind="author",
        person=person,
        heading=_("Articles by %(name)s") % {"name": person.name},
    )


def archives(request: HttpRequest, space: str) -> HttpResponse:
    access = space_access_or_404(space, request.user)
    return render(
        request,
        "boards/archives.html",
        {
            "space": access.space,
            "access": access,
            "years": selectors.archive_months(access.space),
            **_sidebar(access),
        },
    )


def archive_month(request: HttpRequest, space: str, year: str, month: str) -> HttpResponse:
    access = space_access_or_404(space, request.user)
    year_number, month_number = int(year), int(month)
    if not (1 <= month_number <= 12 and 1900 <= year_number <= 9998):
        raise Http404
    start, _end = selectors.month_bounds(year_number, month_number)
    earlier, later = selectors.neighbour_months(access.space, year_number, month_number)
    return _article_list(
        request,
        access,
        _page(request, selectors.published_in_month(access.space, year_number, month_number)),
        kind="month",
        month=start,
        earlier_month=earlier,
        later_month=later,
    )
