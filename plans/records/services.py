"""The client's records: downloading everything and the printable plan.

The privacy choice is in privacy.py, sharing with consent in sharing.py, closing the account in
closing.py. Each service is one
transaction and writes its own access-log entry when staff are involved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from harmplan.accounts.access import record_access
from harmplan.accounts.models import AccessEvent, User
from plans.models import (
    Plan,
)
from plans.timezones import local_date, zone_for_user

from . import export, pdf
from .document import document_context


class RecordsError(ValueError):
    """A request that cannot be done. The message says why, in plain words."""


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
    today = local_date(zone_for_user(client), now)
    return Download(export.export_filename(today), content, "application/zip")


def plan_pdf(*, plan: Plan, actor: User, ip: str | None = None, now=None) -> Download:
    """The printable plan, for the client or a counselor printing it in session."""
    now = now or timezone.now()
    context = document_context(plan, now=now)
    content = pdf.render_pdf(context)
    with transaction.atomic():
        record_access(
            actor=actor,
            client=plan.client,
            action=AccessEvent.Action.EXPORT,
            object_type="plan PDF",
            object_id=plan.public_id,
            ip=ip,
        )
    return Download(pdf.pdf_filename(context["made_at"].date()), content, "application/pdf")
