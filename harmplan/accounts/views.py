"""Invitations, caseloads, organization management and the client's own access log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from harmplan.http import AuthenticatedRequest

from . import services
from .access import (
    client_ip,
    clients_visible_to,
    get_client_for_user,
    log_access,
    staff_organization,
)
from .decorators import role_required
from .forms import AcceptInvitationForm, AssignmentForm, CodeForm, InvitationForm
from .models import AccessEvent, CareAssignment, Invitation, Role, User

SESSION_INVITATION = "invitation_id"


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_code(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            invitation = services.invitation_find(code=form.cleaned_data["code"])
        except services.InvitationError as error:
            form.add_error("code", str(error))
        else:
            request.session[SESSION_INVITATION] = invitation.pk
            return redirect("accounts:invitation_accept")
    return render(request, "accounts/invitation_code.html", {"form": form})


@login_not_required
@require_http_methods(["GET"])
def invitation_link(request: HttpRequest, token: str) -> HttpResponse:
    # Move the secret from the address bar into the session, so it is not left in history.
    try:
        invitation = services.invitation_find(token=token)
    except services.InvitationError as error:
        return render(request, "accounts/invitation_problem.html", {"problem": error}, status=410)
    request.session[SESSION_INVITATION] = invitation.pk
    return redirect("accounts:invitation_accept")


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest) -> HttpResponse:
    invitation_id = request.session.get(SESSION_INVITATION)
    found = (
        Invitation.objects.select_related("organization").filter(pk=invitation_id).first()
        if invitation_id
        else None
    )
    try:
        invitation = services.invitation_check(found)
    except services.InvitationError as error:
        if found is None:
            return redirect("accounts:invitation_code")
        return render(request, "accounts/invitation_problem.html", {"problem": error}, status=410)
    if request.user.is_authenticated:
        return render(
            request,
            "accounts/invitation_problem.html",
            {"problem": "You are signed in already. Sign out first to accept this invitation."},
            status=409,
        )
    form = AcceptInvitationForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            user = services.invitation_accept(
                invitation=invitation,
                username=data["username"],
                password=data["password1"],
                email=data["email"],
                phone=data["phone"],
                preferred_name=data["preferred_name"],
            )
        except services.InvitationError as error:
            return render(
                request, "accounts/invitation_problem.html", {"problem": error}, status=410
            )
        del request.session[SESSION_INVITATION]
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome. Your account is ready.")
        return redirect("home")
    return render(
        request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation}
    )


@role_required(Role.COUNSELOR, Role.ORG_ADMIN)
@require_http_methods(["GET", "POST"])
def invitation_new(request: AuthenticatedRequest) -> HttpResponse:
    form = InvitationForm(request.POST if request.method == "POST" else None, inviter=request.user)
    if form.is_valid():
        issued = services.invitation_create(
            invited_by=request.user,
            role=form.cleaned_data.get("role", Role.CLIENT),
            counselor=form.cleaned_data.get("counselor"),
        )
        link = request.build_absolute_uri(reverse("accounts:invitation_link", args=[issued.token]))
        return render(
            request,
            "accounts/invitation_issued.html",
            {
                "issued": issued,
                "link": link,
                "code_url": request.build_absolute_uri(reverse("accounts:invitation_code")),
            },
        )
    return render(request, "accounts/invitation_new.html", {"form": form})


@role_required(Role.COUNSELOR, Role.ORG_ADMIN)
@require_http_methods(["GET"])
def client_list(request: AuthenticatedRequest) -> HttpResponse:
    clients = clients_visible_to(request.user).order_by("username")
    page = Paginator(clients, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/client_list.html", {"page": page})


@role_required(Role.COUNSELOR, Role.ORG_ADMIN)
@require_http_methods(["GET"])
def client_detail(request: AuthenticatedRequest, client_id) -> HttpResponse:
    client = get_client_for_user(request.user, client_id)
    log_access(request, client, AccessEvent.Action.VIEW, "profile", client.public_id)
    counselors = User.objects.filter(caseload__client=client).order_by("username")
    return render(
        request, "accounts/client_detail.html", {"client": client, "counselors": counselors}
    )


@role_required(Role.CLIENT)
@require_http_methods(["GET"])
def my_access_log(request: AuthenticatedRequest) -> HttpResponse:
    events = AccessEvent.objects.filter(client=request.user).select_related("actor__membership")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/my_access_log.html", {"page": page})


@role_required(Role.ORG_ADMIN)
@require_http_methods(["GET"])
def org_overview(request: AuthenticatedRequest) -> HttpResponse:
    organization = request.user.organization
    counselors = (
        User.objects.filter(membership__organization=organization, membership__role=Role.COUNSELOR)
        .annotate(caseload_size=Count("caseload"))
        .order_by("username")
    )
    assignments = (
        CareAssignment.objects.filter(organization=organization)
        .select_related("counselor", "client")
        .order_by("counselor__username", "client__username")
    )
    form = AssignmentForm(organization=organization)
    return render(
        request,
        "accounts/org_overview.html",
        {
            "organization": organization,
            "counselors": counselors,
            "assignments": assignments,
            "form": form,
        },
    )


@role_required(Role.ORG_ADMIN)
@require_POST
def assignment_new(request: AuthenticatedRequest) -> HttpResponse:
    organization = staff_organization(request.user)
    form = AssignmentForm(request.POST, organization=organization)
    if not form.is_valid():
        return render(request, "accounts/assignment_new.html", {"form": form}, status=400)
    services.assignment_create(
        organization=organization,
        counselor=form.cleaned_data["counselor"],
        client=form.cleaned_data["client"],
        by=request.user,
        ip=client_ip(request),
    )
    messages.success(request, "Caseload updated.")
    return redirect("accounts:org_overview")


@role_required(Role.ORG_ADMIN)
@require_POST
def assignment_remove(request: AuthenticatedRequest, assignment_id: int) -> HttpResponse:
    assignment = get_object_or_404(
        CareAssignment, pk=assignment_id, organization=request.user.organization
    )
    services.assignment_remove(assignment=assignment, by=request.user, ip=client_ip(request))
    messages.success(request, "Caseload updated.")
    return redirect("accounts:org_overview")
