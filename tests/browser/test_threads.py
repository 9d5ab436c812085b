"""A live thread between two members' browsers (issue 5)."""

import re

import pytest
from playwright.sync_api import expect

from boards.models import LiveThread, Role
from boards.services.threads import message_post, reaction_toggle
from tests.browser.conftest import PHONE, screenshot, sign_in
from tests.factories import PASSWORD, make_member, make_space, make_thread, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def meeting():
    space = make_space("rencontre", name="Jeunes en projet", accent_color="#1f6f8b")
    marie = make_member(space, make_user("marie", display_name="Marie Tremblay"), Role.FACILITATOR)
    alice = make_member(space, make_user("alice", display_name="Alice Roy"), Role.MEMBER)
    bob = make_member(space, make_user("bob", display_name="Bob Gagnon"), Role.MEMBER)
    thread = make_thread(
        space,
        marie,
        title="Rencontre mensuelle — décembre",
        description="Tour de table, le mentorat aux Pionniers, décisions.",
    )
    agenda = message_post(
        author=marie,
        thread=thread,
        body="**Ordre du jour**\n\n1. Tour de table\n2. Le mentorat aux Pionniers\n3. Décisions",
    )
    reaction_toggle(actor=alice, message=agenda, emoji="👍")
    reaction_toggle(actor=bob, message=agenda, emoji="👍")
    news = message_post(
        author=bob,
        thread=thread,
        body="Le groupe de parents a repris : onze familles à la première rencontre !",
    )
    reaction_toggle(actor=marie, message=news, emoji="🎉")
    message_post(
        author=marie, thread=thread, body="Bravo @bob ! On passe au mentorat.", reply_to=news
    )
    return space, thread, alice, bob


def test_bob_sees_alices_message_appear_live_and_alice_sees_it_confirmed(new_page, meeting):
    space, thread, alice, bob = meeting
    url = f"/s/{space.slug}/t/{thread.pk}/"
    alice_page, bob_page = new_page(), new_page()
    sign_in(alice_page, alice.username, PASSWORD)
    sign_in(bob_page, bob.username, PASSWORD)
    alice_page.goto(url)
    bob_page.goto(url)
    bob_page.wait_for_function("document.body.dataset.live === 'live'")
    alice_page.wait_for_function("document.body.dataset.live === 'live'")

    # Alice writes two lines (Shift+Enter) and sends with Enter.
    composer = alice_page.locator("#composer-body")
    composer.click()
    composer.type("Chez nous, vingt-trois élèves sont jumelés.")
    composer.press("Shift+Enter")
    composer.type("Et dix-neuf adultes volontaires.")
    composer.press("Enter")
    expect(composer).to_have_value("")

    mine = alice_page.locator("#message-list > li.message", has_text="vingt-trois élèves")
    expect(mine).to_have_count(1)
    expect(mine).to_have_attribute("id", re.compile(r"^message-\d+$"))  # confirmed
    expect(mine).to_contain_text("dix-neuf adultes")
    expect(alice_page.locator("li.message--pending")).to_have_count(0)
    expect(mine.locator("[data-action=edit]")).to_be_visible()

    # Bob sees it without reloading, once, with no edit control of his own.
    theirs = bob_page.locator("#message-list > li.message", has_text="vingt-trois élèves")
    expect(theirs).to_have_count(1)
    expect(theirs.locator("[data-action=edit]")).to_be_hidden()
    expect(bob_page.locator(f'[data-thread-count="{thread.pk}"]').first).to_contain_text("4")

    # Bob reacts; Alice sees the count change live, with who reacted on hover.
    theirs.hover()  # the message's toolbar shows on hover (or focus)
    theirs.locator("details.reaction-picker summary").click()
    theirs.locator("button.reaction-picker__emoji", has_text="🎉").click()
    expect(theirs.locator("button.reaction[data-emoji='🎉']")).to_have_attribute(
        "aria-pressed", "true"
    )
    reaction = mine.locator("button.reaction[data-emoji='🎉']")
    expect(reaction).to_contain_text("1")
    expect(reaction).to_have_attribute("title", "Bob Gagnon")
    expect(reaction).to_have_attribute("aria-pressed", "false")

    # Mention autocompletion from the space's members, then a reply.
    composer.type("Merci @bo")
    suggestion = alice_page.locator("#mention-suggestions li", has_text="Bob Gagnon")
    expect(suggestion).to_be_visible()
    composer.press("Enter")
    expect(composer).to_have_value("Merci @bob ")
    composer.type("pour les chiffres.")
    composer.press("Enter")
    mention = bob_page.locator("#message-list a.mention", has_text="@bob")
    expect(mention).to_have_count(2)  # Marie's, then Alice's
    expect(mention.last).to_have_attribute("href", "/u/bob/")

    screenshot(bob_page, "threads-desktop")
    phone = new_page(viewport=PHONE)
    sign_in(phone, bob.username, PASSWORD)
    phone.goto(url)
    expect(phone.locator("#message-list > li.message")).to_have_count(5)
    phone.wait_for_function("document.querySelector('.thread').dataset.ready === 'true'")
    screenshot(phone, "threads-phone")


