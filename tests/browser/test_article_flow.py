"""A member writes an article with the live preview and publishes it; another comments."""

import re

from boards.demo import DEMO_PASSWORD, PUBLIC_SLUG, seed_demo_network
from boards.models import Article, Comment
from tests.browser.conftest import PHONE, screenshot, sign_in

BODY = """Cette année, nous avons essayé quelque chose de **tout simple** : appeler les
parents pour leur annoncer une *bonne nouvelle*.

## Ce que nous avons fait

- Un appel par semaine et par enseignant
- Une phrase précise : ce que l'élève a réussi

> « C'est la première fois que l'école m'appelle pour ça. »
"""


def test_a_member_writes_with_the_preview_publishes_and_another_comments(new_page):
    seed_demo_network()

    # Jean writes: the preview follows the text, the draft saves itself.
    writer = new_page()
    sign_in(writer, "jean", DEMO_PASSWORD)
    writer.goto(f"/s/{PUBLIC_SLUG}/write/")
    writer.fill("input[name=title]", "Appeler les parents pour une bonne nouvelle")
    writer.fill("textarea[name=body]", BODY)
    preview = writer.locator("#preview")
    preview.locator("strong", has_text="tout simple").wait_for()
    assert preview.locator("h2", has_text="Ce que nous avons fait").is_visible()
    assert preview.locator("blockquote").is_visible()
    writer.select_option("select[name=category]", label="Expériences positives")
    writer.fill("input[name=tags]", "familles, lien école-famille")
    # The autosave turns the page into the draft's edit page, in a few seconds.
    writer.wait_for_url(re.compile(r"/a/appeler-les-parents-pour-une-bonne-nouvelle/edit/$"))
    assert Article.objects.get().status == Article.Status.DRAFT
    screenshot(writer, "article-editor-desktop")

    writer.locator("button[name=action][value=publish]").click()
    writer.wait_for_url(re.compile(r"/a/appeler-les-parents-pour-une-bonne-nouvelle/$"))
    assert writer.locator("h1.article__title").inner_text() == (
        "Appeler les parents pour une bonne nouvelle"
    )
    article = Article.objects.get()
    assert article.is_published and article.tags.count() == 2

    # Sophie reads it and comments.
    reader = new_page()
    sign_in(reader, "sophie", DEMO_PASSWORD)
    reader.goto(article.get_absolute_url())
    reader.fill(
        "#comment-form textarea[name=body]",
        "Bravo ! Je vais proposer la même chose aux *familles* que j'accompagne.",
    )
    reader.locator("#comment-form button[type=submit]").click()
    reader.wait_for_url(re.compile(r"#comment-\d+$"))
    comment = Comment.objects.get()
    posted = reader.locator(f"#comment-{comment.pk}")
    posted.wait_for()
    assert posted.locator("em", has_text="familles").is_visible()
    assert reader.locator(f"[data-comment-count='{article.pk}']").first.inner_text() == "1"
    # Her own comment shows her the controls to edit or remove it.
    assert posted.locator("[data-owner-only]").first.is_visible()

    # Jean answers from the article page: the reply sits under Sophie's comment.
    writer.goto(f"{article.get_absolute_url()}?reply={comment.pk}#comment-form")
    writer.fill(
        "#comment-form textarea[name=body]", "Merci Sophie, on s'en reparle à la rencontre."
    )
    writer.locator("#comment-form button[type=submit]").click()
    reply = writer.locator(f"ol.replies[data-parent-id='{comment.pk}'] article.comment")
    reply.wait_for()
    assert "on s'en reparle" in reply.inner_text()
    assert not writer.locator(f"#comment-{comment.pk} [data-owner-only]").first.is_visible()

    writer.goto(article.get_absolute_url())
    writer.locator("#comments").wait_for()
    screenshot(writer, "article-with-comments-desktop")
    phone = new_page(viewport=PHONE)
    sign_in(phone, "sophie", DEMO_PASSWORD)
    phone.goto(article.get_absolute_url())
    phone.locator(f"#comment-{comment.pk}").wait_for()
    screenshot(phone, "article-with-comments-phone")
