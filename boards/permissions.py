"""Who may do what in a space: the only place these rules live.

docs/permissions.md states the same table for people; tests/boards/test_permissions.py
walks all of it.
"""

from enum import StrEnum

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import User
from boards.models import Article, Comment, Membership, Role, Space


class Action(StrEnum):
    READ = "read"
    JOIN = "join"
    WRITE_ARTICLE = "write_article"
    COMMENT = "comment"
    CHAT = "chat"
    REACT = "react"
    MODERATE = "moderate"
    INVITE = "invite"
    MANAGE_MEMBERS = "manage_members"
    CHANGE_SETTINGS = "change_settings"
    CHANGE_VISIBILITY = "change_visibility"


# Who stands where: a member's role, or one of these two for everyone else.
NON_MEMBER = "non_member"
ANONYMOUS = "anonymous"

_CONTRIBUTORS = {Role.OWNER, Role.FACILITATOR, Role.MEMBER}
_STAFF = {Role.OWNER, Role.FACILITATOR}
_ALL_MEMBERS = {Role.OWNER, Role.FACILITATOR, Role.MEMBER, Role.READER}

# What each standing may do beyond reading; reading depends on the space's visibility.
_GRANTS: dict[Action, set[str]] = {
    Action.WRITE_ARTICLE: _CONTRIBUTORS,
    Action.COMMENT: _CONTRIBUTORS,
    Action.CHAT: _CONTRIBUTORS,
    Action.REACT: _CONTRIBUTORS,
    Action.MODERATE: _STAFF,
    Action.INVITE: _STAFF,
    Action.MANAGE_MEMBERS: _STAFF,
    Action.CHANGE_SETTINGS: _STAFF,
    Action.CHANGE_VISIBILITY: {Role.OWNER},
}

AnyUser = User | AnonymousUser


def standing_in(user: AnyUser, space: Space, membership: Membership | None = None) -> str:
    """The user's role in the space, or NON_MEMBER / ANONYMOUS.

    Pass `membership` when the caller already fetched it, to save a query.
    """
    if not user.is_authenticated:
        return ANONYMOUS
    if membership is None:
        membership = Membership.objects.filter(user=user, space=space).only("role").first()
    elif membership.user_id != user.pk or membership.space_id != space.pk:
        raise ValueError("membership does not belong to this user and space")
    return membership.role if membership else NON_MEMBER


def standing_allows(standing: str, action: Action, space: Space) -> bool:
    """The whole permission table: may someone of this standing do `action` in `space`?"""
    if action == Action.READ:
        return space.is_public or standing in _ALL_MEMBERS
    if action == Action.JOIN:
        return standing == NON_MEMBER and space.is_public and space.allow_self_join
    return standing in _GRANTS[action]


def can(
    user: AnyUser, action: Action, space: Space, *, membership: Membership | None = None
) -> bool:
    if user.is_authenticated and not user.is_active:
        return False
    return standing_allows(standing_in(user, space, membership), action, space)


def ensure_can(
    user: AnyUser, action: Action, space: Space, *, membership: Membership | None = None
) -> None:
    """Raise PermissionDenied unless `user` may do `action` in `space`."""
    if not can(user, action, space, membership=membership):
        raise PermissionDenied(_("You are not allowed to do this in this space."))


def can_assign_role(actor_role: str, current_role: str | None, new_role: str | None) -> bool:
    """May someone with `actor_role` move a member from `current_role` to `new_role`?

    `None` stands for "not a member" (an invitation, or a removal). Facilitators manage
    members and readers; only owners grant, change or remove owners and facilitators.
    """
    if actor_role == Role.OWNER:
        return True
    if actor_role == Role.FACILITATOR:
        limited = {Role.MEMBER, Role.READER, None}
        return current_role in limited and new_role in limited
    return False


def permission_table() -> dict[tuple[str, str], dict[Action, bool]]:
    """The table as data: {(visibility, standing): {action: allowed}}, for docs and tests."""
    standings = [*Role.values, NON_MEMBER, ANONYMOUS]
    table = {}
    for visibility in Space.Visibility.values:
        space = Space(visibility=visibility, allow_self_join=True)
        for standing in standings:
            table[(visibility, standing)] = {
                action: standing_allows(standing, action, space) for action in Action
            }
    return table


# Rules on one article or comment (issue 3): the author's own work, or moderation.
# Drafts are private: nobody but their author sees or edits them, moderators included.


def can_edit_article(
    user: AnyUser, article: Article, *, membership: Membership | None = None
) -> bool:
    space = article.space
    if article.author_id == user.pk and can(
        user, Action.WRITE_ARTICLE, space, membership=membership
    ):
        return True
    return article.is_published and can(user, Action.MODERATE, space, membership=membership)


def can_unpublish_article(
    user: AnyUser, article: Article, *, membership: Membership | None = None
) -> bool:
    return article.is_published and can_edit_article(user, article, membership=membership)


def can_delete_article(
    user: AnyUser, article: Article, *, membership: Membership | None = None
) -> bool:
    """Only the author deletes; moderators unpublish instead, which the author can undo."""
    return article.author_id == user.pk and can(
        user, Action.WRITE_ARTICLE, article.space, membership=membership
    )


def can_edit_comment(
    user: AnyUser, comment: Comment, space: Space, *, membership: Membership | None = None
) -> bool:
    return (
        comment.author_id == user.pk
        and not comment.is_removed
        and can(user, Action.COMMENT, space, membership=membership)
    )


def can_remove_comment(
    user: AnyUser, comment: Comment, space: Space, *, membership: Membership | None = None
) -> bool:
    if comment.is_removed:
        return False
    if comment.author_id == user.pk and can(user, Action.COMMENT, space, membership=membership):
        return True
    return can(user, Action.MODERATE, space, membership=membership)
