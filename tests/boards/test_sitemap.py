import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from boards.models import Article
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def locations(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [loc.text for loc in root.findall(".//sm:loc", NS)]


def all_sitemap_urls(client) -> list[str]:
    sections = locations(client, "/sitemap.xml")
    assert sections, "the sitemap index lists its sections"
    urls = []
    for section in sections:
        urls += locations(client, section.removeprefix("http://testserver"))
    return urls


def test_sitemap_lists_public_spaces_their_published_articles_and_categories(
    client, public_space, private_space, alice
):
    category = make_category(public_space, "Pratiques")
    make_category(public_space, "Vide")
    published = make_article(public_space, alice, title="Publié", category=category)
    draft = make_article(public_space, alice, title="Brouillon", status=Article.Status.DRAFT)
    secret = make_article(private_space, alice, title="Secret")
    private_category = make_category(private_space, "Dossiers")
    make_article(private_space, alice, category=private_category)

    urls = all_sitemap_urls(client)
    base = "http://testserver"
    assert base + public_space.get_absolute_url() in urls
    assert base + published.get_absolute_url() in urls
    assert base + category.get_absolute_url() in urls
    assert base + f"/s/{public_space.slug}/c/vide/" not in urls  # nothing to show yet
    joined = "\n".join(urls)
    assert draft.get_absolute_url() not in joined
    assert secret.get_absolute_url() not in joined
    assert private_space.slug not in joined


def test_sitemap_gives_each_article_its_last_modification(client, public_space, alice):
    make_article(public_space, alice, title="Publié")
    response = client.get("/sitemap-articles.xml")
    assert response.status_code == 200
    assert re.search(rb"<lastmod>\d{4}-\d{2}-\d{2}", response.content)


def test_robots_txt_keeps_crawlers_out_of_private_pages_and_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    for path in ["/s/*/settings/", "/s/*/search/", "/search/", "/s/*/write/", "/feeds/"]:
        assert f"Disallow: {path}" in text
    assert f"Sitemap: http://testserver{reverse('boards:sitemap')}" in text
    assert "Disallow: /\n" not in text


def test_article_pages_carry_canonical_and_open_graph_tags(client, public_space, alice):
    article = make_article(public_space, alice, title="Le mentorat entre pairs")
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="http://testserver{article.get_absolute_url()}">' in html
    assert '<meta property="og:title" content="Le mentorat entre pairs">' in html
    assert '<meta property="og:type" content="article">' in html
