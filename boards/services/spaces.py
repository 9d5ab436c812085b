"""Writes on spaces, memberships, invitations, categories and links."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.validators import validate_image_upload
from boards.models import Category, Invitation, Link, Membership, Role, Space
from boards.permissions import Action, can_assign_role, ensure_can, standing_in
from realtime import events
from realtime.log import event_append

SPACE_EDITABLE_FIELDS = ("name", "tagline", "description", "accent_color", "allow_self_join")


class InvitationError(Exception):
    """An invitation that cannot be redeemed; `code` says why (see MESSAGES)."""

    MESSAGES = {
        "unknown": gettext_lazy(
            "This invitation code does not exist. Check the link you received."
        ),
        "expired": gettext_lazy("This invitation has expired. Ask the facilitator for a new one."),
        "used_up": gettext_lazy("This invitation has already been used as many times as allowed."),
        "revoked": gettext_lazy("This invitation was withdrawn by the space's facilitators."),
    }

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)

    @property
    def message(self) -> str:
        return str(self.MESSAGES[self.code])


@transaction.atomic
def space_create(
    *,
    creator: User,
    name: str,
    slug: str = "",
    tagline: str = "",
    description: str = "",
    visibility: str = Space.Visibility.PUBLIC,
    accent_color: str = "#1f6f8b",
    allow_self_join: bool = True,
) -> Space:
    space = Space(
        name=name,
        slug=slug or slugify(name),
        tagline=tagline,
        description=description,
        visibility=visibility,
        accent_color=accent_color,
        allow_self_join=allow_self_join,
    )
    space.full_clean()
    space.save()
    Membership.objects.create(user=creator, space=space, role=Role.OWNER)
    return space


@transaction.atomic
def space_update(
    *, actor: User, space: Space, logo: UploadedFile | None = None, **changes: object
) -> Space:
    """Change a space's settings and look. Visibility changes are for owners only."""
    ensure_can(actor, Action.CHANGE_SETTINGS, space)
    unknown = set(changes) - {*SPACE_EDITABLE_FIELDS, "visibility"}
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    visibility_changed = "visibility" in changes and changes["visibility"] != space.visibility
    if visibility_changed:
        ensure_can(actor, Action.CHANGE_VISIBILITY, space)
    for field, value in changes.items():
        setattr(space, field, value)
    if logo is not None:
        validate_image_upload(logo, max_bytes=settings.CARNET_IMAGE_MAX_BYTES)
        space.logo = logo
    space.full_clean()
    space.save()
    event_append(space=space, **events.space_updated(space))
    return space


@transaction.atomic
def space_join(*, user: User, space: Space) -> Membership:
    """Join a public space in one click, as a member."""
    existing = Membership.objects.filter(user=user, space=space).first()
    if existing:
        return existing
    ensure_can(user, Action.JOIN, space)
    membership = Membership.objects.create(user=user, space=space, role=Role.MEMBER)
    event_append(space=space, **events.member_joined(membership))
    return membership


@transaction.atomic
def membership_add(*, actor: User, space: Space, user: User, role: str) -> Membership:
    """Make `user` a member with `role`; an existing member stays as is."""
    ensure_can(actor, Action.MANAGE_MEMBERS, space)
    if not can_assign_role(standing_in(actor, space), None, role):
        raise PermissionDenied(_("Only an owner can grant or change this role."))
    existing = Membership.objects.filter(user=user, space=space).first()
    if existing:
        return existing
    membership = Membership.objects.create(user=user, space=space, role=role)
    event_append(space=space, **events.member_joined(membership))
    return membership


