"""What the care team sees of a client's check-ins, and each organization's records policy."""

from __future__ import annotations

from django.db import transaction

from harmplan.accounts.models import Organization, User
from plans.models import CheckIn, PrivacyChoice, RecordsPolicy


def policy_for(organization: Organization | None) -> RecordsPolicy:
    """The organization's records policy; the defaults when it has not set one."""
    if organization is None:
        return RecordsPolicy()
    return RecordsPolicy.objects.filter(organization=organization).first() or RecordsPolicy(
        organization=organization
    )


def notes_private(client: User) -> bool:
    """Whether the care team sees "kept private" instead of notes, feelings and cravings."""
    choice = PrivacyChoice.objects.filter(client=client).values_list("notes_private", flat=True)
    chosen = choice.first()
    if chosen is not None:
        return chosen
    return policy_for(client.organization).notes_private_by_default


@transaction.atomic
def privacy_save(*, client: User, notes_private: bool) -> PrivacyChoice:
    choice, _created = PrivacyChoice.objects.update_or_create(
        client=client, defaults={"notes_private": notes_private}
    )
    return choice


def care_team_checkins(client: User, days: int = 7) -> dict:
    """The client's last check-ins as their care team may see them: how they felt, cravings and
    notes, or "kept private" when the client (or their program's default) keeps them private."""
    checkins = list(
        CheckIn.objects.filter(client=client)
        .order_by("-day")
        .only("day", "feeling", "cravings", "note")[:days]
    )
    return {"checkins": checkins, "private": notes_private(client)}
