import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import unguessable_image_name

accent_color_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB, for example #1f6f8b.")
)


def space_media_path(instance: models.Model, filename: str) -> str:
    """Everything a space uploads lives under `spaces/<space id>/` with a random name.

    The media view reads the space id back from the path to check that the reader
    may read that space (see boards.views.media).
    """
    space_id = instance.pk if isinstance(instance, Space) else instance.space_id
    return unguessable_image_name(f"spaces/{space_id}", filename)


class Space(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        PRIVATE = "private", _("Private")

    slug = models.SlugField(_("address"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    accent_color = models.CharField(
        _("accent colour"), max_length=7, default="#1f6f8b", validators=[accent_color_validator]
    )
    logo = models.ImageField(_("logo"), upload_to=space_media_path, blank=True)
    allow_self_join = models.BooleanField(
        _("anyone signed in may join"),
        default=True,
        help_text=_("Public spaces only: a signed-in person joins as a member in one click."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    # Last sequence number of the space's event log; the row lock on the space
    # serialises writers (see realtime.log.event_append).
    event_seq = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("space")
        verbose_name_plural = _("spaces")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("boards:space_home", kwargs={"space": self.slug})

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    FACILITATOR = "facilitator", _("Facilitator")
    MEMBER = "member", _("Member")
    READER = "reader", _("Reader")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    last_visit_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "space"], name="membership_unique_user_space")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.space} ({self.role})"


def new_invitation_code() -> str:
    return secrets.token_urlsafe(12)


class Invitation(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="invitations")
    code = models.CharField(max_length=32, unique=True, default=new_invitation_code)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    max_uses = models.PositiveIntegerField(_("number of uses"), default=1)
    use_count = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.space} · {self.code}"

    @property
    def uses_left(self) -> int:
        return max(self.max_uses - self.use_count, 0)

    def get_absolute_url(self) -> str:
        return reverse("boards:invitation_redeem", kwargs={"code": self.code})


class Category(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(max_length=80)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["space", "slug"], name="category_unique_slug")
        ]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("boards:category", kwargs={"space": self.space.slug, "category": self.slug})


class Link(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(_("title"), max_length=120)
    url = models.URLField(_("address"), max_length=500)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("link")
        verbose_name_plural = _("links")

    def __str__(self) -> str:
        return self.title


class Tag(models.Model):
    """A space's "centre of interest": free tags, one list per space."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["space", "slug"], name="tag_unique_slug")]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="articles")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="articles"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=220)
    body_md = models.TextField(_("text"), blank=True)
    body_html = models.TextField(blank=True)
    excerpt = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="articles")
    cover = models.ImageField(_("cover image"), upload_to=space_media_path, blank=True)
    reading_minutes = models.PositiveIntegerField(default=1)
    comment_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["space", "slug"], name="article_unique_slug")
        ]
        indexes = [
            # Keyset pagination: (published_at, id) descending within a space,
            # a category or an author.
            models.Index(
                fields=["space", "status", "-published_at", "-id"], name="article_space_feed"
            ),
            models.Index(
                fields=["category", "status", "-published_at", "-id"],
                name="article_category_feed",
            ),
            models.Index(
                fields=["author", "space", "status", "-published_at", "-id"],
                name="article_author_feed",
            ),
        ]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def get_absolute_url(self) -> str:
        return reverse("boards:article", kwargs={"space": self.space.slug, "article": self.slug})


class ArticleSlugRedirect(models.Model):
    """An article's former slug, so that links pasted before a rename keep working."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")
    slug = models.SlugField(max_length=220)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["space", "slug"], name="article_old_slug_unique")
        ]

    def __str__(self) -> str:
        return self.slug


class Comment(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    body_md = models.TextField(_("comment"))
    body_html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["article", "created_at", "id"], name="comment_thread")]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"{self.author} on {self.article}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#{self.anchor}"


class ArticleImage(models.Model):
    """An image uploaded from the editor, served only to those who may read its space."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="images")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    image = models.ImageField(upload_to=space_media_path)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self) -> str:
        return self.image.name


# Live threads for meetings (issue 5): chat in a space, on the same event log.

# The fixed set of reactions, in display order: one of each per member per message.
REACTION_EMOJI = ("👍", "❤️", "😂", "🎉", "🤔", "👀")


class LiveThread(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        LOCKED = "locked", _("Locked")
        ARCHIVED = "archived", _("Archived")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="live_threads")
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    article = models.ForeignKey(
        Article,
        verbose_name=_("article discussed"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="live_threads",
        help_text=_("Optional: this thread is a discussion of that article."),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="live_threads"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    # Denormalised so that lists render without counting: visible messages only.
    message_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        indexes = [
            models.Index(
                fields=["space", "state", "-last_activity_at"], name="livethread_space_state"
            )
        ]
        verbose_name = _("live thread")
        verbose_name_plural = _("live threads")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    def get_absolute_url(self) -> str:
        return reverse("boards:thread", kwargs={"space": self.space.slug, "thread_id": self.pk})


class Message(models.Model):
    thread = models.ForeignKey(LiveThread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="messages"
    )
    body_md = models.TextField(_("message"))
    body_html = models.TextField(blank=True)
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replies"
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["id"]
        # Keyset pagination by id within a thread (newest page first, `before=<id>`).
        indexes = [models.Index(fields=["thread", "-id"], name="message_thread_keyset")]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.author} in {self.thread}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def anchor(self) -> str:
        return f"message-{self.pk}"

    @property
    def edit_deadline(self) -> datetime:
        """Until when its author may edit it (settings.CARNET_MESSAGE_EDIT_SECONDS)."""
        return self.created_at + timedelta(seconds=settings.CARNET_MESSAGE_EDIT_SECONDS)

    def get_absolute_url(self) -> str:
        return reverse(
            "boards:message_permalink",
            kwargs={
                "space": self.thread.space.slug,
                "thread_id": self.thread_id,
                "message_id": self.pk,
            },
        )

    def reaction_summary(self) -> list[dict]:
        """Reactions grouped by emoji in REACTION_EMOJI order, with who reacted.

        Uses `reactions` as prefetched (with their users) when the caller did so.
        """
        grouped: dict[str, dict] = {}
        for reaction in self.reactions.all():
            entry = grouped.setdefault(
                reaction.emoji,
                {"emoji": reaction.emoji, "count": 0, "user_ids": [], "names": []},
            )
            entry["count"] += 1
            entry["user_ids"].append(reaction.user_id)
            entry["names"].append(reaction.user.name)
        return [grouped[emoji] for emoji in REACTION_EMOJI if emoji in grouped]


class MessageMention(models.Model):
    """A member named with @username in a message: kept for notifications."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="mention_unique_user")
        ]
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")

    def __str__(self) -> str:
        return f"@{self.user} in {self.message_id}"


class Reaction(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    emoji = models.CharField(max_length=16, choices=[(emoji, emoji) for emoji in REACTION_EMOJI])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "user", "emoji"], name="reaction_unique_user_emoji"
            )
        ]
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")

    def __str__(self) -> str:
        return f"{self.emoji} {self.user} on {self.message_id}"
