from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from harmplan.forms import PhoneField

from .models import ICON_CHOICES, Organization, Role, User


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Invitation code",
        max_length=20,
        help_text="8 letters and numbers, for example ABCD-2345. Spaces and dashes do not matter.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        error_messages={"required": "Enter your invitation code"},
    )


class AcceptInvitationForm(forms.Form):
    username = forms.CharField(
        label="Choose a username",
        max_length=150,
        help_text="You will use this to sign in. It does not need to be your real name. "
        "Letters, numbers and @ . + - _ only.",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
        validators=[User.username_validator],
        error_messages={"required": "Choose a username"},
    )
    preferred_name = forms.CharField(
        label="What would you like to be called? (optional)", max_length=80, required=False
    )
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        help_text="At least 8 characters. Not only numbers, and not a common password.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Choose a password"},
    )
    password2 = forms.CharField(
        label="Type the password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Type the password again"},
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        help_text="Only used to reset your password or, if you choose, for reminders.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )
    phone = PhoneField(
        label="Mobile number (optional)",
        required=False,
        help_text="Only used for reminders, if you choose.",
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("That username is taken. Try another one.")
        return username

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords do not match")
        elif password1:
            candidate = User(username=cleaned.get("username", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class InvitationForm(forms.Form):
    role = forms.ChoiceField(
        label="Who are you inviting?",
        choices=[(Role.CLIENT, "A client"), (Role.COUNSELOR, "A counselor")],
        initial=Role.CLIENT,
        widget=forms.RadioSelect(attrs={"class": "choices"}),
    )
    counselor = forms.ModelChoiceField(
        label="Counselor for this client",
        queryset=User.objects.none(),
        required=False,
        help_text="Clients are added to this counselor's caseload.",
        empty_label="No counselor yet",
    )

    def __init__(self, *args, inviter: User, **kwargs):
        super().__init__(*args, **kwargs)
        if inviter.is_org_admin:
            self.fields["counselor"].queryset = User.objects.filter(
                membership__organization=inviter.organization, membership__role=Role.COUNSELOR
            ).order_by("username")
        else:
            del self.fields["role"]
            del self.fields["counselor"]


class AssignmentForm(forms.Form):
    counselor = forms.ModelChoiceField(
        label="Counselor",
        queryset=User.objects.none(),
        error_messages={"required": "Choose a counselor", "invalid_choice": "Choose a counselor"},
    )
    client = forms.ModelChoiceField(
        label="Client",
        queryset=User.objects.none(),
        error_messages={"required": "Choose a client", "invalid_choice": "Choose a client"},
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        people = User.objects.filter(membership__organization=organization).order_by("username")
        self.fields["counselor"].queryset = people.filter(membership__role=Role.COUNSELOR)
        self.fields["client"].queryset = people.filter(membership__role=Role.CLIENT)


class AppearanceForm(forms.ModelForm):
    """The name, icon and quick-exit site the organization's clients see."""

    class Meta:
        model = Organization
        fields = ["display_name", "icon", "exit_url"]
        labels = {
            "display_name": _("Name people see"),
            "icon": _("Icon"),
            "exit_url": _("Quick exit goes to"),
        }
        widgets = {"icon": forms.RadioSelect(attrs={"class": "choices"})}
        error_messages = {
            "display_name": {"required": _("Enter the name people see")},
            "exit_url": {
                "required": _("Enter the address of a neutral website"),
                "invalid": _("Enter a full https:// address, like https://www.bbc.co.uk/weather"),
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["icon"].choices = ICON_CHOICES

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if "harmplan" in name.lower():
            raise forms.ValidationError(
                _("Choose a name that does not say what the app is for, like “Check-in”")
            )
        return name


class QueuedPasswordResetForm(PasswordResetForm):
    """Sends the reset email through the Celery worker, after the request has finished."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The email address on your account.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address like name@example.com",
        },
    )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from email.utils import formataddr, parseaddr

        from django.conf import settings
        from django.db import transaction
        from django.template import loader

        from harmplan.branding import branding_for
        from harmplan.tasks import send_email

        # From the organization's own name, never the product's: others may see the inbox.
        branding = branding_for(context.get("user"))
        context = {**context, "branding_name": branding.name}
        address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "noreply@localhost"
        sender = formataddr((branding.name, address))
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        transaction.on_commit(lambda: send_email.delay(subject, body, [to_email], sender))
