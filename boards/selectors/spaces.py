"""Reads of spaces and memberships, always through the permission rules."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from boards.models import Article, Invitation, Membership, Space
from boards.permissions import ANONYMOUS, NON_MEMBER, Action, AnyUser, standing_allows


@dataclass
class SpaceAccess:
    """A space as one user stands in it: fetched once per request, asked many times."""

    space: Space
    user: AnyUser
    membership: Membership | None
    _cache: dict[Action, bool] = field(default_factory=dict, repr=False)

    @property
    def standing(self) -> str:
        if self.membership is not None:
            return self.membership.role
        return NON_MEMBER if self.user.is_authenticated else ANONYMOUS

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    @property
    def may(self) -> "_AllowedActions":
        """For templates: `access.may.comment` is `access.can("comment")`."""
        return _AllowedActions(self)

    def can(self, action: Action | str) -> bool:
        action = Action(action)
        if action not in self._cache:
            active = not self.user.is_authenticated or self.user.is_active
            self._cache[action] = active and standing_allows(self.standing, action, self.space)
        return self._cache[action]


class _AllowedActions:
    def __init__(self, access: SpaceAccess):
        self._access = access

    def __getitem__(self, action: str) -> bool:
        try:
            return self._access.can(action)
        except ValueError:
            raise KeyError(action) from None


def space_access(space: Space, user: AnyUser) -> SpaceAccess:
    membership = None
    if user.is_authenticated:
        membership = Membership.objects.filter(user=user, space=space).first()
    return SpaceAccess(space=space, user=user, membership=membership)


def space_access_or_404(slug: str, user: AnyUser) -> SpaceAccess:
    """The space at `slug` if `user` may read it; 404 otherwise, so private spaces don't leak."""
    space = Space.objects.filter(slug=slug).first()
    if space is None:
        raise Http404
    access = space_access(space, user)
    if not access.can(Action.READ):
        raise Http404
    return access


def space_access_for(slug: str, user: AnyUser, action: Action) -> SpaceAccess:
    """Like `space_access_or_404`, and PermissionDenied unless `user` may do `action`."""
    access = space_access_or_404(slug, user)
    if not access.can(action):
        raise PermissionDenied
    return access


def spaces_readable_by(user: AnyUser) -> QuerySet[Space]:
    readable = Q(visibility=Space.Visibility.PUBLIC)
    if user.is_authenticated:
        # A subquery, not a join: a join on memberships would leave only the user's own
        # membership rows for annotations such as member counts.
        readable |= Q(pk__in=Membership.objects.filter(user=user).values("space_id"))
    return Space.objects.filter(readable)


def space_ids_readable_by(user: AnyUser) -> list[int]:
    return list(spaces_readable_by(user).values_list("id", flat=True))


def spaces_for_home(user: AnyUser) -> list[Space]:
    """The network as `user` sees it, each space with its latest article and member count."""
    latest = Article.objects.filter(space=OuterRef("pk"), status=Article.Status.PUBLISHED).order_by(
        "-published_at", "-id"
    )
    spaces = (
        spaces_readable_by(user)
        .annotate(
            member_count=Count("memberships", distinct=True),
            latest_article_title=Subquery(latest.values("title")[:1]),
            latest_article_slug=Subquery(latest.values("slug")[:1]),
            latest_article_at=Subquery(latest.values("published_at")[:1]),
        )
        .order_by("-last_activity_at", "name")
    )
    result = list(spaces)
    if user.is_authenticated:
        roles = dict(Membership.objects.filter(user=user).values_list("space_id", "role"))
        for space in result:
            space.my_role = roles.get(space.pk)
    return result


def members_of(space: Space) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(space=space)
        .select_related("user")
        .order_by("user__display_name", "user__username")
    )


def invitations_of(space: Space) -> QuerySet[Invitation]:
    return Invitation.objects.filter(space=space).select_related("created_by")
