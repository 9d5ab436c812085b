"""The Markdown pipeline against an XSS list: nothing executable survives.

Assertions read the output with html.parser, the way a browser tokenizes it, rather
than only searching for substrings.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from boards.rendering import (
    ALLOWED_TAGS,
    excerpt_of,
    reading_minutes_of,
    render_markdown,
)

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "background"}
SAFE_SCHEMES = {"", "http", "https", "mailto"}
EXECUTABLE_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg",
    "math", "form", "input", "button", "textarea", "select", "link", "meta", "base", "video",
    "audio", "source", "template", "noscript", "xmp", "plaintext", "title",
}  # fmt: skip


class Parsed(HTMLParser):
    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.comments: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag

    def handle_comment(self, data):
        self.comments.append(data)


def assert_harmless(markup: str) -> Parsed:
    parsed = Parsed(markup)
    assert not parsed.comments, "comments can hide conditional markup"
    for tag, attrs in parsed.tags:
        assert tag in ALLOWED_TAGS, f"unexpected <{tag}>"
        assert tag not in EXECUTABLE_TAGS
        for name, value in attrs.items():
            assert not name.startswith("on"), f"event handler {name} on <{tag}>"
            assert name not in {"style", "srcdoc", "formaction", "xlink:href"}
            if name in URL_ATTRIBUTES:
                # html.parser decoded entities once, as a browser does; blanks and controls go too.
                url = "".join(ch for ch in value if ch > " ").lower()
                assert urlsplit(url).scheme in SAFE_SCHEMES, f"{name}={value!r} on <{tag}>"
    return parsed


XSS = [
    # script tags, plain and disguised
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>script>alert(1)//<</script>/script>",
    "\x3cscript>alert(1)\x3c/script>",
    # javascript:, data: and vbscript: URLs in links and images
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;avascript&#x3A;alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click]( javascript:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![img](javascript:alert(1))",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<img src="javascript:alert(1)">',
    # event-handler attributes
    "<img src=x onerror=alert(1)>",
    '<a href="https://example.org" onclick="alert(1)">x</a>',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '![x](https://example.org/x.png" onerror="alert(1))',
    '[x](https://example.org "title" onmouseover=alert(1))',
    '[x](https://example.org"onmouseover="alert(1))',
    # SVG and MathML payloads
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    # nested and malformed HTML
    "<div><p><b><i><script>alert(1)</script>",
    '<img src="x" <script>alert(1)</script>',
    '<a href="https://example.org"><a href="javascript:alert(1)">nested</a></a>',
    '<p title="</p><script>alert(1)</script>">',
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<style>@import 'javascript:alert(1)';</style>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<p style="background:url(javascript:alert(1))">x</p>',
    # HTML entities and encodings
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>',  # noqa: E501
    "[x](&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1))",  # noqa: E501
    # Markdown tricks
    "[x](https://example.org)<img src=x onerror=alert(1)>",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
    "> <img src=x onerror=alert(1)>",
    "* [x](javascript:alert(1))",
    "www.example.org/<script>alert(1)</script>",
    'https://example.org/"onmouseover="alert(1)',
]


@pytest.mark.parametrize("payload", XSS)
def test_nothing_executable_survives_the_renderer(payload):
    assert_harmless(render_markdown(payload))


@pytest.mark.parametrize("payload", XSS)
def test_the_plain_text_excerpt_carries_no_markup(payload):
    excerpt = excerpt_of(render_markdown(payload))
    assert not Parsed(excerpt).tags


def test_raw_html_is_shown_as_text_not_interpreted():
    output = render_markdown("<b>gras</b> et <script>alert(1)</script>")
    parsed = assert_harmless(output)
    assert [tag for tag, _attrs in parsed.tags] == ["p"]
    assert "&lt;script&gt;" in output


def test_safe_links_and_images_survive_with_rel_attributes():
    parsed = assert_harmless(
        render_markdown(
            '[Le CTREQ](https://www.ctreq.qc.ca "Centre") ![graphique](/media/spaces/1/x.png)'
        )
    )
    links = [attrs for tag, attrs in parsed.tags if tag == "a"]
    images = [attrs for tag, attrs in parsed.tags if tag == "img"]
    assert links[0]["href"] == "https://www.ctreq.qc.ca"
    assert links[0]["title"] == "Centre"
    assert set(links[0]["rel"].split()) >= {"noopener", "noreferrer", "nofollow", "ugc"}
    assert images[0]["src"] == "/media/spaces/1/x.png"
    assert images[0]["alt"] == "graphique"


def test_dangerous_links_keep_their_text_but_lose_the_url():
    parsed = assert_harmless(render_markdown("[cliquez ici](javascript:alert(1))"))
    assert all("href" not in attrs for tag, attrs in parsed.tags if tag == "a")


def test_everyday_markdown_renders_as_expected():
    output = render_markdown(
        "## Constats\n\n- un\n- deux\n\n> citation\n\n**fort** *doux* ~~barré~~\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\nhttps://example.org"
    )
    parsed = assert_harmless(output)
    tags = {tag for tag, _attrs in parsed.tags}
    assert {"h2", "ul", "li", "blockquote", "strong", "em", "s", "table", "td", "a"} <= tags


def test_reading_time_counts_words():
    words = " ".join(["mot"] * 600)
    assert reading_minutes_of(render_markdown(words)) == 3
    assert reading_minutes_of("") == 1
