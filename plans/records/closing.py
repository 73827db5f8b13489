"""Deleting a closed account after its grace period: what goes, what stays, and why.

The lists below are what the closing page shows, word for word, and what the deletion test
checks table by table. What stays holds no plan, goal, check-in, reminder or contact detail: it
is the record the law asks a program to keep (who looked at the records, what was shared with
whom under which consent) and the bare account row those records point to.
"""

from __future__ import annotations

from datetime import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harmplan.accounts.models import AccessEvent, CareAssignment, Invitation, User
from plans.models import (
    AccountClosure,
    CheckIn,
    Consent,
    Disclosure,
    Goal,
    Plan,
    PrivacyChoice,
    ReminderSchedule,
)

DELETED = [
    _("Your plan: what matters to you, your strengths, supports and safety plan."),
    _("Your goals, their steps, strategies and your notes on them, and their history."),
    _("Reviews with your counselor."),
    _("Every check-in: amounts, how you felt, cravings and notes."),
    _("Your reminders, the reminders sent, and your calendar link."),
    _("Your name, email address, phone number and password, and your care team."),
]

KEPT = [
    (
        _("The list of who opened your records and when (the access log)."),
        _("The law asks programs to keep it. It says who looked, never what they saw."),
    ),
    (
        _("Your consents to share, and the list of what was shared with whom and when."),
        _("The law asks programs to keep a record of every sharing outside the program."),
    ),
    (
        _("An account number with no name, and the date your account was closed."),
        _("The two records above point to it. It cannot be used to sign in."),
    ),
]


def _count(queryset) -> int:
    return queryset.count()


@transaction.atomic
def account_delete(*, closure: AccountClosure, now: datetime | None = None) -> AccountClosure:
    """Delete the client's content and take their name off the account row. Logged."""
    now = now or timezone.now()
    closure = AccountClosure.objects.select_for_update().get(pk=closure.pk)
    if closure.cancelled_at or closure.completed_at:
        return closure
    client = User.objects.select_for_update().get(pk=closure.client_id)
    plans = Plan.objects.filter(client=client)
    checkins = CheckIn.objects.filter(client=client)
    schedules = ReminderSchedule.objects.filter(client=client)
    deleted = {
        "plan": _count(plans),
        "goals": _count(Goal.objects.filter(plan__client=client)),
        "check-ins": _count(checkins),
        "reminder settings": _count(schedules),
    }
    username = client.username
    # Check-ins first: their entries point at goals, which go with the plan.
    checkins.delete()
    plans.delete()
    schedules.delete()
    PrivacyChoice.objects.filter(client=client).delete()
    CareAssignment.objects.filter(client=client).delete()
    Invitation.objects.filter(used_by=client).update(used_by=None)
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=username).delete()
    client.username = f"closed-{client.public_id.hex[:12]}"
    client.first_name = client.last_name = client.email = client.phone = ""
    client.preferred_name = ""
    client.is_active = False
    client.set_unusable_password()
    client.save()
    AccessEvent.objects.create(
        actor=client,
        client=client,
        action=AccessEvent.Action.DELETE,
        object_type="account",
        object_id=str(client.public_id),
        at=now,
    )
    closure.completed_at = now
    closure.summary = {
        "deleted": deleted,
        "kept": {
            "access log": AccessEvent.objects.filter(client=client).count(),
            "consents": Consent.objects.filter(client=client).count(),
            "disclosures": Disclosure.objects.filter(consent__client=client).count(),
        },
    }
    closure.save(update_fields=["completed_at", "summary"])
    return closure


def accounts_delete_due(*, now: datetime | None = None) -> list[int]:
    """Delete every account whose grace period is over (beat runs this). Ids of closures done."""
    now = now or timezone.now()
    done = []
    for closure in AccountClosure.objects.due(now).order_by("delete_after")[:100]:
        if account_delete(closure=closure, now=now).completed_at:
            done.append(closure.pk)
    return done
