from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import normalize_recovery_code


class AppCodeForm(forms.Form):
    heading_field = "code"  # the question is the page's heading
    wrong_code_message = ""  # set by the view

    code = forms.CharField(
        label=_("Enter the 6-digit code"),
        help_text=_("Open your authenticator app. The code changes every 30 seconds."),
        max_length=20,
        error_messages={"required": _("Enter the 6-digit code from your authenticator app")},
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "class": "input-code",
            }
        ),
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["code"].label = label

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split()).replace("-", "")
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("The code is 6 digits, like 123456"))
        return code


class RecoveryCodeForm(forms.Form):
    heading_field = "code"
    wrong_code_message = ""  # set by the view

    code = forms.CharField(
        label=_("Enter one of your recovery codes"),
        help_text=_("You wrote or printed them when you set up two-step sign-in. Each works once."),
        max_length=40,
        error_messages={"required": _("Enter a recovery code")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = normalize_recovery_code(self.cleaned_data["code"])
        if len(code) != 10:
            raise forms.ValidationError(
                _("A recovery code is 10 letters and numbers, like ABCDE-23456")
            )
        return code
