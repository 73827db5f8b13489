from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm

from harmplan.forms import PhoneField, field_of

from .models import Role, User


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
        super().clean()
        cleaned = self.cleaned_data
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
            field_of(self, "counselor", forms.ModelChoiceField).queryset = User.objects.filter(
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
        field_of(self, "counselor", forms.ModelChoiceField).queryset = people.filter(
            membership__role=Role.COUNSELOR
        )
        field_of(self, "client", forms.ModelChoiceField).queryset = people.filter(
            membership__role=Role.CLIENT
        )


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
        from django.db import transaction
        from django.template import loader

        from harmplan.tasks import send_email

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        transaction.on_commit(lambda: send_email.delay(subject, body, [to_email]))
