"""Live threads: messages, permissions, mentions, reactions, pages and privacy."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from boards.models import LiveThread, Message, MessageMention, Reaction
from boards.selectors.threads import messages_page
from boards.services.threads import (
    message_edit,
    message_post,
    message_remove,
    reaction_toggle,
    thread_archive,
    thread_create,
    thread_lock,
    thread_reopen,
)
from realtime.models import Event
from tests.factories import make_thread

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
CONTRIBUTORS = ["owner", "facilitator", "alice"]
NOT_CONTRIBUTORS = ["reader", "outsider"]


@pytest.fixture
def thread(public_space, facilitator):
    return make_thread(public_space, facilitator, title="Rencontre de décembre")


@pytest.fixture
def private_thread(private_space, facilitator):
    return make_thread(private_space, facilitator, title="Budget du comité")


def last_event(space) -> Event:
    return Event.objects.filter(space=space).order_by("-seq").first()


def thread_url(thread) -> str:
    return f"/s/{thread.space.slug}/t/{thread.pk}/"


# Posting


@pytest.mark.parametrize("role", CONTRIBUTORS)
def test_members_facilitators_and_owners_post_messages(request, role, thread, public_space):
    user = request.getfixturevalue(role)
    message = message_post(author=user, thread=thread, body="Bonjour **à tous**")
    assert message.body_html == "<p>Bonjour <strong>à tous</strong></p>\n"
    thread.refresh_from_db()
    public_space.refresh_from_db()
    assert thread.message_count == 1
    assert thread.last_activity_at == message.created_at
    assert public_space.last_activity_at == message.created_at


@pytest.mark.parametrize("role", NOT_CONTRIBUTORS)
def test_readers_and_non_members_cannot_post(request, role, thread):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        message_post(author=user, thread=thread, body="Je peux ?")
    assert not Message.objects.exists()


def test_posting_appends_a_message_posted_event_with_its_fragment(alice, thread, public_space):
    message = message_post(author=alice, thread=thread, body="Salut", client_nonce="n-1")
    event = last_event(public_space)
    assert event.type == "message.posted"
    data = event.payload["data"]
    assert data["thread_id"] == thread.pk
    assert data["message_id"] == message.pk
    assert data["author_id"] == alice.pk
    assert data["message_count"] == 1
    assert data["client_nonce"] == "n-1"
    html = event.payload["html"]
    assert html.startswith(f'<li id="message-{message.pk}" class="message"')
    assert f'data-author-id="{alice.pk}"' in html and f'data-thread-id="{thread.pk}"' in html
    # Rendered for nobody: per-viewer controls stay hidden, no CSRF token inside.
    assert "csrfmiddlewaretoken" not in html
    assert 'data-owner-only data-edit-until="' in html and "hidden" in html


def test_message_body_is_sanitized(alice, thread):
    message = message_post(
        author=alice, thread=thread, body="<script>alert(1)</script> [x](javascript:alert(1))"
    )
    assert "<script" not in message.body_html
    assert 'href="javascript' not in message.body_html


def test_empty_and_too_long_messages_are_refused(alice, thread):
    with pytest.raises(ValidationError, match="Écrivez d'abord quelque chose"):
        message_post(author=alice, thread=thread, body="   ")
    with pytest.raises(ValidationError, match="au plus 4 000 caractères"):
        message_post(author=alice, thread=thread, body="a" * 4001)


def test_a_reply_quotes_its_parent(alice, bob, thread, client):
    parent = message_post(author=alice, thread=thread, body="Qui vient jeudi ?")
    reply = message_post(author=bob, thread=thread, body="Moi !", reply_to=parent)
    assert reply.reply_to == parent
    client.force_login(alice)
    page = client.get(thread_url(thread)).content.decode()
    assert f'data-quote-of="{parent.pk}"' in page
    assert "Qui vient jeudi ?" in page


# Locked and archived threads


def test_a_locked_thread_refuses_posts_with_a_clear_error(alice, facilitator, thread):
    thread_lock(actor=facilitator, thread=thread)
    with pytest.raises(ValidationError, match="Ce fil est verrouillé") as caught:
        message_post(author=alice, thread=thread, body="Encore un mot")
    assert caught.value.code == "thread_locked"


def test_posting_in_a_locked_thread_over_http_answers_409_with_the_reason(
    alice, facilitator, thread, client
):
    thread_lock(actor=facilitator, thread=thread)
    client.force_login(alice)
    response = client.post(thread_url(thread) + "post/", {"body": "Allô ?"}, **JSON)
    assert response.status_code == 409
    assert "Ce fil est verrouillé" in response.json()["error"]
    form_post = client.post(thread_url(thread) + "post/", {"body": "Allô ?"})
    assert form_post.status_code == 409
    assert "Ce fil est verrouillé : on peut le lire" in form_post.content.decode()
    assert not Message.objects.exists()


def test_an_archived_thread_refuses_posts_and_reactions(alice, bob, facilitator, thread):
    message = message_post(author=bob, thread=thread, body="Dernier mot")
    thread_archive(actor=facilitator, thread=thread)
    with pytest.raises(ValidationError, match="Ce fil est archivé"):
        message_post(author=alice, thread=thread, body="Trop tard")
    with pytest.raises(ValidationError, match="Ce fil est archivé"):
        reaction_toggle(actor=alice, message=message, emoji="👍")


@pytest.mark.parametrize("role", ["alice", "reader", "outsider"])
def test_only_moderators_lock_archive_and_reopen(request, role, thread):
    user = request.getfixturevalue(role)
    for change in (thread_lock, thread_archive, thread_reopen):
        with pytest.raises(PermissionDenied):
            change(actor=user, thread=thread)


def test_moderators_lock_and_reopen_threads_with_an_event(owner, thread, public_space):
    thread_lock(actor=owner, thread=thread)
    assert LiveThread.objects.get(pk=thread.pk).state == "locked"
    assert last_event(public_space).type == "thread.updated"
    assert last_event(public_space).payload["data"]["state"] == "locked"
    thread_reopen(actor=owner, thread=thread)
    assert LiveThread.objects.get(pk=thread.pk).state == "open"


def test_only_moderators_open_threads(alice, facilitator, public_space):
    with pytest.raises(PermissionDenied):
        thread_create(actor=alice, space=public_space, title="Ma réunion")
    thread = thread_create(actor=facilitator, space=public_space, title="Rencontre")
    assert last_event(public_space).type == "thread.created"
    assert last_event(public_space).payload["data"]["thread_id"] == thread.pk


# Editing


def test_the_author_edits_within_the_window_and_the_message_is_marked_edited(
    alice, thread, public_space, client
):
    message = message_post(author=alice, thread=thread, body="Rendez-vous à 10 h")
    edited = message_edit(actor=alice, message=message, body="Rendez-vous à 10 h 30")
    assert edited.edited_at is not None
    assert "10 h 30" in edited.body_html
    assert last_event(public_space).type == "message.edited"
    client.force_login(alice)
    assert "message__edited" in client.get(thread_url(thread)).content.decode()


@pytest.mark.parametrize("role", ["bob", "facilitator", "owner", "reader", "outsider"])
def test_nobody_but_the_author_edits_a_message(request, role, alice, thread):
    message = message_post(author=alice, thread=thread, body="Mon texte")
    with pytest.raises(PermissionDenied):
        message_edit(actor=request.getfixturevalue(role), message=message, body="Le leur")
    assert Message.objects.get(pk=message.pk).body_md == "Mon texte"


def test_editing_after_the_window_is_refused(alice, thread, settings):
    settings.CARNET_MESSAGE_EDIT_SECONDS = 60
    message = message_post(author=alice, thread=thread, body="Vite")
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(seconds=61))
    message.refresh_from_db()
    with pytest.raises(PermissionDenied, match="pendant 1 min après son envoi"):
        message_edit(actor=alice, message=message, body="Trop tard")


def test_editing_over_http_answers_json_errors(alice, bob, thread, client, settings):
    message = message_post(author=alice, thread=thread, body="Premier jet")
    url = f"{thread_url(thread)}m/{message.pk}/edit/"
    client.force_login(bob)
    assert client.post(url, {"body": "Pirate"}, **JSON).status_code == 403
    client.force_login(alice)
    response = client.post(url, {"body": "Version finale"}, **JSON)
    assert response.status_code == 200
    assert "Version finale" in response.json()["html"]
    settings.CARNET_MESSAGE_EDIT_SECONDS = 0
    late = client.post(url, {"body": "Encore"}, **JSON)
    assert late.status_code == 403
    assert "peut être modifié pendant" in late.json()["error"]


# Removing


@pytest.mark.parametrize("role", ["alice", "facilitator", "owner"])
def test_the_author_and_moderators_remove_a_message(request, role, alice, thread, public_space):
    message = message_post(author=alice, thread=thread, body="À retirer")
    removed = message_remove(actor=request.getfixturevalue(role), message=message)
    assert removed.is_removed and removed.body_md == "" and removed.body_html == ""
    thread.refresh_from_db()
    assert thread.message_count == 0
    event = last_event(public_space)
    assert event.type == "message.removed"
    assert "Message removed" in event.payload["html"] or "Message retiré" in event.payload["html"]
    assert "À retirer" not in event.payload["html"]


@pytest.mark.parametrize("role", ["bob", "reader", "outsider"])
def test_others_cannot_remove_a_message(request, role, alice, thread):
    message = message_post(author=alice, thread=thread, body="Le mien")
    with pytest.raises(PermissionDenied):
        message_remove(actor=request.getfixturevalue(role), message=message)
    assert not Message.objects.get(pk=message.pk).is_removed


def test_a_removed_message_keeps_its_place_in_the_page(alice, bob, thread, client):
    message = message_post(author=alice, thread=thread, body="Oups")
    message_post(author=bob, thread=thread, body="Après")
    client.force_login(bob)
    client.post(f"{thread_url(thread)}m/{message.pk}/remove/")  # not bob's: refused
    assert not Message.objects.get(pk=message.pk).is_removed
    client.force_login(alice)
    response = client.post(f"{thread_url(thread)}m/{message.pk}/remove/")
    assert response.status_code == 302
    page = client.get(thread_url(thread)).content.decode()
    assert f'id="message-{message.pk}" class="message message--removed' in page
    assert "Oups" not in page


# Reactions


def test_reactions_toggle_and_count_one_of_each_per_member(alice, bob, thread, public_space):
    message = message_post(author=alice, thread=thread, body="On adopte ?")
    assert reaction_toggle(actor=bob, message=message, emoji="👍") is True
    assert reaction_toggle(actor=alice, message=message, emoji="👍") is True
    assert reaction_toggle(actor=bob, message=message, emoji="🎉") is True
    event = last_event(public_space)
    assert event.type == "reaction.changed"
    assert event.payload["data"]["reactions"] == {"👍": 2, "🎉": 1}
    assert event.payload["data"]["on"] is True
    assert reaction_toggle(actor=bob, message=message, emoji="👍") is False
    assert Reaction.objects.filter(message=message, emoji="👍").count() == 1
    assert last_event(public_space).payload["data"]["reactions"] == {"👍": 1, "🎉": 1}
    assert 'title="Bob"' in last_event(public_space).payload["html"]


def test_unknown_emoji_are_refused(alice, thread):
    message = message_post(author=alice, thread=thread, body="Hé")
    with pytest.raises(ValidationError, match="Choisissez une de ces réactions"):
        reaction_toggle(actor=alice, message=message, emoji="💩")


@pytest.mark.parametrize("role", NOT_CONTRIBUTORS)
def test_readers_and_non_members_cannot_react(request, role, alice, thread):
    message = message_post(author=alice, thread=thread, body="Hé")
    with pytest.raises(PermissionDenied):
        reaction_toggle(actor=request.getfixturevalue(role), message=message, emoji="👍")


def test_reacting_over_http_answers_counts_and_who_reacted(alice, bob, thread, client):
    message = message_post(author=alice, thread=thread, body="Hé")
    client.force_login(bob)
    url = f"{thread_url(thread)}m/{message.pk}/react/"
    response = client.post(url, {"emoji": "❤️"}, **JSON)
    assert response.status_code == 200
    body = response.json()
    assert body["on"] is True and body["reactions"] == {"❤️": 1}
    assert 'aria-pressed="true"' in body["html"] and 'title="Bob"' in body["html"]
    assert client.post(url, {"emoji": "nope"}, **JSON).status_code == 400
    assert client.post(url, {"emoji": "❤️"}).status_code == 302  # plain form: toggled off
    assert not Reaction.objects.exists()


# Mentions


def test_mentions_of_members_are_stored_and_rendered_as_links(alice, bob, thread):
    message = message_post(author=alice, thread=thread, body="Merci @bob pour le compte rendu")
    assert list(MessageMention.objects.filter(message=message).values_list("user", flat=True)) == [
        bob.pk
    ]
    assert '<a class="mention" href="/u/bob/"' in message.body_html
    assert ">@bob</a>" in message.body_html


def test_a_mention_of_a_non_member_is_plain_text(alice, outsider, thread):
    message = message_post(author=alice, thread=thread, body="Salut @oscar et @personne")
    assert not MessageMention.objects.exists()
    assert "<a" not in message.body_html
    assert "@oscar" in message.body_html


def test_mentions_in_code_addresses_and_links_are_left_alone(alice, bob, thread):
    message = message_post(
        author=alice,
        thread=thread,
        body="`@bob` et bob@example.org et [@bob](https://example.org)",
    )
    assert 'class="mention"' not in message.body_html
    assert not MessageMention.objects.exists()


def test_editing_updates_the_stored_mentions(alice, bob, facilitator, thread):
    message = message_post(author=alice, thread=thread, body="@bob tu as vu ?")
    message_edit(actor=alice, message=message, body="@fanny tu as vu ?")
    assert list(MessageMention.objects.values_list("user", flat=True)) == [facilitator.pk]


def test_member_autocompletion_lists_matching_members_only(alice, bob, outsider, client):
    client.force_login(alice)
    response = client.get("/s/jeunes/members.json?q=bo")
    assert response.status_code == 200
    names = [member["username"] for member in response.json()["members"]]
    assert names == ["bob"]
    assert client.get("/s/jeunes/members.json?q=osc").json()["members"] == []


# Pages and pagination


def test_keyset_pages_are_stable_while_new_messages_arrive(alice, bob, thread):
    for number in range(1, 121):
        Message.objects.create(thread=thread, author=alice, body_md=str(number))
    newest = messages_page(thread, size=50)
    assert [m.body_md for m in newest.messages] == [str(n) for n in range(71, 121)]
    assert newest.has_older and not newest.has_newer
    older = messages_page(thread, before=newest.older_cursor, size=50)
    assert [m.body_md for m in older.messages] == [str(n) for n in range(21, 71)]
    for number in range(121, 131):
        message_post(author=bob, thread=thread, body=str(number))
    again = messages_page(thread, before=newest.older_cursor, size=50)
    assert [m.pk for m in again.messages] == [m.pk for m in older.messages]
    oldest = messages_page(thread, before=older.older_cursor, size=50)
    assert [m.body_md for m in oldest.messages] == [str(n) for n in range(1, 21)]
    assert not oldest.has_older and oldest.has_newer
    newer = messages_page(thread, after=oldest.newer_cursor, size=50)
    assert [m.pk for m in newer.messages] == [m.pk for m in older.messages]


def test_the_thread_page_shows_the_newest_messages_with_a_link_to_older_ones(alice, thread, client):
    for number in range(1, 61):
        Message.objects.create(
            thread=thread, author=alice, body_md=f"m{number}", body_html=f"<p>m{number}</p>"
        )
    first = Message.objects.filter(thread=thread).order_by("id")[10]
    page = client.get(thread_url(thread)).content.decode()
    assert "m60" in page and f"?before={first.pk}" in page
    older = client.get(thread_url(thread), {"before": first.pk}).content.decode()
    assert "This is the beginning of the thread" in older or "début" in older
    assert f'id="message-{first.pk}"' not in older


def test_a_thread_page_is_a_bounded_number_of_queries(
    alice, bob, thread, client, django_assert_max_num_queries
):
    for number in range(40):
        message = message_post(
            author=alice if number % 2 else bob, thread=thread, body=f"n{number}"
        )
        reaction_toggle(actor=alice, message=message, emoji="👍")
        reaction_toggle(actor=bob, message=message, emoji="🎉")
    reply = message_post(author=alice, thread=thread, body="@bob oui", reply_to=message)
    assert reply.reply_to_id
    client.force_login(alice)
    with django_assert_max_num_queries(12):
        response = client.get(thread_url(thread))
    assert response.status_code == 200


def test_a_permalink_redirects_to_the_page_holding_the_message(alice, thread, client):
    for number in range(1, 121):
        Message.objects.create(
            thread=thread, author=alice, body_md=f"m{number}", body_html=f"<p>m{number}</p>"
        )
    target = Message.objects.filter(thread=thread).order_by("id")[9]
    response = client.get(f"{thread_url(thread)}m/{target.pk}/")
    assert response.status_code == 302
    assert response.url.endswith(f"#message-{target.pk}")
    page = client.get(response.url.split("#")[0]).content.decode()
    assert f'id="message-{target.pk}"' in page
    latest = Message.objects.filter(thread=thread).order_by("-id").first()
    assert client.get(f"{thread_url(thread)}m/{latest.pk}/").url == (
        f"{thread_url(thread)}#message-{latest.pk}"
    )


def test_the_thread_list_shows_open_threads_first_then_locked_then_transcripts(
    facilitator, public_space, client
):
    archived = make_thread(public_space, facilitator, title="Ancienne", state="archived")
    locked = make_thread(public_space, facilitator, title="Verrouillée", state="locked")
    opened = make_thread(public_space, facilitator, title="En cours")
    page = client.get("/s/jeunes/t/").content.decode()
    assert page.index(f'id="thread-{opened.pk}"') < page.index(f'id="thread-{locked.pk}"')
    assert page.index(f'id="thread-{locked.pk}"') < page.index(f'id="thread-{archived.pk}"')
    assert 'action="/s/jeunes/t/new/"' not in page  # anonymous: no "new thread" form


def test_the_thread_list_has_an_empty_state_and_a_form_for_moderators(
    facilitator, alice, public_space, client
):
    client.force_login(alice)
    page = client.get("/s/jeunes/t/").content.decode()
    assert 'class="empty"' in page and 'action="/s/jeunes/t/new/"' not in page
    client.force_login(facilitator)
    assert 'action="/s/jeunes/t/new/"' in client.get("/s/jeunes/t/").content.decode()
    response = client.post("/s/jeunes/t/new/", {"title": "Rencontre de janvier"})
    thread = LiveThread.objects.get(title="Rencontre de janvier")
    assert response.url == thread_url(thread)
    client.force_login(alice)
    assert client.post("/s/jeunes/t/new/", {"title": "Moi aussi"}).status_code == 403


def test_posting_over_http_answers_json_or_redirects(alice, thread, client):
    client.force_login(alice)
    response = client.post(
        thread_url(thread) + "post/", {"body": "Par fetch", "client_nonce": "abc"}, **JSON
    )
    assert response.status_code == 201
    data = response.json()
    assert data["client_nonce"] == "abc"
    assert f'id="message-{data["message_id"]}"' in data["html"]
    plain = client.post(thread_url(thread) + "post/", {"body": "Par formulaire"})
    latest = Message.objects.order_by("-id").first()
    assert plain.status_code == 302 and plain.url == f"{thread_url(thread)}#message-{latest.pk}"
    empty = client.post(thread_url(thread) + "post/", {"body": ""}, **JSON)
    assert empty.status_code == 400 and empty.json()["error"] == "Écrivez d'abord quelque chose."


def test_signed_out_fetch_calls_get_401_and_form_posts_go_to_sign_in(thread, client):
    response = client.post(thread_url(thread) + "post/", {"body": "Anonyme"}, **JSON)
    assert response.status_code == 401
    assert client.post(thread_url(thread) + "post/", {"body": "Anonyme"}).status_code == 302
    assert not Message.objects.exists()


# Privacy


def test_nothing_of_a_private_thread_reaches_a_non_member_over_http(
    alice, outsider, private_thread, client
):
    message = message_post(author=alice, thread=private_thread, body="Secret du comité")
    base = thread_url(private_thread)
    urls_get = [
        "/s/comite/t/",
        base,
        f"{base}?before={message.pk + 1}",
        f"{base}m/{message.pk}/",
        f"{base}m/{message.pk}/edit/",
        f"{base}m/{message.pk}/remove/",
        "/s/comite/members.json?q=a",
    ]
    urls_post = [
        "/s/comite/t/new/",
        f"{base}post/",
        f"{base}state/",
        f"{base}m/{message.pk}/edit/",
        f"{base}m/{message.pk}/remove/",
        f"{base}m/{message.pk}/react/",
    ]
    for who in (outsider, None):
        client.logout()
        if who is not None:
            client.force_login(who)
        for url in urls_get:
            response = client.get(url, **JSON)
            assert response.status_code == 404, url
            assert "Secret" not in response.content.decode()
        for url in urls_post:
            response = client.post(url, {"body": "x", "emoji": "👍", "action": "lock"}, **JSON)
            assert response.status_code == 404, url
    assert Message.objects.count() == 1 and not Reaction.objects.exists()


def test_a_thread_is_not_reachable_through_another_space(alice, private_thread, client):
    client.force_login(alice)
    assert client.get(f"/s/jeunes/t/{private_thread.pk}/").status_code == 404


def test_members_of_a_private_space_read_and_post_in_its_threads(alice, private_thread, client):
    client.force_login(alice)
    assert client.get(thread_url(private_thread)).status_code == 200
    response = client.post(thread_url(private_thread) + "post/", {"body": "Présente"}, **JSON)
    assert response.status_code == 201


def test_a_reader_sees_the_thread_but_no_composer(reader, alice, thread, client):
    message_post(author=alice, thread=thread, body="Bonjour")
    client.force_login(reader)
    page = client.get(thread_url(thread)).content.decode()
    assert "Bonjour" in page
    assert 'id="composer"' not in page
    assert f'<ul class="presence-list" data-presence-thread="{thread.pk}">' in page
    assert f'data-typing-thread="{thread.pk}" aria-live="polite"' in page


def test_event_payloads_are_json_safe(alice, thread, public_space):
    message_post(author=alice, thread=thread, body="Hé @bob")
    for event in Event.objects.filter(space=public_space):
        json.dumps(event.payload)


# Demo


def test_the_demo_meeting_is_seeded_once_with_reactions_mentions_and_a_transcript(
    public_space,
):
    from boards.demo_threads import MEETING_TITLE, seed_demo_threads
    from boards.models import Role
    from tests.factories import make_member, make_user

    users = {}
    for username, role in [
        ("marie", Role.FACILITATOR),
        ("jean", Role.MEMBER),
        ("sophie", Role.MEMBER),
        ("luc", Role.MEMBER),
    ]:
        users[username] = make_member(public_space, make_user(username), role)
    threads = seed_demo_threads(public_space, users)
    again = seed_demo_threads(public_space, users)
    assert [t.pk for t in threads] == [t.pk for t in again]
    assert [t.state for t in threads] == ["archived", "open"]
    meeting = LiveThread.objects.get(title=MEETING_TITLE)
    assert meeting.message_count >= 20
    assert MessageMention.objects.filter(message__thread=meeting, user=users["jean"]).exists()
    assert Reaction.objects.filter(message__thread=meeting).count() > 20
    assert Message.objects.filter(thread=meeting, reply_to__isnull=False).exists()


def test_the_thread_page_separates_days(alice, thread, client):
    yesterday = timezone.now() - timedelta(days=1)
    Message.objects.create(
        thread=thread, author=alice, body_md="hier", body_html="<p>hier</p>", created_at=yesterday
    )
    Message.objects.create(thread=thread, author=alice, body_md="ajd", body_html="<p>ajd</p>")
    Message.objects.create(thread=thread, author=alice, body_md="encore", body_html="<p>encore</p>")
    page = client.get(thread_url(thread)).content.decode()
    assert page.count('class="day-separator"') == 2
    assert page.index("hier") < page.rindex('class="day-separator"') < page.index("ajd")


def test_an_archived_thread_reads_like_a_transcript_from_its_beginning(
    alice, facilitator, thread, client
):
    for number in range(1, 61):
        Message.objects.create(
            thread=thread, author=alice, body_md=f"m{number}", body_html=f"<p>m{number}</p>"
        )
    thread_archive(actor=facilitator, thread=thread)
    client.force_login(alice)
    page = client.get(thread_url(thread)).content.decode()
    assert "<p>m1</p>" in page and "<p>m60</p>" not in page
    assert "Newer messages" in page or "Messages plus récents" in page
    composer = page[page.index('id="composer"') :].split(">", 1)[0]
    assert " hidden" in composer  # closed to new messages
    assert "This thread is archived" in page or "archivé" in page
