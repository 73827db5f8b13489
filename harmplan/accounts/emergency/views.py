"""Covering for a colleague: the reason page for counselors, the review list for org admins."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from harmplan.http import AuthenticatedRequest

from ..access import client_ip
from ..decorators import role_required
from ..models import EmergencyAccess, Role
from . import services
from .forms import EmergencyAccessForm


@role_required(Role.COUNSELOR)
@require_http_methods(["GET", "POST"])
def emergency_access_new(request: AuthenticatedRequest) -> HttpResponse:
    form = EmergencyAccessForm(
        request.POST if request.method == "POST" else None, counselor=request.user
    )
    if form.is_valid():
        client = form.cleaned_data["username"]
        services.emergency_access_grant(
            counselor=request.user,
            client=client,
            reason=form.cleaned_data["reason"],
            ip=client_ip(request),
        )
        return redirect("plans:client_plan", client.public_id)
    return render(request, "accounts/emergency_access_new.html", {"form": form})


@role_required(Role.ORG_ADMIN)
@require_http_methods(["GET"])
def emergency_access_list(request: AuthenticatedRequest) -> HttpResponse:
    grants = EmergencyAccess.objects.filter(organization=request.user.organization).select_related(
        "counselor", "client"
    )
    page = Paginator(grants, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/emergency_access_list.html",
        {"page": page, "program_zone": settings.HARMPLAN["DEFAULT_TIME_ZONE"]},
    )
