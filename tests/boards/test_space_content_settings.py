"""Categories and links, managed by a space's owners and facilitators."""

import pytest
from django.urls import reverse

from boards.models import Article, Category, Link, Role
from tests.factories import make_article, make_member

pytestmark = pytest.mark.django_db


def url(space, name="boards:settings_content", **kwargs):
    return reverse(name, kwargs={"space": space.slug, **kwargs})


def test_facilitator_adds_a_category_and_a_link(client, public_space, facilitator):
    client.force_login(facilitator)
    client.post(
        url(public_space),
        {"kind": "category", "category-name": "Parents et familles", "category-description": ""},
    )
    client.post(
        url(public_space),
        {"kind": "link", "link-title": "UQTR", "link-url": "https://www.uqtr.ca/"},
    )
    category = Category.objects.get(space=public_space)
    assert (category.name, category.slug) == ("Parents et familles", "parents-et-familles")
    assert Link.objects.get(space=public_space).url == "https://www.uqtr.ca/"
    home = client.get(public_space.get_absolute_url()).content.decode()
    assert "Parents et familles" in home and "https://www.uqtr.ca/" in home


def test_duplicate_category_gets_a_form_error_and_nothing_changes(
    client, public_space, facilitator
):
    client.force_login(facilitator)
    for _ in range(2):
        response = client.post(url(public_space), {"kind": "category", "category-name": "Experts"})
    assert response.status_code == 200
    assert response.context["category_form"].non_field_errors()
    assert Category.objects.filter(space=public_space).count() == 1


def test_link_must_be_a_web_address(client, public_space, facilitator):
    client.force_login(facilitator)
    response = client.post(
        url(public_space),
        {"kind": "link", "link-title": "x", "link-url": "javascript:alert(1)"},
    )
    assert response.status_code == 200
    assert "url" in response.context["link_form"].errors
    assert not Link.objects.exists()


def test_deleting_a_category_keeps_its_articles(client, public_space, facilitator, alice):
    category = Category.objects.create(space=public_space, name="Experts", slug="experts")
    article = make_article(public_space, alice, category=category)
    client.force_login(facilitator)
    client.post(url(public_space, "boards:category_delete", category_id=category.pk))
    assert not Category.objects.filter(pk=category.pk).exists()
    article.refresh_from_db()
    assert article.category is None
    assert Article.objects.filter(pk=article.pk).exists()


def test_deleting_a_link(client, public_space, facilitator):
    link = Link.objects.create(space=public_space, title="UQTR", url="https://www.uqtr.ca/")
    client.force_login(facilitator)
    client.post(url(public_space, "boards:link_delete", link_id=link.pk))
    assert not Link.objects.exists()


@pytest.mark.parametrize("role", [Role.MEMBER, Role.READER])
def test_members_and_readers_cannot_manage_categories_or_links(client, public_space, role):
    category = Category.objects.create(space=public_space, name="Experts", slug="experts")
    link = Link.objects.create(space=public_space, title="UQTR", url="https://www.uqtr.ca/")
    client.force_login(make_member(public_space, role=role))
    assert client.get(url(public_space)).status_code == 403
    assert (
        client.post(url(public_space), {"kind": "category", "category-name": "X"}).status_code
        == 403
    )
    assert (
        client.post(
            url(public_space, "boards:category_delete", category_id=category.pk)
        ).status_code
        == 403
    )
    assert client.post(url(public_space, "boards:link_delete", link_id=link.pk)).status_code == 403
    assert Category.objects.count() == 1 and Link.objects.count() == 1


def test_a_category_of_another_space_cannot_be_deleted_from_here(
    client, public_space, private_space, facilitator
):
    other = Category.objects.create(space=private_space, name="Projets", slug="projets")
    client.force_login(facilitator)
    response = client.post(url(public_space, "boards:category_delete", category_id=other.pk))
    assert response.status_code == 404
    assert Category.objects.filter(pk=other.pk).exists()
