"""Counselors' daily email: how many plans on their caseload are due (or overdue) for review.

Only counts and a link behind the sign-in: no client names or anything else about a client,
because email is copied to phones, servers and backups that the program does not control.

Beat runs `review_digests_dispatch` every hour. Once it is past DIGEST_HOUR in the program's time
zone (HARMPLAN["DEFAULT_TIME_ZONE"]), it writes one ReviewDigest row per counselor for that day
(unique: a double beat or a rerun adds nothing) and queues the sends after commit.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import date, datetime, time, timedelta

from celery import current_app
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from harmplan import emails
from harmplan.accounts.language import language_for
from harmplan.accounts.models import CareAssignment, Role
from plans.models import DeliveryStatus, ReviewDigest
from plans.timezones import program_today, program_zone

from . import links

log = logging.getLogger(__name__)

DIGEST_HOUR = time(7, 0)


def reviews_due(today: date):
    """Per counselor: how many of their active clients' plans are due today or overdue."""
    return (
        CareAssignment.objects.filter(
            counselor__is_active=True,
            counselor__membership__role=Role.COUNSELOR,
            client__is_active=True,
            client__plan__next_review_on__lte=today,
        )
        .exclude(counselor__email="")
        .values("counselor")
        .annotate(
            due_today=Count("pk", filter=Q(client__plan__next_review_on=today)),
            overdue=Count("pk", filter=Q(client__plan__next_review_on__lt=today)),
        )
        .order_by("counselor")
    )


def review_digests_dispatch(*, now: datetime | None = None) -> list[int]:
    """Write today's digests (once a day, after DIGEST_HOUR) and queue them. Returns new ids."""
    now = now or timezone.now()
    if now.astimezone(program_zone()).time() < DIGEST_HOUR:
        return []
    today = program_today(now)
    with transaction.atomic():
        done = set(ReviewDigest.objects.filter(day=today).values_list("counselor_id", flat=True))
        rows = [
            ReviewDigest(
                counselor_id=row["counselor"],
                day=today,
                due_today=row["due_today"],
                overdue=row["overdue"],
            )
            for row in reviews_due(today)
            if row["counselor"] not in done
        ]
        # A digest written by a dispatcher running at the same moment: the unique constraint
        # turns it into a no-op rather than a second email.
        created = ReviewDigest.objects.bulk_create(rows, ignore_conflicts=True)
        ids = list(
            ReviewDigest.objects.filter(
                day=today, counselor_id__in=[row.counselor_id for row in created]
            ).values_list("pk", flat=True)
        )
        transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return ids


def _enqueue(ids: list[int]) -> None:
    # By name: the tasks module imports this one, so this one does not import it.
    send_review_digest = current_app.signature("plans.tasks.send_review_digest")
    try:
        for digest_id in ids:
            send_review_digest.delay(digest_id)
    except Exception as error:  # the next hourly run queues what is still waiting
        log.warning("Could not queue review digests (%s)", type(error).__name__)


def review_digests_requeue(*, now: datetime | None = None) -> list[int]:
    """Today's digests still waiting after ten minutes (their task was lost): queue them again."""
    now = now or timezone.now()
    ids = list(
        ReviewDigest.objects.filter(
            day=program_today(now),
            status=DeliveryStatus.QUEUED,
            updated_at__lt=now - timedelta(minutes=10),
        ).values_list("pk", flat=True)
    )
    _enqueue(ids)
    return ids


def digest_email(digest: ReviewDigest) -> EmailMultiAlternatives:
    caseload = links.absolute(reverse("plans:caseload") + "?sort=review")
    context = {
        "name": digest.counselor.display_name,
        "due_today": digest.due_today,
        "overdue": digest.overdue,
        "total": digest.due_today + digest.overdue,
        "caseload_url": caseload,
    }
    return emails.build(
        "reviews_due",
        context,
        to=[digest.counselor.email],
        language=language_for(digest.counselor),
    )


def review_digest_send(*, digest_id: int) -> bool:
    """Send one digest if it is still queued. Returns False when it should be tried again."""
    claimed = ReviewDigest.objects.filter(pk=digest_id, status=DeliveryStatus.QUEUED).update(
        status=DeliveryStatus.SENDING, updated_at=timezone.now()
    )
    if not claimed:
        return True
    digest = ReviewDigest.objects.select_related("counselor").get(pk=digest_id)
    try:
        message = digest_email(digest)
        message.connection = get_connection()
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        ReviewDigest.objects.filter(pk=digest_id).update(
            status=DeliveryStatus.QUEUED,
            attempts=digest.attempts + 1,
            last_error=f"Could not send ({type(error).__name__})",
            updated_at=timezone.now(),
        )
        return False
    # As for reminders: if the process dies between the server accepting the message and this
    # single UPDATE, the digest stays "sending" and is not sent again (a missed digest is
    # better than a doubled one; the caseload page shows the same list).
    ReviewDigest.objects.filter(pk=digest_id).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), attempts=digest.attempts + 1
    )
    return True
