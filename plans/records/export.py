"""Everything a client has here, in one ZIP they can take with them.

records.json holds it all; one CSV per table opens in a spreadsheet; careplan.json is the plan as
an HL7 FHIR R4 Bundle (fhir.py). Times are in the client's own time zone, with its offset.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Prefetch

from harmplan.accounts.models import AccessEvent
from plans.models import (
    CheckIn,
    CheckInEntry,
    Consent,
    Disclosure,
    Goal,
    GoalStrategy,
    Plan,
    PrivacyChoice,
    ReminderDelivery,
    ReminderSchedule,
    Review,
    Revision,
    ServiceGiven,
    Step,
    TrustedContact,
)
from plans.timezones import local_iso, zone_for_user

from . import fhir
from .privacy import notes_private

# Table name in records.json and the CSV file → the model it comes from. The export test checks
# that every model holding a client's records is named here.
TABLES = {
    "plan": Plan,
    "goals": Goal,
    "steps": Step,
    "strategies": GoalStrategy,
    "reviews": Review,
    "revisions": Revision,
    "checkins": CheckIn,
    "checkin_entries": CheckInEntry,
    "reminder_settings": ReminderSchedule,
    "reminders_sent": ReminderDelivery,
    "access_log": AccessEvent,
    "consents": Consent,
    "disclosures": Disclosure,
    "privacy": PrivacyChoice,
    "services_given": ServiceGiven,
    "people_i_trust": TrustedContact,
}


def export_filename(today: date) -> str:
    """Neutral: the file may sit in a shared downloads folder."""
    return f"records-{today.isoformat()}.zip"


def _value(value, zone: ZoneInfo):
    if isinstance(value, datetime):
        return local_iso(value, zone)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return value


def _person(user) -> str:
    return user.display_name if user else ""


def collect(client) -> dict[str, list[dict]]:
    """Every row of the client's records, table by table, as plain values."""
    zone = zone_for_user(client)

    def v(value):
        return _value(value, zone)

    plan = Plan.objects.filter(client=client).first()
    goals = list(
        Goal.objects.filter(plan=plan)
        .select_related("focus_area")
        .prefetch_related(
            "steps", Prefetch("strategy_links", GoalStrategy.objects.select_related("strategy"))
        )
        .order_by("position", "created_at")
    )
    goal_ids = {goal.pk: str(goal.public_id) for goal in goals}
    tables: dict[str, list[dict]] = {name: [] for name in TABLES}
    if plan:
        tables["plan"].append(
            {
                "id": str(plan.public_id),
                "what_matters": plan.what_matters,
                "strengths": plan.strengths,
                "supports": plan.supports,
                "safety_plan": plan.safety_plan,
                "next_review_on": v(plan.next_review_on),
                "agreed_at": v(plan.agreed_at),
                "agreement": plan.agreement,
                "time_zone": plan.time_zone or str(zone),
                "day_starts_at": plan.day_starts_at,
                "created_at": v(plan.created_at),
                "updated_at": v(plan.updated_at),
            }
        )
    for goal in goals:
        tables["goals"].append(
            {
                "id": goal_ids[goal.pk],
                "statement": goal.statement,
                "why": goal.why,
                "focus": goal.focus_area.name,
                "approach": goal.approach,
                "target": goal.target_text,
                "target_kind": goal.target_kind,
                "target_value": v(goal.target_value),
                "target_unit": goal.target_unit,
                "target_period": goal.target_period,
                "baseline_value": v(goal.baseline_value),
                "start_on": v(goal.start_on),
                "target_on": v(goal.target_on),
                "lifecycle": goal.lifecycle,
                "proposed_by": goal.proposed_by,
                "created_at": v(goal.created_at),
            }
        )
        for step in goal.steps.all():
            tables["steps"].append(
                {
                    "goal": goal_ids[goal.pk],
                    "starts_on": v(step.starts_on),
                    "value": v(step.value),
                    "note": step.note,
                }
            )
        for link in goal.strategy_links.all():
            tables["strategies"].append(
                {
                    "goal": goal_ids[goal.pk],
                    "strategy": link.strategy.title,
                    "note": link.note,
                    "added_at": v(link.added_at),
                }
            )
    for review in Review.objects.filter(plan=plan).select_related("counselor"):
        tables["reviews"].append(
            {
                "held_on": v(review.held_on),
                "counselor": _person(review.counselor),
                "went_well": review.went_well,
                "was_hard": review.was_hard,
                "changes_agreed": review.changes_agreed,
                "notes": review.notes,
                "next_review_on": v(review.next_review_on),
            }
        )
    for revision in Revision.objects.filter(plan=plan).select_related("author"):
        tables["revisions"].append(
            {
                "at": v(revision.at),
                "who": _person(revision.author),
                "role": revision.author_role,
                "goal": goal_ids.get(revision.goal_id, "") if revision.goal_id else "",
                "summary": revision.text,
                "changes": revision.changes,
            }
        )
    checkins = CheckIn.objects.filter(client=client).order_by("day").prefetch_related("entries")
    for checkin in checkins:
        tables["checkins"].append(
            {
                "day": v(checkin.day),
                "feeling": checkin.feeling,
                "cravings": checkin.cravings,
                "note": checkin.note,
                "saved_at": v(checkin.updated_at),
            }
        )
        for entry in checkin.entries.all():
            tables["checkin_entries"].append(
                {
                    "day": v(checkin.day),
                    "goal": goal_ids.get(entry.goal_id, ""),
                    "amount": v(entry.amount),
                    "done": entry.done,
                    "skipped": entry.skipped,
                }
            )
    schedule = ReminderSchedule.objects.filter(client=client).first()
    if schedule:
        tables["reminder_settings"].append(
            {
                "days": ", ".join(schedule.weekday_names),
                "time": schedule.local_time.strftime("%H:%M"),
                "time_zone": schedule.timezone,
                "channel": schedule.channel,
                "paused_until": v(schedule.paused_until),
            }
        )
        for delivery in schedule.deliveries.order_by("slot"):
            tables["reminders_sent"].append(
                {
                    "due": v(delivery.slot),
                    "channel": delivery.channel,
                    "status": delivery.status,
                    "sent_at": v(delivery.sent_at),
                }
            )
    events = AccessEvent.objects.filter(client=client).select_related("actor").order_by("at")
    for event in events:
        tables["access_log"].append(
            {
                "at": v(event.at),
                "who": _person(event.actor),
                "did": event.get_action_display(),
                "what": event.object_type,
            }
        )
    consents = Consent.objects.filter(client=client).order_by("created_at")
    for consent in consents:
        tables["consents"].append(
            {
                "id": str(consent.public_id),
                "recipient": consent.recipient,
                "shares": consent.shares,
                "method": consent.method,
                "purpose": consent.purpose,
                "until": v(consent.expires_on),
                "or_until": consent.expires_event,
                "signature": consent.signature,
                "signed_on": v(consent.signed_on),
                "revoked_at": v(consent.revoked_at),
                "expired_at": v(consent.expired_at),
            }
        )
    disclosures = Disclosure.objects.filter(consent__client=client).select_related("consent")
    for disclosure in disclosures.order_by("at"):
        tables["disclosures"].append(
            {
                "at": v(disclosure.at),
                "consent": str(disclosure.consent.public_id),
                "recipient": disclosure.consent.recipient,
                "kind": disclosure.kind,
                "shares": disclosure.shares,
            }
        )
    for service in ServiceGiven.objects.for_client(client).select_related("resource", "counselor"):
        tables["services_given"].append(
            {
                "given_on": v(service.given_on),
                "counselor": _person(service.counselor),
                "kind": service.kind,
                "count": service.count,
                "referred_to": service.resource.name if service.resource else "",
                "outcome": service.outcome,
            }
        )
    for contact in TrustedContact.objects.filter(plan__client=client):
        tables["people_i_trust"].append(
            {"name": contact.name, "phone": contact.phone, "added_at": v(contact.created_at)}
        )
    # The effective choice: the client's own, else the program's default.
    tables["privacy"].append({"notes_kept_from_care_team": notes_private(client)})
    return tables


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({key: _cell(value) for key, value in row.items()})
    return out.getvalue()


def _cell(value) -> str:
    """Text as a spreadsheet shows it, never as a formula (CSV injection)."""
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def build_zip(client, *, now: datetime) -> bytes:
    zone = zone_for_user(client)
    tables = collect(client)
    records = {
        "exported_at": local_iso(now, zone),
        "time_zone": str(zone),
        "person": {
            "username": client.username,
            "preferred_name": client.preferred_name,
            "email": client.email,
            "phone": client.phone,
        },
        **tables,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("records.json", json.dumps(records, ensure_ascii=False, indent=2))
        for name, rows in tables.items():
            archive.writestr(f"{name}.csv", _csv(rows))
        bundle = fhir.careplan_bundle(client, now=now)
        archive.writestr("careplan.json", json.dumps(bundle, ensure_ascii=False, indent=2))
    return buffer.getvalue()
