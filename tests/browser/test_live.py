"""Live comments and articles between two members' browsers (issue 4)."""

import re

import pytest
from playwright.sync_api import expect

from boards.models import Role
from tests.browser.conftest import screenshot, sign_in
from tests.factories import PASSWORD, make_article, make_member, make_space, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def meeting():
    space = make_space("comite-live", visibility="private", name="Comité en direct")
    alice = make_member(space, make_user("alicia"), Role.MEMBER)
    bruno = make_member(space, make_user("bruno"), Role.MEMBER)
    article = make_article(space, alice, title="Ordre du jour")
    return space, alice, bruno, article


def post_comment(page, text: str) -> None:
    page.fill("#comment-form textarea[name=body]", text)
    page.locator("#comment-form button[type=submit]").click()


def test_a_comment_appears_on_the_other_members_page_and_survives_going_offline(new_page, meeting):
    space, alice, bruno, article = meeting
    url = f"/s/{space.slug}/a/{article.slug}/"
    writer, reader = new_page(), new_page()
    sign_in(writer, alice.username, PASSWORD)
    sign_in(reader, bruno.username, PASSWORD)
    writer.goto(url)
    reader.goto(url)
    reader.wait_for_function("document.body.dataset.live === 'live'")

    post_comment(writer, "Premier point : le budget.")
    comments = reader.locator("#comments .comment-list > li")
    expect(comments).to_have_count(1)
    expect(comments.first).to_contain_text("Premier point : le budget.")
    expect(reader.locator(f'[data-comment-count="{article.pk}"]').first).to_have_text("1")
    # Someone else's comment: no edit button for the reader.
    expect(comments.first.locator("[data-owner-only]").first).to_be_hidden()

    # The reader's network goes away while a comment is posted, then comes back.
    reader.context.set_offline(True)
    reader.wait_for_function("document.body.dataset.live !== 'live'")
    post_comment(writer, "Deuxième point : le calendrier.")
    writer.wait_for_url(re.compile(r"#comment-\d+$"))
    expect(reader.locator("#comments .comment-list > li")).to_have_count(1)
    reader.context.set_offline(False)
    expect(reader.locator("#comments .comment-list > li")).to_have_count(2)
    expect(reader.locator("#comments .comment-list > li").last).to_contain_text(
        "Deuxième point : le calendrier."
    )
    expect(reader.locator(f'[data-comment-count="{article.pk}"]').first).to_have_text("2")
    screenshot(reader, "live-comment-after-offline")

    # The writer's own page got its comments live as well, once each.
    writer.goto(url)
    expect(writer.locator("#comments .comment-list > li")).to_have_count(2)
    expect(
        writer.locator("#comments .comment-list > li").first.locator("[data-owner-only]").first
    ).to_be_visible()


def test_a_published_article_is_announced_on_the_space_home_without_moving_the_page(
    new_page, meeting
):
    space, alice, bruno, article = meeting
    writer, reader = new_page(), new_page()
    sign_in(writer, alice.username, PASSWORD)
    sign_in(reader, bruno.username, PASSWORD)
    reader.goto(f"/s/{space.slug}/")
    reader.wait_for_function("document.body.dataset.live === 'live'")
    cards = reader.locator("ol[data-live-articles] > li.article-card")
    expect(cards).to_have_count(1)

    writer.goto(f"/s/{space.slug}/write/")
    writer.fill("input[name=title]", "Compte rendu")
    writer.fill("textarea[name=body]", "Ce qui a été décidé.")
    writer.locator("button[name=action][value=publish]").click()
    writer.wait_for_url(re.compile(r"/a/compte-rendu"))

    bar = reader.locator(".live-new-articles")
    expect(bar).to_be_visible()
    expect(bar).to_contain_text("1")
    expect(cards).to_have_count(1)  # nothing moves until the reader asks
    bar.click()
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("Compte rendu")
    expect(bar).to_be_hidden()
