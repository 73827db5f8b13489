"""Building a goal one question at a time: focus → approach → own words → target → strategies →
steps → check your answers.

Answers live in the session until the last page, so nothing half-made shows up in the plan, and
going back or changing an answer loses nothing. Every page is a plain form; htmx only makes it
quicker.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from harmplan.accounts.access import client_ip
from harmplan.http import AuthenticatedRequest
from harmplan.urls_memo import reverse
from plans.access import get_plan_for_user, log_read
from plans.models import Direction, Period, Plan, TargetKind
from plans.models.plan import amount_with_unit
from plans.timezones import client_today
from strategies.models import Approach, FocusArea, Strategy

from . import services
from .forms import (
    AmountForm,
    ApproachForm,
    FocusForm,
    PracticeForm,
    StatementForm,
    StepChoiceForm,
    StepDownForm,
    StrategiesForm,
    TargetKindForm,
)
from .stepdown import StepDownError, plan_steps

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

QUESTIONS: dict[str, tuple[StrOrPromise, type[forms.Form]]] = {
    "focus": (_("What is this goal about?"), FocusForm),
    "approach": (_("Which approach fits this goal?"), ApproachForm),
    "words": (_("Your goal in your own words"), StatementForm),
    "target": (_("How will you know how it is going?"), TargetKindForm),
    "amount": (_("Your target amount"), AmountForm),
    "practice": (_("Your practice"), PracticeForm),
    "strategies": (_("Which strategies could help?"), StrategiesForm),
    "steps": (_("Small steps"), StepChoiceForm),
    "pace": (_("Plan your steps"), StepDownForm),
}


def _draft_key(plan: Plan) -> str:
    return f"goal-draft-{plan.public_id}"


def _draft(request, plan: Plan) -> dict:
    # A question page can be reached without "Add a goal" first (a bookmark, an old tab).
    draft = request.session.get(_draft_key(plan), {})
    draft.setdefault("answered", [])
    return draft


def _save_draft(request, plan: Plan, draft: dict) -> None:
    request.session[_draft_key(plan)] = draft


def _to_session(value):
    if isinstance(value, Decimal | date):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    if not isinstance(value, str) and hasattr(value, "__iter__"):
        return [_to_session(v) for v in value]
    return value


def steps_apply(draft: dict) -> bool:
    """Steps make sense for an amount to bring down from a known starting point."""
    return (
        draft.get("target_kind") == TargetKind.AMOUNT
        and draft.get("target_direction", Direction.AT_MOST) == Direction.AT_MOST
        and draft.get("baseline_value") not in (None, "")
        and draft.get("target_value") not in (None, "")
        and Decimal(draft["baseline_value"]) > Decimal(draft["target_value"])
    )


AMOUNT_FIELDS = (
    "target_direction",
    "target_value",
    "target_unit",
    "target_period",
    "baseline_value",
)


def _sequence(draft: dict) -> list[str]:
    order = ["focus", "approach", "words", "target"]
    kind = draft.get("target_kind")
    if kind in (TargetKind.AMOUNT, TargetKind.PRACTICE):
        order.append(kind)  # the "amount" or "practice" page asks only what that kind needs
    order.append("strategies")
    if steps_apply(draft):
        order.append("steps")
        if draft.get("plan_steps") == "yes":
            order.append("pace")
    return order


def _question_count(draft: dict) -> int:
    """How many questions there are, counting the ones the answers so far still leave open:
    a target kind not chosen yet may need its own page and the steps page."""
    count = len(_sequence(draft))
    if not _answered(draft, "target"):
        count += 2
    elif draft.get("target_kind") == TargetKind.AMOUNT and not _answered(draft, "amount"):
        count += 1
    return count


def _kind_changed(draft: dict, kind: str) -> None:
    """A new target kind: forget the other kind's answers, and ask its own page again."""
    for question in ("amount", "practice", "steps", "pace"):
        if question in draft["answered"]:
            draft["answered"].remove(question)
    for name in (*AMOUNT_FIELDS, "practice", "plan_steps"):
        draft.pop(name, None)


