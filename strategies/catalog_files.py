"""Catalog files: check them, load the seed, import and export catalogs as JSON.

The format (version 1)::

    {
      "version": 1,
      "focus_areas": [{"slug": "alcohol", "name": "Alcohol"}],       # optional
      "strategies": [
        {"slug", "title", "summary", "how_to": [..], "category", "focus_areas": [..],
         "approaches": [..], "target_kind", "sources": [{"title", "publisher", "url"}],
         "last_reviewed": "2026-11-01", "status": "published"}     # status optional
      ]
    }

A file is checked as a whole before anything is written; every problem is reported with its place
in the file ("strategies[3].sources[0].url: must start with https://"), and a file with any problem
changes nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction

from harmplan.accounts.models import User

from . import services
from .models import (
    DEFAULT_FOCUS_AREAS,
    SUMMARY_MAX_LENGTH,
    Approach,
    Category,
    FocusArea,
    Strategy,
    TargetKind,
)

FORMAT_VERSION = 1
SEED_FILE = Path(__file__).resolve().parent / "catalog" / "strategies.json"

ENTRY_FIELDS = {
    "slug",
    "title",
    "summary",
    "how_to",
    "category",
    "focus_areas",
    "approaches",
    "target_kind",
    "sources",
    "last_reviewed",
    "status",
    "es",
}
# The Spanish text of an entry: {"es": {"title", "summary", "how_to": [..]}}; any part may be
# missing (readers then see the English).
SPANISH_FIELDS = {"title", "summary", "how_to"}
SOURCE_FIELDS = ("title", "publisher", "url")
TOP_LEVEL_FIELDS = {"version", "focus_areas", "strategies"}


class CatalogError(Exception):
    """A catalog file that cannot be used. `errors` names every problem and where it is."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) in the catalog file")


@dataclass
class Catalog:
    """A checked catalog file: focus areas it defines and its strategies, in a normal form."""

    focus_areas: list[dict] = field(default_factory=list)
    entries: list[dict] = field(default_factory=list)


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # Seed entries a curator has changed (or that did not come from the seed): never overwritten.
    left_alone: list[str] = field(default_factory=list)
    focus_areas_created: list[str] = field(default_factory=list)


def entry_hash(entry: dict) -> str:
    """A fingerprint of a normalized entry (status included)."""
    canonical = json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# Checking -----------------------------------------------------------------------------------------


