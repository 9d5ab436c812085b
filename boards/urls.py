from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, re_path

from boards import feeds, sitemaps
from boards.views import articles, browse, invitations, media, search, spaces, threads
from boards.views.guard import guard_space_routes

app_name = "boards"
urlpatterns = [
    path("invite/<str:code>/", invitations.invitation_redeem_view, name="invitation_redeem"),
    path("media/<path:path>", media.media, name="media"),
    path("s/<slug:space>/", browse.space_home, name="space_home"),
    path("s/<slug:space>/members/", spaces.members, name="members"),
    path("s/<slug:space>/join/", spaces.join, name="join"),
    path("s/<slug:space>/leave/", spaces.leave, name="leave"),
    path("s/<slug:space>/settings/", spaces.settings_view, name="settings"),
    path("s/<slug:space>/settings/members/", spaces.settings_members, name="settings_members"),
    path(
        "s/<slug:space>/settings/members/<int:membership_id>/role/",
        spaces.membership_role,
        name="membership_role",
    ),
    path(
        "s/<slug:space>/settings/members/<int:membership_id>/remove/",
        spaces.membership_remove,
        name="membership_remove",
    ),
    path("s/<slug:space>/settings/content/", spaces.settings_content, name="settings_content"),
    path(
        "s/<slug:space>/settings/categories/<int:category_id>/delete/",
        spaces.category_delete,
        name="category_delete",
    ),
    path(
        "s/<slug:space>/settings/links/<int:link_id>/delete/",
        spaces.link_delete,
        name="link_delete",
    ),
    path(
        "s/<slug:space>/settings/invitations/",
        spaces.settings_invitations,
        name="settings_invitations",
    ),
    path(
        "s/<slug:space>/settings/invitations/<int:invitation_id>/revoke/",
        spaces.invitation_revoke,
        name="invitation_revoke",
    ),
    # Articles and comments (issue 3)
    path("s/<slug:space>/write/", articles.article_write, name="article_write"),
    path("s/<slug:space>/drafts/", articles.drafts, name="drafts"),
    path("s/<slug:space>/drafts/autosave/", articles.article_autosave, name="article_autosave"),
    path("s/<slug:space>/preview/", articles.article_preview, name="article_preview"),
    path("s/<slug:space>/images/", articles.image_upload, name="image_upload"),
    path("s/<slug:space>/a/<slug:article>/", articles.article_detail, name="article"),
    path("s/<slug:space>/a/<slug:article>/edit/", articles.article_edit, name="article_edit"),
    path("s/<slug:space>/a/<slug:article>/delete/", articles.article_delete, name="article_delete"),
    path(
        "s/<slug:space>/a/<slug:article>/unpublish/",
        articles.article_unpublish,
        name="article_unpublish",
    ),
    path("s/<slug:space>/a/<slug:article>/comments/", articles.comment_post, name="comment_post"),
    path(
        "s/<slug:space>/comments/<int:comment_id>/edit/",
        articles.comment_edit,
        name="comment_edit",
    ),
    path(
        "s/<slug:space>/comments/<int:comment_id>/remove/",
        articles.comment_remove,
        name="comment_remove",
    ),
]

# Finding things: lists, archives, search, feeds, sitemap (issue 3)
urlpatterns += [
    path("s/<slug:space>/c/<slug:category>/", browse.category, name="category"),
    path("s/<slug:space>/tag/<slug:tag>/", browse.tag, name="tag"),
    path("s/<slug:space>/by/<str:username>/", browse.author, name="author"),
    path("s/<slug:space>/archives/", browse.archives, name="archives"),
    re_path(
        r"^s/(?P<space>[-\w]+)/archives/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$",
        browse.archive_month,
        name="archive_month",
    ),
    path("s/<slug:space>/search/", search.search_in_space, name="search_space"),
    path("search/", search.search_everywhere, name="search"),
    path("s/<slug:space>/feed/", feeds.SpaceFeed(), name="feed"),
    path("s/<slug:space>/feed/atom/", feeds.SpaceAtomFeed(), name="feed_atom"),
    path("s/<slug:space>/c/<slug:category>/feed/", feeds.SpaceFeed(), name="category_feed"),
    path(
        "s/<slug:space>/c/<slug:category>/feed/atom/",
        feeds.SpaceAtomFeed(),
        name="category_feed_atom",
    ),
    path("feeds/<str:token>/s/<slug:space>/", feeds.PrivateSpaceFeed(), name="private_feed"),
    path(
        "feeds/<str:token>/s/<slug:space>/atom/",
        feeds.PrivateSpaceAtomFeed(),
        name="private_feed_atom",
    ),
    path(
        "feeds/<str:token>/s/<slug:space>/c/<slug:category>/",
        feeds.PrivateSpaceFeed(),
        name="private_category_feed",
    ),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps.SITEMAPS, "sitemap_url_name": "boards:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps.SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
]

# Live threads (issue 5)
urlpatterns += [
    path("s/<slug:space>/t/", threads.thread_list, name="thread_list"),
    path("s/<slug:space>/t/new/", threads.thread_create, name="thread_create"),
    path("s/<slug:space>/t/<int:thread_id>/", threads.thread_detail, name="thread"),
    path("s/<slug:space>/t/<int:thread_id>/state/", threads.thread_state, name="thread_state"),
    path("s/<slug:space>/t/<int:thread_id>/post/", threads.message_post, name="message_post"),
    path(
        "s/<slug:space>/t/<int:thread_id>/m/<int:message_id>/",
        threads.message_permalink,
        name="message_permalink",
    ),
    path(
        "s/<slug:space>/t/<int:thread_id>/m/<int:message_id>/edit/",
        threads.message_edit,
        name="message_edit",
    ),
    path(
        "s/<slug:space>/t/<int:thread_id>/m/<int:message_id>/remove/",
        threads.message_remove,
        name="message_remove",
    ),
    path(
        "s/<slug:space>/t/<int:thread_id>/m/<int:message_id>/react/",
        threads.reaction_toggle,
        name="reaction_toggle",
    ),
    path("s/<slug:space>/members.json", threads.members_json, name="members_json"),
]

# Keep last: private spaces answer 404 on every route above, whatever else fails.
urlpatterns = guard_space_routes(urlpatterns)
