"""A space's look in templates: its accent colour made readable, its private feeds.

A space may pick any accent colour, from pale yellow to near black. Text drawn on the
accent (the band, buttons) and text drawn in the accent (links, tags) must stay legible
(WCAG AA, 4.5:1), so the inks are computed here from the colour rather than assumed.
"""

import re

from django import template
from django.urls import reverse
from django.utils.html import format_html

from accounts.models import User
from boards.models import Membership, Space

register = template.Library()

DEFAULT_ACCENT = "#1f6f8b"
LIGHT_INK = "#ffffff"
DARK_INK = "#15181b"
# The page colours links and tags sit on (static/css/carnet.css, light and dark).
LIGHT_BACKGROUNDS = ("#ffffff", "#f7f6f3")
DARK_BACKGROUNDS = ("#121416", "#1b1f22")
MIN_CONTRAST = 4.5

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
RGB = tuple[float, float, float]


def _rgb(hex_colour: str) -> RGB:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _hex(rgb: RGB) -> str:
    return "#" + "".join(f"{round(max(0, min(255, channel))):02x}" for channel in rgb)


def _mix(colour: RGB, other: RGB, amount: float) -> RGB:
    """`amount` of `other` into `colour` (0 keeps `colour`)."""
    return tuple(c + (o - c) * amount for c, o in zip(colour, other, strict=True))  # type: ignore[return-value]


def _luminance(rgb: RGB) -> float:
    def linear(channel: float) -> float:
        channel /= 255
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    lighter, darker = sorted((_luminance(_rgb(first)), _luminance(_rgb(second))), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def valid_accent(colour: str | None) -> str:
    return colour.lower() if colour and _HEX.match(colour) else DEFAULT_ACCENT


@register.filter
def on_accent(colour: str) -> str:
    """The ink (white or near black) that reads best on the accent colour."""
    colour = valid_accent(colour)
    return max((LIGHT_INK, DARK_INK), key=lambda ink: contrast(colour, ink))


def readable_accent(colour: str, backgrounds: tuple[str, ...], towards: str) -> str:
    """The accent, moved towards `towards` just enough to read on every background."""
    base = _rgb(valid_accent(colour))
    target = _rgb(towards)
    candidate = _hex(base)
    for step in range(0, 21):
        candidate = _hex(_mix(base, target, step / 20))
        if all(contrast(candidate, background) >= MIN_CONTRAST for background in backgrounds):
            return candidate
    return candidate


@register.simple_tag
def space_accent_style(space: Space) -> str:
    """The <style> giving a page its space's accent and the inks that go with it."""
    accent = valid_accent(space.accent_color)
    soft = _hex(_mix(_rgb(accent), _rgb("#ffffff"), 0.88))
    light_ink = readable_accent(accent, (*LIGHT_BACKGROUNDS, soft), DARK_INK)
    dark_ink = readable_accent(accent, DARK_BACKGROUNDS, "#ffffff")
    return format_html(
        "<style>:root{{--accent: {}; --on-accent: {}; --accent-ink: {};}}"
        "@media (prefers-color-scheme: dark){{:root{{--accent-ink: {};}}}}</style>",
        accent,
        on_accent(accent),
        light_ink,
        dark_ink,
    )


@register.simple_tag
def private_feeds_of(user: User) -> list[dict[str, object]]:
    """The personal feed addresses of the private spaces `user` belongs to (paths)."""
    if not getattr(user, "is_authenticated", False):
        return []
    memberships = (
        Membership.objects.filter(user=user, space__visibility=Space.Visibility.PRIVATE)
        .select_related("space")
        .order_by("space__name")
    )
    return [
        {
            "space": membership.space,
            "rss": reverse(
                "boards:private_feed",
                kwargs={"token": user.feed_token, "space": membership.space.slug},
            ),
            "atom": reverse(
                "boards:private_feed_atom",
                kwargs={"token": user.feed_token, "space": membership.space.slug},
            ),
        }
        for membership in memberships
    ]
