"""Article pages, the editor (preview, autosave, images), drafts, and comments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boards.forms import ArticleForm, CommentForm
from boards.models import Article, Comment
from boards.permissions import (
    Action,
    can_delete_article,
    can_edit_article,
    can_edit_comment,
    can_remove_comment,
    can_unpublish_article,
)
from boards.rendering import reading_minutes_of, render_markdown
from boards.selectors.articles import (
    article_get_for_user,
    comment_get_for_user,
    comments_for_article,
    my_drafts,
)
from boards.selectors.spaces import SpaceAccess, space_access_for, space_access_or_404
from boards.services import articles as article_services
from boards.services import comments as comment_services
from boards.services.articles import MAX_BODY_CHARS


def _add_errors(form: Form, error: ValidationError | PermissionDenied) -> None:
    """Put a service's errors on the form fields they name, the rest on top."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error) or _("You are not allowed to do this in this space."))
        return
    if hasattr(error, "error_dict"):
        for field, field_errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


# Reading


def article_detail(request: HttpRequest, space: str, article: str) -> HttpResponse:
    access = space_access_or_404(space, request.user)
    found = article_get_for_user(access, article)
    if found.slug != article:
        return HttpResponsePermanentRedirect(found.get_absolute_url())
    return _render_article(request, access, found, CommentForm(initial=_reply_initial(request)))


def _reply_initial(request: HttpRequest) -> dict[str, int]:
    parent = request.GET.get("reply", "")
    return {"parent": int(parent)} if parent.isdigit() else {}


