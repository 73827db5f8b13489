"""Closing an account: asking, changing one's mind, and the deletion after the grace period.

The lists below are what the closing page shows, word for word, and what the deletion test
checks table by table. What stays holds no plan, goal, check-in, reminder or contact detail: it
is the record the law asks a program to keep (who looked at the records, what was shared with
whom under which consent) and the bare account row those records point to.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harmplan.accounts.models import AccessEvent, CareAssignment, Invitation, User
from harmplan.compiled_query import CompiledQuery
from plans import timezones
from plans.models import (
    PAUSED_INDEFINITELY,
    AccountClosure,
    CheckIn,
    Consent,
    DeliveryStatus,
    Disclosure,
    Goal,
    Plan,
    PrivacyChoice,
    ReminderDelivery,
    ReminderSchedule,
    ServiceGiven,
)
from plans.timezones import zone_for_user

from .privacy import policy_for
from .sharing import consent_revoke

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
        _(
            "Your consents to share (with whom, what, why, until when, and the name you signed "
            "with), and the list of what was shared with whom and when."
        ),
        _("The law asks programs to keep a record of every sharing outside the program."),
    ),
    (
        _("An account number with no name, and the date your account was closed."),
        _("The two records above point to it. It cannot be used to sign in."),
    ),
]


def pending_closure(client: User) -> AccountClosure | None:
    return AccountClosure.objects.pending().filter(client=client).first()


def closing_request(*, client: User, now: datetime | None = None) -> AccountClosure:
    """Ask to close the account. Reminders, the calendar link and shared links stop at once."""
    now = now or timezone.now()
    grace = policy_for(client.organization).closing_grace_days
    with transaction.atomic():
        User.objects.select_for_update().get(pk=client.pk)
        existing = pending_closure(client)
        if existing:
            return existing
        schedule = ReminderSchedule.objects.select_for_update().filter(client=client).first()
        closure = AccountClosure.objects.create(
            client=client,
            requested_at=now,
            delete_after=now + timedelta(days=grace),
            had_reminders=schedule is not None,
            paused_until_before=schedule.paused_until if schedule else None,
        )
        if schedule:
            schedule.paused_until = PAUSED_INDEFINITELY
            schedule.next_due_at = None
            schedule.feed_token_hash = None
            schedule.feed_created_at = None
            schedule.save(
                update_fields=[
                    "paused_until",
                    "next_due_at",
                    "feed_token_hash",
                    "feed_created_at",
                    "updated_at",
                ]
            )
            # A reminder already waiting in the outbox is not sent either: senders claim only
            # queued rows (plans/reminders/sending.py).
            ReminderDelivery.objects.filter(schedule=schedule, status=DeliveryStatus.QUEUED).update(
                status=DeliveryStatus.FAILED, last_error="account closing"
            )
        for consent in Consent.objects.active(now).filter(client=client):
            consent_revoke(consent=consent, now=now, reason="account closing")
    return closure


def closing_cancel(*, client: User, now: datetime | None = None) -> bool:
    """Keep the account after all. Reminders come back as they were; shared links do not."""
    now = now or timezone.now()
    with transaction.atomic():
        closure = AccountClosure.objects.select_for_update().pending().filter(client=client).first()
        if closure is None:
            return False
        closure.cancelled_at = now
        closure.save(update_fields=["cancelled_at"])
        schedule = ReminderSchedule.objects.select_for_update().filter(client=client).first()
        if schedule and closure.had_reminders:
            schedule.paused_until = closure.paused_until_before
            schedule.next_due_at = schedule.next_fire_after(now)
            schedule.save(update_fields=["paused_until", "next_due_at", "updated_at"])
    return True


def with_closing_date(clients):
    """Annotate a queryset of clients with `closing_after`: when their account is to be
    deleted, if they asked to close it (for the counselor's caseload)."""
    pending = AccountClosure.objects.pending().filter(client=OuterRef("pk"))
    return clients.annotate(closing_after=Subquery(pending.values("delete_after")[:1]))


def closing_day(client: User, viewer: User) -> date | None:
    """The local day the client's account is to be deleted, if they asked to close it: in the
    client's zone for the client, in the program's zone for staff."""
    rows = _CLOSING.rows([client.pk])
    if not rows:
        return None
    when = rows[-1]["delete_after"]
    zone = zone_for_user(client) if viewer.pk == client.pk else timezones.program_zone()
    return when.astimezone(zone).date()


def closing_dates(clients) -> dict[int, datetime]:
    """For staff pages: when each of `clients` (ids) is to be deleted, if they asked."""
    return dict(_closing_query(list(clients)).values_list("client_id", "delete_after"))


def _closing_query(ids: list[int]) -> QuerySet[AccountClosure]:
    return AccountClosure.objects.pending().filter(client_id__in=ids)


# The plan page and the desk ask this of one client on every visit: compiled once
# (harmplan/compiled_query.py).
_CLOSING = CompiledQuery(lambda ids: _closing_query(ids).values("delete_after"))


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
    ServiceGiven.objects.filter(client=client).delete()
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
