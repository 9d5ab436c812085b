from django import forms
from django.utils.translation import gettext_lazy as _

from boards.models import Article, Category, Role, Space


class SpaceSettingsForm(forms.ModelForm):
    logo_upload = forms.ImageField(label=_("Logo"), required=False)

    class Meta:
        model = Space
        fields = ["name", "tagline", "description", "accent_color", "visibility", "allow_self_join"]
        widgets = {
            "accent_color": forms.TextInput(attrs={"type": "color"}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, can_change_visibility: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_change_visibility:
            self.fields["visibility"].disabled = True


class InvitationForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=365, initial=14)
    max_uses = forms.IntegerField(label=_("Number of uses"), min_value=1, max_value=500, initial=1)
    note = forms.CharField(label=_("Note (for you)"), max_length=200, required=False)


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)


class LinkForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    url = forms.URLField(label=_("Address"), max_length=500, assume_scheme="https")
    description = forms.CharField(label=_("Description"), max_length=300, required=False)


class ArticleForm(forms.Form):
    """The write/edit page; the services validate sizes, images and permissions."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Give your article a title.")},
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "true"}),
        help_text=_("Markdown: **bold**, *italics*, [link](https://…), ## heading, > quote."),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("— No category —"),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separated by commas, for example: transition, secondaire, parents."),
    )
    cover = forms.FileField(
        label=_("Cover image"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
        help_text=_("JPEG, PNG, GIF or WebP, 5 MB at most."),
    )
    remove_cover = forms.BooleanField(label=_("Remove the cover image"), required=False)
    slug = forms.SlugField(
        label=_("Address"),
        required=False,
        max_length=220,
        allow_unicode=False,
        help_text=_("Changing it keeps the old address working: it redirects here."),
    )
    image = forms.FileField(
        label=_("Insert an image in the text"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )

    def __init__(self, *args, space: Space, article: Article | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = space.categories.all()
        if article is None or article.published_at is None:
            del self.fields["slug"]
        if article is None or not article.cover:
            del self.fields["remove_cover"]


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write something first.")},
        help_text=_("Markdown works here too."),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


# Live threads (issue 5)


class LiveThreadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: the agenda or the purpose of the meeting."),
    )
    article = forms.ModelChoiceField(
        label=_("Article discussed"),
        required=False,
        queryset=Article.objects.none(),
        empty_label=_("None"),
    )

    def __init__(self, *args, space: Space, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = Article.objects.filter(
            space=space, status=Article.Status.PUBLISHED
        ).order_by("-published_at")


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        strip=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write something first.")},
    )
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)
    client_nonce = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