class _Checker:
    def __init__(self, known_focus_areas: set[str]):
        self.errors: list[str] = []
        self.known_focus_areas = set(known_focus_areas)

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def text(self, obj: dict, key: str, where: str, *, max_length: int, required: bool) -> str:
        value = obj.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.error(f"{where}.{key}", "must be text")
            return ""
        value = value.strip()
        if required and not value:
            self.error(f"{where}.{key}", "is required")
        elif len(value) > max_length:
            self.error(
                f"{where}.{key}", f"must be at most {max_length} characters (it has {len(value)})"
            )
        return value

    def choice(self, obj: dict, key: str, where: str, choices, default: str | None) -> str:
        value = obj.get(key, default)
        if value not in choices.values:
            shown = "missing" if value is None else json.dumps(value)
            self.error(
                f"{where}.{key}",
                f"must be one of {', '.join(choices.values)} (it is {shown})",
            )
            return ""
        return str(value)

    def string_list(self, obj: dict, key: str, where: str) -> list[str]:
        value = obj.get(key, [])
        if not isinstance(value, list):
            self.error(f"{where}.{key}", "must be a list")
            return []
        items = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.error(f"{where}.{key}[{index}]", "must be text that is not empty")
            elif "\n" in item.strip() or "\r" in item.strip():
                self.error(f"{where}.{key}[{index}]", "must be one line")
            else:
                items.append(item.strip())
        return items

    def unknown_keys(self, obj: dict, allowed, where: str) -> None:
        for key in sorted(set(obj) - set(allowed)):
            self.error(f"{where}.{key}" if where else key, "is not a field this format knows")

    def focus_area_definitions(self, value) -> list[dict]:
        if not isinstance(value, list):
            self.error("focus_areas", "must be a list")
            return []
        areas = []
        for index, area in enumerate(value):
            where = f"focus_areas[{index}]"
            if not isinstance(area, dict):
                self.error(where, 'must be an object with "slug" and "name"')
                continue
            self.unknown_keys(area, {"slug", "name", "name_es"}, where)
            slug = self.slug(area, where, max_length=50)
            name = self.text(area, "name", where, max_length=80, required=True)
            name_es = self.text(area, "name_es", where, max_length=80, required=False)
            if slug and name:
                areas.append(
                    {"slug": slug, "name": name, **({"name_es": name_es} if name_es else {})}
                )
                self.known_focus_areas.add(slug)
        return areas

    def slug(self, obj: dict, where: str, *, max_length: int) -> str:
        value = obj.get("slug")
        if not isinstance(value, str) or not value:
            self.error(f"{where}.slug", "is required")
            return ""
        try:
            validate_slug(value)
        except ValidationError:
            self.error(f"{where}.slug", "must use only letters, numbers, hyphens and underscores")
            return ""
        if len(value) > max_length:
            self.error(f"{where}.slug", f"must be at most {max_length} characters")
            return ""
        return value

    def source(self, source, where: str) -> dict | None:
        if not isinstance(source, dict):
            self.error(where, 'must be an object with "title", "publisher" and "url"')
            return None
        self.unknown_keys(source, SOURCE_FIELDS, where)
        title = self.text(source, "title", where, max_length=200, required=True)
        publisher = self.text(source, "publisher", where, max_length=120, required=True)
        url = source.get("url")
        if not isinstance(url, str) or not url.strip():
            self.error(f"{where}.url", "is required")
            return None
        url = url.strip()
        if not url.startswith("https://"):
            self.error(f"{where}.url", "must start with https://")
            return None
        if len(url) > 500 or not services.is_https_url(url):
            self.error(f"{where}.url", "is not a valid web address")
            return None
        return {"title": title, "publisher": publisher, "url": url}

    def date(self, obj: dict, key: str, where: str) -> str | None:
        value = obj.get(key)
        if value is None:
            return None
        try:
            return datetime.date.fromisoformat(value).isoformat()
        except (TypeError, ValueError):
            self.error(f"{where}.{key}", "must be a date written like 2026-11-01")
            return None

    def spanish(self, obj: dict, where: str) -> dict:
        """The entry's Spanish text, in normal form: only the parts that are written."""
        value = obj.get("es")
        if value is None:
            return {}
        where = f"{where}.es"
        if not isinstance(value, dict):
            self.error(where, 'must be an object with "title", "summary" and "how_to"')
            return {}
        self.unknown_keys(value, SPANISH_FIELDS, where)
        spanish = {
            "title": self.text(value, "title", where, max_length=120, required=False),
            "summary": self.text(
                value, "summary", where, max_length=SUMMARY_MAX_LENGTH, required=False
            ),
            "how_to": self.string_list(value, "how_to", where),
        }
        return {key: text for key, text in spanish.items() if text}

    def entry(self, obj, where: str) -> dict | None:
        if not isinstance(obj, dict):
            self.error(where, "must be an object")
            return None
        self.unknown_keys(obj, ENTRY_FIELDS, where)
        entry: dict[str, Any] = {
            "slug": self.slug(obj, where, max_length=80),
            "title": self.text(obj, "title", where, max_length=120, required=True),
            "summary": self.text(
                obj, "summary", where, max_length=SUMMARY_MAX_LENGTH, required=False
            ),
            "how_to": self.string_list(obj, "how_to", where),
            "category": self.choice(obj, "category", where, Category, default=None),
            "focus_areas": [],
            "approaches": [],
            "target_kind": self.choice(obj, "target_kind", where, TargetKind, TargetKind.NONE),
            "sources": [],
            "last_reviewed": self.date(obj, "last_reviewed", where),
            "status": self.choice(obj, "status", where, Strategy.Status, Strategy.Status.PUBLISHED),
        }
        spanish = self.spanish(obj, where)
        if spanish:
            entry["es"] = spanish
        areas = self.string_list(obj, "focus_areas", where)
        for index, slug in enumerate(areas):
            if slug not in self.known_focus_areas:
                self.error(
                    f"{where}.focus_areas[{index}]",
                    f'"{slug}" is not a focus area here; add it to "focus_areas" at the top of '
                    "the file or in the admin first",
                )
        entry["focus_areas"] = sorted(set(areas))
        approaches = self.string_list(obj, "approaches", where)
        for index, approach in enumerate(approaches):
            if approach not in Approach.values:
                self.error(
                    f"{where}.approaches[{index}]",
                    f"must be one of {', '.join(Approach.values)} (it is {json.dumps(approach)})",
                )
        entry["approaches"] = [value for value in Approach.values if value in approaches]
        sources = obj.get("sources", [])
        if not isinstance(sources, list):
            self.error(f"{where}.sources", "must be a list")
        else:
            for index, source in enumerate(sources):
                checked = self.source(source, f"{where}.sources[{index}]")
                if checked:
                    entry["sources"].append(checked)
        if entry["status"] == Strategy.Status.PUBLISHED:
            problems = services.publish_problems(
                summary=entry["summary"],
                approaches=entry["approaches"],
                source_urls=[source["url"] for source in entry["sources"]],
            )
            # Bad sources were reported one by one; state the rule only when none was given.
            if sources != []:
                problems.pop("sources", None)
            for key, message in problems.items():
                if key == "approaches" and approaches:
                    continue  # the bad values were reported already
                self.error(f"{where}.{key}", message[0].lower() + message[1:].rstrip("."))
        return entry


