"""The plan page (client dashboard and counselor in-session view), its sections, agreement,
history and reviews; the client's people I trust and what their plan page shows."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from harmplan.accounts.access import client_ip
from harmplan.accounts.decorators import role_required
from harmplan.accounts.models import Role
from harmplan.http import AuthenticatedRequest
from plans.access import get_plan_for_user, log_read
from plans.models import Goal, Lifecycle, Plan
from plans.progress.stats import progress_lines
from plans.records import closing as records_closing
from plans.records import privacy as records_privacy
from plans.reports.wording import services_for_client
from plans.timezones import client_today, viewer_zone
from plans.today.selectors import counselor_changes

from . import services
from .cards import goal_cards_html
from .conflicts import conflict_response
from .desk import desk_context, team_checkins_html
from .forms import (
    AgreeForm,
    PlanPrivacyForm,
    PlanSectionForm,
    ReviewForm,
    TrustedContactsForm,
    plan_initial,
)
from .selectors import (
    PlanHistory,
    counselor_changes_since,
    current_goals,
    latest_review,
    with_trusted_contacts,
)


def _with_progress(goals: list[Goal], today: date, *, you: bool) -> list[Goal]:
    """Each active goal gets its progress line: one query for all of them."""
    lines = progress_lines([g for g in goals if g.lifecycle == Lifecycle.ACTIVE], today, you=you)
    for goal in goals:
        goal.progress_line = lines.get(goal.pk)
    return goals


@role_required(Role.CLIENT)
@require_GET
def my_plan(request: AuthenticatedRequest) -> HttpResponse:
    plan = services.plan_for_client(request.user)
    return redirect(plan)


@require_GET
def plan_page(request: AuthenticatedRequest, plan_id) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    is_client = request.user.pk == plan.client_id
    changes = []
    if is_client:
        since = plan.client_last_seen_at
        changes = counselor_changes_since(plan, since) if since else []
        # Moving the mark on changes nothing when there is nothing new: no write per view.
        if changes or since is None:
            services.plan_mark_seen(plan=plan)
    else:
        log_read(request, plan)
    today = client_today(plan)  # the client's local day, as check-ins count it
    goals = _with_progress(current_goals(plan, today), today, you=is_client)
    if not is_client:
        context = {
            "plan": plan,
            "client": plan.client,
            "goals": goals,
            "today": today,
            # From the client's records: "closing on …", and what the care team may see.
            "closing_on": records_closing.closing_day(plan.client, request.user),
            "team_checkins_html": team_checkins_html(
                records_privacy.care_team_checkins(plan.client)
            ),
        }
        zone = viewer_zone(request.user, plan)
        context["zone"] = zone
        context.update(desk_context(plan, goals, today, zone))
        return render(request, "plans/goals/desk.html", context)
    context = {
        "plan": with_trusted_contacts(plan),
        "client": plan.client,
        "is_client": is_client,
        "goals": goals,
        "goal_cards": goal_cards_html(plan, goals, is_client=is_client),
        "today": today,
        "changes_since_last_visit": changes,
        # The counselor's changes since the client agreed, as a difference beside "I agree".
        "counselor_changes": counselor_changes(plan) if is_client else [],
        "latest_review": latest_review(plan),
        "services_given": services_for_client(plan.client),
        "agree_form": AgreeForm(initial={"content_version": plan.content_version}),
        # From the client's records: "closing on …", and what the care team may see.
        "closing_on": records_closing.closing_day(plan.client, request.user),
    }
    return render(request, "plans/goals/plan.html", context)


def _section_response(request, plan: Plan, section: str) -> HttpResponse:
    if request.htmx:
        return render(
            request, f"plans/goals/plan.html#section-{section}", {"plan": plan, "is_client": True}
        )
    return redirect(f"{plan.get_absolute_url()}#section-{section}")


@require_http_methods(["GET", "POST"])
def plan_section_edit(request: AuthenticatedRequest, plan_id, section: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    if section not in PlanSectionForm.SECTIONS:
        raise Http404
    title = PlanSectionForm.SECTIONS[section][0]
    if request.method == "POST":
        form = PlanSectionForm(request.POST, section=section)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                plan = services.plan_update(
                    plan=plan,
                    expected_version=data.pop("version"),
                    data=data,
                    author=request.user,
                    ip=client_ip(request),
                )
            except services.EditConflict as conflict:
                return conflict_response(
                    request, conflict, lambda d: PlanSectionForm(d, section=section), title, plan
                )
            return _section_response(request, plan, section)
    else:
        log_read(request, plan)
        form = PlanSectionForm(initial=plan_initial(plan, section), section=section)
    template = "plans/goals/plan_section_edit.html"
    if request.htmx:
        template += "#section-form"
    return render(
        request, template, {"plan": plan, "form": form, "title": title, "section": section}
    )


@role_required(Role.CLIENT)
@require_POST
def plan_agree(request: AuthenticatedRequest, plan_id) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    form = AgreeForm(request.POST)
    if not form.is_valid():
        return redirect(plan)
    try:
        services.plan_agree(
            plan=plan, client=request.user, content_version=form.cleaned_data["content_version"]
        )
    except services.EditConflict:
        messages.warning(
            request,
            _(
                "Your plan changed while you were reading it. Please look at the changes, then "
                "agree if you are happy with it."
            ),
        )
        return redirect(plan)
    messages.success(request, _("Thank you. You agreed with this version of your plan."))
    if request.POST.get("back") == "today":
        return redirect("home")
    return redirect(plan)


@require_GET
def plan_history(request: AuthenticatedRequest, plan_id) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    log_read(request, plan, "plan history")
    history = PlanHistory(plan)
    context = {"plan": plan, "revisions": history, "zone": viewer_zone(request.user, plan)}
    # The list is cached under the plan, what it shows (history.key), the language and zone.
    context["history_key"] = history.key
    return render(request, "plans/goals/history.html", context)


@role_required(Role.COUNSELOR)
@require_http_methods(["GET", "POST"])
def review_new(request: AuthenticatedRequest, plan_id) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    today = client_today(plan)
    form = ReviewForm(
        request.POST if request.method == "POST" else None,
        initial={"held_on": today, "next_review_on": plan.next_review_on},
        today=today,
    )
    if form.is_valid():
        services.review_record(
            plan=plan, counselor=request.user, ip=client_ip(request), **form.cleaned_data
        )
        messages.success(request, _("Review saved. Your client can see the notes."))
        return redirect(plan)
    if request.method == "GET":
        log_read(request, plan)
    return render(request, "plans/goals/review_new.html", {"plan": plan, "form": form})


@role_required(Role.CLIENT)
@require_http_methods(["GET", "POST"])
def trusted_contacts(request: AuthenticatedRequest) -> HttpResponse:
    """Up to three people the client can call, first on "Get help now"."""
    plan = services.plan_for_client(request.user)
    if request.method == "POST":
        form = TrustedContactsForm(request.POST)
        if form.is_valid():
            services.trusted_contacts_save(plan=plan, contacts=form.contacts())
            messages.success(request, _("Saved. They are at the top of “Get help now”."))
            return redirect(plan.get_absolute_url() + "#people-i-trust")
        status = 400
    else:
        form, status = TrustedContactsForm(initial=TrustedContactsForm.initial_for(plan)), 200
    context = {"form": form, "plan": plan}
    return render(request, "plans/goals/trusted_contacts.html", context, status=status)


@role_required(Role.CLIENT)
@require_http_methods(["GET", "POST"])
def plan_privacy(request: AuthenticatedRequest) -> HttpResponse:
    """By default the plan page, a client's first screen, does not say what goals are about."""
    plan = services.plan_for_client(request.user)
    form = PlanPrivacyForm(
        request.POST if request.method == "POST" else None,
        initial={"show_focus_areas": plan.show_focus_areas},
    )
    if form.is_valid():
        show = form.cleaned_data["show_focus_areas"]
        services.plan_privacy_save(plan=plan, show_focus_areas=show)
        messages.success(request, _("Saved."))
        return redirect(plan)
    return render(request, "plans/goals/plan_privacy.html", {"form": form, "plan": plan})
