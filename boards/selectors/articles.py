"""Reads of articles and comments, through the permission rules.

Drafts are visible only to their author: not to other members, and not to the
space's facilitators or owners either (a draft is a private notebook page). An
article a moderator unpublished becomes its author's draft again.
"""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from accounts.models import User
from boards.models import Article, ArticleSlugRedirect, Comment, Space
from boards.selectors.spaces import SpaceAccess


def _articles_in(space: Space) -> QuerySet[Article]:
    return Article.objects.filter(space=space).select_related("space", "author", "category")


def article_get_for_user(access: SpaceAccess, slug: str) -> Article:
    """The article at `slug` in the space, as `access.user` may see it; 404 otherwise.

    Follows renamed slugs: the article returned then has a different `slug` than the
    one asked for, and the caller redirects permanently to its address.
    """
    articles = _articles_in(access.space).prefetch_related("tags")
    article = articles.filter(slug=slug).first()
    if article is None:
        old = ArticleSlugRedirect.objects.filter(space=access.space, slug=slug).first()
        if old is not None:
            article = articles.filter(pk=old.article_id).first()
    if article is None:
        raise Http404
    if not article.is_published and article.author_id != access.user.pk:
        raise Http404
    return article


def comments_for_article(article: Article) -> list[Comment]:
    """Top-level comments in order, each with its replies prefetched (`comment.replies.all`)."""
    replies = Comment.objects.select_related("author", "article__space").order_by(
        "created_at", "id"
    )
    return list(
        Comment.objects.filter(article=article, parent__isnull=True)
        .select_related("author", "article__space")
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by("created_at", "id")
    )


def comment_get_for_user(access: SpaceAccess, comment_id: int) -> Comment:
    """A comment of a published article of the space (or of the reader's own draft)."""
    comment = (
        Comment.objects.filter(pk=comment_id, article__space=access.space)
        .select_related("author", "article__space", "article__author")
        .first()
    )
    if comment is None:
        raise Http404
    article = comment.article
    if not article.is_published and article.author_id != access.user.pk:
        raise Http404
    return comment


def my_drafts(*, user: User, space: Space) -> QuerySet[Article]:
    """The user's drafts in the space, most recently changed first."""
    if not user.is_authenticated:
        return Article.objects.none()
    return (
        _articles_in(space)
        .filter(author=user, status=Article.Status.DRAFT)
        .order_by("-updated_at", "-id")
    )
