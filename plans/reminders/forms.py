from __future__ import annotations

from django import forms
from django.utils import timezone

from harmplan.forms import PhoneField, TimeZoneField, field_of
from plans.models import Channel, ReminderSchedule
from plans.timezones import get_zone, local_day

from . import sms
from .schedule import WEEKDAY_NAMES, weekdays_to_mask


class ReminderSettingsForm(forms.Form):
    channel = forms.ChoiceField(
        label="How would you like your reminders?",
        widget=forms.RadioSelect(attrs={"class": "choices"}),
        error_messages={"required": "Choose how you would like your reminders"},
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        help_text="Only needed for email reminders.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )
    phone = PhoneField(
        label="Mobile number",
        required=False,
        help_text="Only needed for text messages.",
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="Which days?",
        choices=list(enumerate(WEEKDAY_NAMES)),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
    )
    local_time = forms.TimeField(
        label="What time?",
        help_text="For example 09:00 or 18:30.",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": "Enter a time, like 09:00",
            "invalid": "Enter a time, like 09:00",
        },
    )
    timezone = TimeZoneField(
        label="Your time zone",
        help_text="Reminders follow the clock where you are, including summer time.",
    )
    paused_until = forms.DateField(
        label="Pause reminders until (optional)",
        required=False,
        help_text="Reminders start again on this day. Leave it empty to keep them on.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date, like 2026-12-01"},
    )

    def __init__(self, data=None, *, schedule: ReminderSchedule, **kwargs):
        self.schedule = schedule
        client = schedule.client
        initial = {
            "channel": schedule.channel,
            "email": client.email,
            "phone": client.phone,
            "weekdays": schedule.weekday_list,
            "local_time": schedule.local_time,
            "timezone": schedule.timezone,
            "paused_until": None if schedule.paused_indefinitely else schedule.paused_until,
        }
        super().__init__(data, initial=initial, **kwargs)
        channels = [(Channel.EMAIL, "Email"), (Channel.NONE, "No reminders")]
        if sms.sms_enabled() or schedule.channel == Channel.SMS:
            channels.insert(1, (Channel.SMS, "Text message"))
        field_of(self, "channel", forms.ChoiceField).choices = channels
        field_of(self, "timezone", TimeZoneField).include(schedule.timezone)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        channel = cleaned.get("channel")
        if channel == Channel.EMAIL and not cleaned.get("email") and "email" not in self.errors:
            self.add_error("email", "Enter your email address to get reminders by email")
        if channel == Channel.SMS and not cleaned.get("phone") and "phone" not in self.errors:
            self.add_error("phone", "Enter your mobile number to get text messages")
        if channel and channel != Channel.NONE and not cleaned.get("weekdays"):
            self.add_error("weekdays", "Choose at least one day")
        paused_until = cleaned.get("paused_until")
        zone_name = cleaned.get("timezone")
        if paused_until and zone_name:
            today = local_day(timezone.now(), get_zone(zone_name), day_starts_at=0)
            if paused_until <= today:
                self.add_error("paused_until", "Choose a day after today, or leave it empty")
        return cleaned

    @property
    def weekday_mask(self) -> int:
        return weekdays_to_mask(self.cleaned_data.get("weekdays") or [])
