import re

import pytest

from boards.models import Space
from boards.templatetags.carnet_look import (
    DARK_BACKGROUNDS,
    LIGHT_BACKGROUNDS,
    contrast,
    on_accent,
    space_accent_style,
)
from tests.factories import make_space

pytestmark = pytest.mark.django_db


def inks(space) -> dict[str, str]:
    style = str(space_accent_style(space))
    light, _, dark = style.partition("@media")
    values = dict(re.findall(r"--([a-z-]+): (#[0-9a-f]{6})", light))
    values["dark-accent-ink"] = re.search(r"--accent-ink: (#[0-9a-f]{6})", dark).group(1)
    return values


@pytest.mark.parametrize("accent", ["#ffe14d", "#f5f5f5", "#7fd1ae", "#1f6f8b", "#111111"])
def test_every_accent_gets_readable_inks(accent):
    values = inks(make_space(accent_color=accent))
    assert values["accent"] == accent
    assert contrast(values["on-accent"], accent) >= 4.5
    for background in LIGHT_BACKGROUNDS:
        assert contrast(values["accent-ink"], background) >= 4.5
    for background in DARK_BACKGROUNDS:
        assert contrast(values["dark-accent-ink"], background) >= 4.5


def test_pale_accents_get_dark_ink_and_deep_ones_white():
    assert on_accent("#ffe14d") != "#ffffff"
    assert on_accent("#1f6f8b") == "#ffffff"


def test_a_malformed_colour_falls_back_to_the_default_accent():
    space = Space(slug="x", name="X", accent_color="red;}body{display:none")
    style = str(space_accent_style(space))
    assert "display:none" not in style
    assert "--accent: #1f6f8b;" in style


def test_space_pages_carry_the_computed_inks(client):
    space = make_space("soleil", accent_color="#ffe14d")
    html = client.get(space.get_absolute_url()).content.decode()
    assert "--accent: #ffe14d; --on-accent: #15181b;" in html
