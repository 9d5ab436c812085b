import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.validators import unguessable_image_name


def avatar_upload_path(user: "User", filename: str) -> str:
    return unguessable_image_name("avatars", filename)


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class User(AbstractUser):
    """A member of the network; the profile lives on the user row itself."""

    class Occupation(models.TextChoices):
        GUIDANCE_COUNSELLOR = "guidance_counsellor", _("Guidance counsellor")
        EDUCATIONAL_ADVISOR = "educational_advisor", _("Educational advisor")
        TEACHER = "teacher", _("Teacher")
        SOCIAL_WORKER = "social_worker", _("Social worker")
        RESEARCHER = "researcher", _("Researcher")
        OTHER = "other", _("Other")

    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    occupation = models.CharField(
        _("occupation"), max_length=32, choices=Occupation.choices, blank=True
    )
    organisation = models.CharField(_("organisation"), max_length=120, blank=True)
    region = models.CharField(_("region"), max_length=80, blank=True)
    bio = models.TextField(_("short bio"), max_length=1000, blank=True)
    expertise = models.JSONField(_("expertise"), default=list, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to=avatar_upload_path, blank=True)
    feed_token = models.CharField(max_length=64, unique=True, default=new_feed_token)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def initials(self) -> str:
        parts = self.name.split()
        return "".join(part[0] for part in parts[:2]).upper() or self.username[:1].upper()

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", kwargs={"username": self.username})
