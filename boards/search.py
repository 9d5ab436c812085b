"""Full-text search of published articles and their comments, limited to what the reader
may read.

Two engines behind one function, chosen by the database in use:

- PostgreSQL: `websearch_to_tsquery` on the `carnet_fr` configuration (French stemming,
  accents folded by `unaccent`), ranked with `ts_rank`, snippets from `ts_headline`;
  the vectors are the expressions indexed (GIN) by boards/migrations/0002_search.py, so
  the text here must stay identical to the index definitions.
- SQLite: FTS5 tables kept in sync by triggers (same migration), ranked with `bm25`,
  snippets from `snippet()`; accents folded by the `unicode61` tokenizer.

What may be read is decided here, in SQL, before ranking: published articles of spaces
the reader can read, comments not removed on those articles. Snippets are built from
the Markdown source, escaped, and only the highlight markers become markup.
"""

import re
from dataclasses import dataclass
from typing import Literal

import nh3
from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from boards.models import Article, Comment, Space
from boards.permissions import AnyUser
from boards.selectors.spaces import space_ids_readable_by

PAGE_SIZE = 20
MAX_PAGES = 10
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12

# Private-use characters mark highlights in engine output; no text in Carnet uses them.
_START = "\ue000"
_STOP = "\ue001"

_PG_ARTICLE_VECTOR = (
    "setweight(to_tsvector('carnet_fr'::regconfig, coalesce(a.title, '')), 'A') || "
    "setweight(to_tsvector('carnet_fr'::regconfig, coalesce(a.body_md, '')), 'B')"
)
_PG_COMMENT_VECTOR = "setweight(to_tsvector('carnet_fr'::regconfig, coalesce(c.body_md, '')), 'B')"
_PG_HEADLINE_OPTIONS = (
    f'StartSel="{_START}", StopSel="{_STOP}", MaxWords=32, MinWords=14, '
    'MaxFragments=2, FragmentDelimiter=" … "'
)
_PG_TITLE_OPTIONS = f'StartSel="{_START}", StopSel="{_STOP}", HighlightAll=true'
# Articles are what people come for: a comment must match twice as well to rank as high.
COMMENT_WEIGHT = 0.5


@dataclass
class SearchHit:
    kind: Literal["article", "comment"]
    article: Article
    comment: Comment | None
    score: float
    snippet: SafeString
    title: SafeString

    @property
    def url(self) -> str:
        return self.comment.get_absolute_url() if self.comment else self.article.get_absolute_url()

    @property
    def space(self) -> Space:
        return self.article.space


@dataclass
class SearchResults:
    query: str
    hits: list[SearchHit]
    page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    def __bool__(self) -> bool:
        return bool(self.hits)


def normalize_query(query: str | None) -> str:
    return re.sub(r"\s+", " ", (query or "")).strip()[:MAX_QUERY_LENGTH]


