"""The seed catalog, loading it again, and sharing catalogs through export and import."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from harmplan import demo
from strategies import services
from strategies.catalog_files import (
    SEED_FILE,
    CatalogError,
    catalog_export,
    catalog_load,
    check_catalog,
    read_catalog,
)
from strategies.models import FocusArea, Strategy, StrategyVersion
from tests.catalog_factories import make_strategy

pytestmark = pytest.mark.django_db

# Every strategy the issue names has an entry in the seed file.
REQUIRED_SLUGS = {
    "naloxone-kit",
    "overdose-response-training",
    "syringe-services-program",
    "overdose-prevention-site",
    "fentanyl-test-strips",
    "new-injection-supplies",
    "safer-smoking-supplies",
    "wound-care",
    "hepatitis-vaccines",
    "condoms",
    "sti-hiv-testing",
    "prep",
    "never-use-alone",
    "start-low-go-slow",
    "avoid-mixing-depressants",
    "lower-tolerance-after-break",
    "drinking-diary",
    "standard-drinks",
    "cut-down-ten-percent",
    "alternate-with-water",
    "lower-strength-drinks",
    "alcohol-free-days",
    "moud",
    "moderation-plan",
    "motivational-interviewing",
    "cbt-triggers",
    "dbt-distress-tolerance",
    "mindfulness-urge-surfing",
    "trauma-informed-care",
    "involve-family",
    "peer-support",
    "housing-support",
    "employment-support",
    "safe-storage",
    "no-driving-after-use",
    "gambling-limits",
}


def load(args=(), **options) -> str:
    out = StringIO()
    call_command("load_catalog", *args, stdout=out, **options)
    return out.getvalue()


def snapshot() -> dict:
    """Everything the catalog holds, including history, for before/after comparisons."""
    return {
        "catalog": catalog_export(),
        "versions": list(
            StrategyVersion.objects.order_by("strategy__slug", "number").values_list(
                "strategy__slug", "number", "snapshot"
            )
        ),
        "hashes": dict(Strategy.objects.values_list("slug", "catalog_hash")),
    }


def write_json(tmp_path, data, name="catalog.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_seed_file_is_a_valid_catalog_of_published_strategies_with_sources():
    catalog = read_catalog(SEED_FILE)
    slugs = {entry["slug"] for entry in catalog.entries}
    assert len(catalog.entries) >= 40
    assert slugs >= REQUIRED_SLUGS, REQUIRED_SLUGS - slugs
    for entry in catalog.entries:
        assert entry["status"] == "published"
        assert entry["sources"], entry["slug"]
        assert all(source["url"].startswith("https://") for source in entry["sources"])
        assert len(entry["summary"]) <= 280


def test_loading_the_seed_twice_gives_the_same_catalog():
    first = load()
    assert "Created 57, updated 0, left alone 0" in first
    assert Strategy.objects.published().count() == 57
    assert set(Strategy.objects.values_list("version", flat=True)) == {1}
    before = snapshot()

    second = load()

    assert "Created 0, updated 0, left alone 57 (57 already up to date)" in second
    assert snapshot() == before


def test_dry_run_changes_nothing():
    output = load(dry_run=True)
    assert "Dry run: nothing was saved" in output
    assert "Created 57" in output
    assert not Strategy.objects.exists()


def test_curators_edits_survive_a_reload_and_file_changes_reach_the_rest(tmp_path, people):
    load()
    edited = Strategy.objects.get(slug="drinking-diary")
    edited.summary = "Our program's own words about a drinking diary."
    edited.updated_by = people.staff
    edited.save()
    services.strategy_version_record(strategy=edited, by=people.staff)
    retired = Strategy.objects.get(slug="switch-to-vaping")
    services.strategies_retire(strategies=[retired], by=people.staff)

    # A newer seed file changes all three entries.
    data = json.loads(SEED_FILE.read_text())
    for entry in data["strategies"]:
        if entry["slug"] in {"drinking-diary", "switch-to-vaping", "alcohol-free-days"}:
            entry["summary"] += " (Updated.)"
    output = load(["--file", str(write_json(tmp_path, data))])

    assert "Created 0, updated 1, left alone 56 (54 already up to date, 2 changed by" in output
    assert "Updated: alcohol-free-days" in output
    assert "Changed by a curator, left alone: drinking-diary, switch-to-vaping" in output
    edited.refresh_from_db()
    retired.refresh_from_db()
    assert edited.summary == "Our program's own words about a drinking diary."
    assert retired.status == Strategy.Status.RETIRED
    assert not retired.summary.endswith("(Updated.)")
    updated = Strategy.objects.get(slug="alcohol-free-days")
    assert updated.summary.endswith("(Updated.)")
    assert updated.version == 2  # a plan that uses it can tell it changed

    # And again: nothing more to do.
    assert "updated 0" in load(["--file", str(write_json(tmp_path, data))])


def test_a_strategy_added_by_a_curator_is_never_taken_over_by_the_seed():
    make_strategy("naloxone-kit", title="Our own naloxone page")
    output = load()
    assert "Created 56" in output
    assert "Changed by a curator, left alone: naloxone-kit" in output
    assert Strategy.objects.get(slug="naloxone-kit").title == "Our own naloxone page"


def test_export_then_import_gives_the_same_catalog(tmp_path):
    load()
    FocusArea.objects.create(slug="kratom", name="Kratom", position=90)
    make_strategy("kratom-dosing", status=Strategy.Status.DRAFT, focus_areas=["kratom"], summary="")
    services.strategies_retire(strategies=Strategy.objects.filter(slug="switch-to-vaping"))
    exported = tmp_path / "export.json"
    call_command("export_catalog", "--output", str(exported), stderr=StringIO())
    original = json.loads(exported.read_text())
    assert len(original["strategies"]) == 58

    # Another program with an empty catalog (and no kratom focus area) imports it.
    Strategy.objects.all().delete()
    FocusArea.objects.filter(slug="kratom").delete()
    out = StringIO()
    call_command("import_catalog", str(exported), stdout=out)
    assert "Created 58, updated 0" in out.getvalue()
    assert "New focus areas: kratom" in out.getvalue()

    again = StringIO()
    call_command("export_catalog", stdout=again)
    assert json.loads(again.getvalue()) == original
    assert Strategy.objects.get(slug="switch-to-vaping").status == Strategy.Status.RETIRED
    assert Strategy.objects.get(slug="kratom-dosing").status == Strategy.Status.DRAFT

    # Importing the same file again changes nothing.
    before = snapshot()
    out = StringIO()
    call_command("import_catalog", str(exported), stdout=out)
    assert "Created 0, updated 0, left alone 58 (58 already up to date)" in out.getvalue()
    assert snapshot() == before


def test_import_updates_existing_strategies_and_keeps_their_history(tmp_path):
    load()
    data = catalog_export(statuses=["published"])
    data["strategies"] = [e for e in data["strategies"] if e["slug"] == "naloxone-kit"]
    data["strategies"][0]["how_to"].append("Show a friend where it is.")
    out = StringIO()
    call_command("import_catalog", str(write_json(tmp_path, data)), stdout=out)
    assert "Created 0, updated 1" in out.getvalue()
    strategy = Strategy.objects.get(slug="naloxone-kit")
    assert strategy.steps[-1] == "Show a friend where it is."
    assert strategy.version == 2
    # Changed by someone other than the seed: a reload leaves it alone from now on.
    assert "Changed by a curator, left alone: naloxone-kit" in load()


def broken_catalog() -> dict:
    good = {
        "slug": "good-entry",
        "title": "A good entry",
        "summary": "Fine.",
        "how_to": ["One step."],
        "category": "safer-use",
        "focus_areas": ["opioids"],
        "approaches": ["safer-use"],
        "target_kind": "practice",
        "sources": [{"title": "Page", "publisher": "CDC", "url": "https://www.cdc.gov/"}],
        "last_reviewed": "2026-11-01",
    }

    def entry(**changes):
        return {**good, "slug": f"entry-{len(entries)}", **changes}

    entries = [good]
    entries.append(
        entry(sources=[{"title": "Page", "publisher": "CDC", "url": "http://www.cdc.gov/"}])
    )
    entries.append(entry(category="nonsense", approaches=["safer-use", "moderation"]))
    entries.append(entry(summary="", approaches=[], sources=[]))
    entries.append(entry(focus_areas=["opioids", "knitting"], last_reviewed="01/11/2026"))
    entries.append(entry(slug="good-entry", colour="blue", how_to=["", 4]))
    entries.append(entry(title="", summary="x" * 281, status="archived"))
    entries.append("not an object")
    entries.append(
        entry(
            sources=[
                {"title": "Page", "publisher": "", "url": "https://"},
                {"url": "https://www.nhs.uk/", "title": "NHS"},
            ]
        )
    )
    return {"version": 2, "strategies": entries, "extra": True}


EXPECTED_ERRORS = [
    "extra: is not a field this format knows",
    "version: must be 1",
    "strategies[1].sources[0].url: must start with https://",
    "strategies[2].category: must be one of overdose-prevention, safer-use, managed-use, "
    "abstinence-support, infection-wound-care, sexual-health, mental-health-coping, "
    'connection-to-care (it is "nonsense")',
    "strategies[2].approaches[1]: must be one of abstinence, managed-use, safer-use (it is "
    '"moderation")',
    "strategies[3].summary: a summary is needed to publish",
    "strategies[3].approaches: at least one approach is needed to publish",
    "strategies[3].sources: at least one source with a web address that starts with https:// "
    "is needed to publish",
    'strategies[4].focus_areas[1]: "knitting" is not a focus area here; add it to '
    '"focus_areas" at the top of the file or in the admin first',
    "strategies[4].last_reviewed: must be a date written like 2026-11-01",
    "strategies[5].colour: is not a field this format knows",
    "strategies[5].how_to[0]: must be text that is not empty",
    "strategies[5].how_to[1]: must be text that is not empty",
    'strategies[5].slug: "good-entry" is used by strategies[0] already',
    "strategies[6].title: is required",
    "strategies[6].summary: must be at most 280 characters (it has 281)",
    'strategies[6].status: must be one of draft, published, retired (it is "archived")',
    "strategies[7]: must be an object",
    "strategies[8].sources[0].publisher: is required",
    "strategies[8].sources[0].url: is not a valid web address",
    "strategies[8].sources[1].publisher: is required",
]


def test_a_broken_import_changes_nothing_and_names_every_error(tmp_path):
    load()
    before = snapshot()
    path = write_json(tmp_path, broken_catalog())
    err = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_catalog", str(path), stdout=StringIO(), stderr=err)

    assert str(error.value) == (
        f"{path} has {len(EXPECTED_ERRORS)} problems, listed above. Nothing was changed."
    )
    assert sorted(err.getvalue().splitlines()) == sorted(EXPECTED_ERRORS)
    assert snapshot() == before
    assert not Strategy.objects.filter(slug="good-entry").exists()


def test_import_reports_json_syntax_errors_with_their_place(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"version": 1,\n "strategies": [}\n')
    err = StringIO()
    with pytest.raises(CommandError, match="has 1 problem, listed above"):
        call_command("import_catalog", str(path), stderr=err)
    assert err.getvalue().startswith("line 2 column 17: not valid JSON")


def test_check_catalog_accepts_focus_areas_defined_in_the_file():
    data = {
        "version": 1,
        "focus_areas": [{"slug": "kratom", "name": "Kratom"}],
        "strategies": [
            {
                "slug": "kratom-dosing",
                "title": "Measure kratom doses",
                "category": "safer-use",
                "focus_areas": ["kratom"],
                "status": "draft",
            }
        ],
    }
    catalog = check_catalog(data)
    assert catalog.entries[0]["focus_areas"] == ["kratom"]
    with pytest.raises(CatalogError) as error:
        check_catalog({**data, "focus_areas": []})
    assert error.value.errors == [
        'strategies[0].focus_areas[0]: "kratom" is not a focus area here; add it to '
        '"focus_areas" at the top of the file or in the admin first'
    ]


def test_demo_seed_loads_the_catalog_and_stays_idempotent():
    demo.seed_people()
    assert Strategy.objects.published().count() == 57
    before = snapshot()
    demo.seed_people()
    assert snapshot() == before


def test_catalog_load_function_reports_what_it_did():
    report = catalog_load(catalog=read_catalog(SEED_FILE))
    assert (len(report.created), report.updated, report.left_alone) == (57, [], [])
    report = catalog_load(catalog=read_catalog(SEED_FILE))
    assert (report.created, len(report.unchanged)) == ([], 57)
