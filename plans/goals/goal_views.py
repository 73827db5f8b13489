"""One goal: its page, editing it, its steps and its strategies. Every edit is version-checked."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from harmplan.accounts.access import client_ip
from harmplan.compiled_query import CompiledQuery, prefetched
from harmplan.fragments import render_cached
from harmplan.http import AuthenticatedRequest
from harmplan.urls_memo import reverse
from plans.access import get_goal_for_user, log_read
from plans.models import GoalStrategy, Step
from plans.progress.stats import progress_lines
from plans.timezones import client_today
from strategies.models import Approach, Strategy, TargetKind

from . import services
from .conflicts import conflict_response
from .forms import AddStrategyForm, GoalEditForm, NoteForm, StepDownForm, StepForm, VersionedForm

SUGGESTIONS_SHOWN = 3


def _suggestions_queryset(approach: str, focus_area_id: int, linked: list[int]):
    """Published strategies that fit the goal's approach and focus area, none of those the goal
    has already, the most specific to this focus area first (a strategy tagged for every focus
    area comes last)."""
    focus_count = (
        Strategy.focus_areas.through.objects.filter(strategy_id=OuterRef("pk"))
        .values("strategy_id")
        .annotate(n=Count("*"))
        # The plugin does not see annotations on an auto-created through model.
        .values("n")  # type: ignore[misc]
    )
    return (
        Strategy.objects.published()
        .fitting(approach)
        .filter(focus_areas=focus_area_id)
        .exclude(pk__in=linked)
        .annotate(focus_count=Subquery(focus_count))
        .order_by("focus_count", "title")
        # What a suggestion shows, in either language.
        .only("pk", "slug", "title", "title_es", "summary", "summary_es")
    )


def _suggestions_build(approach: str, limit: int | None):
    def build(ids: list[int]):
        focus_area_id, *linked = ids
        return _suggestions_queryset(approach, focus_area_id, linked)[:limit]

    return build


# Built and compiled once for each approach, number of strategies left out and length
# (harmplan/compiled_query.py): building it cost more CPU than PostgreSQL takes to answer it.
SUGGESTIONS = {
    (approach, limit): CompiledQuery(_suggestions_build(approach, limit))
    for approach in Approach
    for limit in (SUGGESTIONS_SHOWN + 1, None)
}


# The goal's strategies and steps, as goal.strategy_links.select_related("strategy") and
# prefetch_related("steps") find them.
LINKS = CompiledQuery(
    lambda ids: GoalStrategy.objects.filter(goal_id=ids[0]).select_related("strategy")
)
STEPS = CompiledQuery(lambda ids: Step.objects.filter(goal_id=ids[0]))


def _suggestions(goal, links, limit: int | None) -> list[Strategy]:
    query = SUGGESTIONS[(Approach(goal.approach), limit)]
    return query.objects([goal.focus_area_id, *(link.strategy_id for link in links)])


@require_GET
def goal_page(request: AuthenticatedRequest, plan_id, goal_id) -> HttpResponse:
    """About three phone screens: target, this step, progress at a glance with a link to the
    chart, the goal's strategies, then at most three suggestions and "see more"."""
    goal = get_goal_for_user(request.user, plan_id, goal_id)
    log_read(request, goal.plan, "goal", goal.public_id)
    links = LINKS.objects([goal.pk])
    for link in links:
        link.goal = goal  # as goal.strategy_links leaves it
    show_all = request.GET.get("suggestions") == "all"
    suggestions = _suggestions(goal, links, None if show_all else SUGGESTIONS_SHOWN + 1)
    more = not show_all and len(suggestions) > SUGGESTIONS_SHOWN
    today = client_today(goal.plan)
    prefetched([goal], "steps", STEPS.objects([goal.pk]))  # step_text reads them too
    steps = list(goal.steps.all())
    line = progress_lines([goal], today, you=request.user.pk == goal.plan.client_id)[goal.pk]
    shown = suggestions[:SUGGESTIONS_SHOWN] if more else suggestions
    # Each written once, not in every step's row (get_FOO_display, a form's rendering).
    unit_and_period = " ".join([goal.get_target_unit_display(), goal.get_target_period_display()])
    version_form = VersionedForm(initial={"version": goal.version}).render()
    # The goal's strategies, the suggestions and the steps, cached as HTML
    # (harmplan/fragments.py) from what they show.
    strategies_and_steps_html = render_cached(
        "plans/goals/_goal_strategies_and_steps.html",
        {
            "links": [
                {
                    "url": Strategy.url_for(link.strategy.slug),
                    "title": link.strategy.shown_title,
                    "recommended": link.strategy.is_recommended,
                    "changed": link.changed_since_added,
                    "note": link.note,
                    "pk": link.pk,
                }
                for link in links
            ],
            "suggestions": [
                {
                    "url": Strategy.url_for(strategy.slug),
                    "title": strategy.shown_title,
                    "summary": strategy.shown_summary,
                    "pk": strategy.pk,
                }
                for strategy in shown
            ],
            "more_suggestions": more,
            "add_url": reverse(
                "plans:goal_strategy_add", args=[goal.plan.public_id, goal.public_id]
            ),
            "steps": [
                {"starts_on": s.starts_on, "value": s.value, "note": s.note, "pk": s.pk}
                for s in steps
            ],
            "unit_and_period": unit_and_period,
            "plan_id": goal.plan.public_id,
            "goal_id": goal.public_id,
            "amount": goal.target_kind == TargetKind.AMOUNT,
            "version_form": version_form,
        },
        csrf_token=get_token(request),
    )
    return render(
        request,
        "plans/goals/goal.html",
        {
            "plan": goal.plan,
            "goal": goal,
            # Only when a step is in effect: otherwise this step is the target, shown above it.
            "step_text": goal.step_text(today)
            if any(s.starts_on <= today and s.value is not None for s in steps)
            else "",
            "next_step": next((s for s in steps if s.starts_on > today), None),
            "line": line,
            "strategies_and_steps_html": strategies_and_steps_html,
            "unit_and_period": unit_and_period,
        },
    )


