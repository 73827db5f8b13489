"""Forms for sharing with consent, privacy, and closing the account."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from plans.models import Method, RecordsPolicy, Shares

from .sharing import LONGEST_CONSENT_DAYS


class ConsentForm(forms.Form):
    """Every element of a written consent (42 CFR Part 2 §2.31), one field at a time."""

    recipient = forms.CharField(
        label=_("Who do you want to share with?"),
        max_length=200,
        help_text=_("A person or an organization, for example: Dr Ana Ruiz, Eastside Clinic."),
        error_messages={"required": _("Write who you want to share with.")},
    )
    shares = forms.ChoiceField(
        label=_("What do you want to share?"),
        choices=Shares.choices,
        widget=forms.RadioSelect(attrs={"class": "choices"}),
        error_messages={
            "required": _("Choose what you want to share."),
            "invalid_choice": _("Choose what you want to share."),
        },
    )
    method = forms.ChoiceField(
        label=_("How do you want to share it?"),
        choices=Method.choices,
        widget=forms.RadioSelect(attrs={"class": "choices"}),
        help_text=_("A link works until the date you choose, or until you stop it."),
        error_messages={
            "required": _("Choose how you want to share it."),
            "invalid_choice": _("Choose how you want to share it."),
        },
    )
    purpose = forms.CharField(
        label=_("Why are you sharing it?"),
        max_length=300,
        help_text=_("For example: so my doctor knows my plan; for my court program."),
        error_messages={"required": _("Write why you are sharing it.")},
    )
    expires_on = forms.DateField(
        label=_("Until when?"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Sharing stops at the end of this day, or sooner if you stop it."),
        error_messages={
            "required": _("Choose the last day of sharing."),
            "invalid": _("Enter a real date, like 2027-03-08."),
        },
    )
    expires_event = forms.CharField(
        label=_("Or until something happens (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example: when my court case ends. You can stop it then yourself."),
    )
    signature = forms.CharField(
        label=_("Type your name to sign"),
        max_length=120,
        help_text=_("Typing your name here is your signature. Today's date is added."),
        error_messages={"required": _("Type your name to sign.")},
    )
    agree = forms.BooleanField(
        label=_("I have read what this means, and I agree to share."),
        error_messages={"required": _("Tick the box to say you agree, or go back.")},
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        widget = self.fields["expires_on"].widget
        widget.attrs["min"] = today.isoformat()
        widget.attrs["max"] = (today + timedelta(days=LONGEST_CONSENT_DAYS)).isoformat()
        self.fields["recipient"].widget.attrs["autocomplete"] = "off"
        self.fields["signature"].widget.attrs["autocomplete"] = "name"

    def clean_expires_on(self) -> date:
        day = self.cleaned_data["expires_on"]
        if day < self.today:
            raise forms.ValidationError(_("Choose today or a day after today."))
        if day > self.today + timedelta(days=LONGEST_CONSENT_DAYS):
            raise forms.ValidationError(_("Choose a day within the next five years."))
        return day

    def clean_recipient(self) -> str:
        return self._not_blank("recipient", _("Write who you want to share with."))

    def clean_purpose(self) -> str:
        return self._not_blank("purpose", _("Write why you are sharing it."))

    def clean_signature(self) -> str:
        return self._not_blank("signature", _("Type your name to sign."))

    def _not_blank(self, name: str, message) -> str:
        value = self.cleaned_data[name].strip()
        if not value:
            raise forms.ValidationError(message)
        return value


class PrivacyForm(forms.Form):
    notes_private = forms.TypedChoiceField(
        label=_("What can your care team see from your check-ins?"),
        choices=[
            ("no", _("Everything: amounts, how I feel, cravings and my notes")),
            ("yes", _("Only the amounts and yes or no answers. Keep the rest private.")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs={"class": "choices"}),
        error_messages={
            "required": _("Choose what your care team can see."),
            "invalid_choice": _("Choose what your care team can see."),
        },
    )


class CloseAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("So we know it is you."),
        error_messages={"required": _("Enter your password.")},
    )

    def __init__(self, *args, user, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.request = user, request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        # Through authenticate(), so django-axes counts wrong passwords here as at sign-in.
        found = authenticate(self.request, username=self.user.get_username(), password=password)
        if found is None or found.pk != self.user.pk:
            raise forms.ValidationError(_("That is not your password. Try again."))
        return password


class PolicyForm(forms.ModelForm):
    class Meta:
        model = RecordsPolicy
        fields = ["closing_grace_days", "notes_private_by_default"]