def _answered(draft: dict, question: str) -> bool:
    return question in draft.get("answered", [])


def _first_unanswered(draft: dict) -> str | None:
    return next((q for q in _sequence(draft) if not _answered(draft, q)), None)


def _url(plan: Plan, question: str) -> str:
    if question == "check":
        return reverse("plans:goal_check", args=[plan.public_id])
    return reverse("plans:goal_question", args=[plan.public_id, question])


def _form_for(question: str, draft: dict, plan: Plan, data=None):
    form_class = QUESTIONS[question][1]
    kwargs: dict[str, Any] = {}
    if question == "amount":
        focus_id = draft.get("focus_area")
        kwargs = {
            "focus_slug": FocusArea.objects.filter(pk=focus_id)
            .values_list("slug", flat=True)
            .first()
            if focus_id
            else None
        }
    if question == "strategies":
        kwargs = {
            "focus_area": FocusArea.objects.get(pk=draft["focus_area"]),
            "approach": draft["approach"],
        }
    if question == "pace":
        kwargs = {
            "baseline": Decimal(draft["baseline_value"]),
            "target": Decimal(draft["target_value"]),
            "today": client_today(plan),
        }
    initial = {name: draft[name] for name in form_class.base_fields if name in draft}
    if data is None:
        return form_class(initial=initial or None, **kwargs)
    return form_class(data, **kwargs)


@require_GET
def goal_new(request: AuthenticatedRequest, plan_id) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    _save_draft(request, plan, {"answered": []})
    return redirect(_url(plan, "focus"))


