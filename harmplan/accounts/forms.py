from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UsernameField
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from harmplan.forms import PhoneField, field_of
from strategies.models import Resource

from .models import ICON_CHOICES, Organization, Role, User
from .tasks import send_password_reset


class LoginForm(AuthenticationForm):
    """Django's sign-in form with real length limits.

    AuthenticationForm sets the username's max_length after the field is made, so no validator
    checks it: a 100,000-character name reached the login throttle's table and gave a 500.
    """

    username = UsernameField(
        label=_("Username"),
        max_length=User._meta.get_field("username").max_length,
        widget=forms.TextInput(attrs={"autofocus": True, "autocapitalize": "none"}),
        error_messages={"max_length": _("Usernames are at most %(limit_value)d characters")},
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"max_length": _("Passwords are at most %(limit_value)d characters")},
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Invitation code"),
        max_length=20,
        help_text=_(
            "8 letters and numbers, for example ABCD-2345. Spaces and dashes do not matter."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        error_messages={"required": _("Enter your invitation code")},
    )


class AcceptInvitationForm(forms.Form):
    username = forms.CharField(
        label=_("Choose a username"),
        max_length=150,
        help_text=_(
            "You will use this to sign in. It does not need to be your real name. "
            "Letters, numbers and @ . + - _ only."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
        validators=[User.username_validator],
        error_messages={"required": _("Choose a username")},
    )
    preferred_name = forms.CharField(
        label=_("What would you like to be called? (optional)"), max_length=80, required=False
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        help_text=_("At least 8 characters. Not only numbers, and not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Choose a password")},
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Type the password again")},
    )
    email = forms.EmailField(
        label=_("Email address (optional)"),
        required=False,
        help_text=_("Only used to reset your password or, if you choose, for reminders."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter an email address like name@example.com")},
    )
    phone = PhoneField(
        label=_("Mobile number (optional)"),
        required=False,
        help_text=_("Only used for reminders, if you choose."),
    )

    def __init__(self, *args, username_refusal: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Set when this person has tried too many names: then no name is looked up at all.
        self.username_refusal = username_refusal

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if self.username_refusal:
            raise forms.ValidationError(self.username_refusal)
        if User.objects.filter(username__iexact=username).exists():
            # The same words whoever has the name: they never say that a counselor or an admin
            # has it (and the number of tries is limited).
            raise forms.ValidationError(_("That username is not available. Try another one."))
        return username

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match"))
        elif password1:
            candidate = User(username=cleaned.get("username", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class InvitationForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Who are you inviting?"),
        choices=[(Role.CLIENT, _("A client")), (Role.COUNSELOR, _("A counselor"))],
        initial=Role.CLIENT,
        widget=forms.RadioSelect(attrs={"class": "choices"}),
    )
    counselor = forms.ModelChoiceField(
        label=_("Counselor for this client"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Clients are added to this counselor's caseload."),
        empty_label=_("No counselor yet"),
    )

    def __init__(self, *args, inviter: User, **kwargs):
        super().__init__(*args, **kwargs)
        if inviter.is_org_admin:
            field_of(self, "counselor", forms.ModelChoiceField).queryset = User.objects.filter(
                membership__organization=inviter.organization, membership__role=Role.COUNSELOR
            ).order_by("username")
        else:
            del self.fields["role"]
            del self.fields["counselor"]


class AssignmentForm(forms.Form):
    counselor = forms.ModelChoiceField(
        label=_("Counselor"),
        queryset=User.objects.none(),
        error_messages={
            "required": _("Choose a counselor"),
            "invalid_choice": _("Choose a counselor"),
        },
    )
    client = forms.ModelChoiceField(
        label=_("Client"),
        queryset=User.objects.none(),
        error_messages={"required": _("Choose a client"), "invalid_choice": _("Choose a client")},
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        people = User.objects.filter(membership__organization=organization).order_by("username")
        field_of(self, "counselor", forms.ModelChoiceField).queryset = people.filter(
            membership__role=Role.COUNSELOR
        )
        field_of(self, "client", forms.ModelChoiceField).queryset = people.filter(
            membership__role=Role.CLIENT
        )


class ClientIdleForm(forms.Form):
    heading_field = ""  # the view names the field when the question is the page's heading
    client_idle_minutes = forms.IntegerField(
        label=_("Sign clients out after how many minutes without activity?"),
        help_text=_(
            "Between 5 and 30. Shorter is safer where clients share phones. It applies from "
            "their next sign-in."
        ),
        min_value=5,
        max_value=30,
        error_messages={
            "required": _("Enter a number of minutes from 5 to 30"),
            "invalid": _("Enter a number of minutes from 5 to 30, like 15"),
            "min_value": _("Enter at least 5 minutes"),
            "max_value": _("Enter at most 30 minutes"),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input-code"}),
    )


def _https_by_default(field, **kwargs):
    # An address typed without a scheme means https (Django 6's default, and what the help says).
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class AppearanceForm(forms.ModelForm):
    """The name, icon and quick-exit site the organization's clients see."""

    class Meta:
        model = Organization
        formfield_callback = _https_by_default
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
        field_of(self, "icon", forms.ChoiceField).choices = ICON_CHOICES

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
        label=_("Email address"),
        max_length=254,
        help_text=_("The email address on your account."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address like name@example.com"),
        },
    )

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Only ids go into the queue; the worker makes the link (harmplan/accounts/mail.py).
        for user in self.get_users(self.cleaned_data["email"]):
            transaction.on_commit(partial(send_password_reset.delay, user.pk))


class ResourceForm(forms.ModelForm):
    """One of the organization's local services, as its clients see it on the help page."""

    url = forms.URLField(
        label=_("Web address (optional)"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address like https://example.org")},
    )

    class Meta:
        model = Resource
        fields = ["name", "kind", "phone", "address", "hours", "url", "notes"]
        labels = {
            "name": _("Name"),
            "kind": _("What kind of service is it?"),
            "phone": _("Phone number (optional)"),
            "address": _("Address or place (optional)"),
            "hours": _("Opening hours (optional)"),
            "notes": _("Anything else people should know (optional)"),
        }
        help_texts = {"phone": _("Shown as a link people can tap to call.")}
        error_messages = {
            "name": {"required": _("Enter the name of the service")},
            "kind": {"required": _("Choose what kind of service it is")},
        }
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class CurrentPasswordForm(forms.Form):
    """The current password, asked again before a change to how the account is reached or
    signed in to (reauth.py). Wrong tries are counted per person."""

    current_password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        max_length=4096,
        help_text=_("So that nobody else can change how your account is reached."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your current password")},
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_current_password(self) -> str:
        from . import throttle

        password = self.cleaned_data["current_password"]
        if throttle.over(throttle.REAUTHENTICATION, self.user.pk):
            raise forms.ValidationError(_("Too many tries. Wait 15 minutes, then try again."))
        if not self.user.check_password(password):
            throttle.hit(throttle.REAUTHENTICATION, self.user.pk)
            raise forms.ValidationError(_("That is not your current password"))
        return password


class ContactForm(CurrentPasswordForm):
    """Email and phone, behind the current password (unless the person just signed in)."""

    field_order = ["email", "phone", "current_password"]

    email = forms.EmailField(
        label=_("Email address (optional)"),
        required=False,
        help_text=_(
            "Used to reset your password and, if you choose, for reminders. A new address is "
            "used only after you open the link we send to it."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter an email address like name@example.com")},
    )
    phone = PhoneField(
        label=_("Mobile number (optional)"),
        required=False,
        help_text=_("Only used for text message reminders, if you choose."),
    )

    def __init__(self, data=None, *, user: User, needs_password: bool, **kwargs):
        super().__init__(
            data, user=user, initial={"email": user.email, "phone": user.phone}, **kwargs
        )
        if not needs_password:
            del self.fields["current_password"]
