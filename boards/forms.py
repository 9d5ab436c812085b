from django import forms
from django.utils.translation import gettext_lazy as _

from boards.models import Role, Space


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
