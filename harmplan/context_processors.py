from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from harmplan.accounts.sessions.limits import WARN_SECONDS
from harmplan.branding import branding_for
from harmplan.http import AppRequest
from harmplan.urls_memo import reverse
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
    items.append((_("Your account"), "accounts:account"))
    return items


def _session_timer(request: AppRequest) -> dict | None:
    """When the warning before the idle sign-out is due (set by the session middleware)."""
    seconds_left = getattr(request, "session_seconds_left", None)
    if seconds_left is None:
        return None
    warn_in = max(0, seconds_left - WARN_SECONDS)
    return {
        "seconds_left": seconds_left,
        "warn_minutes": warn_in // 60,  # the stylesheet has a class per whole minute
        "idle_minutes": request.session_idle_seconds // 60,
    }


def harmplan(request: AppRequest) -> dict:
    user = getattr(request, "user", None)
    # The zone harmplan.middleware.local_time_zone activated, named as people say it.
    time_zone_label = zone_label(timezone.get_current_timezone_name())
    branding = branding_for(user)
    signed_in = user is not None and user.is_authenticated
    # "Exit this page" on every page a client or a visitor sees, and on "Get help now" for all.
    show_exit = (
        not signed_in or (user is not None and user.is_client) or request.path == reverse("help")
    )
    if not signed_in:
        return {
            "nav_items": [],
            "branding": branding,
            "show_exit": show_exit,
            "session_timer": None,
            "time_zone_label": time_zone_label,
        }
    nav = []
    for label, name in _nav_for(user):
        url = reverse(name)
        nav.append({"label": label, "url": url, "current": request.path == url})
    return {
        "nav_items": nav,
        "branding": branding,
        "show_exit": show_exit,
        "session_timer": _session_timer(request),
        "time_zone_label": time_zone_label,
    }
