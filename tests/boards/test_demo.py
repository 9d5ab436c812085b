import pytest
from django.core.management import call_command

from accounts.models import User
from boards.demo import DEMO_PASSWORD, PRIVATE_SLUG, PUBLIC_SLUG
from boards.models import (
    Article,
    Category,
    Comment,
    Link,
    LiveThread,
    Membership,
    Message,
    Reaction,
    Role,
    Space,
)

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            Space,
            Membership,
            Category,
            Link,
            Article,
            Comment,
            LiveThread,
            Message,
            Reaction,
        )
    }


def test_seed_demo_is_idempotent_and_builds_the_documented_network():
    call_command("seed_demo", stdout=None)
    first = counts()
    call_command("seed_demo", stdout=None)
    assert counts() == first

    public = Space.objects.get(slug=PUBLIC_SLUG)
    private = Space.objects.get(slug=PRIVATE_SLUG)
    assert public.is_public and not private.is_public
    assert {"Le décrochage", "Expériences positives", "Intervenants", "Experts"} <= set(
        public.categories.values_list("name", flat=True)
    )
    roles = dict(public.memberships.values_list("user__username", "role"))
    assert roles["marie"] == Role.FACILITATOR
    assert [roles[name] for name in ("jean", "sophie", "luc")] == [Role.MEMBER] * 3
    assert roles["claire"] == Role.READER
    assert public.links.count() >= 3
    assert Article.objects.filter(space=public, status=Article.Status.PUBLISHED).count() >= 12
    assert Message.objects.filter(thread__space=public).count() >= 15
    assert Article.objects.filter(space=private, status=Article.Status.PUBLISHED).count() >= 2
    for username in ("marie", "jean", "sophie", "luc", "claire"):
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
