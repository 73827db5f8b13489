"""Writes for the client's records: consents and disclosures, privacy, downloads, closing.

Each service is one transaction and writes its own access-log entry when staff are involved.
Consents follow 42 CFR Part 2 §2.31; every disclosure under one is a Disclosure row.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from harmplan.accounts.models import AccessEvent, Organization, User, hash_secret
from plans.models import (
    PAUSED_INDEFINITELY,
    AccountClosure,
    Consent,
    DeliveryStatus,
    Disclosure,
    Method,
    Plan,
    PrivacyChoice,
    RecordsPolicy,
    ReminderDelivery,
    ReminderSchedule,
)

from . import export, pdf
from .document import document_context
from .notice import PART2_NOTICE, PART2_NOTICE_TITLE
from .zones import end_of_day, local_today, zone_for_client

# The longest a consent may run; a later date is almost always a typing mistake.
LONGEST_CONSENT_DAYS = 5 * 366
# The accounting of disclosures a client can ask for covers the last three years (§2.24).
ACCOUNTING_YEARS = 3


class RecordsError(ValueError):
    """A request that cannot be done. The message says why, in plain words."""


def _record_access(*, actor: User, client: User, action: str, what: str, object_id="", ip=None):
    """Staff touching a client's records goes into the append-only access log."""
    if actor.pk == client.pk:
        return None
    return AccessEvent.objects.create(
        actor=actor,
        client=client,
        action=action,
        object_type=what,
        object_id=str(object_id),
        ip_address=ip,
    )


# Policy and privacy ------------------------------------------------------------------------------


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


def private_clients(clients) -> set[int]:
    """Of `clients` (ids), those whose notes are kept from the care team, in two queries."""
    ids = list(clients)
    chosen = dict(
        PrivacyChoice.objects.filter(client_id__in=ids, notes_private__isnull=False).values_list(
            "client_id", "notes_private"
        )
    )
    defaults = dict(
        User.objects.filter(pk__in=ids).values_list(
            "pk", "membership__organization__records_policy__notes_private_by_default"
        )
    )
    return {pk for pk in ids if chosen.get(pk, bool(defaults.get(pk)))}


@transaction.atomic
def privacy_save(*, client: User, notes_private: bool) -> PrivacyChoice:
    choice, _created = PrivacyChoice.objects.update_or_create(
        client=client, defaults={"notes_private": notes_private}
    )
    return choice


# Downloads ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    filename: str
    content: bytes
    content_type: str


def records_export(*, client: User, now: datetime | None = None) -> Download:
    """Everything, for the client themself."""
    now = now or timezone.now()
    content = export.build_zip(client, now=now)
    today = local_today(zone_for_client(client), now)
    return Download(export.export_filename(today), content, "application/zip")


def plan_pdf(*, plan: Plan, actor: User, ip: str | None = None, now=None) -> Download:
    """The printable plan, for the client or a counselor printing it in session."""
    now = now or timezone.now()
    context = document_context(plan, now=now)
    content = pdf.render_pdf(context)
    with transaction.atomic():
        _record_access(
            actor=actor,
            client=plan.client,
            action=AccessEvent.Action.EXPORT,
            what="plan PDF",
            object_id=plan.public_id,
            ip=ip,
        )
    return Download(pdf.pdf_filename(context["today"]), content, "application/pdf")


# Consents ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewConsent:
    consent: Consent
    token: str | None  # the link's key, shown once; only its hash is kept


def consent_create(
    *,
    client: User,
    recipient: str,
    shares: str,
    method: str,
    purpose: str,
    expires_on: date,
    expires_event: str = "",
    signature: str,
    now: datetime | None = None,
) -> NewConsent:
    now = now or timezone.now()
    zone = zone_for_client(client)
    today = local_today(zone, now)
    if expires_on < today:
        raise RecordsError(_("Choose today or a day after today."))
    if expires_on > today + timedelta(days=LONGEST_CONSENT_DAYS):
        raise RecordsError(_("Choose a day within the next five years."))
    if not signature.strip():
        raise RecordsError(_("Type your name to sign."))
    if client.organization is None:
        raise RecordsError(_("Your account is not part of a program."))
    if AccountClosure.objects.pending().filter(client=client).exists():
        raise RecordsError(_("Your account is closing, so nothing new can be shared."))
    token = secrets.token_urlsafe(32) if method == Method.LINK else None
    with transaction.atomic():
        consent = Consent.objects.create(
            client=client,
            organization=client.organization,
            recipient=recipient.strip(),
            shares=shares,
            method=method,
            purpose=purpose.strip(),
            expires_on=expires_on,
            expires_event=expires_event.strip(),
            expires_at=end_of_day(expires_on, zone),
            signature=signature.strip(),
            signed_on=today,
            time_zone=str(zone),
            created_at=now,
            token_hash=hash_secret(token) if token else None,
        )
    return NewConsent(consent, token)