@require_http_methods(["GET", "POST"])
def goal_question(request: AuthenticatedRequest, plan_id, question: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    if question not in QUESTIONS:
        raise Http404
    draft = _draft(request, plan)
    sequence = _sequence(draft)
    # Questions must be answered in order: a later page needs the earlier answers.
    missing = _first_unanswered(draft)
    if question not in sequence or (missing and sequence.index(question) > sequence.index(missing)):
        return redirect(_url(plan, missing or "check"))
    changing = request.GET.get("change") == "1"
    if request.method == "POST":
        form = _form_for(question, draft, plan, request.POST)
        if form.is_valid():
            # The draft lives in this session only; the plan changes (and is logged) at the end.
            kind = form.cleaned_data.get("target_kind")
            if question == "target" and kind != draft.get("target_kind"):
                _kind_changed(draft, kind)
            for name, value in form.cleaned_data.items():
                draft[name] = _to_session(value)
            if question not in draft["answered"]:
                draft["answered"].append(question)
            if question in ("focus", "approach") and _answered(draft, "strategies"):
                # Strategies that fit one focus or approach may not fit another: ask again.
                draft["answered"].remove("strategies")
                draft.pop("strategies", None)
            _save_draft(request, plan, draft)
            next_question = _first_unanswered(draft)
            if changing or next_question is None:
                return redirect(_url(plan, next_question or "check"))
            return redirect(_url(plan, next_question))
    else:
        log_read(request, plan)
        form = _form_for(question, draft, plan)
    if len(form.fields) == 1:
        form.heading_field = next(iter(form.fields))  # the question is the page's heading
    index = sequence.index(question)
    back = _url(plan, sequence[index - 1]) if index else plan.get_absolute_url()
    if changing:
        back = _url(plan, "check")
    return render(
        request,
        "plans/goals/goal_question.html",
        {
            "plan": plan,
            "form": form,
            "question": question,
            "title": QUESTIONS[question][0],
            "back_url": back,
            "step_number": index + 1,
            "question_count": _question_count(draft),
            "changing": changing,
        },
    )


def _answers(draft: dict) -> list[dict]:
    """The check-your-answers rows, each with the page that changes it."""
    focus_id = draft.get("focus_area")
    focus = FocusArea.objects.filter(pk=focus_id).first() if focus_id else None
    rows = [
        ("What it is about", focus.name if focus else "", "focus"),
        (
            "Approach",
            Approach(draft["approach"]).label if draft.get("approach") else "",
            "approach",
        ),
        ("Your goal", draft.get("statement", ""), "words"),
        ("Why it matters", draft.get("why") or "Not given", "words"),
        ("How you will know", _target_text(draft), "target"),
    ]
    titles = list(
        Strategy.objects.filter(pk__in=draft.get("strategies") or []).values_list(
            "title", flat=True
        )
    )
    rows.append(("Strategies", ", ".join(titles) or "None for now", "strategies"))
    if steps_apply(draft):
        steps = _planned_steps(draft)
        text = (
            "Not now" if not steps else f"{len(steps)} steps, from {steps[0].starts_on:%-d %B %Y}"
        )
        rows.append(("Small steps", text, "steps"))
    return [{"label": label, "value": value, "question": q} for label, value, q in rows]


def _amount_text(draft: dict, value: Decimal) -> str:
    """ "12 standard drinks a week", "1 standard drink a day": the draft's unit and period."""
    amount = amount_with_unit(Decimal(value), draft["target_unit"])
    return f"{amount} {Period(draft['target_period']).label}"


def _target_text(draft: dict) -> str:
    kind = draft.get("target_kind")
    if kind == TargetKind.AMOUNT:
        direction = Direction(draft.get("target_direction") or Direction.AT_MOST).label
        return f"{direction} {_amount_text(draft, Decimal(draft['target_value']))}"
    if kind == TargetKind.PRACTICE:
        return draft.get("practice", "")
    return "No target for now"


def _planned_steps(draft: dict):
    if not steps_apply(draft) or draft.get("plan_steps") != "yes" or not _answered(draft, "pace"):
        return []
    try:
        return plan_steps(
            baseline=Decimal(draft["baseline_value"]),
            target=Decimal(draft["target_value"]),
            start=date.fromisoformat(draft["first_step_on"]),
            reduction_percent=Decimal(draft["reduction_percent"]),
            interval_days=int(draft["interval_weeks"]) * 7,
        )
    except StepDownError:
        return []


def _goal_data(draft: dict) -> dict:
    def decimal_or_none(name):
        return Decimal(draft[name]) if draft.get(name) not in (None, "") else None

    def date_or_none(name):
        return date.fromisoformat(draft[name]) if draft.get(name) else None

    return {
        "focus_area": FocusArea.objects.get(pk=draft["focus_area"]),
        "approach": draft["approach"],
        "statement": draft["statement"],
        "why": draft.get("why", ""),
        "target_kind": draft["target_kind"],
        "target_direction": draft.get("target_direction") or Direction.AT_MOST,
        "target_value": decimal_or_none("target_value"),
        "target_unit": draft.get("target_unit") or "",
        "target_period": draft.get("target_period") or "",
        "practice": draft.get("practice") or "",
        "baseline_value": decimal_or_none("baseline_value"),
        "start_on": date_or_none("start_on"),
        "target_on": date_or_none("target_on"),
    }


@require_http_methods(["GET", "POST"])
def goal_check(request: AuthenticatedRequest, plan_id) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    draft = _draft(request, plan)
    missing = _first_unanswered(draft)
    if missing:
        return redirect(_url(plan, missing))
    if request.method == "POST":
        strategies = Strategy.objects.filter(pk__in=draft.get("strategies") or [])
        try:
            goal = services.goal_create(
                plan=plan,
                author=request.user,
                ip=client_ip(request),
                data=_goal_data(draft),
                strategies=strategies,
                steps=_planned_steps(draft),
            )
        except services.StrategyDoesNotFit as problem:
            messages.warning(request, str(problem))
            draft["answered"].remove("strategies")
            _save_draft(request, plan, draft)
            return redirect(_url(plan, "strategies"))
        request.session.pop(_draft_key(plan), None)
        messages.success(request, gettext("Your goal is saved."))
        return redirect(goal)
    log_read(request, plan)
    return render(
        request,
        "plans/goals/goal_check.html",
        {
            "plan": plan,
            "answers": _answers(draft),
            "steps": [
                {"starts_on": step.starts_on, "text": _amount_text(draft, step.value)}
                for step in _planned_steps(draft)
            ],
            "back_url": _url(plan, _sequence(draft)[-1]),
        },
    )
