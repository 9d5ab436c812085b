from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import expertise_from_text


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Unknown username or wrong password. Both are case-sensitive."),
        "inactive": _("This account is inactive."),
    }


class SignUpForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        regex=r"^[\w.@+-]{3,40}$",
        help_text=_("3 to 40 letters, digits and @ . + - _ ; used in @mentions."),
        error_messages={"invalid": _("3 to 40 letters, digits and @ . + - _ only.")},
    )
    display_name = forms.CharField(label=_("Your name, as others will see it"), max_length=80)
    email = forms.EmailField(label=_("E-mail"), help_text=_("Only used to reset your password."))
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username

    def clean(self) -> dict:
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class ProfileForm(forms.ModelForm):
    expertise_text = forms.CharField(
        label=_("Expertise"),
        required=False,
        help_text=_("Separated by commas, for example: décrochage, orientation, TDAH."),
    )
    avatar_upload = forms.ImageField(
        label=_("Avatar"), required=False, help_text=_("JPEG, PNG, GIF or WebP, 2 MB at most.")
    )

    class Meta:
        model = User
        fields = ["display_name", "occupation", "organisation", "region", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expertise_text"].initial = ", ".join(self.instance.expertise or [])

    def profile_changes(self) -> dict:
        changes = {field: self.cleaned_data[field] for field in self.Meta.fields}
        changes["expertise"] = expertise_from_text(self.cleaned_data.get("expertise_text", ""))
        return changes
