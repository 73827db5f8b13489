from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse


def _nav_for(user) -> list[tuple[str, str]]:
    items = []
    if user.is_client:
        items.append(("Check in", "plans:checkin"))
        items.append(("My plan", "plans:my_plan"))
        items.append(("Reminders", "plans:reminder_settings"))
        items.append(("Who saw my records", "accounts:my_access_log"))
        items.append(("My records", "plans:records"))
    if user.is_counselor:
        items.append(("Caseload", "plans:caseload"))
    if user.is_org_admin:
        items.append(("Clients", "accounts:client_list"))
    if user.is_counselor or user.is_org_admin:
        items.append(("Invite someone", "accounts:invite_new"))
    if user.role or user.is_staff:
        items.append(("Strategies", "strategies:catalog"))
    if user.is_org_admin:
        items.append(("Organization", "accounts:org_overview"))
        items.append(("Consents", "plans:program_records"))
    if user.is_staff:
        items.append(("Admin", "admin:index"))
    return items


def harmplan(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    nav = []
    for label, name in _nav_for(user):
        url = reverse(name)
        nav.append({"label": label, "url": url, "current": request.path == url})
    return {"nav_items": nav}
