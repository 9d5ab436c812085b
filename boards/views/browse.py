"""A space's home page and the pages that list its content."""

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from boards.models import Article
from boards.selectors.spaces import space_access_or_404


def space_home(request: HttpRequest, space: str) -> HttpResponse:
    access = space_access_or_404(space, request.user)
    published = Q(articles__status=Article.Status.PUBLISHED)
    categories = access.space.categories.annotate(article_count=Count("articles", filter=published))
    return render(
        request,
        "boards/space_home.html",
        {
            "space": access.space,
            "access": access,
            "categories": categories,
            "links": access.space.links.all(),
            "member_count": access.space.memberships.count(),
        },
    )