@transaction.atomic
def membership_set_role(*, actor: User, membership: Membership, role: str) -> Membership:
    space = membership.space
    ensure_can(actor, Action.MANAGE_MEMBERS, space)
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    if not can_assign_role(standing_in(actor, space), membership.role, role):
        raise PermissionDenied(_("Only an owner can grant or change this role."))
    if membership.role == Role.OWNER and role != Role.OWNER:
        _ensure_another_owner(membership)
    if membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
        event_append(space=space, **events.member_role_changed(membership))
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    """Remove a member (or let a member leave, when actor is that member)."""
    space = membership.space
    if actor.pk != membership.user_id:
        ensure_can(actor, Action.MANAGE_MEMBERS, space)
        if not can_assign_role(standing_in(actor, space), membership.role, None):
            raise PermissionDenied(_("Only an owner can remove an owner or a facilitator."))
    if membership.role == Role.OWNER:
        _ensure_another_owner(membership)
    user_id = membership.user_id
    membership.delete()
    event_append(space=space, **events.member_removed(space_id=space.pk, user_id=user_id))


def _ensure_another_owner(membership: Membership) -> None:
    others = Membership.objects.filter(space_id=membership.space_id, role=Role.OWNER).exclude(
        pk=membership.pk
    )
    if not others.exists():
        raise ValidationError(_("A space needs at least one owner."))


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    space: Space,
    role: str = Role.MEMBER,
    days: int = 14,
    max_uses: int = 1,
    note: str = "",
) -> Invitation:
    ensure_can(actor, Action.INVITE, space)
    if not can_assign_role(standing_in(actor, space), None, role):
        raise PermissionDenied(_("Only an owner can invite owners or facilitators."))
    if not 1 <= days <= 365:
        raise ValidationError(_("An invitation lasts between 1 and 365 days."))
    if not 1 <= max_uses <= 500:
        raise ValidationError(_("An invitation can be used between 1 and 500 times."))
    invitation = Invitation(
        space=space,
        role=role,
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=days),
        max_uses=max_uses,
        note=note,
    )
    invitation.full_clean()
    invitation.save()
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    ensure_can(actor, Action.INVITE, invitation.space)
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_check(invitation: Invitation | None) -> None:
    """Raise InvitationError when the invitation cannot be redeemed now."""
    if invitation is None:
        raise InvitationError("unknown")
    if invitation.revoked_at is not None:
        raise InvitationError("revoked")
    if invitation.expires_at <= timezone.now():
        raise InvitationError("expired")
    if invitation.use_count >= invitation.max_uses:
        raise InvitationError("used_up")


@transaction.atomic
def invitation_redeem(*, user: User, code: str) -> Membership:
    """Make `user` a member through an invitation code; an existing member stays as is."""
    invitation = (
        Invitation.objects.select_for_update().select_related("space").filter(code=code).first()
    )
    invitation_check(invitation)
    existing = Membership.objects.filter(user=user, space=invitation.space).first()
    if existing:
        return existing
    membership = Membership.objects.create(user=user, space=invitation.space, role=invitation.role)
    invitation.use_count += 1
    invitation.save(update_fields=["use_count"])
    event_append(space=invitation.space, **events.member_joined(membership))
    return membership


@transaction.atomic
def category_create(
    *, actor: User, space: Space, name: str, description: str = "", position: int | None = None
) -> Category:
    ensure_can(actor, Action.CHANGE_SETTINGS, space)
    if position is None:
        position = space.categories.count()
    category = Category(
        space=space, name=name, slug=slugify(name), description=description, position=position
    )
    if not category.slug:
        raise ValidationError({"name": _("Use at least one letter or digit.")})
    if space.categories.filter(slug=category.slug).exists():
        raise ValidationError({"name": _("This space already has a category with this name.")})
    category.full_clean()
    category.save()
    return category


@transaction.atomic
def category_delete(*, actor: User, category: Category) -> None:
    """Delete a category; its articles stay, without a category."""
    ensure_can(actor, Action.CHANGE_SETTINGS, category.space)
    category.delete()


@transaction.atomic
def link_create(
    *,
    actor: User,
    space: Space,
    title: str,
    url: str,
    description: str = "",
    position: int | None = None,
) -> Link:
    ensure_can(actor, Action.CHANGE_SETTINGS, space)
    if position is None:
        position = space.links.count()
    link = Link(space=space, title=title, url=url, description=description, position=position)
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def link_delete(*, actor: User, link: Link) -> None:
    ensure_can(actor, Action.CHANGE_SETTINGS, link.space)
    link.delete()
