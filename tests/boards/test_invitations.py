from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from boards.models import Invitation, Membership, Role
from boards.services.spaces import (
    InvitationError,
    invitation_create,
    invitation_redeem,
    invitation_revoke,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def redeem_url(invitation: Invitation) -> str:
    return reverse("boards:invitation_redeem", kwargs={"code": invitation.code})


@pytest.fixture
def invitation(private_space, facilitator) -> Invitation:
    return invitation_create(
        actor=facilitator, space=private_space, role=Role.MEMBER, days=7, max_uses=2
    )


def test_facilitator_creates_an_invitation_with_role_expiry_and_uses(invitation, facilitator):
    assert invitation.role == Role.MEMBER
    assert invitation.max_uses == 2
    assert invitation.created_by == facilitator
    assert timedelta(days=6) < invitation.expires_at - timezone.now() <= timedelta(days=7)
    assert len(invitation.code) >= 16


def test_member_may_not_create_invitations(private_space, alice):
    with pytest.raises(PermissionDenied):
        invitation_create(actor=alice, space=private_space)


def test_facilitator_may_not_invite_an_owner(private_space, facilitator):
    with pytest.raises(PermissionDenied):
        invitation_create(actor=facilitator, space=private_space, role=Role.OWNER)


def test_signed_in_person_redeems_a_valid_invitation(client, invitation, outsider):
    client.force_login(outsider)
    response = client.post(redeem_url(invitation))
    assert response.status_code == 302
    assert response["Location"] == invitation.space.get_absolute_url()
    membership = Membership.objects.get(user=outsider, space=invitation.space)
    assert membership.role == Role.MEMBER
    invitation.refresh_from_db()
    assert invitation.use_count == 1


def test_newcomer_creates_an_account_on_the_spot(client, invitation):
    response = client.post(
        redeem_url(invitation),
        {
            "username": "nadia",
            "display_name": "Nadia Roy",
            "email": "nadia@example.org",
            "password1": "un-long-mot-de-passe-2026",
            "password2": "un-long-mot-de-passe-2026",
        },
    )
    assert response.status_code == 302
    nadia = User.objects.get(username="nadia")
    assert nadia.display_name == "Nadia Roy"
    assert nadia.password.startswith("argon2")
    assert Membership.objects.filter(user=nadia, space=invitation.space).exists()
    assert client.get(invitation.space.get_absolute_url()).status_code == 200


def test_newcomer_with_a_weak_password_gets_an_error_and_nothing_is_created(client, invitation):
    response = client.post(
        redeem_url(invitation),
        {
            "username": "nadia",
            "display_name": "Nadia",
            "email": "nadia@example.org",
            "password1": "123",
            "password2": "123",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not User.objects.filter(username="nadia").exists()
    invitation.refresh_from_db()
    assert invitation.use_count == 0


@pytest.mark.parametrize(
    ("setup", "reason", "status"),
    [
        (
            lambda inv: setattr(inv, "expires_at", timezone.now() - timedelta(minutes=1)),
            "expired",
            410,
        ),
        (lambda inv: setattr(inv, "use_count", inv.max_uses), "used_up", 410),
        (lambda inv: setattr(inv, "revoked_at", timezone.now()), "revoked", 410),
    ],
)
def test_unusable_invitation_gets_a_clear_message_and_changes_nothing(
    client, invitation, outsider, setup, reason, status
):
    setup(invitation)
    invitation.save()
    client.force_login(outsider)
    page = client.get(redeem_url(invitation))
    assert page.status_code == status
    assert page.context["reason"] == reason
    assert page.context["message"]
    response = client.post(redeem_url(invitation))
    assert response.status_code == status
    assert not Membership.objects.filter(user=outsider, space=invitation.space).exists()
    with pytest.raises(InvitationError) as error:
        invitation_redeem(user=outsider, code=invitation.code)
    assert error.value.code == reason


def test_unknown_code_is_a_404_with_a_clear_message(client, outsider, db):
    client.force_login(outsider)
    response = client.post(reverse("boards:invitation_redeem", kwargs={"code": "nope"}))
    assert response.status_code == 404
    assert response.context["reason"] == "unknown"
    assert not Membership.objects.filter(user=outsider).exists()


def test_invitation_is_used_up_after_its_number_of_uses(invitation):
    invitation_redeem(user=make_user(), code=invitation.code)
    invitation_redeem(user=make_user(), code=invitation.code)
    with pytest.raises(InvitationError) as error:
        invitation_redeem(user=make_user(), code=invitation.code)
    assert error.value.code == "used_up"


def test_existing_member_redeeming_keeps_role_and_uses_nothing(invitation, reader):
    membership = invitation_redeem(user=reader, code=invitation.code)
    assert membership.role == Role.READER
    invitation.refresh_from_db()
    assert invitation.use_count == 0


def test_revoke_from_the_settings_page(client, invitation, facilitator):
    client.force_login(facilitator)
    url = reverse(
        "boards:invitation_revoke",
        kwargs={"space": invitation.space.slug, "invitation_id": invitation.pk},
    )
    assert client.post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_member_cannot_revoke(invitation, alice):
    with pytest.raises(PermissionDenied):
        invitation_revoke(actor=alice, invitation=invitation)


def test_invitation_page_lists_and_creates_links(client, private_space, facilitator):
    client.force_login(facilitator)
    url = reverse("boards:settings_invitations", kwargs={"space": private_space.slug})
    response = client.post(url, {"role": Role.READER, "days": 3, "max_uses": 10, "note": "AG"})
    assert response.status_code == 302
    created = Invitation.objects.get(space=private_space)
    assert (created.role, created.max_uses, created.note) == (Role.READER, 10, "AG")
    assert created.code in client.get(url).content.decode()
