"""Redeeming an invitation, creating an account on the spot when needed."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.forms import SignUpForm
from accounts.services import user_create
from boards.models import Invitation
from boards.services.spaces import InvitationError, invitation_check, invitation_redeem


def invitation_redeem_view(request: HttpRequest, code: str) -> HttpResponse:
    invitation = Invitation.objects.select_related("space").filter(code=code).first()
    try:
        invitation_check(invitation)
    except InvitationError as error:
        return render(
            request,
            "boards/invitation_invalid.html",
            {"message": error.message, "reason": error.code},
            status=404 if error.code == "unknown" else 410,
        )
    signup_form = None
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                membership = invitation_redeem(user=request.user, code=code)
            else:
                signup_form = SignUpForm(request.POST)
                if not signup_form.is_valid():
                    raise _FormInvalid
                membership = _sign_up_and_redeem(request, signup_form, code)
        except InvitationError as error:
            messages.error(request, error.message)
            return redirect("boards:invitation_redeem", code=code)
        except _FormInvalid:
            pass
        else:
            messages.success(request, _("Welcome to %(space)s!") % {"space": membership.space.name})
            return redirect(membership.space.get_absolute_url())
    return render(
        request,
        "boards/invitation.html",
        {"invitation": invitation, "form": signup_form or SignUpForm()},
    )


class _FormInvalid(Exception):
    pass


@transaction.atomic
def _sign_up_and_redeem(request: HttpRequest, form: SignUpForm, code: str):
    data = form.cleaned_data
    try:
        user = user_create(
            username=data["username"],
            password=data["password1"],
            email=data["email"],
            display_name=data["display_name"],
        )
    except ValidationError as error:
        for message in error.messages:
            form.add_error("password1", message)
        raise _FormInvalid from error
    membership = invitation_redeem(user=user, code=code)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return membership
