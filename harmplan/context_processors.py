from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.timezones import zone_label


def _nav_for(user) -> list[tuple[str, str]]:
    items = []
    if user.is_client:
        items.append((_("Today"), "home"))
        items.append((_("Check in"), "plans:checkin"))
        items.append((_("My plan"), "plans:my_plan"))
        items.append((_("Reminders"), "plans:reminder_settings"))
        items.append((_("Who saw my records"), "accounts:my_access_log"))
        items.append((_("My records"), "plans:records"))
    if user.is_counselor:
        items.append((_("Caseload"), "plans:caseload"))
    if user.is_org_admin:
        items.append((_("Clients"), "accounts:client_list"))
    if user.is_counselor or user.is_org_admin:
        items.append((_("Invite someone"), "accounts:invite_new"))
    if user.role or user.is_staff:
        items.append((_("Strategies"), "strategies:catalog"))
    if user.is_org_admin:
        items.append((_("Organization"), "accounts:org_overview"))
        items.append((_("Consents"), "plans:program_records"))
    if user.is_staff:
        items.append((_("Admin"), "admin:index"))
    return items


def harmplan(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {
            "nav_items": [],
            "time_zone_label": zone_label(timezone.get_current_timezone_name()),
        }
    nav = []
    for label, name in _nav_for(user):
        url = reverse(name)
        nav.append({"label": label, "url": url, "current": request.path == url})
    # The zone harmplan.middleware.local_time_zone activated, named as people say it.
    return {"nav_items": nav, "time_zone_label": zone_label(timezone.get_current_timezone_name())}
