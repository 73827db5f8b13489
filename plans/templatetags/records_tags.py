"""Template tags for records shown on other features' pages (the plan page)."""

from __future__ import annotations

from datetime import date

from django import template

from plans.models import CheckIn
from plans.records import closing, privacy
from plans.records.zones import program_zone, zone_for_client

register = template.Library()


@register.simple_tag
def closing_on(client, viewer) -> date | None:
    """The local day the client's account is to be deleted, if they asked to close it.

    In the client's zone for the client, in the program's zone for staff."""
    when = closing.closing_dates([client.pk]).get(client.pk)
    if when is None:
        return None
    zone = zone_for_client(client) if viewer.pk == client.pk else program_zone()
    return when.astimezone(zone).date()


@register.inclusion_tag("plans/records/_team_checkins.html")
def care_team_checkins(client, days: int = 7) -> dict:
    """The client's last check-ins as their care team may see them: how they felt, cravings and
    notes, or "kept private" when the client (or their program's default) keeps them private."""
    private = privacy.notes_private(client)
    checkins = list(
        CheckIn.objects.filter(client=client)
        .order_by("-day")
        .only("day", "feeling", "cravings", "note")[:days]
    )
    return {"checkins": checkins, "private": private}
