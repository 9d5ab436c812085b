"""Who is here and who is typing, between two members' browsers (issue 5)."""

import pytest
from playwright.sync_api import Page, expect

from boards.models import Role
from boards.services.threads import message_post
from tests.browser.conftest import PHONE, screenshot, sign_in
from tests.factories import PASSWORD, make_member, make_space, make_thread, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def meeting():
    space = make_space("reunion", name="Jeunes en projet", accent_color="#1f6f8b")
    marie = make_member(space, make_user("marie", display_name="Marie Tremblay"), Role.FACILITATOR)
    alice = make_member(space, make_user("alice", display_name="Alice Roy"), Role.MEMBER)
    bob = make_member(space, make_user("bob", display_name="Bob Gagnon"), Role.MEMBER)
    thread = make_thread(
        space, marie, title="Rencontre mensuelle — décembre", description="Tour de table."
    )
    message_post(author=marie, thread=thread, body="Bonjour à toutes et à tous !")
    message_post(author=bob, thread=thread, body="Bonjour ! Je suis là.")
    return space, thread, alice, bob


def open_thread(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("document.body.dataset.live === 'live'")


def typing_text(page: Page, name: str) -> str:
    """The page's own words (its language) for "<name> is typing…"."""
    return page.locator(".thread").get_attribute("data-label-typing-one").replace("{name}", name)


def test_bob_sees_alice_arrive_type_post_and_leave(new_page, meeting):
    space, thread, alice, bob = meeting
    url = f"/s/{space.slug}/t/{thread.pk}/"
    bob_page = new_page()
    sign_in(bob_page, bob.username, PASSWORD)
    open_thread(bob_page, url)
    here = bob_page.locator(f'[data-presence-thread="{thread.pk}"] .presence-member__name')
    expect(here).to_have_count(1)
    expect(here).to_have_text("Bob Gagnon")

    alice_page = new_page()
    sign_in(alice_page, alice.username, PASSWORD)
    open_thread(alice_page, url)
    expect(here).to_have_count(2)
    expect(here).to_have_text(["Alice Roy", "Bob Gagnon"])
    expect(alice_page.locator(".presence-member", has_text="Bob Gagnon")).to_be_visible()

    # Alice types: Bob sees it, Alice does not see herself typing.
    composer = alice_page.locator("#composer-body")
    composer.click()
    composer.press_sequentially("Je propose qu’on fixe la date du camp", delay=30)
    typing_line = bob_page.locator(f'[data-typing-thread="{thread.pk}"]')
    expect(typing_line).to_have_text(typing_text(bob_page, "Alice Roy"))
    expect(alice_page.locator(f'[data-typing-thread="{thread.pk}"]')).to_have_text("")
    screenshot(bob_page, "presence-typing-desktop")

    # She sends: her message appears for Bob and the typing line goes.
    composer.press("Enter")
    expect(bob_page.locator("#message-list > li.message", has_text="fixe la date")).to_have_count(1)
    expect(typing_line).to_have_text("")

    # A phone: Bob's second tab still counts him once.
    phone = new_page(viewport=PHONE)
    sign_in(phone, bob.username, PASSWORD)
    open_thread(phone, url)
    phone_here = phone.locator(f'[data-presence-thread="{thread.pk}"] .presence-member__name')
    expect(phone_here).to_have_count(2)
    composer.press_sequentially("On en reparle jeudi", delay=30)
    expect(phone.locator(f'[data-typing-thread="{thread.pk}"]')).to_have_text(
        typing_text(phone, "Alice Roy")
    )
    phone.locator(".thread__presence").scroll_into_view_if_needed()
    screenshot(phone, "presence-phone")

    # Alice closes her page: Bob sees her leave (and stop typing), on both his tabs.
    alice_page.close()
    expect(here).to_have_count(1)
    expect(here).to_have_text("Bob Gagnon")
    expect(typing_line).to_have_text("")
    expect(phone_here).to_have_count(1)
    screenshot(bob_page, "presence-after-leave-desktop")
