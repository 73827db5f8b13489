from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Role, User

REASON_MIN_LENGTH = 10


class EmergencyAccessForm(forms.Form):
    username = forms.CharField(
        label=_("The client's username"),
        help_text=_("Ask their counselor or the client. It must be a client of your program."),
        max_length=150,
        error_messages={"required": _("Enter the client's username")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    reason = forms.CharField(
        label=_("Why do you need to open this plan?"),
        help_text=_(
            "For example: covering for Sam while they are away; the client called and needs help "
            "now. The client and your admin will see this."
        ),
        max_length=500,
        error_messages={"required": _("Say why you need to open this plan")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, counselor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.counselor = counselor

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        client = (
            User.objects.filter(
                username__iexact=username,
                is_active=True,
                membership__role=Role.CLIENT,
                membership__organization=self.counselor.organization,
            )
            .select_related("membership")
            .first()
        )
        if client is None:
            raise forms.ValidationError(
                _("There is no client with that username in your program. Check the spelling.")
            )
        return client

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if len(reason) < REASON_MIN_LENGTH:
            raise forms.ValidationError(_("Say in a few more words why you need to open this plan"))
        return reason
