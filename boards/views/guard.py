"""Every URL under /s/<space>/ answers 404 first, before any login or method check,
to anyone who may not read the space: a private space's existence must not leak."""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern

from boards.selectors.spaces import space_access_or_404

SPACE_ROUTE_PREFIX = "s/<slug:space>/"


def space_readable_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        space_access_or_404(kwargs["space"], request.user)
        return view(request, *args, **kwargs)

    return guarded


def guard_space_routes(patterns: list[URLPattern]) -> list[URLPattern]:
    """Wrap the view of every pattern under /s/<space>/ with `space_readable_required`."""
    for pattern in patterns:
        if str(pattern.pattern).startswith(SPACE_ROUTE_PREFIX):
            pattern.callback = space_readable_required(pattern.callback)
    return patterns
