"""The plan as an HL7 FHIR R4 Bundle: Patient, Practitioner(s), CarePlan, Goal, Observation.

Another program or a personal health record can read it. The Patient holds no more than the
person chose to give us (the name they want to be called, an email or phone if they gave one).
Goal.lifecycleStatus and achievementStatus use FHIR's own codes (plans/models/plan.py and
plans.progress); the approach and the check-in codes are ours, under HarmPlan's code systems.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db.models import Prefetch

from harmplan.accounts.models import User
from plans import timezones
from plans.models import CheckIn, Goal, Plan, Step, TargetKind
from plans.progress.stats import achievement, goal_stats
from plans.timezones import local_iso, zone_for_user

CODE_SYSTEM = "https://harmplan.org/fhir/CodeSystem/"
ACHIEVEMENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/goal-achievement"
DATA_ABSENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
FEELING_CODE = {"system": CODE_SYSTEM + "checkin", "code": "feeling", "display": "How I felt"}
CRAVINGS_CODE = {"system": CODE_SYSTEM + "checkin", "code": "cravings", "display": "Cravings"}


def _ref(kind: str, ident: str) -> dict:
    # Every resource's fullUrl is urn:uuid:<id>, so references resolve inside the Bundle.
    return {"reference": f"urn:uuid:{ident}", "type": kind}


def _uuid(name: str) -> str:
    """A stable id for rows that have no public UUID of their own (check-ins)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"harmplan:{name}"))


def _patient(client: User) -> dict:
    patient = {"resourceType": "Patient", "id": str(client.public_id), "active": client.is_active}
    if client.preferred_name:
        patient["name"] = [{"text": client.preferred_name}]
    telecom = []
    if client.email:
        telecom.append({"system": "email", "value": client.email})
    if client.phone:
        telecom.append({"system": "phone", "value": client.phone})
    if telecom:
        patient["telecom"] = telecom
    return patient


def _practitioner(counselor: User) -> dict:
    return {
        "resourceType": "Practitioner",
        "id": str(counselor.public_id),
        "name": [{"text": counselor.display_name}],
    }


def _quantity(value, goal: Goal) -> dict:
    quantity: dict[str, Any] = {"value": float(value)}
    if goal.target_unit:
        quantity["unit"] = goal.get_target_unit_display()
    return quantity


def _targets(goal: Goal, steps: list[Step]) -> list[dict]:
    """One target per dated step, then the goal's own target."""
    measure = {"text": goal.target_text}
    targets = []
    for step in steps:
        target: dict[str, Any] = {
            "measure": {"text": step.note or goal.target_text},
            "dueDate": str(step.starts_on),
        }
        if step.value is not None:
            target["detailQuantity"] = _quantity(step.value, goal)
        targets.append(target)
    final: dict[str, Any] = {"measure": measure}
    if goal.target_kind == TargetKind.AMOUNT and goal.target_value is not None:
        final["detailQuantity"] = _quantity(goal.target_value, goal)
    elif goal.target_kind == TargetKind.PRACTICE:
        final["detailBoolean"] = True
    if goal.target_on:
        final["dueDate"] = str(goal.target_on)
    if goal.target_kind != TargetKind.NONE:
        targets.append(final)
    return targets


def _goal(goal: Goal, patient_ref: dict, code: str) -> dict:
    resource = {
        "resourceType": "Goal",
        "id": str(goal.public_id),
        "lifecycleStatus": goal.lifecycle,
        "achievementStatus": {"coding": [{"system": ACHIEVEMENT_SYSTEM, "code": code}]},
        "category": [
            {
                "coding": [
                    {
                        "system": CODE_SYSTEM + "approach",
                        "code": goal.approach,
                        "display": goal.get_approach_display(),
                    }
                ],
                "text": goal.get_approach_display(),
            }
        ],
        "description": {"text": goal.statement},
        "subject": patient_ref,
    }
    if goal.start_on:
        resource["startDate"] = str(goal.start_on)
    targets = _targets(goal, list(goal.steps.all()))
    if targets:
        resource["target"] = targets
    if goal.why:
        resource["note"] = [{"text": goal.why}]
    return resource