def search(
    *, reader: AnyUser, query: str, space: Space | None = None, page: int = 1
) -> SearchResults:
    """Published articles and comments matching `query`, best first, that `reader` may read.

    Within `space` when given (nothing at all if the reader may not read it), else across
    every space the reader can read.
    """
    query = normalize_query(query)
    page = min(max(page, 1), MAX_PAGES)
    readable = space_ids_readable_by(reader)
    if space is not None:
        readable = [space.pk] if space.pk in readable else []
    if not query or not readable:
        return SearchResults(query=query, hits=[], page=page, has_next=False)

    wanted = page * PAGE_SIZE + 1
    engine = _PostgresEngine() if connection.vendor == "postgresql" else _SqliteEngine()
    comments = [
        (kind, pk, score * COMMENT_WEIGHT, snippet, title)
        for kind, pk, score, snippet, title in engine.comments(query, readable, wanted)
    ]
    rows = engine.articles(query, readable, wanted) + comments
    rows.sort(key=lambda row: row[2], reverse=True)
    hits = _load_hits(rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    return SearchResults(query=query, hits=hits, page=page, has_next=len(rows) > page * PAGE_SIZE)


# A row is (kind, id, score (higher is better), raw snippet, raw highlighted title or "").
Row = tuple[str, int, float, str, str]


def _in_list(values: list[int]) -> str:
    return ", ".join(["%s"] * len(values))


class _PostgresEngine:
    def articles(self, query: str, space_ids: list[int], limit: int) -> list[Row]:
        sql = f"""
            SELECT hit.id, hit.rank, ts_headline('carnet_fr', hit.body_md, hit.query, %s),
                   ts_headline('carnet_fr', hit.title, hit.query, %s)
            FROM (
                SELECT a.id, a.title, a.body_md, a.published_at, q.query,
                       ts_rank({_PG_ARTICLE_VECTOR}, q.query) AS rank
                FROM boards_article a,
                     websearch_to_tsquery('carnet_fr'::regconfig, %s) AS q(query)
                WHERE ({_PG_ARTICLE_VECTOR}) @@ q.query
                  AND a.status = %s
                  AND a.space_id IN ({_in_list(space_ids)})
                ORDER BY rank DESC, a.published_at DESC, a.id DESC
                LIMIT %s
            ) AS hit
            ORDER BY hit.rank DESC, hit.published_at DESC, hit.id DESC
        """
        params = [
            _PG_HEADLINE_OPTIONS,
            _PG_TITLE_OPTIONS,
            query,
            Article.Status.PUBLISHED,
            *space_ids,
            limit,
        ]
        return [("article", *row) for row in _fetch(sql, params)]

    def comments(self, query: str, space_ids: list[int], limit: int) -> list[Row]:
        sql = f"""
            SELECT hit.id, hit.rank, ts_headline('carnet_fr', hit.body_md, hit.query, %s), ''
            FROM (
                SELECT c.id, c.body_md, c.created_at, q.query,
                       ts_rank({_PG_COMMENT_VECTOR}, q.query) AS rank
                FROM boards_comment c
                JOIN boards_article a ON a.id = c.article_id,
                     websearch_to_tsquery('carnet_fr'::regconfig, %s) AS q(query)
                WHERE ({_PG_COMMENT_VECTOR}) @@ q.query
                  AND c.removed_at IS NULL
                  AND a.status = %s
                  AND a.space_id IN ({_in_list(space_ids)})
                ORDER BY rank DESC, c.created_at DESC, c.id DESC
                LIMIT %s
            ) AS hit
            ORDER BY hit.rank DESC, hit.created_at DESC, hit.id DESC
        """
        params = [_PG_HEADLINE_OPTIONS, query, Article.Status.PUBLISHED, *space_ids, limit]
        return [("comment", *row) for row in _fetch(sql, params)]


class _SqliteEngine:
    def articles(self, query: str, space_ids: list[int], limit: int) -> list[Row]:
        match = fts5_query(query)
        if not match:
            return []
        # bm25 is "lower is better"; a title match weighs as much as eight in the body.
        sql = f"""
            SELECT a.id, -bm25(boards_article_fts, 8.0, 1.0) AS score,
                   snippet(boards_article_fts, 1, %s, %s, ' … ', 32),
                   highlight(boards_article_fts, 0, %s, %s)
            FROM boards_article_fts
            JOIN boards_article a ON a.id = boards_article_fts.rowid
            WHERE boards_article_fts MATCH %s
              AND a.status = %s
              AND a.space_id IN ({_in_list(space_ids)})
            ORDER BY score DESC, a.published_at DESC, a.id DESC
            LIMIT %s
        """
        params = [_START, _STOP, _START, _STOP, match, Article.Status.PUBLISHED, *space_ids, limit]
        return [("article", *row) for row in _fetch(sql, params)]

    def comments(self, query: str, space_ids: list[int], limit: int) -> list[Row]:
        match = fts5_query(query)
        if not match:
            return []
        sql = f"""
            SELECT c.id, -bm25(boards_comment_fts) AS score,
                   snippet(boards_comment_fts, 0, %s, %s, ' … ', 32), ''

            FROM boards_comment_fts
            JOIN boards_comment c ON c.id = boards_comment_fts.rowid
            JOIN boards_article a ON a.id = c.article_id
            WHERE boards_comment_fts MATCH %s
              AND c.removed_at IS NULL
              AND a.status = %s
              AND a.space_id IN ({_in_list(space_ids)})
            ORDER BY score DESC, c.created_at DESC, c.id DESC
            LIMIT %s
        """
        params = [_START, _STOP, match, Article.Status.PUBLISHED, *space_ids, limit]
        return [("comment", *row) for row in _fetch(sql, params)]


def fts5_query(query: str) -> str:
    """The reader's words as an FTS5 query: every word required, as a phrase (so that no
    FTS5 operator or syntax error can come from input), words of three letters or more
    also matching as prefixes ("projet" finds "projets")."""
    terms = re.findall(r"\w+", query)[:MAX_TERMS]
    return " ".join(
        f'"{term}"*' if len(term) >= 3 else f'"{term}"' for term in terms if term.strip("_")
    )


def _fetch(sql: str, params: list[object]) -> list[tuple[int, float, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], float(row[1]), row[2] or "", row[3] or "") for row in cursor.fetchall()]


def _load_hits(rows: list[Row]) -> list[SearchHit]:
    article_ids = [row[1] for row in rows if row[0] == "article"]
    comment_ids = [row[1] for row in rows if row[0] == "comment"]
    articles = Article.objects.select_related("space", "author", "category").in_bulk(article_ids)
    comments = Comment.objects.select_related("article__space", "author").in_bulk(comment_ids)
    hits = []
    for kind, pk, score, raw_snippet, raw_title in rows:
        if kind == "article" and pk in articles:
            article, comment = articles[pk], None
        elif kind == "comment" and pk in comments:
            comment = comments[pk]
            article = comment.article
        else:  # deleted between the two queries
            continue
        hits.append(
            SearchHit(
                kind=kind,
                article=article,
                comment=comment,
                score=score,
                snippet=snippet_html(raw_snippet),
                title=highlighted_html(raw_title) if raw_title else escape(article.title),
            )
        )
    return hits


_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_MARKS = re.compile(r"[*`#~|]+|(?<!\w)_+|_+(?!\w)|^\s*(?:>\s*)+|^\s*[-+]\s+", re.MULTILINE)


def snippet_html(raw: str) -> SafeString:
    """An engine's snippet (Markdown source with highlight markers) as safe HTML: the
    text escaped, Markdown punctuation dropped, highlights as <mark>."""
    text = _MARKDOWN_LINK.sub(r"\1", raw)
    text = _MARKDOWN_MARKS.sub("", text)
    return highlighted_html(re.sub(r"\s+", " ", text).strip())


def highlighted_html(raw: str) -> SafeString:
    """Text with highlight markers as safe HTML: escaped, highlights as <mark>."""
    html = escape(raw).replace(_START, "<mark>").replace(_STOP, "</mark>")
    # Balances any marker left unpaired by truncation; nothing but <mark> survives.
    return mark_safe(nh3.clean(html, tags={"mark"}, attributes={}))  # noqa: S308
