"""What the care team sees of a client's check-ins, and each organization's records policy."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, QuerySet

from harmplan.accounts.models import Organization, User
from harmplan.compiled_query import CompiledQuery
from plans.models import CheckIn, PrivacyChoice, RecordsPolicy


def policy_for(organization: Organization | None) -> RecordsPolicy:
    """The organization's records policy; the defaults when it has not set one."""
    if organization is None:
        return RecordsPolicy()
    return RecordsPolicy.objects.filter(organization=organization).first() or RecordsPolicy(
        organization=organization
    )


def _notes_private_query(ids: list[int]) -> QuerySet:
    (client_id,) = ids
    return User.objects.filter(pk=client_id).values(
        chosen=F("privacy_choice__notes_private"),
        by_default=F("membership__organization__records_policy__notes_private_by_default"),
    )


# The client's choice and their organization's default in one query (both are one-to-one),
# compiled once (harmplan/compiled_query.py): the desk asks on every visit.
_NOTES_PRIVATE = CompiledQuery(_notes_private_query)


def notes_private(client: User) -> bool:
    """Whether the care team sees "kept private" instead of notes, feelings and cravings: the
    client's choice, else their organization's default (plans/models/records.py)."""
    rows = _NOTES_PRIVATE.rows([client.pk])
    row = rows[0] if rows else {}
    for chosen in (row.get("chosen"), row.get("by_default")):
        if chosen is not None:
            return chosen
    return RecordsPolicy().notes_private_by_default


@transaction.atomic
def privacy_save(*, client: User, notes_private: bool) -> PrivacyChoice:
    choice, _created = PrivacyChoice.objects.update_or_create(
        client=client, defaults={"notes_private": notes_private}
    )
    return choice


# How many of a client's last check-ins their care team sees on the desk.
CARE_TEAM_DAYS = 7


def _care_team_checkins_query(ids: list[int]) -> QuerySet[CheckIn]:
    (client_id,) = ids
    return (
        CheckIn.objects.filter(client_id=client_id)
        .order_by("-day")
        .only("day", "feeling", "cravings", "note")[:CARE_TEAM_DAYS]
    )


# On every visit to the desk: compiled once.
_CARE_TEAM_CHECKINS = CompiledQuery(_care_team_checkins_query)


def care_team_checkins(client: User) -> dict:
    """The client's last check-ins as their care team may see them: how they felt, cravings and
    notes, or "kept private" when the client (or their program's default) keeps them private."""
    checkins = _CARE_TEAM_CHECKINS.objects([client.pk])
    return {"checkins": checkins, "private": notes_private(client)}
