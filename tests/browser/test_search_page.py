"""A reader browses a space's home, follows a category, and searches without accents."""

from datetime import timedelta

from django.utils import timezone

from boards.demo import DEMO_PASSWORD, PRIVATE_SLUG, PUBLIC_SLUG, seed_demo_network
from tests.browser.conftest import PHONE, screenshot, sign_in
from tests.factories import make_article, make_comment

ARTICLES = [
    (
        "Le décrochage",
        "Trois signaux à surveiller dès la première secondaire",
        "Les absences répétées, la baisse soudaine des notes en français et le retrait des "
        "activités parascolaires annoncent souvent le **décrochage** bien avant le "
        "seizième anniversaire. Voici comment nous les repérons ensemble.",
        ["signaux précoces", "secondaire"],
        "marie",
    ),
    (
        "Expériences positives",
        "Un atelier de menuiserie qui a ramené six élèves en classe",
        "À l'École secondaire des Pionniers, un atelier du vendredi a redonné un sens à "
        "l'école pour des élèves au bord du décrochage. Bilan après une année.",
        ["projets pédagogiques", "persévérance"],
        "jean",
    ),
    (
        "Intervenants",
        "Travailler avec les familles de La Tuque : ce que j'ai appris",
        "Les rencontres à domicile changent la relation avec les parents. Quelques "
        "conseils pour les intervenants qui commencent en région éloignée.",
        ["familles", "intervention de milieu"],
        "sophie",
    ),
    (
        "Experts",
        "Facteurs de protection : ce que dit la recherche québécoise",
        "Le sentiment d'appartenance à l'école et un adulte significatif restent les deux "
        "facteurs les plus solides contre le décrochage scolaire.",
        ["recherche", "persévérance"],
        "luc",
    ),
    (
        "Le décrochage",
        "Les chiffres de la diplomation en Mauricie",
        "Le taux de diplomation après sept ans progresse, mais l'écart entre garçons et "
        "filles demeure. Lecture commentée des données régionales.",
        ["statistiques", "secondaire"],
        "luc",
    ),
    (
        "Expériences positives",
        "Le mentorat entre pairs au deuxième cycle",
        "Des élèves de cinquième secondaire accompagnent ceux de troisième : une heure par "
        "semaine, un carnet de bord, et beaucoup moins d'absences.",
        ["mentorat", "persévérance"],
        "marie",
    ),
]


def seed_articles():
    network = seed_demo_network()
    space = network.public_space
    categories = network.categories[PUBLIC_SLUG]
    now = timezone.now()
    articles = []
    for index, (category, title, body, tags, author) in enumerate(ARTICLES):
        articles.append(
            make_article(
                space,
                network.users[author],
                title=title,
                body=body,
                category=categories[category],
                tags=tags,
                published_at=now - timedelta(days=len(ARTICLES) - index, hours=index),
            )
        )
    make_comment(
        articles[1],
        network.users["sophie"],
        body="Le décrochage recule quand les élèves se sentent utiles : bravo pour l'atelier.",
    )
    make_article(
        network.private_space,
        network.users["marie"],
        title="Ordre du jour : décrochage et budget",
        body="Points à discuter au comité.",
    )
    return network, articles


def test_reader_browses_the_space_home_and_searches_without_accents(new_page):
    network, articles = seed_articles()
    page = new_page()
    page.goto(f"/s/{PUBLIC_SLUG}/")
    cards = page.locator("ol[data-live-articles] li.article-card")
    cards.first.wait_for()
    assert cards.count() == len(ARTICLES)
    assert cards.first.get_attribute("id") == f"article-{articles[-1].pk}"
    assert page.locator(".tag-cloud__tag").first.is_visible()
    assert page.get_by_role("link", name="Cégep de Trois-Rivières").is_visible()
    screenshot(page, "browse-space-home-desktop")

    page.locator(".category-list a", has_text="Expériences positives").click()
    page.wait_for_url(f"**/s/{PUBLIC_SLUG}/c/experiences-positives/")
    assert page.locator("li.article-card").count() == 2
    assert page.locator("ol[data-live-articles]").get_attribute("data-category-id") == str(
        network.categories[PUBLIC_SLUG]["Expériences positives"].pk
    )

    page.fill("#sidebar-search-q", "decrochage")
    page.locator(".sidebar-search button").click()
    page.wait_for_url("**/search/?q=decrochage")
    hits = page.locator(".search-hit")
    hits.first.wait_for()
    assert page.locator(".search-hit mark").first.is_visible()
    assert hits.count() == 4  # three articles and a comment; never the private agenda
    assert "Ordre du jour" not in page.content()
    screenshot(page, "search-space-desktop")


def test_member_searches_all_spaces_on_a_phone(new_page):
    seed_articles()
    page = new_page(viewport=PHONE)
    page.goto(f"/s/{PUBLIC_SLUG}/")
    page.locator("li.article-card").first.wait_for()
    screenshot(page, "browse-space-home-phone")

    sign_in(page, "marie", DEMO_PASSWORD)
    page.goto("/search/?q=DECROCHAGE")
    page.locator(".search-hit").first.wait_for()
    assert page.locator(".search-hit", has_text="Ordre du jour").is_visible()
    assert page.locator(f'.search-hit__space[href="/s/{PRIVATE_SLUG}/"]').is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "no horizontal scrolling on a phone"
    screenshot(page, "search-all-phone")
