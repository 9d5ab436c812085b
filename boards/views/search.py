"""Search pages: within a space, and across every space the reader can read."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from boards import search as engine
from boards.selectors.spaces import space_access_or_404


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "")
    return int(value) if value.isdigit() else 1


def search_in_space(request: HttpRequest, space: str) -> HttpResponse:
    access = space_access_or_404(space, request.user)
    query = engine.normalize_query(request.GET.get("q"))
    results = engine.search(
        reader=request.user, query=query, space=access.space, page=_page_number(request)
    )
    return render(
        request,
        "boards/search.html",
        {
            "space": access.space,
            "access": access,
            "query": query,
            "results": results,
            "base_template": "boards/space_base.html",
        },
    )


def search_everywhere(request: HttpRequest) -> HttpResponse:
    query = engine.normalize_query(request.GET.get("q"))
    results = engine.search(reader=request.user, query=query, page=_page_number(request))
    return render(
        request,
        "boards/search.html",
        {"query": query, "results": results, "base_template": "base.html"},
    )
