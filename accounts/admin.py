from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "email", "occupation", "organisation", "is_staff")
    search_fields = ("username", "display_name", "email", "organisation")
    list_filter = ("occupation", "is_staff", "is_active")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            _("Profile"),
            {
                "fields": (
                    "display_name",
                    "occupation",
                    "organisation",
                    "region",
                    "bio",
                    "expertise",
                    "avatar",
                )
            },
        ),
    )
