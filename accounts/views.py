from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import ProfileForm, SignInForm
from accounts.models import User
from accounts.services import profile_update, user_feed_token_rotate
from boards.selectors.spaces import spaces_readable_by


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile_edit")

    def form_valid(self, form):
        messages.success(self.request, _("Your password was changed."))
        return super().form_valid(form)


def profile(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(User, username=username, is_active=True)
    # Only the spaces the viewer may read: a private space's membership does not leak.
    shared_spaces = spaces_readable_by(request.user).filter(memberships__user=person)
    return render(request, "accounts/profile.html", {"person": person, "spaces": shared_spaces})


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, request.FILES or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            profile_update(
                user=request.user,
                avatar=form.cleaned_data.get("avatar_upload"),
                **form.profile_changes(),
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("avatar_upload" if "image" in str(error) else None, message)
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("accounts:profile_edit")
    request.user.refresh_from_db()
    return render(request, "accounts/profile_edit.html", {"form": form})


@require_POST
@login_required
def feed_token_rotate(request: HttpRequest) -> HttpResponse:
    user_feed_token_rotate(user=request.user)
    messages.success(
        request, _("Your private feed address was changed; the old one no longer works.")
    )
    return redirect("accounts:profile_edit")
