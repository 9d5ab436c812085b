from django.contrib import admin

from boards.models import (
    Article,
    ArticleImage,
    ArticleSlugRedirect,
    Category,
    Comment,
    Invitation,
    Link,
    LiveThread,
    Membership,
    Message,
    Space,
    Tag,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0
    prepopulated_fields = {"slug": ("name",)}


class LinkInline(admin.TabularInline):
    model = Link
    extra = 0


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "visibility", "last_activity_at")
    list_filter = ("visibility",)
    search_fields = ("name", "slug", "tagline")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("event_seq",)
    inlines = [CategoryInline, LinkInline, MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "space", "role", "joined_at")
    list_filter = ("role", "space")
    raw_id_fields = ("user",)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("space", "code", "role", "use_count", "max_uses", "expires_at", "revoked_at")
    list_filter = ("space", "role")
    raw_id_fields = ("created_by",)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "space", "position")
    list_filter = ("space",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Link)
class LinkAdmin(admin.ModelAdmin):
    list_display = ("title", "url", "space", "position")
    list_filter = ("space",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "space")
    list_filter = ("space",)
    search_fields = ("name",)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "space", "author", "status", "published_at", "comment_count")
    list_filter = ("status", "space")
    search_fields = ("title", "body_md")
    raw_id_fields = ("author",)
    filter_horizontal = ("tags",)
    date_hierarchy = "published_at"


@admin.register(ArticleSlugRedirect)
class ArticleSlugRedirectAdmin(admin.ModelAdmin):
    list_display = ("slug", "article", "space")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("article", "author", "created_at", "edited_at", "removed_at")
    raw_id_fields = ("author", "article", "parent")


@admin.register(ArticleImage)
class ArticleImageAdmin(admin.ModelAdmin):
    list_display = ("image", "space", "uploaded_by", "created_at")
    list_filter = ("space",)


# Live threads (issue 5): for looking things up; changes go through the thread pages.
@admin.register(LiveThread)
class LiveThreadAdmin(admin.ModelAdmin):
    list_display = ("title", "space", "state", "message_count", "last_activity_at")
    list_filter = ("state", "space")
    raw_id_fields = ("created_by", "article")
    readonly_fields = ("message_count", "last_activity_at")


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("thread", "author", "created_at", "edited_at", "removed_at")
    raw_id_fields = ("thread", "author", "reply_to", "removed_by")