def test_alices_message_shows_the_error_when_the_thread_was_locked_meanwhile(new_page, meeting):
    space, thread, alice, bob = meeting
    page = new_page()
    sign_in(page, alice.username, PASSWORD)
    page.goto(f"/s/{space.slug}/t/{thread.pk}/")
    # Locked behind the page's back (no event): the server refuses, the page says why.
    LiveThread.objects.filter(pk=thread.pk).update(state=LiveThread.State.LOCKED)
    composer = page.locator("#composer-body")
    composer.type("Encore un point ?")
    composer.press("Enter")
    failed = page.locator("li.message--failed")
    expect(failed).to_contain_text("Encore un point ?")
    expect(failed).to_contain_text("Ce fil est verrouillé : on peut le lire")
    expect(page.locator("[data-composer-error]")).to_contain_text(
        "Ce fil est verrouillé : on peut le lire"
    )
    screenshot(page, "threads-send-error")


def test_the_thread_page_works_without_javascript(browser, live_server_url, meeting):
    space, thread, alice, bob = meeting
    context = browser.new_context(base_url=live_server_url, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, alice.username, PASSWORD)
        page.goto(f"/s/{space.slug}/t/{thread.pk}/")
        page.fill("#composer-body", "Sans JavaScript, ça marche aussi.")
        page.locator("#composer button[type=submit]").click()
        page.wait_for_url(re.compile(r"#message-\d+$"))
        expect(page.locator("#message-list > li.message").last).to_contain_text("Sans JavaScript")
        # Alice had reacted 👍 to the agenda with Bob: a plain form post takes hers back.
        thumbs = page.locator("#message-list > li.message").first.locator(
            "button.reaction[data-emoji='👍']"
        )
        expect(thumbs).to_have_attribute("aria-pressed", "true")
        thumbs.click()
        expect(thumbs).to_have_attribute("aria-pressed", "false")
        expect(thumbs).to_contain_text("1")
        expect(thumbs).to_have_attribute("title", "Bob Gagnon")
    finally:
        context.close()


def test_the_demo_meeting_and_the_thread_list(new_page):
    from boards.demo import DEMO_PASSWORD, PUBLIC_SLUG, seed_demo_network
    from boards.demo_threads import MEETING_TITLE, seed_demo_threads

    network = seed_demo_network()
    seed_demo_threads(network.public_space, network.users)
    page = new_page()
    sign_in(page, "marie", DEMO_PASSWORD)
    page.goto(f"/s/{PUBLIC_SLUG}/")
    page.locator(".space-nav a[href$='/t/']").click()
    expect(page.locator(".thread-card")).to_have_count(2)
    expect(page.locator(".thread-card").first).to_contain_text(MEETING_TITLE)
    expect(page.locator("form.new-thread")).to_be_visible()  # Marie facilitates
    screenshot(page, "threads-list")
    page.locator(".thread-card").first.get_by_role("link", name=MEETING_TITLE).click()
    page.wait_for_function("document.querySelector('.thread').dataset.ready === 'true'")
    expect(page.locator("#message-list > li.message").last).to_contain_text("temps des fêtes")
    expect(page.locator("#message-list > li.message").last).to_be_in_viewport()
    expect(page.locator("#message-list a.mention").first).to_be_visible()
    screenshot(page, "threads-demo-meeting")