def check_catalog(data, *, known_focus_areas: set[str] | None = None) -> Catalog:
    """Check parsed JSON as a whole. Raises CatalogError naming every problem."""
    if known_focus_areas is None:
        # The default focus areas count as known: loading a file adds any that are missing.
        known_focus_areas = set(FocusArea.objects.values_list("slug", flat=True)) | {
            slug for slug, _ in DEFAULT_FOCUS_AREAS
        }
    checker = _Checker(known_focus_areas)
    catalog = Catalog()
    if not isinstance(data, dict):
        raise CatalogError(['file: must be a JSON object with "version" and "strategies"'])
    checker.unknown_keys(data, TOP_LEVEL_FIELDS, "")
    if data.get("version") != FORMAT_VERSION:
        checker.error("version", f"must be {FORMAT_VERSION}")
    if "focus_areas" in data:
        catalog.focus_areas = checker.focus_area_definitions(data["focus_areas"])
    strategies = data.get("strategies")
    if not isinstance(strategies, list):
        checker.error("strategies", "must be a list")
        strategies = []
    first_place: dict[str, str] = {}
    for index, obj in enumerate(strategies):
        where = f"strategies[{index}]"
        entry = checker.entry(obj, where)
        if entry is None:
            continue
        slug = entry["slug"]
        if slug and slug in first_place:
            checker.error(f"{where}.slug", f'"{slug}" is used by {first_place[slug]} already')
        elif slug:
            first_place[slug] = where
        catalog.entries.append(entry)
    if checker.errors:
        raise CatalogError(checker.errors)
    return catalog


