"""Sharing outside the program with the client's written consent (42 CFR Part 2 §2.31).

Every PDF made and every shared link opened under a consent is a Disclosure row: the accounting
the client (and the program) can read. Everything disclosed carries the §2.32 notice.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from harmplan.accounts.access import record_access
from harmplan.accounts.models import AccessEvent, Organization, User, hash_secret
from plans.models import AccountClosure, Consent, Disclosure, Method, Plan
from plans.timezones import end_of_day, local_date, zone_for_user

from . import pdf
from .document import document_context
from .notice import PART2_NOTICE, PART2_NOTICE_TITLE
from .services import Download, RecordsError

# The longest a consent may run; a later date is almost always a typing mistake.
LONGEST_CONSENT_DAYS = 5 * 366
# The accounting of disclosures a client can ask for covers the last three years (§2.24).
ACCOUNTING_YEARS = 3


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
    zone = zone_for_user(client)
    today = local_date(zone, now)
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
    return Download(pdf.pdf_filename(context["made_at"].date()), content, "application/pdf")


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
            record_access(
                actor=actor,
                client=client,
                action=AccessEvent.Action.VIEW,
                object_type="consents",
                ip=ip,
            )
    return {"consents": consents, "disclosures": disclosures}
