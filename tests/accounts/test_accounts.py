import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
LOAD_SETTINGS = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'project.settings'; django.setup();"
)


def png_bytes(size: tuple[int, int] = (8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#1f6f8b").save(buffer, format="PNG")
    return buffer.getvalue()


def sign_in(client, username: str, password: str):
    return client.post(
        reverse("accounts:sign_in"),
        {"username": username, "password": password},
        REMOTE_ADDR="203.0.113.9",
    )


def test_sign_in_and_sign_out(client):
    make_user("alice")
    response = sign_in(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").context["user"].username == "alice"
    client.post(reverse("accounts:sign_out"))
    assert not client.get("/").context["user"].is_authenticated


def test_wrong_password_shows_a_clear_error(client):
    make_user("alice")
    response = sign_in(client, "alice", "wrong")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_failed_sign_ins_are_throttled(client):
    make_user("alice")
    for _ in range(5):
        sign_in(client, "alice", "wrong")
    locked = sign_in(client, "alice", PASSWORD)
    assert locked.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in locked.templates]
    assert not client.get("/").context["user"].is_authenticated


def test_passwords_are_hashed_with_argon2():
    user = make_user()
    assert user.password.startswith("argon2$")


def test_password_reset_sends_an_email_with_a_working_link(client):
    make_user("alice", email="alice@example.org")
    response = client.post(reverse("accounts:password_reset"), {"email": "alice@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "nouveau-mot-de-passe-2026",
            "new_password2": "nouveau-mot-de-passe-2026",
        },
    )
    assert done.status_code == 302
    assert sign_in(client, "alice", "nouveau-mot-de-passe-2026").status_code == 302


def test_password_change(client):
    user = make_user("alice")
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "un-autre-mot-de-passe-2026",
            "new_password2": "un-autre-mot-de-passe-2026",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("un-autre-mot-de-passe-2026")


def test_profile_edit_saves_fields_expertise_and_avatar(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = make_user("alice")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile_edit"),
        {
            "display_name": "Alice Côté",
            "occupation": "social_worker",
            "organisation": "CIUSSS MCQ",
            "region": "Mauricie",
            "bio": "Intervenante de milieu.",
            "expertise_text": "familles,  décrochage , Familles",
            "avatar_upload": SimpleUploadedFile("moi.png", png_bytes(), "image/png"),
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Alice Côté"
    assert user.expertise == ["familles", "décrochage"]
    assert user.avatar.name.startswith("avatars/")
    assert "moi" not in user.avatar.name
    profile = client.get(reverse("accounts:profile", kwargs={"username": "alice"}))
    assert "Intervenante de milieu." in profile.content.decode()
    assert client.get(user.avatar.url).status_code == 200


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<svg onload=alert(1)></svg>", "evil.png"),
        (b"%PDF-1.4 not an image", "doc.jpg"),
    ],
)
def test_profile_refuses_files_that_are_not_allowed_images(
    client, settings, tmp_path, content, name
):
    settings.MEDIA_ROOT = tmp_path
    user = make_user("alice")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile_edit"),
        {"display_name": "Alice", "avatar_upload": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    user.refresh_from_db()
    assert not user.avatar


def test_profile_refuses_an_oversized_avatar(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CARNET_AVATAR_MAX_BYTES = 100
    user = make_user("alice")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile_edit"),
        {
            "display_name": "Alice",
            "avatar_upload": SimpleUploadedFile("a.png", png_bytes((64, 64))),
        },
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert not user.avatar


def test_feed_token_rotation(client):
    user = make_user()
    old = user.feed_token
    client.force_login(user)
    client.post(reverse("accounts:feed_token_rotate"))
    user.refresh_from_db()
    assert user.feed_token != old and len(user.feed_token) >= 32


def test_language_switcher_sets_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert 'lang="en"' in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert 'lang="fr"' in client.get("/").content.decode()


def test_french_is_the_default_language(client):
    page = client.get("/").content.decode()
    assert 'lang="fr"' in page
    assert "Le réseau des espaces" in page


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env["DEBUG"] = "0"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            LOAD_SETTINGS,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_production_settings_are_secure():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "x" * 50}
    code = (
        LOAD_SETTINGS + "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0,"
        " s.SECURE_PROXY_SSL_HEADER)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "True True True ('HTTP_X_FORWARDED_PROTO', 'https')"
