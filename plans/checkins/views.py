"""The quick check-in (where reminders point), its settings, and the client's CSV download."""

from __future__ import annotations

import csv
import uuid
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from harmplan.accounts.decorators import role_required
from harmplan.accounts.models import Role
from harmplan.compiled_query import CompiledQuery, prefetched
from harmplan.field_html import form_facts
from harmplan.fragments import render_cached_from
from harmplan.http import AuthenticatedRequest
from plans import timezones
from plans.goals import services as goal_services
from plans.goals.selectors import with_steps
from plans.models import CheckIn, CheckInEntry, Goal, Lifecycle, Plan, Unit
from plans.models.plan import format_amount

from . import services
from .forms import CheckInForm, CheckInSettingsForm, DayForm, DrinkForm, goal_field_name

GOAL_FIELD_PREFIX = "goal-"


def _goals_for_day_query(ids: list[int], *, day: date) -> QuerySet[Goal]:
    plan_id, client_id = ids
    return (
        Goal.objects.filter(plan_id=plan_id)
        .filter(
            Q(lifecycle=Lifecycle.ACTIVE)
            | Q(checkin_entries__checkin__day=day, checkin_entries__checkin__client_id=client_id)
        )
        .distinct()
        .select_related("focus_area")
        .order_by("position", "created_at")
    )


def _checkin_query(ids: list[int], *, day: date) -> QuerySet[CheckIn]:
    (client_id,) = ids
    return CheckIn.objects.for_client(client_id).filter(day=day)[:1]


def _entries_query(ids: list[int]) -> QuerySet[CheckInEntry]:
    return CheckInEntry.objects.filter(checkin_id__in=ids).select_related("goal")


# The page reminders point to, opened every day: its queries are compiled once
# (harmplan/compiled_query.py).
_GOALS_FOR_DAY = CompiledQuery(_goals_for_day_query, days=("day",))
_CHECKIN = CompiledQuery(_checkin_query, days=("day",))
_ENTRIES = CompiledQuery(_entries_query)


def _goals_for_day(plan: Plan, day: date) -> list[Goal]:
    """Active goals, and any other goal that already has an entry that day (so a correction
    never hides what was noted), with their steps (the hint shows this step)."""
    goals = _GOALS_FOR_DAY.objects([plan.pk, plan.client_id], day=day)
    for goal in goals:
        goal.plan = plan
    return with_steps(goals)


def _existing_checkin(client, day: date) -> CheckIn | None:
    """The client's check-in that day, if any, with its entries and their goals."""
    found = _CHECKIN.objects([client.pk], day=day)
    if not found:
        return None
    checkin = found[0]
    prefetched(found, "entries", _ENTRIES.objects([checkin.pk]))
    return checkin


def _drink_goal(goals: list[Goal]) -> Goal | None:
    """The goal the drink picker fills in: the first one counted in standard drinks."""
    return next((g for g in goals if g.target_unit == Unit.STANDARD_DRINKS), None)


def _refuse_goals_not_in(plan: Plan, data) -> None:
    """A posted entry for a goal that is not this client's is a 404, like opening it would be."""
    ids = set()
    for key in data:
        if key.startswith(GOAL_FIELD_PREFIX):
            try:
                ids.add(uuid.UUID(key[len(GOAL_FIELD_PREFIX) :]))
            except ValueError:
                raise Http404 from None
    if ids and plan.goals.filter(public_id__in=ids).count() != len(ids):
        raise Http404


def _wants_json(request: HttpRequest) -> bool:
    """A check-in sent again from the phone by static/js/offline.js, not the form itself."""
    return request.headers.get("Accept") == "application/json"


def _day_text(day, today) -> str:
    if day == today:
        return "today"
    return day.strftime("%A %-d %B")


def _fields_html(form: CheckInForm, drink_goal: Goal | None, drink_form: DrinkForm | None):
    """The empty or prefilled form's fields, opened every day, from the cache when the same
    fields were shown before: keyed by all they show (form_facts), not by the goals."""
    return render_cached_from(
        "plans/checkins/_checkin_fields.html",
        {
            "form": form_facts(form),
            "drink_form": form_facts(drink_form) if drink_form else None,
            "drink_goal": drink_goal.public_id if drink_goal else None,
        },
        lambda: {
            "form": form,
            "drink_goal": drink_goal,
            "drink_form": drink_form,
            "drink_result": None,
        },
    )


