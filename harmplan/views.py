"""Pages that belong to no single app: home, help, health check, CSRF failure."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from harmplan.celery import app as celery_app
from harmplan.http import AuthenticatedRequest
from harmplan.phones import tel_href
from plans.goals.selectors import safety_card
from plans.today.views import today
from strategies.help_resources import help_page_resources
from strategies.models import Resource


@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if user.is_client:
        return today(request)
    if user.is_counselor:
        return redirect("plans:caseload")
    if user.is_org_admin:
        return redirect("accounts:client_list")
    if user.is_staff and not user.role:
        return redirect("admin:index")
    return render(request, "harmplan/home.html")


@login_not_required
@require_GET
def help_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    organization = user.organization if user.is_authenticated else None
    resources = []
    emergency_number = settings.HARMPLAN["DEFAULT_EMERGENCY_NUMBER"]
    if organization:
        emergency_number = organization.emergency_number
        resources = help_page_resources(organization)
    # A client's own safety plan and the people they trust come first.
    card = safety_card(user) if user.is_authenticated and user.is_client else None
    crisis_lines = [r for r in resources if r.kind == Resource.Kind.CRISIS_LINE and r.phone]
    return render(
        request,
        "harmplan/help.html",
        {
            "emergency_number": emergency_number,
            "emergency_tel": tel_href(emergency_number),
            "crisis_lines": crisis_lines,
            "resources": [r for r in resources if r not in crisis_lines],
            "plan": card,
            "trusted_contacts": card.trusted_contacts if card else [],
        },
    )


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    status = 200 if all(checks.values()) else 503
    return JsonResponse(
        {name: "ok" if ok else "down" for name, ok in checks.items()}, status=status
    )


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "harmplan/csrf_failure.html", status=403)