@require_http_methods(["GET", "POST"])
def goal_edit(request: AuthenticatedRequest, plan_id, goal_id) -> HttpResponse:
    goal = get_goal_for_user(request.user, plan_id, goal_id)
    if request.method == "POST":
        form = GoalEditForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.goal_update(
                    goal=goal,
                    expected_version=data.pop("version"),
                    data=data,
                    author=request.user,
                    ip=client_ip(request),
                )
            except services.EditConflict as conflict:
                return conflict_response(
                    request, conflict, GoalEditForm, "Change this goal", goal.plan, goal
                )
            messages.success(request, gettext("Goal saved."))
            return redirect(goal)
    else:
        log_read(request, goal.plan, "goal", goal.public_id)
        form = GoalEditForm(initial={**GoalEditForm.initial_for(goal), "version": goal.version})
    return render(
        request, "plans/goals/goal_edit.html", {"plan": goal.plan, "goal": goal, "form": form}
    )


@require_http_methods(["GET", "POST"])
def goal_step_planner(request: AuthenticatedRequest, plan_id, goal_id) -> HttpResponse:
    goal = get_goal_for_user(request.user, plan_id, goal_id)
    data = request.POST if request.method == "POST" else None
    form = StepDownForm(
        data,
        baseline=goal.baseline_value,
        target=goal.target_value,
        today=client_today(goal.plan),
    )
    version_form = VersionedForm(data, initial={"version": goal.version})
    if data is not None and form.is_valid() and version_form.is_valid():
        try:
            services.goal_steps_replace(
                goal=goal,
                expected_version=version_form.cleaned_data["version"],
                steps=form.steps,
                author=request.user,
                ip=client_ip(request),
            )
        except services.EditConflict:
            messages.warning(request, _CHANGED_MEANWHILE)
            return redirect(goal)
        messages.success(
            request,
            ngettext(
                "%(count)d step planned. You can change it.",
                "%(count)d steps planned. You can change any of them.",
                len(form.steps),
            )
            % {"count": len(form.steps)},
        )
        return redirect(goal)
    if data is None:
        log_read(request, goal.plan, "goal", goal.public_id)
    return render(
        request,
        "plans/goals/goal_step_planner.html",
        {
            "plan": goal.plan,
            "goal": goal,
            "form": form,
            "version_form": version_form,
        },
    )