def read_catalog(path: Path | str, *, known_focus_areas: set[str] | None = None) -> Catalog:
    """Read and check a catalog file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise CatalogError([f"file: cannot be read ({error.strerror})"]) from None
    except UnicodeDecodeError:
        raise CatalogError(["file: must be UTF-8 text"]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CatalogError(
            [f"line {error.lineno} column {error.colno}: not valid JSON ({error.msg})"]
        ) from None
    return check_catalog(data, known_focus_areas=known_focus_areas)


# Writing ------------------------------------------------------------------------------------------


def _ensure_focus_areas(catalog: Catalog, report: Report) -> dict[str, FocusArea]:
    report.focus_areas_created += [area.slug for area in FocusArea.objects.ensure_defaults()]
    areas = {area.slug: area for area in FocusArea.objects.all()}
    for definition in catalog.focus_areas:
        if definition["slug"] not in areas:
            areas[definition["slug"]] = FocusArea.objects.create(**definition)
            report.focus_areas_created.append(definition["slug"])
    return areas


def _entry_for_write(entry: dict) -> dict:
    written = dict(entry)
    if entry["last_reviewed"]:
        written["last_reviewed"] = datetime.date.fromisoformat(entry["last_reviewed"])
    return written


def _current(slugs) -> dict[str, Strategy]:
    strategies = Strategy.objects.filter(slug__in=slugs).prefetch_related("focus_areas", "sources")
    return {strategy.slug: strategy for strategy in strategies}


def catalog_load(*, catalog: Catalog, dry_run: bool = False) -> Report:
    """Bring the seed catalog in. Idempotent; never overwrites what a curator has changed.

    A strategy the file created remembers the hash of what the file said. When the file changes
    and the strategy still says what the file said before, it is updated; when a curator has
    changed it since (or it never came from the file), it is left alone.
    """
    report = Report()
    with transaction.atomic():
        areas = _ensure_focus_areas(catalog, report)
        current = _current(entry["slug"] for entry in catalog.entries)
        for entry in catalog.entries:
            new_hash = entry_hash(entry)
            strategy = current.get(entry["slug"])
            if strategy is None:
                strategy = Strategy(catalog_hash=new_hash)
                services.strategy_write(
                    strategy=strategy, entry=_entry_for_write(entry), focus_areas=areas
                )
                report.created.append(entry["slug"])
            elif (
                not strategy.catalog_hash
                or entry_hash(services.strategy_entry(strategy)) != strategy.catalog_hash
            ):
                report.left_alone.append(entry["slug"])
            elif strategy.catalog_hash == new_hash:
                report.unchanged.append(entry["slug"])
            else:
                strategy.catalog_hash = new_hash
                services.strategy_write(
                    strategy=strategy, entry=_entry_for_write(entry), focus_areas=areas
                )
                report.updated.append(entry["slug"])
        if dry_run:
            transaction.set_rollback(True)
    return report


def catalog_import(*, catalog: Catalog, by: User | None = None, dry_run: bool = False) -> Report:
    """Bring in a catalog shared by another program: create new strategies, update the others.

    Updated strategies keep their history (a new version when published) and, if they came from
    the seed, count as changed by a curator from then on.
    """
    report = Report()
    with transaction.atomic():
        areas = _ensure_focus_areas(catalog, report)
        current = _current(entry["slug"] for entry in catalog.entries)
        for entry in catalog.entries:
            strategy = current.get(entry["slug"])
            if strategy is not None and services.strategy_entry(strategy) == entry:
                report.unchanged.append(entry["slug"])
                continue
            bucket = report.created if strategy is None else report.updated
            services.strategy_write(
                strategy=strategy or Strategy(),
                entry=_entry_for_write(entry),
                focus_areas=areas,
                by=by,
            )
            bucket.append(entry["slug"])
        if dry_run:
            transaction.set_rollback(True)
    return report


def catalog_export(*, statuses: list[str] | None = None) -> dict:
    """The catalog as a version 1 file, ready for json.dump."""
    strategies = Strategy.objects.prefetch_related("focus_areas", "sources").order_by("slug")
    if statuses:
        strategies = strategies.filter(status__in=statuses)
    return {
        "version": FORMAT_VERSION,
        "focus_areas": [
            {
                "slug": area.slug,
                "name": area.name,
                **({"name_es": area.name_es} if area.name_es else {}),
            }
            for area in FocusArea.objects.all()
        ],
        "strategies": [services.strategy_entry(strategy) for strategy in strategies],
    }
