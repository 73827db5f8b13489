"""Forms for the quick check-in and its settings. Messages say what to do, in plain words."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from harmplan.forms import TimeZoneField, field_of
from plans.models import FEELINGS, CheckIn, Goal, TargetKind
from plans.models.plan import format_amount

from .drinks import BY_KEY, DRINKS, standard_drinks
from .services import CheckInError, Entry, asks_yes_no, check_day, daily_limit

YES_NO_SKIP = [("yes", _("Yes")), ("no", _("No")), ("", _("Skip for today"))]
# A row of 0 to 10 on a phone: the ends are explained in the hint, not in the buttons.
CRAVINGS = [(n, str(n)) for n in range(11)] + [("", _("Skip"))]


def goal_field_name(goal: Goal) -> str:
    return f"goal-{goal.public_id}"


def _question(goal: Goal) -> str:
    if goal.target_kind == TargetKind.PRACTICE:
        return gettext("%(practice)s: did you do this today?") % {"practice": goal.practice}
    if goal.target_kind == TargetKind.NONE:
        return gettext("Did you do something for this goal today?")
    if asks_yes_no(goal):
        return gettext("Did you use today?")
    return gettext("How many %(unit)s today? Leave it empty to skip.") % {
        "unit": goal.get_target_unit_display()
    }


DATE_ERRORS = {
    "invalid": _("Enter a real date, like 2026-03-08"),
    "required": _("Choose the day"),
}


class DayField(forms.DateField):
    """A day to check in for: not after the client's `today`, not more than a year before it.
    The form sets `today` (the client's local day)."""

    today: date | None = None

    def validate(self, value) -> None:
        super().validate(value)
        if value and self.today:
            try:
                check_day(value, self.today)
            except CheckInError as error:
                raise forms.ValidationError(str(error)) from None


class GoalChoiceField(forms.ChoiceField):
    goal: Goal  # the goal this answer is for


class GoalAmountField(forms.DecimalField):
    goal: Goal


class DayForm(forms.Form):
    """Which day to check in for (a GET form, so it works without JavaScript)."""

    day = DayField(
        label=_("Check in for another day"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("You can fill in or change a day that has passed."),
        error_messages=DATE_ERRORS,
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        field_of(self, "day", DayField).today = today
        self.fields["day"].widget.attrs["max"] = today.isoformat()


class CheckInForm(forms.Form):
    """One check-in: an entry for each goal, then how the day felt. Every part is optional."""

    day = DayField(widget=forms.HiddenInput, error_messages=DATE_ERRORS)
    # An id the phone makes for this check-in (static/js/offline.js): sent twice, saved once.
    checkin_key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    feeling = forms.TypedChoiceField(
        label=_("How do you feel? (optional)"),
        choices=[*FEELINGS, ("", _("Skip"))],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "choices tiles"}),
    )
    cravings = forms.TypedChoiceField(
        label=_("Cravings, from 0 to 10 (optional)"),
        help_text=_("0 is none, 10 is very strong."),
        choices=CRAVINGS,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "choices scale"}),
    )
    note = forms.CharField(
        label=_("A note for yourself (optional)"),
        help_text=_("Your counselor sees your check-ins, but not this note."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Keep the note to 1,000 characters or fewer")},
    )
    non_field_anchor = "checkin-form"

    def __init__(self, *args, goals: list[Goal], today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = goals
        self.today = today
        field_of(self, "day", DayField).today = today
        for goal in goals:
            hint = _question(goal)
            if goal.target_kind == TargetKind.AMOUNT and goal.target_value is not None:
                # This step, not the final target: the step is what the client aims at now.
                hint += " " + gettext("This step: %(step)s.") % {
                    "step": goal.step_text(today).lower()
                }
            field: GoalChoiceField | GoalAmountField
            if asks_yes_no(goal):
                field = GoalChoiceField(
                    label=goal.statement,
                    choices=YES_NO_SKIP,
                    required=False,
                    help_text=hint,
                    widget=forms.RadioSelect(attrs={"class": "choices tiles"}),
                )
            else:
                limit = daily_limit(goal)
                number = gettext("Enter a number, like 2 or 2.5")
                field = GoalAmountField(
                    label=goal.statement,
                    required=False,
                    min_value=0,
                    max_value=limit,
                    max_digits=8,
                    decimal_places=1,
                    help_text=hint,
                    localize=False,
                    # A number box with − / + beside it (static/js/harmplan.js); the box alone
                    # works without JavaScript.
                    widget=forms.TextInput(
                        attrs={
                            "inputmode": "decimal",
                            "autocomplete": "off",
                            "class": "input-short stepper",
                        }
                    ),
                    error_messages={
                        "invalid": number,
                        "min_value": _("Enter 0 or more"),
                        "max_value": gettext("Enter a number from 0 to %(limit)s")
                        % {"limit": format_amount(limit)},
                        "max_decimal_places": _("Use at most one number after the point, like 2.5"),
                        "max_digits": number,
                        "max_whole_digits": number,
                    },
                )
            field.goal = goal  # the page puts the drink picker beside its goal's field
            self.fields[goal_field_name(goal)] = field

    @classmethod
    def initial_for(cls, day: date, checkin: CheckIn | None) -> dict:
        initial = {"day": day, "feeling": "", "cravings": ""}
        if checkin is None:
            return initial
        initial.update(
            feeling=checkin.feeling if checkin.feeling is not None else "",
            cravings=checkin.cravings if checkin.cravings is not None else "",
            note=checkin.note,
        )
        for entry in checkin.entries.all():
            name = f"goal-{entry.goal.public_id}"
            if entry.skipped:
                initial[name] = ""
            elif entry.done is not None:
                initial[name] = "yes" if entry.done else "no"
            elif asks_yes_no(entry.goal):  # days counted as 1 or 0
                initial[name] = "yes" if entry.amount else "no"
            else:
                initial[name] = format_amount(entry.amount)
        return initial

    def goal_fields(self):
        return [self[goal_field_name(goal)] for goal in self.goals]

    def entries(self) -> dict[Goal, Entry]:
        entries = {}
        for goal in self.goals:
            value = self.cleaned_data.get(goal_field_name(goal))
            if value in (None, ""):
                entries[goal] = Entry()
            elif asks_yes_no(goal):
                entries[goal] = Entry(done=value == "yes")
            else:
                entries[goal] = Entry(amount=value)
        return entries


class DrinkForm(forms.Form):
    """The drink picker (a GET form, so it works without JavaScript): what and how many, with
    size and strength that can be changed, converted to US standard drinks (drinks.py)."""

    drink_goal = forms.UUIDField(widget=forms.HiddenInput)
    drink = forms.ChoiceField(
        label=_("What did you drink?"),
        choices=[(d.key, d.label) for d in DRINKS],
        error_messages={"required": _("Choose a drink"), "invalid_choice": _("Choose a drink")},
    )
    count = forms.DecimalField(
        label=_("How many?"),
        min_value=Decimal("0.5"),
        max_value=60,
        decimal_places=1,
        initial=1,
        widget=forms.NumberInput(attrs={"class": "input-short stepper", "step": "0.5", "min": "0"}),
        error_messages={"invalid": _("Enter a number, like 2"), "required": _("Enter how many")},
    )
    size_ml = forms.DecimalField(
        label=_("Size of one, in ml (optional)"),
        required=False,
        min_value=1,
        max_value=2000,
        decimal_places=0,
        help_text=_("Leave it empty for the usual size. 1 oz is about 30 ml."),
        widget=forms.NumberInput(attrs={"class": "input-short"}),
        error_messages={"invalid": _("Enter the size in ml, like 355")},
    )
    strength = forms.DecimalField(
        label=_("Strength, % alcohol (optional)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=1,
        help_text=_("Leave it empty for the usual strength. It is on the label, like 5% or 12%."),
        widget=forms.NumberInput(attrs={"class": "input-short", "step": "any"}),
        error_messages={"invalid": _("Enter the strength as a number, like 5")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # These inputs sit inside the check-in form but submit with the picker's own form.
            field.widget.attrs["form"] = "drink-form"

    def standard_drinks(self) -> Decimal:
        data = self.cleaned_data
        drink = BY_KEY[data["drink"]]
        return standard_drinks(
            size_ml=data["size_ml"] or Decimal(drink.size_ml),
            strength=data["strength"] if data["strength"] is not None else drink.strength,
            count=data["count"],
        )


def _hours() -> list[tuple[int, str]]:
    """The hours a day can start at, in the reader's language (a callable: read per request)."""
    morning = [(h, gettext("%(hour)s a.m.") % {"hour": h}) for h in range(1, 12)]
    return [(0, gettext("Midnight")), *morning, (12, gettext("Noon"))]


class CheckInSettingsForm(forms.Form):
    time_zone = TimeZoneField(
        label=_("Your time zone"),
        help_text=_(
            "Your days follow the clock where you are, including summer time. "
            "The first in the list is your program's time zone."
        ),
    )
    day_starts_at = forms.TypedChoiceField(
        label=_("My day starts at"),
        choices=_hours,
        coerce=int,
        help_text=_(
            "Anything before this time counts for the day before. "
            "With 4 a.m., a drink at 1 a.m. counts for the night before."
        ),
        error_messages={"invalid_choice": _("Choose a time from the list")},
    )

    def __init__(self, *args, current_zone: str, every_zone: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        zone = field_of(self, "time_zone", TimeZoneField)
        zone.include(self.data.get("time_zone") or current_zone)
        if every_zone:
            zone.show_everything()
