"""Forms for plans and goals. Messages say what to do, in plain words."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from harmplan.forms import PhoneField, field_of
from plans.models import Direction, Goal, Lifecycle, Period, Plan, Step, TargetKind, Unit
from plans.models.plan import AMOUNT_LIMITS, MAX_TRUSTED_CONTACTS, units_for
from strategies.models import Approach, FocusArea, Strategy

from .services import review_has_content
from .stepdown import PlannedStep, StepDownError, plan_steps

RADIO = forms.RadioSelect(attrs={"class": "choices"})
APPROACH_HINTS = {
    Approach.ABSTINENCE: _("Stop for now or for good."),
    Approach.MANAGED_USE: _("Use less, or less often, with limits you set."),
    Approach.SAFER_USE: _("Keep using and lower the risks, like overdose or infections."),
}


class VersionedForm(forms.Form):
    """Carries the version the edit started from, for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class PlanSectionForm(VersionedForm):
    SECTIONS = {
        "about": (_("About me"), ["what_matters", "strengths", "supports"]),
        "safety": (_("My safety plan"), ["safety_plan"]),
    }
    what_matters = forms.CharField(
        label=_("What matters to me"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The people, things and hopes that matter most to you."),
    )
    strengths = forms.CharField(
        label=_("My strengths"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you are good at, and what has helped before."),
    )
    supports = forms.CharField(
        label=_("People who support me"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    safety_plan = forms.CharField(
        label=_("My safety plan"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Where your naloxone is, who to call, and what you will do if things go wrong."
        ),
    )

    def __init__(self, *args, section: str, **kwargs):
        super().__init__(*args, **kwargs)
        keep = {"version", *self.SECTIONS[section][1]}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]


# Goal question pages -----------------------------------------------------------------------------


class FocusForm(forms.Form):
    focus_area = forms.ModelChoiceField(
        label=_("What is this goal about?"),
        queryset=FocusArea.objects.all(),
        widget=RADIO,
        empty_label=None,
        error_messages={
            "required": _("Choose what this goal is about"),
            "invalid_choice": _("Choose what this goal is about"),
        },
    )


class ApproachForm(forms.Form):
    approach = forms.ChoiceField(
        label=_("Which approach fits this goal?"),
        choices=[(a.value, f"{a.label}: {APPROACH_HINTS[a]}") for a in Approach],
        widget=RADIO,
        help_text=_("All three are real goals. You can change the approach any time."),
        error_messages={"required": _("Choose an approach")},
    )


class StatementForm(forms.Form):
    statement = forms.CharField(
        label=_("What is your goal, in your own words?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: “Drink less on weeknights” or “Always carry naloxone”."),
        error_messages={"required": _("Write your goal in your own words")},
    )
    why = forms.CharField(
        label=_("Why does it matter to you? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TargetForm(forms.Form):
    target_kind = forms.ChoiceField(
        label=_("How will you know how it is going?"),
        choices=TargetKind.choices,
        widget=RADIO,
        error_messages={"required": _("Choose how you will know how it is going")},
    )
    target_direction = forms.ChoiceField(
        label=_("At most or at least?"),
        choices=Direction.choices,
        initial=Direction.AT_MOST,
        required=False,
        help_text=_("Only for an amount."),
    )
    target_value = forms.DecimalField(
        label=_("Target amount"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=1,
        help_text=_("Only for an amount. For example 10."),
        error_messages={"invalid": _("Enter the target as a number, like 10")},
    )
    target_unit = forms.ChoiceField(
        label=_("Of what?"),
        choices=[("", _("Choose")), *Unit.choices],
        required=False,
        help_text=_("Only for an amount."),
    )
    target_period = forms.ChoiceField(
        label=_("How often?"),
        choices=[("", _("Choose")), *Period.choices],
        required=False,
        help_text=_("Only for an amount."),
    )
    baseline_value = forms.DecimalField(
        label=_("Where are you now? (optional)"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=1,
        help_text=_(
            "Only for an amount: about how much now, in the same unit. Used to plan steps."
        ),
        error_messages={"invalid": _("Enter where you are now as a number, like 20")},
    )
    practice = forms.CharField(
        label=_("What will you do?"),
        required=False,
        max_length=200,
        help_text=_("Only for a yes or no practice. For example: “Test before I use”."),
    )
    start_on = forms.DateField(
        label=_("Start date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the start date as a real date")},
    )
    target_on = forms.DateField(
        label=_("Target date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the target date as a real date")},
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        kind = data.get("target_kind")
        if not data.get("target_direction"):
            # Only an amount has a direction; the goal always keeps one (the model requires it).
            data["target_direction"] = Direction.AT_MOST
        if kind == TargetKind.AMOUNT:
            _clean_amount(self, data)
        elif kind == TargetKind.PRACTICE:
            if not data.get("practice", "").strip():
                self.add_error("practice", _("Write the practice, like “Test before I use”"))
            for name in ("target_value", "baseline_value", "target_unit", "target_period"):
                data[name] = None if name.endswith("value") else ""
        elif kind == TargetKind.NONE:
            data.update(
                target_value=None,
                baseline_value=None,
                target_unit="",
                target_period="",
                practice="",
            )
        start, target = data.get("start_on"), data.get("target_on")
        if start and target and target < start:
            self.add_error("target_on", _("The target date must be on or after the start date"))
        return data


TARGET_KINDS = [
    (TargetKind.AMOUNT, _("An amount, like drinks a week or money spent")),
    (TargetKind.PRACTICE, _("A yes/no practice, like “test before I use”")),
    (TargetKind.NONE, _("Nothing for now")),
]


class TargetKindForm(forms.Form):
    """The target question, first part: only the kind. The next page asks only what it needs."""

    target_kind = forms.ChoiceField(
        label=_("Do you want to track an amount, a yes/no practice, or nothing?"),
        choices=TARGET_KINDS,
        widget=RADIO,
        help_text=_("You can change this later."),
        error_messages={"required": _("Choose an amount, a practice, or nothing for now")},
    )


def _field(name: str, **changes) -> forms.Field:
    field = copy.deepcopy(TargetForm.base_fields[name])
    for attr, value in changes.items():
        setattr(field, attr, value)
    return field


class AmountForm(forms.Form):
    """The target question for an amount: only the amount's own fields, with the units that make
    sense for the goal's focus area."""

    target_direction = _field("target_direction", help_text="", required=True)
    target_value = _field("target_value", help_text=_("For example 10."), required=True)
    target_unit = _field("target_unit", help_text="", required=True)
    target_period = _field("target_period", help_text="", required=True)
    baseline_value = _field(
        "baseline_value", help_text=_("About how much now, in the same unit. Used to plan steps.")
    )
    start_on = _field("start_on")
    target_on = _field("target_on")

    def __init__(self, *args, focus_slug: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "target_direction", forms.ChoiceField).choices = Direction.choices
        field_of(self, "target_unit", forms.ChoiceField).choices = [("", _("Choose"))] + [
            (unit.value, unit.label) for unit in units_for(focus_slug)
        ]
        self.fields["target_value"].error_messages["required"] = _(
            "Enter the target amount, like 10"
        )
        self.fields["target_unit"].error_messages["required"] = _("Choose what you are counting")
        self.fields["target_period"].error_messages["required"] = _("Choose a day or a week")

    def clean(self):
        super().clean()
        data = self.cleaned_data
        _clean_amount(self, data)
        data.pop("practice", None)
        start, target = data.get("start_on"), data.get("target_on")
        if start and target and target < start:
            self.add_error("target_on", _("The target date must be on or after the start date"))
        return data


class PracticeForm(forms.Form):
    practice = _field("practice", required=True, help_text=_("For example: “Test before I use”."))
    start_on = _field("start_on")
    target_on = _field("target_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practice"].error_messages["required"] = (
            "Write the practice, like “Test before I use”"
        )


def _clean_amount(form: forms.Form, data: dict) -> None:
    unit, period, value = (
        data.get("target_unit") or "",
        data.get("target_period") or "",
        data.get("target_value"),
    )
    if not unit and "target_unit" not in form.errors:
        form.add_error("target_unit", _("Choose what you are counting"))
    if not period and "target_period" not in form.errors:
        form.add_error("target_period", _("Choose a day or a week"))
    if value is None and "target_value" not in form.errors:
        form.add_error("target_value", _("Enter the target amount, like 10"))
    data["practice"] = ""
    limit = AMOUNT_LIMITS.get((unit, period))
    if limit is not None:
        for name in ("target_value", "baseline_value"):
            amount = data.get(name)
            if amount is not None and amount > limit:
                form.add_error(
                    name,
                    gettext("That is more than %(limit)s %(unit)s %(period)s. Check the number")
                    % {
                        "limit": f"{limit.normalize():f}",
                        "unit": Unit(unit).label,
                        "period": Period(period).label,
                    },
                )


class StrategiesForm(forms.Form):
    strategies = forms.ModelMultipleChoiceField(
        label=_("Which strategies could help? (optional)"),
        queryset=Strategy.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
        help_text=_("These fit your goal. Choose any, or none for now. You can add notes later."),
    )

    def __init__(self, *args, focus_area: FocusArea, approach: str, **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "strategies", forms.ModelMultipleChoiceField).queryset = (
            Strategy.objects.published().fitting(approach).in_focus_area(focus_area.slug).by_title()
        )


FIRST_STEP_YEARS = 5


class StepDownForm(forms.Form):
    reduction_percent = forms.DecimalField(
        label=_("How much to cut at each step, in percent"),
        initial=10,
        min_value=1,
        max_value=90,
        decimal_places=0,
        # xgettext:no-python-format
        help_text=_("10% is a common, gentle pace."),
        error_messages={
            "required": _("Enter how much to cut at each step"),
            "invalid": _("Enter a whole number, like 10"),
            # Django fills these in with %(limit_value)s, so a literal % must be written %%.
            "min_value": _("Enter a cut of at least %(limit_value)s%%"),
            "max_value": _("Enter a cut of %(limit_value)s%% or less"),
        },
    )
    interval_weeks = forms.IntegerField(
        label=_("Weeks between steps"),
        initial=2,
        min_value=1,
        max_value=12,
        error_messages={
            "required": _("Enter the weeks between steps"),
            "invalid": _("Enter a whole number of weeks, like 2"),
            "min_value": _("Enter at least 1 week"),
            "max_value": _("Enter 12 weeks or fewer"),
        },
    )
    first_step_on = forms.DateField(
        label=_("Date of the first step"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Enter the date of the first step"),
            "invalid": _("Enter the date of the first step as a real date"),
        },
    )

    def __init__(
        self, *args, baseline: Decimal | None, target: Decimal | None, today: date, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.baseline, self.target = baseline, target
        self.today = today
        self.fields["first_step_on"].initial = today + timedelta(days=1)
        self.steps: list[PlannedStep] = []

    def clean_first_step_on(self) -> date:
        first = self.cleaned_data["first_step_on"]
        if first > self.today + timedelta(days=365 * FIRST_STEP_YEARS):
            raise forms.ValidationError(
                _("Choose a date in the next %(years)d years") % {"years": FIRST_STEP_YEARS}
            )
        return first

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        if self.baseline is None or self.target is None:
            raise forms.ValidationError(
                _("Add where you are now and a target amount first, so we can plan the steps.")
            )
        try:
            self.steps = plan_steps(
                baseline=self.baseline,
                target=self.target,
                start=data["first_step_on"],
                reduction_percent=data["reduction_percent"],
                interval_days=data["interval_weeks"] * 7,
            )
        except StepDownError as error:
            raise forms.ValidationError(str(error)) from None
        return data


class StepChoiceForm(forms.Form):
    plan_steps = forms.ChoiceField(
        label=_("Do you want to plan small steps toward your target?"),
        choices=[("yes", _("Yes, plan steps for me")), ("no", _("No, not now"))],
        widget=RADIO,
        error_messages={"required": _("Choose yes or no")},
    )


# Editing an existing goal ------------------------------------------------------------------------


class GoalEditForm(TargetForm, VersionedForm):
    statement = StatementForm.base_fields["statement"]
    why = StatementForm.base_fields["why"]
    lifecycle = forms.ChoiceField(
        label=_("Where is this goal at?"), choices=Lifecycle.choices, widget=RADIO
    )

    field_order = [
        "statement",
        "why",
        "target_kind",
        "target_direction",
        "target_value",
        "target_unit",
        "target_period",
        "baseline_value",
        "practice",
        "start_on",
        "target_on",
        "lifecycle",
        "version",
    ]

    @classmethod
    def initial_for(cls, goal: Goal) -> dict:
        return {name: getattr(goal, name) for name in cls.base_fields if hasattr(goal, name)}


class StepForm(VersionedForm):
    starts_on = forms.DateField(
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Enter the date this step starts"),
            "invalid": _("Enter the date this step starts as a real date"),
        },
    )
    value = forms.DecimalField(
        label=_("Amount"),
        required=False,
        min_value=0,
        max_value=50000,
        decimal_places=1,
        error_messages={"invalid": _("Enter the amount as a number, like 12")},
    )
    note = forms.CharField(label=_("What I will do (optional)"), max_length=200, required=False)

    def __init__(self, *args, goal: Goal, **kwargs):
        super().__init__(*args, **kwargs)
        self.goal = goal

    def clean(self):
        super().clean()
        data = self.cleaned_data
        starts_on = data.get("starts_on")
        if starts_on and self.goal.target_on and starts_on > self.goal.target_on:
            self.add_error("starts_on", _("A step cannot start after the goal's target date"))
        if starts_on and self.goal.start_on and starts_on < self.goal.start_on:
            self.add_error("starts_on", _("A step cannot start before the goal's start date"))
        return data

    @staticmethod
    def initial_for(step: Step) -> dict:
        return {"starts_on": step.starts_on, "value": step.value, "note": step.note}


class AddStrategyForm(VersionedForm):
    strategy = forms.ModelChoiceField(
        label=_("Strategy"),
        queryset=Strategy.objects.published(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("That strategy is no longer in the catalog")},
    )
    note = forms.CharField(
        label=_("Your note (optional)"),
        max_length=300,
        required=False,
        help_text=_("For example: “naloxone is in my backpack”."),
    )


class NoteForm(VersionedForm):
    note = AddStrategyForm.base_fields["note"]


class ReviewForm(forms.Form):
    """`today` is the client's local day (plans/timezones.py), not the server's date."""

    PARTS = ("went_well", "was_hard", "changes_agreed")

    held_on = forms.DateField(
        label=_("Date of the review"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Enter the date of the review"),
            "invalid": _("Enter the date of the review as a real date"),
        },
    )
    went_well = forms.CharField(
        label=_("What went well"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    was_hard = forms.CharField(
        label=_("What was hard"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    changes_agreed = forms.CharField(
        label=_("Changes we agreed"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Your client reads all of this review on their plan."),
    )
    next_review_on = forms.DateField(
        label=_("Next review (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the next review as a real date")},
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        super().clean()
        data = self.cleaned_data
        held, following = data.get("held_on"), data.get("next_review_on")
        if held and held > self.today:
            self.add_error("held_on", _("The review date cannot be in the future"))
        if held and following and following <= held:
            self.add_error("next_review_on", _("The next review must be after this one"))
        if not review_has_content(*(data.get(name, "") for name in self.PARTS)):
            # An empty review would show the client nothing; say so beside the first part.
            self.add_error(
                "went_well",
                _(
                    "Write what went well, what was hard or the changes you agreed: a review "
                    "needs at least one of them"
                ),
            )
        return data


class AgreeForm(forms.Form):
    content_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def plan_initial(plan: Plan, section: str) -> dict:
    fields = PlanSectionForm.SECTIONS[section][1]
    return {"version": plan.version, **{name: getattr(plan, name) for name in fields}}


class TrustedContactsForm(forms.Form):
    """People I trust: three rows of name and number. A row left empty is removed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, MAX_TRUSTED_CONTACTS + 1):
            self.fields[f"name_{n}"] = forms.CharField(
                label=_("Person %(n)s: name") % {"n": n}, max_length=80, required=False
            )
            self.fields[f"phone_{n}"] = PhoneField(
                label=_("Person %(n)s: phone number") % {"n": n},
                required=False,
                widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            )

    @staticmethod
    def initial_for(plan: Plan) -> dict:
        initial = {}
        for n, contact in enumerate(plan.trusted_contacts.all()[:MAX_TRUSTED_CONTACTS], start=1):
            initial[f"name_{n}"], initial[f"phone_{n}"] = contact.name, contact.phone
        return initial

    def rows(self):
        return [(self[f"name_{n}"], self[f"phone_{n}"]) for n in range(1, MAX_TRUSTED_CONTACTS + 1)]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        for n in range(1, MAX_TRUSTED_CONTACTS + 1):
            if f"phone_{n}" in self.errors:
                continue
            name = cleaned.get(f"name_{n}", "").strip()
            phone = cleaned.get(f"phone_{n}", "")
            if name and not phone:
                message = _("Enter a phone number for %(name)s") % {"name": name}
                self.add_error(f"phone_{n}", message)
            elif phone and not name:
                self.add_error(f"name_{n}", _("Enter a name for this number"))
        return cleaned

    def contacts(self) -> list[tuple[str, str]]:
        rows = []
        for n in range(1, MAX_TRUSTED_CONTACTS + 1):
            name = self.cleaned_data[f"name_{n}"].strip()
            phone = self.cleaned_data[f"phone_{n}"]
            if name and phone:
                rows.append((name, phone))
        return rows


class PlanPrivacyForm(forms.Form):
    """Whether the client's plan page says what each goal is about (off unless they choose)."""

    show_focus_areas = forms.BooleanField(
        label=gettext_lazy(
            "Show what each goal is about, like “Alcohol”, and its strategies on my plan page"
        ),
        help_text=gettext_lazy("Anyone who sees your phone could read it."),
        required=False,
        widget=forms.CheckboxInput(attrs={"aria-describedby": "id_show_focus_areas_helptext"}),
    )
