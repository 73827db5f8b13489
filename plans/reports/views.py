"""Services given in session (counselors), and the program report (org admins)."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from harmplan.accounts.access import client_ip, staff_organization
from harmplan.accounts.decorators import role_required
from harmplan.accounts.models import Role
from harmplan.http import AuthenticatedRequest
from plans.access import get_plan_for_user, log_read
from plans.models import ServiceGiven, ServiceKind
from plans.timezones import client_today, program_today

from . import services
from .charts import bar_chart
from .figures import build_report
from .forms import ReferralOutcomeForm, ReportForm, ServiceGivenForm


@role_required(Role.COUNSELOR)
@require_http_methods(["GET", "POST"])
def service_new(request: AuthenticatedRequest, plan_id) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    today = client_today(plan)
    form = ServiceGivenForm(
        request.POST if request.method == "POST" else None,
        initial={"given_on": today, "count": 1},
        organization=request.user.organization,
        today=today,
    )
    if form.is_valid():
        data = form.cleaned_data
        services.service_give(
            plan=plan,
            counselor=request.user,
            kind=data["kind"],
            count=data["count"],
            given_on=data["given_on"],
            resource=data["resource"],
            ip=client_ip(request),
        )
        messages.success(request, _("Saved. Your client sees this on their plan."))
        return redirect(plan.get_absolute_url() + "#services")
    if request.method == "GET":
        log_read(request, plan, "services given")
    return render(request, "plans/reports/service_new.html", {"plan": plan, "form": form})


@role_required(Role.COUNSELOR)
@require_POST
def referral_outcome(request: AuthenticatedRequest, plan_id, service_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    service = ServiceGiven.objects.filter(
        pk=service_id, client_id=plan.client_id, kind=ServiceKind.REFERRAL
    ).first()
    form = ReferralOutcomeForm(request.POST)
    if service is None:
        raise Http404
    if form.is_valid():
        services.referral_outcome_set(
            service=service,
            counselor=request.user,
            outcome=form.cleaned_data["outcome"],
            ip=client_ip(request),
        )
        messages.success(request, _("Referral updated."))
    return redirect(plan.get_absolute_url() + "#services")


def _report(request: AuthenticatedRequest):
    organization = staff_organization(request.user)
    form = ReportForm(request.GET, organization=organization, today=program_today())
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    report = build_report(
        organization=organization,
        first=data["first"],
        last=data["last"],
        counselor=data["counselor"],
    )
    return form, report


@role_required(Role.ORG_ADMIN)
@require_GET
def program_report(request: AuthenticatedRequest) -> HttpResponse:
    form, report = _report(request)
    for group in report.groups if report else []:
        group.bar_chart = bar_chart(group) if group.chart else None
    return render(
        request,
        "plans/reports/report.html",
        {"form": form, "report": report, "query": request.GET.urlencode()},
        status=200 if report else 400,
    )


@role_required(Role.ORG_ADMIN)
@require_GET
def program_report_csv(request: AuthenticatedRequest) -> HttpResponse:
    form, report = _report(request)
    if report is None:
        return redirect("plans:program_report")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    # Neutral: a file name says when, never what the program is about.
    name = f"report-{report.first:%Y-%m-%d}-to-{report.last:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow([_("Section"), _("Figure"), _("Count")])
    writer.writerow([_("Period"), _("From"), f"{report.first:%Y-%m-%d}"])
    writer.writerow([_("Period"), _("To"), f"{report.last:%Y-%m-%d}"])
    writer.writerows(report.rows())
    return response
