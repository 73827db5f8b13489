"""Template tags for records shown on other features' pages (the plan page)."""

from __future__ import annotations

from datetime import date

from django import template

from plans.records import services
from plans.records.zones import program_zone, zone_for_client

register = template.Library()


@register.simple_tag
def closing_on(client, viewer) -> date | None:
    """The local day the client's account is to be deleted, if they asked to close it.

    In the client's zone for the client, in the program's zone for staff."""
    when = services.closing_dates([client.pk]).get(client.pk)
    if when is None:
        return None
    zone = zone_for_client(client) if viewer.pk == client.pk else program_zone()
    return when.astimezone(zone).date()
