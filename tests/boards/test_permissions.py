"""Walks the whole permission table of docs/permissions.md, for real users in real spaces."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from boards.models import Role, Space
from boards.permissions import (
    ANONYMOUS,
    NON_MEMBER,
    Action,
    can,
    can_assign_role,
    permission_table,
)
from tests.factories import make_member, make_space, make_user

STANDINGS = [*Role.values, NON_MEMBER, ANONYMOUS]
PUBLIC, PRIVATE = Space.Visibility.PUBLIC, Space.Visibility.PRIVATE

# The expected table, written out by hand: (action, public row, private row), each row
# in the order owner, facilitator, member, reader, signed-in non-member, anonymous.
Y, N = True, False
EXPECTED = {
    Action.READ: ((Y, Y, Y, Y, Y, Y), (Y, Y, Y, Y, N, N)),
    Action.JOIN: ((N, N, N, N, Y, N), (N, N, N, N, N, N)),
    Action.WRITE_ARTICLE: ((Y, Y, Y, N, N, N), (Y, Y, Y, N, N, N)),
    Action.COMMENT: ((Y, Y, Y, N, N, N), (Y, Y, Y, N, N, N)),
    Action.CHAT: ((Y, Y, Y, N, N, N), (Y, Y, Y, N, N, N)),
    Action.REACT: ((Y, Y, Y, N, N, N), (Y, Y, Y, N, N, N)),
    Action.MODERATE: ((Y, Y, N, N, N, N), (Y, Y, N, N, N, N)),
    Action.INVITE: ((Y, Y, N, N, N, N), (Y, Y, N, N, N, N)),
    Action.MANAGE_MEMBERS: ((Y, Y, N, N, N, N), (Y, Y, N, N, N, N)),
    Action.CHANGE_SETTINGS: ((Y, Y, N, N, N, N), (Y, Y, N, N, N, N)),
    Action.CHANGE_VISIBILITY: ((Y, N, N, N, N, N), (Y, N, N, N, N, N)),
}
CASES = [
    (visibility, standing, action, rows[0 if visibility == PUBLIC else 1][index])
    for action, rows in EXPECTED.items()
    for visibility in (PUBLIC, PRIVATE)
    for index, standing in enumerate(STANDINGS)
]


def test_expected_table_covers_every_action():
    assert set(EXPECTED) == set(Action)


@pytest.mark.django_db
@pytest.mark.parametrize(("visibility", "standing", "action", "allowed"), CASES)
def test_permission_table(visibility, standing, action, allowed):
    space = make_space(visibility=visibility)
    if standing == ANONYMOUS:
        user = AnonymousUser()
    else:
        user = make_user()
        if standing != NON_MEMBER:
            make_member(space, user, standing)
    assert can(user, action, space) is allowed


@pytest.mark.django_db
def test_join_is_refused_when_the_space_turned_self_join_off():
    space = make_space(visibility=PUBLIC, allow_self_join=False)
    assert not can(make_user(), Action.JOIN, space)


@pytest.mark.django_db
def test_an_inactive_account_can_do_nothing_even_as_owner():
    space = make_space(visibility=PUBLIC)
    user = make_member(space, make_user(is_active=False), Role.OWNER)
    assert not any(can(user, action, space) for action in Action)


@pytest.mark.parametrize(
    ("actor", "current", "new", "allowed"),
    [
        (Role.OWNER, Role.MEMBER, Role.OWNER, True),
        (Role.OWNER, Role.FACILITATOR, None, True),
        (Role.FACILITATOR, Role.MEMBER, Role.READER, True),
        (Role.FACILITATOR, None, Role.MEMBER, True),
        (Role.FACILITATOR, Role.MEMBER, Role.FACILITATOR, False),
        (Role.FACILITATOR, Role.OWNER, None, False),
        (Role.FACILITATOR, None, Role.OWNER, False),
        (Role.MEMBER, Role.READER, Role.MEMBER, False),
    ],
)
def test_who_may_assign_which_role(actor, current, new, allowed):
    assert can_assign_role(actor, current, new) is allowed


def test_docs_permissions_table_matches_the_rules():
    """docs/permissions.md is generated from the same table; it must not drift."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "permissions.md").read_text()
    table = permission_table()
    for visibility in (PUBLIC, PRIVATE):
        for action in Action:
            row = re.search(rf"^\| {visibility} \| `{action}` \|(.*)\|$", text, re.MULTILINE)
            assert row, f"no row for {visibility} {action} in docs/permissions.md"
            cells = [cell.strip() for cell in row.group(1).split("|")]
            expected = ["yes" if table[(visibility, s)][action] else "—" for s in STANDINGS]
            assert cells == expected, f"{visibility} {action}"