def _render_article(
    request: HttpRequest,
    access: SpaceAccess,
    article: Article,
    comment_form: CommentForm,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    membership = access.membership
    comments = comments_for_article(article) if article.is_published else []
    reply_to = None
    parent_id = comment_form["parent"].value()
    if parent_id and str(parent_id).isdigit():
        reply_to = next(
            (
                candidate
                for comment in comments
                for candidate in (comment, *comment.replies.all())
                if candidate.pk == int(parent_id) and not candidate.is_removed
            ),
            None,
        )
    return render(
        request,
        "boards/article.html",
        {
            "space": access.space,
            "access": access,
            "article": article,
            "comments": comments,
            "comment_form": comment_form,
            "reply_to": reply_to,
            "viewer_id": user.pk,
            "can_moderate": access.can(Action.MODERATE),
            "can_edit": can_edit_article(user, article, membership=membership),
            "can_unpublish": can_unpublish_article(user, article, membership=membership),
            "can_delete": can_delete_article(user, article, membership=membership),
        },
        status=status,
    )


# Writing


@login_required
def article_write(request: HttpRequest, space: str) -> HttpResponse:
    access = space_access_for(space, request.user, Action.WRITE_ARTICLE)
    draft = None
    draft_id = request.POST.get("draft", "") if request.method == "POST" else ""
    if draft_id.isdigit():
        # The autosave created the draft while this page was open: save into it.
        draft = Article.objects.filter(
            pk=draft_id, space=access.space, author=request.user, status=Article.Status.DRAFT
        ).first()
    return _editor(request, access, draft)


@login_required
def article_edit(request: HttpRequest, space: str, article: str) -> HttpResponse:
    access = space_access_or_404(space, request.user)
    found = article_get_for_user(access, article)
    if found.slug != article:
        return HttpResponsePermanentRedirect(
            reverse("boards:article_edit", kwargs={"space": space, "article": found.slug})
        )
    if not can_edit_article(request.user, found, membership=access.membership):
        raise PermissionDenied
    return _editor(request, access, found)


def _editor(request: HttpRequest, access: SpaceAccess, article: Article | None) -> HttpResponse:
    space = access.space
    if request.method != "POST":
        initial = {}
        if article is not None:
            initial = {
                "title": article.title,
                "body": article.body_md,
                "category": article.category_id,
                "tags": article_services.tags_as_text(article),
                "slug": article.slug,
            }
        form = ArticleForm(space=space, article=article, initial=initial)
        preview = article.body_html if article is not None else ""
        return _render_editor(request, access, article, form, preview)

    action = request.POST.get("action", "save")
    data = request.POST.copy()
    if action == "upload":
        upload = request.FILES.get("image")
        form = ArticleForm(data, space=space, article=article)
        if upload is None:
            form.add_error("image", _("Choose an image to insert."))
        else:
            try:
                image = article_services.article_image_upload(
                    uploader=request.user, space=space, image=upload
                )
            except ValidationError as error:
                form.add_error("image", error.messages)
            else:
                body = data.get("body", "").rstrip()
                data["body"] = (
                    f"{body}\n\n![]({image.image.url})\n" if body else (f"![]({image.image.url})\n")
                )
                form = ArticleForm(data, space=space, article=article)
                messages.success(request, _("Image added at the end of the text."))
        return _render_editor(request, access, article, form, render_markdown(data["body"]))

    form = ArticleForm(data, request.FILES, space=space, article=article)
    body = data.get("body", "")
    if action == "preview":
        # Show the rendered text without saving anything (the editor without JavaScript).
        form.is_valid()
        return _render_editor(request, access, article, form, render_markdown(body), True)
    if not form.is_valid():
        return _render_editor(request, access, article, form, render_markdown(body), status=400)

    fields = form.cleaned_data
    publish = action == "publish"
    try:
        if article is None:
            article = article_services.article_create(
                author=request.user,
                space=space,
                title=fields["title"],
                body=fields["body"],
                category=fields["category"],
                tags=fields["tags"],
                cover=fields.get("cover"),
                publish=publish,
            )
        else:
            article = article_services.article_update(
                actor=request.user,
                article=article,
                title=fields["title"],
                body=fields["body"],
                category=fields["category"],
                tags=fields["tags"],
                cover=fields.get("cover"),
                remove_cover=fields.get("remove_cover", False),
                slug=fields.get("slug") or None,
            )
            if publish:
                article_services.article_publish(actor=request.user, article=article)
    except (ValidationError, PermissionDenied) as error:
        _add_errors(form, error)
        if article is not None:
            article.refresh_from_db()
        return _render_editor(request, access, article, form, render_markdown(body), status=400)

    if article.is_published:
        messages.success(request, _("Article published.") if publish else _("Article updated."))
        return redirect(article.get_absolute_url())
    messages.success(request, _("Draft saved. Only you can see it."))
    return redirect("boards:article_edit", space=space.slug, article=article.slug)


def _render_editor(
    request: HttpRequest,
    access: SpaceAccess,
    article: Article | None,
    form: ArticleForm,
    preview_html: str,
    previewing: bool = False,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "boards/article_form.html",
        {
            "space": access.space,
            "access": access,
            "article": article,
            "form": form,
            "preview_html": preview_html,
            "previewing": previewing,
            "max_body_chars": MAX_BODY_CHARS,
        },
        status=status,
    )


@require_POST
@login_required
def article_preview(request: HttpRequest, space: str) -> JsonResponse:
    """The editor's live preview: the very renderer that will store the article."""
    access = space_access_or_404(space, request.user)
    if not (access.can(Action.WRITE_ARTICLE) or access.can(Action.COMMENT)):
        return JsonResponse({"error": _("You may not write in this space.")}, status=403)
    body = request.POST.get("body", "")
    if len(body) > MAX_BODY_CHARS:
        return JsonResponse(
            {
                "error": _("The text is too long to preview (%(max)s characters at most).")
                % {"max": "100 000"}
            },
            status=400,
        )
    html = render_markdown(body)
    return JsonResponse({"html": html, "reading_minutes": reading_minutes_of(html)})


@require_POST
@login_required
def article_autosave(request: HttpRequest, space: str) -> JsonResponse:
    """Save the draft being written (created on the first call); returns where it lives."""
    access = space_access_or_404(space, request.user)
    if not access.can(Action.WRITE_ARTICLE):
        return JsonResponse({"error": _("You may not write in this space.")}, status=403)
    article = None
    article_id = request.POST.get("article", "")
    if article_id:
        if not article_id.isdigit():
            return JsonResponse({"error": _("Unknown draft.")}, status=400)
        article = Article.objects.filter(
            pk=article_id, space=access.space, author=request.user
        ).first()
        if article is None:
            return JsonResponse({"error": _("Unknown draft.")}, status=404)
    category = None
    category_id = request.POST.get("category", "")
    if category_id:
        category = (
            access.space.categories.filter(pk=category_id).first()
            if (category_id.isdigit())
            else None
        )
    try:
        article = article_services.article_autosave(
            author=request.user,
            space=access.space,
            article=article,
            title=request.POST.get("title", "")[:200],
            body=request.POST.get("body", ""),
            category=category,
            tags=request.POST.get("tags") if "tags" in request.POST else None,
        )
    except (ValidationError, PermissionDenied) as error:
        message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        return JsonResponse({"error": message}, status=400)
    saved_at = timezone.localtime(article.updated_at)
    return JsonResponse(
        {
            "article_id": article.pk,
            "slug": article.slug,
            "edit_url": reverse(
                "boards:article_edit", kwargs={"space": space, "article": article.slug}
            ),
            "saved_at": saved_at.isoformat(),
            "message": _("Draft saved at %(time)s.")
            % {"time": formats.time_format(saved_at, "TIME_FORMAT")},
        }
    )


@require_POST
@login_required
def image_upload(request: HttpRequest, space: str) -> JsonResponse:
    """An image from the editor; answers the Markdown that shows it."""
    access = space_access_or_404(space, request.user)
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse({"error": _("Choose an image to insert.")}, status=400)
    try:
        image = article_services.article_image_upload(
            uploader=request.user, space=access.space, image=upload
        )
    except PermissionDenied:
        return JsonResponse({"error": _("You may not write in this space.")}, status=403)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    url = image.image.url
    return JsonResponse({"url": url, "markdown": f"![]({url})"}, status=201)


@login_required
def drafts(request: HttpRequest, space: str) -> HttpResponse:
    access = space_access_for(space, request.user, Action.WRITE_ARTICLE)
    return render(
        request,
        "boards/drafts.html",
        {
            "space": access.space,
            "access": access,
            "drafts": my_drafts(user=request.user, space=access.space),
        },
    )


def _confirm(request: HttpRequest, access: SpaceAccess, **context: object) -> HttpResponse:
    return render(
        request, "boards/confirm.html", {"space": access.space, "access": access, **context}
    )


@login_required
def article_delete(request: HttpRequest, space: str, article: str) -> HttpResponse:
    access = space_access_or_404(space, request.user)
    found = article_get_for_user(access, article)
    if not can_delete_article(request.user, found, membership=access.membership):
        raise PermissionDenied
    if request.method == "POST":
        article_services.article_delete(actor=request.user, article=found)
        messages.success(request, _("“%(title)s” was deleted.") % {"title": found.title})
        return redirect(
            "boards:drafts" if not found.is_published else "boards:space_home",
            space=access.space.slug,
        )
    return _confirm(
        request,
        access,
        heading=_("Delete this article?"),
        subject=found.title or _("Untitled draft"),
        explanation=_(
            "The article and its comments will be deleted for good. This cannot be undone."
        ),
        button=_("Delete for good"),
        danger=True,
        cancel_url=found.get_absolute_url()
        if found.is_published
        else reverse("boards:drafts", kwargs={"space": access.space.slug}),
    )


@login_required
def article_unpublish(request: HttpRequest, space: str, article: str) -> HttpResponse:
    access = space_access_or_404(space, request.user)
    found = article_get_for_user(access, article)
    if not can_unpublish_article(request.user, found, membership=access.membership):
        raise PermissionDenied
    if request.method == "POST":
        article_services.article_unpublish(actor=request.user, article=found)
        if found.author_id == request.user.pk:
            messages.success(request, _("The article is a draft again. Only you can see it."))
            return redirect("boards:article_edit", space=access.space.slug, article=found.slug)
        messages.success(request, _("The article is unpublished; its author can see it."))
        return redirect(access.space.get_absolute_url())
    return _confirm(
        request,
        access,
        heading=_("Unpublish this article?"),
        subject=found.title,
        explanation=_(
            "It becomes a draft again: only its author will see it, and its address will "
            "answer “not found” until it is published again."
        ),
        button=_("Unpublish"),
        danger=False,
        cancel_url=found.get_absolute_url(),
    )


# Comments


@require_POST
@login_required
def comment_post(request: HttpRequest, space: str, article: str) -> HttpResponse:
    access = space_access_or_404(space, request.user)
    found = article_get_for_user(access, article)
    if not access.can(Action.COMMENT):
        raise PermissionDenied
    form = CommentForm(request.POST)
    if form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = Comment.objects.filter(
                pk=form.cleaned_data["parent"], article=found, removed_at__isnull=True
            ).first()
            if parent is None:
                form.add_error(None, _("The comment you answer was removed."))
        if parent is not None or not form.cleaned_data["parent"]:
            try:
                comment = comment_services.comment_create(
                    author=request.user,
                    article=found,
                    body=form.cleaned_data["body"],
                    parent=parent,
                )
            except (ValidationError, PermissionDenied) as error:
                _add_errors(form, error)
            else:
                return redirect(comment.get_absolute_url())
    return _render_article(request, access, found, form, status=400)


@login_required
def comment_edit(request: HttpRequest, space: str, comment_id: int) -> HttpResponse:
    access = space_access_or_404(space, request.user)
    comment = comment_get_for_user(access, comment_id)
    if not can_edit_comment(request.user, comment, access.space, membership=access.membership):
        raise PermissionDenied
    form = CommentForm(request.POST or None, initial={"body": comment.body_md})
    if request.method == "POST" and form.is_valid():
        try:
            comment_services.comment_update(
                actor=request.user, comment=comment, body=form.cleaned_data["body"]
            )
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Comment updated."))
            return redirect(comment.get_absolute_url())
    return render(
        request,
        "boards/comment_form.html",
        {"space": access.space, "access": access, "comment": comment, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def comment_remove(request: HttpRequest, space: str, comment_id: int) -> HttpResponse:
    access = space_access_or_404(space, request.user)
    comment = comment_get_for_user(access, comment_id)
    if not can_remove_comment(request.user, comment, access.space, membership=access.membership):
        raise PermissionDenied
    if request.method == "POST":
        comment_services.comment_remove(actor=request.user, comment=comment)
        messages.success(request, _("Comment removed."))
        return redirect(comment.get_absolute_url())
    return _confirm(
        request,
        access,
        heading=_("Remove this comment?"),
        subject=_("Comment by %(name)s") % {"name": comment.author.name},
        explanation=_(
            "Its text will disappear; “comment removed” stays in its place so that the "
            "replies keep their context."
        ),
        button=_("Remove"),
        danger=True,
        cancel_url=comment.get_absolute_url(),
    )
