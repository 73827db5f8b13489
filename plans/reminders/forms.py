from __future__ import annotations

from django import forms
from django.utils import timezone

from plans import sms
from plans.models import Channel, ReminderSchedule

from .schedule import WEEKDAY_NAMES, get_zone, timezone_names, weekdays_to_mask

PHONE_CHARACTERS = set("+0123456789 -().")


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
    phone = forms.CharField(
        label="Mobile number",
        max_length=32,
        required=False,
        help_text="Only needed for text messages.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
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
    timezone = forms.ChoiceField(
        label="Your time zone",
        help_text="Reminders follow the clock where you are, including summer time.",
        error_messages={"invalid_choice": "Choose a time zone from the list"},
    )
    paused_until = forms.DateField(
        label="Pause reminders until (optional)",
        required=False,
        help_text="Reminders start again on this day. Leave it empty to keep them on.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date, like 2026-12-01"},
    )

    def __init__(self, *args, schedule: ReminderSchedule, **kwargs):
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
        super().__init__(*args, initial=initial, **kwargs)
        channels = [(Channel.EMAIL, "Email"), (Channel.NONE, "No reminders")]
        if sms.sms_enabled() or schedule.channel == Channel.SMS:
            channels.insert(1, (Channel.SMS, "Text message"))
        self.fields["channel"].choices = channels
        zones = list(timezone_names())
        if schedule.timezone not in zones:
            zones.append(schedule.timezone)
        self.fields["timezone"].choices = [(zone, zone.replace("_", " ")) for zone in zones]

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        digits = [ch for ch in phone if ch.isdigit()]
        if phone and (len(digits) < 7 or any(ch not in PHONE_CHARACTERS for ch in phone)):
            raise forms.ValidationError("Enter a phone number using numbers, like 555 123 4567")
        return phone

    def clean_timezone(self) -> str:
        name = self.cleaned_data["timezone"]
        try:
            get_zone(name)
        except ValueError:
            raise forms.ValidationError("Choose a time zone from the list") from None
        return name

    def clean(self):
        cleaned = super().clean()
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
            today = timezone.now().astimezone(get_zone(zone_name)).date()
            if paused_until <= today:
                self.add_error("paused_until", "Choose a day after today, or leave it empty")
        return cleaned

    @property
    def weekday_mask(self) -> int:
        return weekdays_to_mask(self.cleaned_data.get("weekdays") or [])
