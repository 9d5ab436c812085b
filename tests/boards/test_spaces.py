import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from boards.models import Membership, Role, Space
from boards.services.spaces import (
    membership_add,
    membership_remove,
    membership_set_role,
    space_create,
    space_join,
    space_update,
)
from realtime.models import Event
from tests.factories import make_member, make_user

pytestmark = pytest.mark.django_db


def test_creator_of_a_space_is_its_owner():
    creator = make_user()
    space = space_create(creator=creator, name="Maisons familiales rurales")
    assert space.slug == "maisons-familiales-rurales"
    assert Membership.objects.get(space=space, user=creator).role == Role.OWNER


def test_one_click_join_of_a_public_space(client, public_space, outsider):
    client.force_login(outsider)
    response = client.post(reverse("boards:join", kwargs={"space": public_space.slug}))
    assert response.status_code == 302
    assert Membership.objects.get(space=public_space, user=outsider).role == Role.MEMBER
    assert Event.objects.filter(space=public_space, type="member.joined").count() == 1


def test_join_refused_when_self_join_is_off(client, public_space, outsider):
    public_space.allow_self_join = False
    public_space.save()
    client.force_login(outsider)
    client.post(reverse("boards:join", kwargs={"space": public_space.slug}))
    assert not Membership.objects.filter(space=public_space, user=outsider).exists()


def test_anonymous_join_goes_to_sign_in(client, public_space):
    response = client.post(reverse("boards:join", kwargs={"space": public_space.slug}))
    assert response.status_code == 302
    assert "/accounts/sign-in/" in response["Location"]


def test_joining_twice_changes_nothing(public_space, alice):
    assert space_join(user=alice, space=public_space).role == Role.MEMBER
    assert Membership.objects.filter(space=public_space, user=alice).count() == 1


def test_facilitator_changes_the_look_and_members_see_it(client, public_space, facilitator):
    client.force_login(facilitator)
    url = reverse("boards:settings", kwargs={"space": public_space.slug})
    response = client.post(
        url,
        {
            "name": "Jeunes en projet — Mauricie",
            "tagline": "Ensemble contre le décrochage",
            "description": "",
            "accent_color": "#aa3300",
            "visibility": Space.Visibility.PUBLIC,
            "allow_self_join": "on",
        },
    )
    assert response.status_code == 302
    public_space.refresh_from_db()
    assert public_space.accent_color == "#aa3300"
    page = client.get(public_space.get_absolute_url()).content.decode()
    assert "--accent: #aa3300" in page
    assert "Ensemble contre le décrochage" in page


def test_bad_colour_is_refused_with_a_clear_error(client, public_space, facilitator):
    client.force_login(facilitator)
    url = reverse("boards:settings", kwargs={"space": public_space.slug})
    response = client.post(
        url,
        {"name": "X", "accent_color": "red;}", "visibility": "public"},
    )
    assert response.status_code == 200
    assert "accent_color" in response.context["form"].errors
    public_space.refresh_from_db()
    assert public_space.accent_color == "#1f6f8b"


def test_facilitator_cannot_make_the_space_private(public_space, facilitator):
    with pytest.raises(PermissionDenied):
        space_update(actor=facilitator, space=public_space, visibility="private")
    public_space.refresh_from_db()
    assert public_space.is_public


def test_owner_makes_the_space_private_and_an_event_says_so(public_space, owner):
    space_update(actor=owner, space=public_space, visibility="private")
    event = Event.objects.filter(space=public_space).latest("seq")
    assert event.type == "space.updated"
    assert event.payload["data"]["visibility"] == "private"


@pytest.mark.parametrize("role", [Role.MEMBER, Role.READER])
def test_settings_pages_are_forbidden_to_members_and_readers(client, public_space, role):
    user = make_member(public_space, role=role)
    client.force_login(user)
    for name in ("settings", "settings_members", "settings_invitations"):
        response = client.get(reverse(f"boards:{name}", kwargs={"space": public_space.slug}))
        assert response.status_code == 403, name


def test_settings_page_of_a_public_space_asks_anonymous_to_sign_in(client, public_space):
    response = client.get(reverse("boards:settings", kwargs={"space": public_space.slug}))
    assert response.status_code == 302


def test_facilitator_changes_a_role_from_the_member_list(client, public_space, facilitator, alice):
    membership = Membership.objects.get(space=public_space, user=alice)
    client.force_login(facilitator)
    url = reverse(
        "boards:membership_role",
        kwargs={"space": public_space.slug, "membership_id": membership.pk},
    )
    client.post(url, {"role": Role.READER})
    membership.refresh_from_db()
    assert membership.role == Role.READER


def test_facilitator_cannot_promote_to_facilitator(public_space, facilitator, alice):
    membership = Membership.objects.get(space=public_space, user=alice)
    with pytest.raises(PermissionDenied):
        membership_set_role(actor=facilitator, membership=membership, role=Role.FACILITATOR)


def test_removing_a_member_logs_an_event_for_the_realtime_layer(public_space, facilitator, alice):
    membership = Membership.objects.get(space=public_space, user=alice)
    membership_remove(actor=facilitator, membership=membership)
    assert not Membership.objects.filter(space=public_space, user=alice).exists()
    event = Event.objects.filter(space=public_space).latest("seq")
    assert (event.type, event.payload["data"]["user_id"]) == ("member.removed", alice.pk)


def test_the_last_owner_cannot_leave_or_be_demoted(public_space, owner):
    membership = Membership.objects.get(space=public_space, user=owner)
    with pytest.raises(ValidationError):
        membership_remove(actor=owner, membership=membership)
    with pytest.raises(ValidationError):
        membership_set_role(actor=owner, membership=membership, role=Role.MEMBER)


def test_member_leaves_a_space(client, public_space, alice):
    client.force_login(alice)
    client.post(reverse("boards:leave", kwargs={"space": public_space.slug}))
    assert not Membership.objects.filter(space=public_space, user=alice).exists()


def test_home_page_shows_each_space_with_its_look(client, public_space, alice):
    public_space.accent_color = "#336699"
    public_space.save()
    page = client.get("/").content.decode()
    assert "--card-accent: #336699" in page
    assert public_space.name in page


def test_owner_adds_a_member_directly(public_space, owner, outsider):
    membership = membership_add(actor=owner, space=public_space, user=outsider, role=Role.READER)
    assert membership.role == Role.READER
    assert Event.objects.filter(space=public_space, type="member.joined").exists()


def test_facilitator_cannot_add_a_facilitator(public_space, facilitator, outsider):
    with pytest.raises(PermissionDenied):
        membership_add(actor=facilitator, space=public_space, user=outsider, role=Role.FACILITATOR)
    assert not Membership.objects.filter(space=public_space, user=outsider).exists()


def test_home_page_counts_every_member_of_a_private_space(client, private_space, alice, bob):
    client.force_login(alice)
    spaces = {space.slug: space for space in client.get("/").context["spaces"]}
    assert spaces[private_space.slug].member_count == 2
