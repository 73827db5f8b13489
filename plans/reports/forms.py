"""The counselor's form for a service given in session, and a referral's outcome."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from harmplan.forms import field_of
from plans.models import COUNTED_KINDS, ReferralOutcome, ServiceKind
from strategies.models import Resource


class ServiceGivenForm(forms.Form):
    """`today` is the client's local day; `organization` scopes the resources one can refer to."""

    kind = forms.ChoiceField(
        label=_("What did you give or arrange?"),
        choices=ServiceKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you gave or arranged")},
    )
    count = forms.IntegerField(
        label=_("How many (naloxone in doses: a kit of 2 sprays is 2)"),
        required=False,
        min_value=1,
        max_value=1000,
        error_messages={
            "min_value": _("Enter a number from 1 to 1000"),
            "max_value": _("Enter a number from 1 to 1000"),
            "invalid": _("Enter how many as a whole number, like 2"),
        },
    )
    resource = forms.ModelChoiceField(
        label=_("Referred to (for a referral)"),
        queryset=Resource.objects.none(),
        required=False,
        empty_label=_("Choose a service"),
        error_messages={"invalid_choice": _("Choose one of your organization's services")},
    )
    given_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Enter the date"),
            "invalid": _("Enter the date as a real date"),
        },
    )

    def __init__(self, *args, organization, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        field_of(
            self, "resource", forms.ModelChoiceField
        ).queryset = Resource.objects.for_organization(organization)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        kind, count = data.get("kind"), data.get("count")
        if kind in COUNTED_KINDS and count is None and "count" not in self.errors:
            self.add_error("count", _("Enter how many you gave"))
        if (
            kind == ServiceKind.REFERRAL
            and not data.get("resource")
            and "resource" not in self.errors
        ):
            self.add_error("resource", _("Choose the service you referred to"))
        if data.get("given_on") and data["given_on"] > self.today:
            self.add_error("given_on", _("The date cannot be in the future"))
        if kind and kind not in COUNTED_KINDS:
            data["count"] = 1
        if kind != ServiceKind.REFERRAL:
            data["resource"] = None
        return data


class ReferralOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=ReferralOutcome.choices)


class ReportForm(forms.Form):
    """Which period and (optionally) which counselor's caseload the report is about."""

    PERIODS = [
        ("this_month", _("This month")),
        ("last_month", _("Last month")),
        ("last_quarter", _("Last quarter")),
        ("range", _("Dates I choose")),
    ]

    period = forms.ChoiceField(
        label=_("Period"), choices=PERIODS, initial="this_month", required=False
    )
    first = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the first day as a real date")},
    )
    last = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the last day as a real date")},
    )
    counselor: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Counselor"),
        queryset=None,
        required=False,
        empty_label=_("Everyone in the program"),
        error_messages={"invalid_choice": _("Choose one of your counselors")},
    )

    def __init__(self, *args, organization, today: date, **kwargs):
        from harmplan.accounts.models import Role, User

        super().__init__(*args, **kwargs)
        self.today = today
        field_of(self, "counselor", forms.ModelChoiceField).queryset = User.objects.filter(
            membership__organization=organization, membership__role=Role.COUNSELOR
        ).order_by("username")

    def clean(self):
        super().clean()
        data = self.cleaned_data
        period = data.get("period") or "this_month"
        today = self.today
        month_start = today.replace(day=1)
        if period == "this_month":
            data["first"], data["last"] = month_start, today
        elif period == "last_month":
            last = month_start - timedelta(days=1)
            data["first"], data["last"] = last.replace(day=1), last
        elif period == "last_quarter":
            quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
            last = quarter_start - timedelta(days=1)
            data["first"], data["last"] = date(last.year, last.month - 2, 1), last
        else:
            chosen_first, chosen_last = data.get("first"), data.get("last")
            if chosen_first is None and "first" not in self.errors:
                self.add_error("first", _("Enter the first day"))
            if chosen_last is None and "last" not in self.errors:
                self.add_error("last", _("Enter the last day"))
            if chosen_first and chosen_last and chosen_last < chosen_first:
                self.add_error("last", _("The last day must be on or after the first day"))
            if chosen_first and chosen_last and (chosen_last - chosen_first).days > 366 * 3:
                self.add_error("last", _("Choose a period of at most three years"))
        return data
