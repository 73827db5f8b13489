from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harmplan.forms import TimeZoneField, field_of
from plans.models import Channel, ReminderSchedule
from plans.timezones import get_zone, local_day

from . import sms
from .schedule import WEEKDAY_NAMES, weekdays_to_mask

NEEDS_EMAIL = _("Add your email address first, under “Your email and phone”")
NEEDS_PHONE = _("Add your mobile number first, under “Your email and phone”")


class ReminderSettingsForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How would you like your reminders?"),
        widget=forms.RadioSelect(attrs={"class": "choices"}),
        error_messages={"required": _("Choose how you would like your reminders")},
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Which days?"),
        choices=list(enumerate(WEEKDAY_NAMES)),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
    )
    local_time = forms.TimeField(
        label=_("What time?"),
        help_text=_("For example 09:00 or 18:30."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": _("Enter a time, like 09:00"),
            "invalid": _("Enter a time, like 09:00"),
        },
    )
    timezone = TimeZoneField(
        label=_("Your time zone"),
        help_text=_(
            "The same time zone as your check-ins: reminders follow the clock where you "
            "are, including summer time. The first in the list is your program's time zone."
        ),
    )
    paused_until = forms.DateField(
        label=_("Pause reminders until (optional)"),
        required=False,
        help_text=_("Reminders start again on this day. Leave it empty to keep them on."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date, like 2026-12-01")},
    )

    def __init__(
        self, data=None, *, schedule: ReminderSchedule, every_zone: bool = False, **kwargs
    ):
        self.schedule = schedule
        initial = {
            "channel": schedule.channel,
            "weekdays": schedule.weekday_list,
            "local_time": schedule.local_time,
            "timezone": schedule.timezone,
            "paused_until": None if schedule.paused_indefinitely else schedule.paused_until,
        }
        super().__init__(data, initial=initial, **kwargs)
        channels = [(Channel.EMAIL, _("Email")), (Channel.NONE, _("No reminders"))]
        if sms.sms_enabled() or schedule.channel == Channel.SMS:
            channels.insert(1, (Channel.SMS, _("Text message")))
        field_of(self, "channel", forms.ChoiceField).choices = channels
        zone = field_of(self, "timezone", TimeZoneField)
        zone.include(self.data.get("timezone") or schedule.timezone)
        if every_zone:
            zone.show_everything()

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        channel = cleaned.get("channel")
        # Email and phone are changed on the account page, behind the password, and a new email
        # address only counts once confirmed (harmplan/accounts): here they are only used.
        client = self.schedule.client
        if channel == Channel.EMAIL and not client.email:
            self.add_error("channel", NEEDS_EMAIL)
        if channel == Channel.SMS and not client.phone:
            self.add_error("channel", NEEDS_PHONE)
        if channel and channel != Channel.NONE and not cleaned.get("weekdays"):
            self.add_error("weekdays", _("Choose at least one day"))
        paused_until = cleaned.get("paused_until")
        zone_name = cleaned.get("timezone")
        if paused_until and zone_name:
            today = local_day(timezone.now(), get_zone(zone_name), day_starts_at=0)
            if paused_until <= today:
                self.add_error("paused_until", _("Choose a day after today, or leave it empty"))
        return cleaned

    @property
    def weekday_mask(self) -> int:
        return weekdays_to_mask(self.cleaned_data.get("weekdays") or [])