def consents_for(client: User):
    return Consent.objects.filter(client=client)


def get_consent_for_client(client: User, public_id) -> Consent:
    """The client's own consent; anyone else's is a 404."""
    try:
        return consents_for(client).get(public_id=public_id)
    except Consent.DoesNotExist:
        raise Http404 from None


@transaction.atomic
def consent_revoke(*, consent: Consent, now: datetime | None = None, reason: str = "") -> bool:
    """Stop a consent at once: its link stops working. False if it had stopped already."""
    now = now or timezone.now()
    changed = Consent.objects.filter(
        pk=consent.pk, revoked_at__isnull=True, expired_at__isnull=True
    ).update(revoked_at=now, token_hash=None, ended_reason=reason)
    consent.refresh_from_db()
    return bool(changed)


@transaction.atomic
def consents_expire(*, now: datetime | None = None) -> int:
    """Mark consents whose date has passed as ended and stop their links (beat runs this)."""
    now = now or timezone.now()
    return Consent.objects.due_to_expire(now).update(expired_at=now, token_hash=None)


class LinkGone(LookupError):
    """No active consent has this key: never made, stopped, or ended."""


def shared_open(*, token: str, now: datetime | None = None) -> Consent:
    """A shared link was opened: find its consent and record the disclosure."""
    now = now or timezone.now()
    if not token:
        raise LinkGone
    with transaction.atomic():
        consent = (
            Consent.objects.active(now)
            .select_for_update()
            .filter(token_hash=hash_secret(token), method=Method.LINK)
            .select_related("client")
            .first()
        )
        if consent is None:
            raise LinkGone
        Disclosure.objects.create(
            consent=consent, at=now, kind=Disclosure.Kind.LINK_VIEW, shares=consent.shares
        )
    return consent


def disclosure_context(consent: Consent, *, now: datetime) -> dict:
    """What a disclosed record shows, with the notice the law asks to go with it (§2.32)."""
    plan, _created = Plan.objects.get_or_create(client=consent.client)
    context = document_context(
        plan,
        now=now,
        plan_part=consent.includes_plan,
        checkins_part=consent.includes_checkins,
    )
    context.update(consent=consent, notice=PART2_NOTICE, notice_title=PART2_NOTICE_TITLE)
    return context


def consent_pdf(*, consent: Consent, now: datetime | None = None) -> Download:
    """The PDF a client gives to the person they share with; recorded as a disclosure."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        if not locked.is_active:
            raise RecordsError(_("This consent has ended, so nothing more can be shared."))
        context = disclosure_context(locked, now=now)
        content = pdf.render_pdf(context)
        Disclosure.objects.create(
            consent=locked, at=now, kind=Disclosure.Kind.PDF, shares=locked.shares
        )
    return Download(pdf.pdf_filename(context["today"]), content, "application/pdf")


def accounting_for(client: User, now: datetime | None = None):
    """Disclosures in the last three years, newest first."""
    since = (now or timezone.now()) - timedelta(days=365 * ACCOUNTING_YEARS + 1)
    return (
        Disclosure.objects.filter(consent__client=client, at__gte=since)
        .select_related("consent")
        .order_by("-at", "-pk")
    )


def program_disclosures(*, organization: Organization, actor: User, ip=None, now=None) -> dict:
    """The program's consents and disclosures, for its org admin; each client's record read is
    logged."""
    since = (now or timezone.now()) - timedelta(days=365 * ACCOUNTING_YEARS + 1)
    consents = list(
        Consent.objects.filter(organization=organization)
        .select_related("client")
        .order_by("-created_at")[:200]
    )
    disclosures = list(
        Disclosure.objects.filter(consent__organization=organization, at__gte=since)
        .select_related("consent__client")
        .order_by("-at")[:500]
    )
    clients = {c.client for c in consents} | {d.consent.client for d in disclosures}
    with transaction.atomic():
        for client in sorted(clients, key=lambda c: c.pk):
            _record_access(
                actor=actor,
                client=client,
                action=AccessEvent.Action.VIEW,
                what="consents",
                ip=ip,
            )
    return {"consents": consents, "disclosures": disclosures}


# Closing the account -----------------------------------------------------------------------------


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


def closing_dates(clients) -> dict[int, datetime]:
    """For staff pages: when each of `clients` (ids) is to be deleted, if they asked."""
    return dict(
        AccountClosure.objects.pending()
        .filter(client_id__in=list(clients))
        .values_list("client_id", "delete_after")
    )
