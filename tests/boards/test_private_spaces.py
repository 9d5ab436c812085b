"""A private space answers 404 to non-members on every URL under it."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import make_user

pytestmark = pytest.mark.django_db

SAMPLE_VALUES = {
    "space": None,  # filled with the private space's slug
    "article": "un-article",
    "category": "le-decrochage",
    "tag": "orientation",
    "username": "alice",
    "year": "2026",
    "month": "11",
    "thread_id": "1",
    "membership_id": "1",
    "invitation_id": "1",
    "category_id": "1",
    "link_id": "1",
    "comment_id": "1",
    "message_id": "1",
    "token": "x",
}


def space_urls(slug: str) -> list[str]:
    """Every URL pattern under /s/<space>/, filled with sample values."""
    found: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and "<slug:space>" in route:
                url = route
                for name, value in {**SAMPLE_VALUES, "space": slug}.items():
                    for converter in ("slug", "str", "int", "path"):
                        url = url.replace(f"<{converter}:{name}>", value)
                found.append("/" + url.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns, "")
    return found


def test_there_are_urls_to_check(private_space):
    assert len(space_urls(private_space.slug)) >= 5


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_every_url_of_a_private_space_is_a_404_for_non_members(client, private_space, who):
    if who == "outsider":
        client.force_login(make_user())
    for url in space_urls(private_space.slug):
        assert "<" not in url, f"unfilled URL parameter in {url}"
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 404, f"{method.__name__.upper()} {url}"


def test_a_member_reads_the_private_space(client, private_space, reader):
    client.force_login(reader)
    assert client.get(private_space.get_absolute_url()).status_code == 200


def test_unknown_space_and_private_space_look_the_same(client, private_space):
    unknown = client.get("/s/nexiste-pas/")
    private = client.get(private_space.get_absolute_url())
    assert unknown.status_code == private.status_code == 404
    assert unknown.templates[0].name == private.templates[0].name


def test_private_space_is_missing_from_the_home_page_of_non_members(
    client, private_space, public_space, alice
):
    anonymous_home = client.get("/").content.decode()
    assert public_space.name in anonymous_home
    assert private_space.name not in anonymous_home
    client.force_login(alice)
    assert private_space.name in client.get("/").content.decode()


def test_private_membership_does_not_leak_on_profile_pages(client, private_space, alice):
    assert private_space.name not in client.get(f"/u/{alice.username}/").content.decode()