def _observations(checkin: CheckIn, patient_ref: dict, goals: dict[int, Goal], zone) -> list:
    day = str(checkin.day)
    issued = local_iso(checkin.updated_at, zone)
    found = []
    for entry in checkin.entries.all():
        goal = goals.get(entry.goal_id)
        if goal is None:
            continue
        resource: dict[str, Any] = {
            "resourceType": "Observation",
            "id": _uuid(f"checkin-{checkin.pk}-goal-{entry.goal_id}"),
            "status": "final",
            "code": {"text": goal.target_text if goal.target_kind != "none" else goal.statement},
            "subject": patient_ref,
            "focus": [_ref("Goal", str(goal.public_id))],
            "effectiveDateTime": day,
            "issued": issued,
        }
        if entry.skipped:
            resource["dataAbsentReason"] = {
                "coding": [{"system": DATA_ABSENT_SYSTEM, "code": "asked-declined"}]
            }
        elif entry.done is not None:
            resource["valueBoolean"] = entry.done
        else:
            resource["valueQuantity"] = _quantity(entry.amount, goal)
        found.append(resource)
    if checkin.feeling is not None or checkin.cravings is not None or checkin.note:
        components = []
        if checkin.feeling is not None:
            components.append({"code": {"coding": [FEELING_CODE]}, "valueInteger": checkin.feeling})
        if checkin.cravings is not None:
            components.append(
                {"code": {"coding": [CRAVINGS_CODE]}, "valueInteger": checkin.cravings}
            )
        resource = {
            "resourceType": "Observation",
            "id": _uuid(f"checkin-{checkin.pk}"),
            "status": "final",
            "code": {"text": "Check-in"},
            "subject": patient_ref,
            "effectiveDateTime": day,
            "issued": issued,
        }
        if components:
            resource["component"] = components
        if checkin.note:
            resource["note"] = [{"text": checkin.note}]
        found.append(resource)
    return found


def careplan_bundle(client: User, *, now: datetime) -> dict:
    """A FHIR R4 Bundle (type collection) of the client's plan, goals and check-ins."""
    zone = zone_for_user(client)
    patient = _patient(client)
    patient_ref = _ref("Patient", patient["id"])
    plan = Plan.objects.filter(client=client).first()
    entries = [patient]
    if plan:
        goals = list(
            Goal.objects.filter(plan=plan)
            .prefetch_related(Prefetch("steps", Step.objects.order_by("starts_on", "pk")))
            .order_by("position", "created_at")
        )
        stats = goal_stats(goals, timezones.client_today(plan, now))
        counselors = list(
            User.objects.filter(caseload__client=client).order_by("username").distinct()
        )
        entries += [_practitioner(counselor) for counselor in counselors]
        description = plan.what_matters or None
        careplan = {
            "resourceType": "CarePlan",
            "id": str(plan.public_id),
            "status": "active",
            "intent": "plan",
            "title": "Plan",
            "subject": patient_ref,
            "created": local_iso(plan.created_at, zone),
            "contributor": [
                patient_ref,
                *[_ref("Practitioner", str(c.public_id)) for c in counselors],
            ],
            "goal": [_ref("Goal", str(goal.public_id)) for goal in goals],
        }
        if description:
            careplan["description"] = description
        entries.append(careplan)
        entries += [
            _goal(goal, patient_ref, achievement(goal, stats.get(goal.pk))) for goal in goals
        ]
        by_pk = {goal.pk: goal for goal in goals}
        checkins = CheckIn.objects.filter(client=client).order_by("day").prefetch_related("entries")
        for checkin in checkins:
            entries += _observations(checkin, patient_ref, by_pk, zone)
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": local_iso(now, zone),
        "entry": [
            {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource} for resource in entries
        ],
    }