_CHANGED_MEANWHILE = gettext_lazy(
    "Someone changed this goal while you were working on it. Here is the latest version; "
    "please make your change again."
)


@require_http_methods(["GET", "POST"])
def step_edit(
    request: AuthenticatedRequest, plan_id, goal_id, step_id: int | None = None
) -> HttpResponse:
    goal = get_goal_for_user(request.user, plan_id, goal_id)
    step = get_object_or_404(Step, pk=step_id, goal=goal) if step_id else None
    if request.method == "POST":
        form = StepForm(request.POST, goal=goal)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.step_save(
                    goal=goal,
                    expected_version=data.pop("version"),
                    author=request.user,
                    ip=client_ip(request),
                    step=step,
                    data=data,
                )
            except services.EditConflict as conflict:
                return conflict_response(
                    request,
                    conflict,
                    lambda d: StepForm(d, goal=goal),
                    "Change a step",
                    goal.plan,
                    goal,
                )
            return redirect(goal)
    else:
        log_read(request, goal.plan, "goal", goal.public_id)
        initial = StepForm.initial_for(step) if step else {}
        form = StepForm(initial={**initial, "version": goal.version}, goal=goal)
    return render(
        request,
        "plans/goals/step_edit.html",
        {"plan": goal.plan, "goal": goal, "step": step, "form": form},
    )


@require_POST
def step_delete(request: AuthenticatedRequest, plan_id, goal_id, step_id: int) -> HttpResponse:
    goal = get_goal_for_user(request.user, plan_id, goal_id)
    step = get_object_or_404(Step, pk=step_id, goal=goal)
    form = VersionedForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        services.step_delete(
            goal=goal,
            expected_version=form.cleaned_data["version"],
            author=request.user,
            ip=client_ip(request),
            step=step,
        )
    except services.EditConflict:
        messages.warning(request, _CHANGED_MEANWHILE)
        return redirect(goal)
    messages.success(request, gettext("Step removed."))
    return redirect(goal)


@require_POST
def goal_strategy_add(request: AuthenticatedRequest, plan_id, goal_id) -> HttpResponse:
    goal = get_goal_for_user(request.user, plan_id, goal_id)
    form = AddStrategyForm(request.POST)
    if form.is_valid():
        try:
            services.goal_strategy_add(
                goal=goal,
                expected_version=form.cleaned_data["version"],
                strategy=form.cleaned_data["strategy"],
                note=form.cleaned_data["note"],
                author=request.user,
                ip=client_ip(request),
            )
        except services.StrategyDoesNotFit as problem:
            messages.warning(request, str(problem))
        except services.EditConflict:
            messages.warning(request, _CHANGED_MEANWHILE)
        else:
            messages.success(request, gettext("Strategy added."))
    else:
        messages.warning(
            request, gettext("That strategy could not be added. Please choose it again.")
        )
    return redirect(goal)


@require_http_methods(["GET", "POST"])
def goal_strategy_edit(
    request: AuthenticatedRequest, plan_id, goal_id, link_id: int
) -> HttpResponse:
    goal = get_goal_for_user(request.user, plan_id, goal_id)
    link = get_object_or_404(GoalStrategy.objects.select_related("strategy"), pk=link_id, goal=goal)
    if request.method == "POST":
        form = NoteForm(request.POST)
        if form.is_valid():
            version = form.cleaned_data["version"]
            try:
                if "remove" in request.POST:
                    services.goal_strategy_remove(
                        goal=goal,
                        expected_version=version,
                        link=link,
                        author=request.user,
                        ip=client_ip(request),
                    )
                else:
                    services.goal_strategy_note(
                        goal=goal,
                        expected_version=version,
                        link=link,
                        note=form.cleaned_data["note"],
                        author=request.user,
                        ip=client_ip(request),
                    )
            except services.EditConflict as conflict:
                return conflict_response(
                    request, conflict, NoteForm, "Your note on a strategy", goal.plan, goal
                )
            return redirect(goal)
    else:
        log_read(request, goal.plan, "goal", goal.public_id)
        form = NoteForm(initial={"note": link.note, "version": goal.version})
    return render(
        request,
        "plans/goals/goal_strategy_edit.html",
        {"plan": goal.plan, "goal": goal, "link": link, "form": form},
    )
