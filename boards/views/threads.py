"""Live threads: the list, the chat page, and the endpoints its composer calls.

Every write endpoint answers JSON to `fetch()` calls that send `Accept:
application/json` (status codes and a clear `error` message), and redirects plain
form posts, so that the page works without JavaScript.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from boards.forms import LiveThreadForm, MessageForm
from boards.models import REACTION_EMOJI, LiveThread, Message
from boards.permissions import Action
from boards.selectors.spaces import SpaceAccess, space_access_or_404
from boards.selectors.threads import (
    member_suggestions,
    message_get_for_user,
    messages_page,
    page_cursor_for,
    thread_get_for_user,
    threads_of,
)
from boards.services import threads as thread_services

# A thread's state cannot take a message: 409 Conflict tells a client it's not its input.
_CONFLICT_CODES = {"thread_locked", "thread_archived", "message_removed"}


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Like login_required, but a fetch() call gets a 401 JSON answer, not a redirect."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if _wants_json(request):
            return JsonResponse({"error": _("Sign in to take part.")}, status=401)
        return redirect_to_login(request.get_full_path())

    return wrapped


def _error_json(error: ValidationError | PermissionDenied) -> JsonResponse:
    if isinstance(error, PermissionDenied):
        message = str(error) or _("You are not allowed to do this in this space.")
        return JsonResponse({"error": message}, status=403)
    status = 409 if getattr(error, "code", None) in _CONFLICT_CODES else 400
    fields = error.message_dict if hasattr(error, "error_dict") else {}
    return JsonResponse({"error": " ".join(error.messages), "fields": fields}, status=status)


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _viewer_flags(access: SpaceAccess, thread: LiveThread) -> dict[str, object]:
    return {
        "viewer_id": access.user.pk or 0,
        "can_chat": access.can(Action.CHAT) and thread.is_open,
        "can_react": access.can(Action.REACT) and thread.is_open,
        "can_moderate": access.can(Action.MODERATE),
        "reaction_emoji": REACTION_EMOJI,
        "now": timezone.now(),
    }


def _message_html(request: HttpRequest, access: SpaceAccess, message: Message) -> str:
    return render_to_string(
        "boards/_message.html",
        {"message": message, **_viewer_flags(access, message.thread)},
        request=request,
    )


# The list of threads


@require_GET
def thread_list(request: HttpRequest, space: str) -> HttpResponse:
    access = space_access_or_404(space, request.user)
    form = LiveThreadForm(space=access.space) if access.can(Action.MODERATE) else None
    return _render_list(request, access, form)


def _render_list(
    request: HttpRequest, access: SpaceAccess, form: LiveThreadForm | None, status: int = 200
) -> HttpResponse:
    threads = list(threads_of(access.space))
    return render(
        request,
        "boards/thread_list.html",
        {
            "space": access.space,
            "access": access,
            "open_threads": [t for t in threads if t.state == LiveThread.State.OPEN],
            "locked_threads": [t for t in threads if t.state == LiveThread.State.LOCKED],
            "archived_threads": [t for t in threads if t.state == LiveThread.State.ARCHIVED],
            "form": form,
        },
        status=status,
    )


@require_POST
@_signed_in
def thread_create(request: HttpRequest, space: str) -> HttpResponse:
    access = space_access_or_404(space, request.user)
    if not access.can(Action.MODERATE):
        raise PermissionDenied
    form = LiveThreadForm(request.POST, space=access.space)
    if form.is_valid():
        try:
            thread = thread_services.thread_create(
                actor=request.user,
                space=access.space,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                article=form.cleaned_data["article"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect(thread.get_absolute_url())
    return _render_list(request, access, form, status=400)


# The thread page


@require_GET
def thread_detail(request: HttpRequest, space: str, thread_id: int) -> HttpResponse:
    access = space_access_or_404(space, request.user)
    thread = thread_get_for_user(access, thread_id)
    reply = _int_param(request, "reply")
    return _render_thread(request, access, thread, MessageForm(initial={"reply_to": reply}))


def _render_thread(
    request: HttpRequest,
    access: SpaceAccess,
    thread: LiveThread,
    form: MessageForm,
    status: int = 200,
) -> HttpResponse:
    before, after = _int_param(request, "before"), _int_param(request, "after")
    if before is None and after is None and thread.state == LiveThread.State.ARCHIVED:
        after = 0  # a transcript reads from its beginning
    page = messages_page(thread, before=before, after=after)
    reply_to = None
    reply_id = form["reply_to"].value()
    if reply_id and str(reply_id).isdigit():
        reply_to = (
            Message.objects.filter(pk=int(reply_id), thread=thread, removed_at__isnull=True)
            .select_related("author")
            .first()
        )
    context = {
        "space": access.space,
        "access": access,
        "thread": thread,
        "page": page,
        "form": form,
        "reply_to": reply_to,
        "edit_minutes": max(1, settings.CARNET_MESSAGE_EDIT_SECONDS // 60),
        "max_chars": thread_services.MAX_MESSAGE_CHARS,
        **_viewer_flags(access, thread),
    }
    return render(request, "boards/thread.html", context, status=status)


@require_GET
def message_permalink(
    request: HttpRequest, space: str, thread_id: int, message_id: int
) -> HttpResponse:
    """Redirect to the page of the thread that holds the message, at the message."""
    access = space_access_or_404(space, request.user)
    thread = thread_get_for_user(access, thread_id)
    message = message_get_for_user(access, thread, message_id)
    cursor = page_cursor_for(thread, message.pk)
    query = f"?before={cursor}" if cursor else ""
    return redirect(f"{thread.get_absolute_url()}{query}#{message.anchor}")


# Writing


@require_POST
@_signed_in
def message_post(request: HttpRequest, space: str, thread_id: int) -> HttpResponse:
    access = space_access_or_404(space, request.user)
    thread = thread_get_for_user(access, thread_id)
    form = MessageForm(request.POST)
    if not form.is_valid():
        if _wants_json(request):
            errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
            first = next(iter(errors.values()))[0]
            return JsonResponse({"error": first, "fields": errors}, status=400)
        return _render_thread(request, access, thread, form, status=400)
    reply_to = None
    if form.cleaned_data["reply_to"]:
        reply_to = Message.objects.filter(pk=form.cleaned_data["reply_to"], thread=thread).first()
    try:
        message = thread_services.message_post(
            author=request.user,
            thread=thread,
            body=form.cleaned_data["body"],
            reply_to=reply_to,
            client_nonce=form.cleaned_data["client_nonce"],
        )
    except (ValidationError, PermissionDenied) as error:
        if _wants_json(request):
            return _error_json(error)
        if isinstance(error, PermissionDenied):
            raise
        form.add_error(None, error.messages)
        status = 409 if error.code in _CONFLICT_CODES else 400
        return _render_thread(request, access, thread, form, status=status)
    if _wants_json(request):
        return JsonResponse(
            {
                "message_id": message.pk,
                "thread_id": thread.pk,
                "client_nonce": form.cleaned_data["client_nonce"],
                "html": _message_html(request, access, message),
            },
            status=201,
        )
    return redirect(f"{thread.get_absolute_url()}#{message.anchor}")


def _message_or_404(
    request: HttpRequest, space: str, thread_id: int, message_id: int
) -> tuple[SpaceAccess, Message]:
    access = space_access_or_404(space, request.user)
    thread = thread_get_for_user(access, thread_id)
    return access, message_get_for_user(access, thread, message_id)


@_signed_in
def message_edit(request: HttpRequest, space: str, thread_id: int, message_id: int) -> HttpResponse:
    access, message = _message_or_404(request, space, thread_id, message_id)
    form = MessageForm(request.POST or None, initial={"body": message.body_md})
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            message = thread_services.message_edit(
                actor=request.user, message=message, body=form.cleaned_data["body"]
            )
        except (ValidationError, PermissionDenied) as caught:
            if _wants_json(request):
                return _error_json(caught)
            error = caught
            form.add_error(None, caught.messages if hasattr(caught, "messages") else str(caught))
        else:
            if _wants_json(request):
                return JsonResponse(
                    {"message_id": message.pk, "html": _message_html(request, access, message)}
                )
            return redirect(message.get_absolute_url())
    elif request.method == "POST" and _wants_json(request):
        first = next(iter(form.errors.values()))[0]
        return JsonResponse({"error": first}, status=400)
    elif not thread_services.can_edit_message(request.user, message):
        if message.author_id != request.user.pk or message.is_removed:
            raise PermissionDenied
        form.add_error(None, _("The time to edit this message has passed."))
    status = 403 if isinstance(error, PermissionDenied) else 400 if form.errors else 200
    return render(
        request,
        "boards/message_form.html",
        {
            "space": access.space,
            "access": access,
            "thread": message.thread,
            "message": message,
            "form": form,
        },
        status=status,
    )


@_signed_in
def message_remove(
    request: HttpRequest, space: str, thread_id: int, message_id: int
) -> HttpResponse:
    access, message = _message_or_404(request, space, thread_id, message_id)
    if request.method == "POST":
        try:
            message = thread_services.message_remove(actor=request.user, message=message)
        except PermissionDenied as error:
            if _wants_json(request):
                return _error_json(error)
            raise
        if _wants_json(request):
            return JsonResponse(
                {"message_id": message.pk, "html": _message_html(request, access, message)}
            )
        messages.success(request, _("Message removed."))
        return redirect(message.get_absolute_url())
    if not thread_services.can_remove_message(request.user, message):
        raise PermissionDenied
    return render(
        request,
        "boards/confirm.html",
        {
            "space": access.space,
            "access": access,
            "heading": _("Remove this message?"),
            "subject": _("Message by %(name)s") % {"name": message.author.name},
            "explanation": _(
                "Its text will disappear; “message removed” stays in its place so that the "
                "conversation keeps its thread."
            ),
            "button": _("Remove"),
            "danger": True,
            "cancel_url": message.get_absolute_url(),
        },
    )


@require_POST
@_signed_in
def reaction_toggle(
    request: HttpRequest, space: str, thread_id: int, message_id: int
) -> HttpResponse:
    access, message = _message_or_404(request, space, thread_id, message_id)
    emoji = request.POST.get("emoji", "")
    try:
        on = thread_services.reaction_toggle(actor=request.user, message=message, emoji=emoji)
    except (ValidationError, PermissionDenied) as error:
        if _wants_json(request):
            return _error_json(error)
        if isinstance(error, PermissionDenied):
            raise
        messages.error(request, " ".join(error.messages))
        return redirect(message.get_absolute_url())
    if _wants_json(request):
        fresh = message_get_for_user(access, message.thread, message.pk)
        return JsonResponse(
            {
                "message_id": message.pk,
                "emoji": emoji,
                "on": on,
                "reactions": {e["emoji"]: e["count"] for e in fresh.reaction_summary()},
                "html": _message_html(request, access, fresh),
            }
        )
    return redirect(message.get_absolute_url())


@require_POST
@_signed_in
def thread_state(request: HttpRequest, space: str, thread_id: int) -> HttpResponse:
    access = space_access_or_404(space, request.user)
    thread = thread_get_for_user(access, thread_id)
    services = {
        "lock": thread_services.thread_lock,
        "archive": thread_services.thread_archive,
        "reopen": thread_services.thread_reopen,
    }
    change = services.get(request.POST.get("action", ""))
    if change is None:
        if _wants_json(request):
            return JsonResponse({"error": _("Choose lock, archive or reopen.")}, status=400)
        return redirect(thread.get_absolute_url())
    try:
        thread = change(actor=request.user, thread=thread)
    except PermissionDenied as error:
        if _wants_json(request):
            return _error_json(error)
        raise
    if _wants_json(request):
        return JsonResponse({"thread_id": thread.pk, "state": thread.state})
    return redirect(thread.get_absolute_url())


@require_GET
@_signed_in
def members_json(request: HttpRequest, space: str) -> JsonResponse:
    """The space's members matching `?q=`, for @mention autocompletion."""
    access = space_access_or_404(space, request.user)
    return JsonResponse({"members": member_suggestions(access.space, request.GET.get("q", ""))})
