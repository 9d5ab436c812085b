"""Markdown in, sanitized HTML out: the one renderer for articles, comments and messages.

HTML is rendered once at write time and stored; templates and event fragments insert
the stored HTML as is, so everything that reaches a browser went through `nh3` here.
"""

import math
import re

import nh3
from django.utils.html import strip_tags
from django.utils.text import Truncator
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False}).enable(
    ["table", "strikethrough", "linkify"]
)

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "del",
    "s",
    "code",
    "pre",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
    "code": {"class"},
    "span": {"class"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
WORDS_PER_MINUTE = 220


def render_markdown(text: str) -> str:
    """Render Markdown to HTML that is safe to insert in any page."""
    html = _markdown.render(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow ugc",
        strip_comments=True,
    )


def sanitize_html(html: str) -> str:
    """Sanitize HTML built elsewhere with the same rules as rendered Markdown."""
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=ALLOWED_URL_SCHEMES
    )


def plain_text(html: str) -> str:
    return re.sub(r"\s+", " ", strip_tags(html)).strip()


def excerpt_of(html: str, words: int = 40) -> str:
    return Truncator(plain_text(html)).words(words, truncate="…")


def reading_minutes_of(html: str) -> int:
    return max(1, math.ceil(len(plain_text(html).split()) / WORDS_PER_MINUTE))
