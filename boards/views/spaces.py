"""The network of spaces, a space's members, settings and invitations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boards.forms import (
    CategoryForm,
    InvitationForm,
    LinkForm,
    MembershipRoleForm,
    SpaceSettingsForm,
)
from boards.models import Category, Invitation, Link, Membership
from boards.permissions import Action
from boards.selectors.browse import categories_with_counts, links_of
from boards.selectors.spaces import (
    invitations_of,
    members_of,
    space_access_for,
    space_access_or_404,
    spaces_for_home,
)
from boards.services import spaces as space_services


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "boards/home.html", {"spaces": spaces_for_home(request.user)})


def _error_messages(error: ValidationError | PermissionDenied) -> list[str]:
    if isinstance(error, ValidationError):
        return error.messages
    return [str(error) or _("You are not allowed to do this in this space.")]


def members(request: HttpRequest, space: str) -> HttpResponse:
    access = space_access_or_404(space, request.user)
    return render(
        request,
        "boards/members.html",
        {"space": access.space, "access": access, "memberships": members_of(access.space)},
    )


@require_POST
@login_required
def join(request: HttpRequest, space: str) -> HttpResponse:
    access = space_access_or_404(space, request.user)
    try:
        space_services.space_join(user=request.user, space=access.space)
    except PermissionDenied:
        messages.error(request, _("This space is joined by invitation only."))
    else:
        messages.success(request, _("Welcome to %(space)s!") % {"space": access.space.name})
    return redirect(access.space.get_absolute_url())


@require_POST
@login_required
def leave(request: HttpRequest, space: str) -> HttpResponse:
    access = space_access_or_404(space, request.user)
    if access.membership is None:
        return redirect(access.space.get_absolute_url())
    try:
        space_services.membership_remove(actor=request.user, membership=access.membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("boards:members", space=space)
    messages.success(request, _("You left %(space)s.") % {"space": access.space.name})
    return redirect("home")


@login_required
def settings_view(request: HttpRequest, space: str) -> HttpResponse:
    access = space_access_for(space, request.user, Action.CHANGE_SETTINGS)
    form = SpaceSettingsForm(
        request.POST or None,
        request.FILES or None,
        instance=access.space,
        can_change_visibility=access.can(Action.CHANGE_VISIBILITY),
    )
    if request.method == "POST" and form.is_valid():
        changes = {
            field: form.cleaned_data[field]
            for field in form.changed_data
            if field != "logo_upload" and not form.fields[field].disabled
        }
        try:
            space_services.space_update(
                actor=request.user,
                space=access.space,
                logo=form.cleaned_data.get("logo_upload"),
                **changes,
            )
        except (ValidationError, PermissionDenied) as error:
            for message in _error_messages(error):
                form.add_error(None, message)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("boards:settings", space=access.space.slug)
    access.space.refresh_from_db()
    return render(
        request,
        "boards/settings.html",
        {"space": access.space, "access": access, "form": form, "tab": "general"},
    )


@login_required
def settings_members(request: HttpRequest, space: str) -> HttpResponse:
    access = space_access_for(space, request.user, Action.MANAGE_MEMBERS)
    return render(
        request,
        "boards/settings_members.html",
        {
            "space": access.space,
            "access": access,
            "memberships": members_of(access.space),
            "role_form": MembershipRoleForm(),
            "tab": "members",
        },
    )


@require_POST
@login_required
def membership_role(request: HttpRequest, space: str, membership_id: int) -> HttpResponse:
    access = space_access_for(space, request.user, Action.MANAGE_MEMBERS)
    membership = get_object_or_404(Membership, pk=membership_id, space=access.space)
    form = MembershipRoleForm(request.POST)
    if form.is_valid():
        try:
            space_services.membership_set_role(
                actor=request.user, membership=membership, role=form.cleaned_data["role"]
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(_error_messages(error)))
        else:
            messages.success(request, _("Role changed for %(name)s.") % {"name": membership.user})
    else:
        messages.error(request, _("Unknown role."))
    return redirect("boards:settings_members", space=access.space.slug)


@require_POST
@login_required
def membership_remove(request: HttpRequest, space: str, membership_id: int) -> HttpResponse:
    access = space_access_for(space, request.user, Action.MANAGE_MEMBERS)
    membership = get_object_or_404(Membership, pk=membership_id, space=access.space)
    try:
        space_services.membership_remove(actor=request.user, membership=membership)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(_error_messages(error)))
    else:
        messages.success(request, _("%(name)s is no longer a member.") % {"name": membership.user})
    return redirect("boards:settings_members", space=access.space.slug)


@login_required
def settings_invitations(request: HttpRequest, space: str) -> HttpResponse:
    access = space_access_for(space, request.user, Action.INVITE)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = space_services.invitation_create(
                actor=request.user, space=access.space, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as error:
            for message in _error_messages(error):
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Invitation created. Share this link: %(url)s")
                % {"url": request.build_absolute_uri(invitation.get_absolute_url())},
            )
            return redirect("boards:settings_invitations", space=access.space.slug)
    return render(
        request,
        "boards/settings_invitations.html",
        {
            "space": access.space,
            "access": access,
            "form": form,
            "invitations": invitations_of(access.space),
            "tab": "invitations",
        },
    )


@require_POST
@login_required
def invitation_revoke(request: HttpRequest, space: str, invitation_id: int) -> HttpResponse:
    access = space_access_for(space, request.user, Action.INVITE)
    invitation = get_object_or_404(Invitation, pk=invitation_id, space=access.space)
    space_services.invitation_revoke(actor=request.user, invitation=invitation)
    messages.success(request, _("Invitation revoked."))
    return redirect("boards:settings_invitations", space=access.space.slug)


@login_required
def settings_content(request: HttpRequest, space: str) -> HttpResponse:
    """Categories and links: what classifies everything, and what enriches the space."""
    access = space_access_for(space, request.user, Action.CHANGE_SETTINGS)
    posted = request.POST.get("kind") if request.method == "POST" else None
    category_form = CategoryForm(request.POST if posted == "category" else None, prefix="category")
    link_form = LinkForm(request.POST if posted == "link" else None, prefix="link")
    form, create = {
        "category": (category_form, space_services.category_create),
        "link": (link_form, space_services.link_create),
    }.get(posted, (None, None))
    if form is not None and form.is_valid():
        try:
            create(actor=request.user, space=access.space, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            for message in _error_messages(error):
                form.add_error(None, message)
        else:
            messages.success(request, _("Added."))
            return redirect("boards:settings_content", space=access.space.slug)
    return render(
        request,
        "boards/settings_content.html",
        {
            "space": access.space,
            "access": access,
            "categories": categories_with_counts(access.space),
            "links": links_of(access.space),
            "category_form": category_form,
            "link_form": link_form,
            "tab": "content",
        },
    )


@require_POST
@login_required
def category_delete(request: HttpRequest, space: str, category_id: int) -> HttpResponse:
    access = space_access_for(space, request.user, Action.CHANGE_SETTINGS)
    category = get_object_or_404(Category, pk=category_id, space=access.space)
    space_services.category_delete(actor=request.user, category=category)
    messages.success(
        request, _("Category “%(name)s” deleted; its articles stay.") % {"name": category.name}
    )
    return redirect("boards:settings_content", space=access.space.slug)


@require_POST
@login_required
def link_delete(request: HttpRequest, space: str, link_id: int) -> HttpResponse:
    access = space_access_for(space, request.user, Action.CHANGE_SETTINGS)
    link = get_object_or_404(Link, pk=link_id, space=access.space)
    space_services.link_delete(actor=request.user, link=link)
    messages.success(request, _("Link deleted."))
    return redirect("boards:settings_content", space=access.space.slug)