@role_required(Role.CLIENT)
@require_http_methods(["GET", "POST"])
def checkin(request: AuthenticatedRequest) -> HttpResponse:
    plan = goal_services.plan_for_client(request.user)
    zone = timezones.zone_for(plan)
    today = timezones.local_day(timezone.now(), zone, plan.day_starts_at)
    picker = DayForm(request.GET if "day" in request.GET else None, today=today)
    drink_goal = drink_form = drink_result = None
    if request.method == "POST":
        _refuse_goals_not_in(plan, request.POST)
        try:
            day = CheckInForm.base_fields["day"].to_python(request.POST.get("day")) or today
        except ValidationError:
            day = today  # the form says what is wrong
        form = CheckInForm(request.POST, goals=_goals_for_day(plan, day), today=today)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.checkin_record(
                    client=request.user,
                    day=data["day"],
                    entries=form.entries(),
                    feeling=data["feeling"],
                    cravings=data["cravings"],
                    note=data["note"],
                    key=data["checkin_key"],
                )
            except services.CheckInError as error:
                form.add_error(None, str(error))
            else:
                if _wants_json(request):
                    return JsonResponse({"saved": True})
                day = _day_text(data["day"], today)
                messages.success(
                    request,
                    gettext("Thank you. Your check-in for %(day)s is saved.") % {"day": day},
                )
                # Today's check-in lands on Today's calm "Done for today"; another day, progress.
                return redirect("home" if data["day"] == today else "plans:progress")
        if _wants_json(request):
            # A check-in kept on the phone that can never be saved as it is: say why, once.
            errors = [str(e) for errors in form.errors.values() for e in errors]
            return JsonResponse({"saved": False, "errors": errors}, status=400)
        day = form.cleaned_data.get("day") or today
    else:
        day = picker.cleaned_data["day"] if picker.is_valid() else today
        existing = _existing_checkin(request.user, day)
        goals = _goals_for_day(plan, day)
        initial = CheckInForm.initial_for(day, existing)
        drink_goal = _drink_goal(goals)
        if drink_goal and "drink" in request.GET:
            drink_form = DrinkForm(request.GET)
            if (
                drink_form.is_valid()
                and drink_form.cleaned_data["drink_goal"] == drink_goal.public_id
            ):
                drinks = drink_form.standard_drinks()
                initial[goal_field_name(drink_goal)] = format_amount(drinks)
                drink_result = drinks
        elif drink_goal:
            drink_form = DrinkForm(initial={"drink_goal": drink_goal.public_id})
        form = CheckInForm(initial=initial, goals=goals, today=today)
    fields_html = None
    if not form.is_bound and not (drink_form and drink_form.is_bound):
        fields_html = _fields_html(form, drink_goal, drink_form)
    context = {
        "plan": plan,
        "form": form,
        "picker": picker,
        "day": day,
        "today": today,
        "is_today": day == today,
        "day_text": _day_text(day, today),
        "yesterday": today.fromordinal(today.toordinal() - 1),
        "drink_goal": drink_goal,
        "drink_form": drink_form,
        "drink_result": drink_result,
        "fields_html": fields_html,
        # For a check-in made on the offline page: the phone works out the same local day.
        "zone_name": zone.key,
    }
    template = "plans/checkins/checkin.html"
    if request.htmx and request.method == "GET":
        template += "#checkin-day"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@role_required(Role.CLIENT)
@require_http_methods(["GET", "POST"])
def checkin_settings(request: AuthenticatedRequest) -> HttpResponse:
    plan = goal_services.plan_for_client(request.user)
    current_zone = timezones.zone_name_for(plan)
    form = CheckInSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"time_zone": current_zone, "day_starts_at": plan.day_starts_at},
        current_zone=current_zone,
        every_zone=request.GET.get("zones") == "all",
    )
    if form.is_valid():
        services.checkin_settings_save(
            plan=plan,
            time_zone=form.cleaned_data["time_zone"],
            day_starts_at=form.cleaned_data["day_starts_at"],
        )
        messages.success(
            request, gettext("Saved. Your check-ins follow these settings from now on.")
        )
        return redirect("plans:checkin")
    return render(request, "plans/checkins/settings.html", {"form": form, "plan": plan})


# CSV ---------------------------------------------------------------------------------------------

CSV_HEADER = ["day", "goal", "answer", "unit", "how I felt (1 to 5)", "cravings (0 to 10)", "note"]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    """Text as a spreadsheet shows it, never as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _answer(entry: CheckInEntry) -> str:
    if entry.skipped:
        return "skipped"
    if entry.done is not None:
        return "yes" if entry.done else "no"
    return f"{entry.amount.normalize():f}" if entry.amount is not None else ""


def _csv_rows(client):
    checkins_ = (
        CheckIn.objects.for_client(client)
        .order_by("day")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=CheckInEntry.objects.select_related("goal").order_by(
                    "goal__position", "goal__created_at"
                ),
            )
        )
    )
    yield CSV_HEADER
    for checkin in checkins_.iterator(chunk_size=500):
        shared = [checkin.feeling, checkin.cravings, checkin.note]
        entries = list(checkin.entries.all())
        if not entries:
            yield [checkin.day.isoformat(), "", "", "", *shared]
        for entry in entries:
            unit = entry.goal.get_target_unit_display() if entry.amount is not None else ""
            yield [checkin.day.isoformat(), entry.goal.statement, _answer(entry), unit, *shared]


@role_required(Role.CLIENT)
@require_GET
def checkin_export(request: AuthenticatedRequest) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    rows = (writer.writerow([_cell(value) for value in row]) for row in _csv_rows(request.user))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    # A neutral name: the file may sit in a shared downloads folder.
    response["Content-Disposition"] = 'attachment; filename="check-ins.csv"'
    return response
