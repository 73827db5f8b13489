"""Download everything: one ZIP with records.json, a CSV per table and a FHIR R4 Bundle."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import UTC, datetime, time

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from harmplan.accounts.access import log_access
from harmplan.accounts.models import AccessEvent
from plans.models import Method, Plan, ReminderDelivery
from plans.records import export, sharing
from plans.reminders import services as reminder_services
from tests.plan_factories import add_plans
from tests.records_support import fill_plan, make_consent
from tests.signin import sign_in

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # 07:00 in Los Angeles
LIFECYCLE = {"proposed", "planned", "accepted", "active", "on-hold", "completed", "cancelled"}
ACHIEVEMENT = {
    "in-progress",
    "improving",
    "worsening",
    "no-change",
    "achieved",
    "sustaining",
    "not-achieved",
    "no-progress",
    "not-attainable",
}
# Models that hold no record of the client's: settings of the program, the closing request.
# CheckInReceipt: only the ids a phone made for offline check-ins, so a repeat is recorded once.
NOT_RECORDS = {"ReviewDigest", "RecordsPolicy", "AccountClosure", "CheckInReceipt"}


@pytest.fixture
def full(people, rf):
    with time_machine.travel(NOW, tick=False):
        add_plans(people)
        fill_plan(people)
        Plan.objects.filter(pk=people.plan_a.pk).update(time_zone="America/Los_Angeles")
        schedule = reminder_services.schedule_save(
            client=people.client_a,
            weekdays=0b0011111,
            local_time=time(9),
            timezone_name="America/Los_Angeles",
            channel="email",
        )
        ReminderDelivery.objects.create(
            schedule=schedule,
            slot=NOW,
            channel="email",
            status="sent",
            next_attempt_at=NOW,
            enqueued_at=NOW,
            sent_at=NOW,
        )
        pdf_consent = make_consent(people.client_a, method=Method.PDF).consent
        sharing.consent_pdf(consent=pdf_consent)
        link = make_consent(people.client_a, recipient="Court program").token
        sharing.shared_open(token=link)
        request = rf.get("/")
        request.user = people.counselor
        log_access(request, people.client_a, AccessEvent.Action.VIEW, "plan")
        yield people


def download(client, people):
    sign_in(client, people.client_a)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("plans:records_export"))
    assert response.status_code == 200
    return response, zipfile.ZipFile(io.BytesIO(response.content))


def test_zip_has_every_table_with_a_neutral_name(client, full):
    response, archive = download(client, full)
    # The client's local day (Los Angeles), nothing about what the records are.
    assert response["Content-Disposition"] == 'attachment; filename="records-2026-12-01.zip"'
    names = set(archive.namelist())
    assert names == {"records.json", "careplan.json"} | {f"{t}.csv" for t in export.TABLES}
    records = json.loads(archive.read("records.json"))
    for table in export.TABLES:
        assert records[table], f"{table} is empty"
    assert records["plan"][0]["safety_plan"] == "Naloxone is in the kitchen drawer"
    assert {g["statement"] for g in records["goals"]} == {
        "Drink less on weeknights",
        "Never use alone",
    }
    assert records["checkins"][0]["note"] == "Note from day 3"
    assert records["reviews"][0]["went_well"] == "Talked about weekends"
    assert records["access_log"][0]["who"] == "counselor"
    assert {d["kind"] for d in records["disclosures"]} == {"pdf", "link_view"}
    assert records["reminder_settings"][0]["time"] == "09:00"
    with archive.open("checkins.csv") as handle:
        rows = list(csv.DictReader(io.TextIOWrapper(handle, encoding="utf-8")))
    assert [row["day"] for row in rows] == ["2026-11-28", "2026-11-29", "2026-11-30"]


def test_times_are_in_the_clients_zone(client, full):
    _, archive = download(client, full)
    records = json.loads(archive.read("records.json"))
    assert records["exported_at"] == "2026-12-01T07:00:00-08:00"
    assert records["time_zone"] == "America/Los_Angeles"
    stamps = [records["access_log"][0]["at"], records["consents"][0]["signed_on"]]
    assert stamps[0].endswith("-08:00")
    bundle = json.loads(archive.read("careplan.json"))
    assert bundle["timestamp"] == "2026-12-01T07:00:00-08:00"


def test_every_model_with_client_records_is_exported():
    exported = {model.__name__ for model in export.TABLES.values()}
    models = {m.__name__ for m in apps.get_app_config("plans").get_models()} | {"AccessEvent"}
    assert models - exported - NOT_RECORDS == set(), "records missing from the export"


def test_careplan_is_a_valid_fhir_r4_bundle(client, full):
    _, archive = download(client, full)
    data = json.loads(archive.read("careplan.json"))
    bundle = Bundle.model_validate(data)
    assert bundle.type == "collection"
    resources = [entry["resource"] for entry in data["entry"]]
    for resource in resources:  # each resource against its own model, too
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    by_type: dict[str, list[dict]] = {}
    for resource in resources:
        by_type.setdefault(resource["resourceType"], []).append(resource)
    urls = {entry["fullUrl"] for entry in data["entry"]}
    patient = by_type["Patient"][0]
    assert set(patient) <= {"resourceType", "id", "active", "name", "telecom"}
    (careplan,) = by_type["CarePlan"]
    contributors = {ref["reference"] for ref in careplan["contributor"]}
    counselor = by_type["Practitioner"][0]
    assert contributors == {f"urn:uuid:{patient['id']}", f"urn:uuid:{counselor['id']}"}
    assert {ref["reference"] for ref in careplan["goal"]} <= urls
    goals = by_type["Goal"]
    assert len(goals) == 2
    for goal in goals:
        assert goal["lifecycleStatus"] in LIFECYCLE
        assert goal["achievementStatus"]["coding"][0]["code"] in ACHIEVEMENT
        assert goal["category"][0]["coding"][0]["code"] in {"managed-use", "safer-use"}
    amount_goal = next(g for g in goals if g["description"]["text"] == "Drink less on weeknights")
    steps = full.goal_a.steps.count()
    assert steps > 0
    assert len(amount_goal["target"]) == steps + 1  # one per step, then the goal's own target
    assert amount_goal["target"][-1]["detailQuantity"] == {"value": 14.0, "unit": "standard drinks"}
    observations = by_type["Observation"]
    per_entry = [o for o in observations if "focus" in o]
    assert len(per_entry) == 6  # 3 check-ins × 2 goals
    assert {o["effectiveDateTime"] for o in per_entry} == {"2026-11-28", "2026-11-29", "2026-11-30"}
    for observation in observations:
        for ref in [observation["subject"], *observation.get("focus", [])]:
            assert ref["reference"] in urls


def test_the_validator_refuses_a_broken_bundle(client, full):
    """The check above can fail: the bundle with a Goal missing its description does not pass."""
    _, archive = download(client, full)
    data = json.loads(archive.read("careplan.json"))
    goal = next(e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "Goal")
    del goal["description"]
    with pytest.raises(ValidationError):
        Bundle.model_validate(data)


def test_csv_cells_never_start_a_formula(client, full):
    full.plan_a.refresh_from_db()
    Plan.objects.filter(pk=full.plan_a.pk).update(what_matters="=HYPERLINK(1)")
    _, archive = download(client, full)
    text = archive.read("plan.csv").decode()
    assert "'=HYPERLINK(1)" in text
    assert re.search(r"(^|,)=HYPERLINK", text) is None


def test_each_csv_holds_the_same_rows_as_records_json(client, full):
    """Round trip: reading the CSVs back gives the rows of records.json, table by table."""
    _, archive = download(client, full)
    records = json.loads(archive.read("records.json"))
    for table in export.TABLES:
        with archive.open(f"{table}.csv") as handle:
            rows = list(csv.DictReader(io.TextIOWrapper(handle, encoding="utf-8")))
        expected = [
            {key: export._cell(value) for key, value in row.items()} for row in records[table]
        ]
        assert rows == expected, table
