import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from boards.services.spaces import space_update
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def png_upload(name: str = "logo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "#7a4b94").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/png")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_logo_of_a_private_space_is_served_to_members_only(client, private_space, owner, reader):
    space_update(actor=owner, space=private_space, logo=png_upload())
    url = private_space.logo.url
    assert url.startswith(f"/media/spaces/{private_space.pk}/")
    assert "logo" not in url.rsplit("/", 1)[1]

    assert client.get(url).status_code == 404
    client.force_login(make_user())
    assert client.get(url).status_code == 404
    client.force_login(reader)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")
    assert response["Content-Type"] == "image/png"


def test_logo_of_a_public_space_is_public(client, public_space, owner):
    space_update(actor=owner, space=public_space, logo=png_upload())
    response = client.get(public_space.logo.url)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("public")


@pytest.mark.parametrize(
    "path",
    [
        "/media/../project/settings.py",
        "/media/spaces/x/a.png",
        "/media/other/a.png",
        "/media/avatars/nope.png",
    ],
)
def test_media_view_refuses_what_it_should_not_serve(client, path, db):
    assert client.get(path).status_code == 404


def test_logo_that_is_not_an_image_is_refused_and_nothing_changes(
    client, public_space, facilitator
):
    client.force_login(facilitator)
    response = client.post(
        f"/s/{public_space.slug}/settings/",
        {
            "name": public_space.name,
            "accent_color": "#1f6f8b",
            "visibility": "public",
            "logo_upload": SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>"),
        },
    )
    assert response.status_code == 200
    public_space.refresh_from_db()
    assert not public_space.logo