def test_locking_a_thread_closes_the_composer_on_every_open_page(new_page, meeting):
    space, thread, alice, bob = meeting
    url = f"/s/{space.slug}/t/{thread.pk}/"
    facilitator, member = new_page(), new_page(viewport=PHONE)
    sign_in(facilitator, "marie", PASSWORD)
    sign_in(member, bob.username, PASSWORD)
    member.goto(url)
    member.wait_for_function("document.body.dataset.live === 'live'")
    expect(member.locator("#composer")).to_be_visible()
    facilitator.goto(url)
    facilitator.get_by_role("button", name=re.compile("Lock|Verrouiller")).click()
    facilitator.wait_for_url(url)
    expect(member.locator("#composer")).to_be_hidden()
    expect(member.locator("[data-closed-notice=locked]")).to_be_visible()
    expect(member.locator("[data-state-badge=locked]")).to_be_visible()
    screenshot(member, "threads-locked-phone")


def test_history_loads_upward_and_jump_to_latest_returns_to_the_bottom(new_page, meeting):
    space, thread, alice, bob = meeting
    for number in range(1, 71):
        message_post(author=bob, thread=thread, body=f"Point numéro {number}")
    page = new_page()
    sign_in(page, alice.username, PASSWORD)
    page.goto(f"/s/{space.slug}/t/{thread.pk}/")
    page.wait_for_function("document.querySelector('.thread').dataset.ready === 'true'")
    messages = page.locator("#message-list > li.message")
    expect(messages).to_have_count(50)
    expect(messages.last).to_be_in_viewport()
    jump = page.locator("[data-jump-latest]")
    expect(jump).to_be_hidden()

    # Scrolling to the top loads the older page above, once, keeping the reader's place.
    first_shown = messages.first.get_attribute("id")
    page.locator("#thread-scroller").evaluate("(scroller) => { scroller.scrollTop = 0; }")
    expect(messages).to_have_count(73)
    expect(page.locator(".thread__start")).to_be_attached()
    expect(page.locator(f"#{first_shown}")).to_be_in_viewport()
    expect(page.locator("#message-list > li.day-separator")).to_have_count(1)
    expect(jump).to_be_visible()
    jump.click()
    expect(messages.last).to_be_in_viewport()
    expect(jump).to_be_hidden()


def test_alice_edits_and_removes_her_message_inline_and_bob_sees_both(new_page, meeting):
    space, thread, alice, bob = meeting
    url = f"/s/{space.slug}/t/{thread.pk}/"
    alice_page, bob_page = new_page(), new_page()
    sign_in(alice_page, alice.username, PASSWORD)
    sign_in(bob_page, bob.username, PASSWORD)
    alice_page.goto(url)
    bob_page.goto(url)
    bob_page.wait_for_function("document.body.dataset.live === 'live'")
    composer = alice_page.locator("#composer-body")
    composer.type("Rendez-vous à 10 h")
    composer.press("Enter")
    mine = alice_page.locator("#message-list > li.message", has_text="Rendez-vous")
    expect(mine).to_have_attribute("id", re.compile(r"^message-\d+$"))

    mine.hover()
    mine.locator("[data-action=edit]").click()
    field = mine.locator("form.message__edit textarea")
    expect(field).to_have_value("Rendez-vous à 10 h")
    field.fill("Rendez-vous à 10 h 30")
    field.press("Enter")
    theirs = bob_page.locator("#message-list > li.message", has_text="Rendez-vous")
    expect(theirs).to_contain_text("10 h 30")
    expect(theirs.locator(".message__edited")).to_be_visible()

    alice_page.once("dialog", lambda dialog: dialog.accept())
    mine = alice_page.locator("#message-list > li.message").last
    mine.hover()
    mine.locator("[data-action=remove][data-owner-only]").click()
    expect(theirs).to_have_count(0)
    expect(bob_page.locator("#message-list > li.message--removed")).to_have_count(1)
