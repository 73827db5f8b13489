"""The strategy catalog and each organization's local resources."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxLengthValidator, URLValidator
from django.db import models
from django.db.models.functions import Coalesce, NullIf, Trim
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from harmplan.accounts.models import Organization
from harmplan.compiled_query import CompiledQuery
from harmplan.phones import tel_href
from harmplan.urls_memo import reverse


class ResourceQuerySet(models.QuerySet):
    def for_organization(self, organization: Organization):
        return self.filter(organization=organization)

    def for_help_page(self, organization: Organization):
        """Crisis lines first, then the other services, each group by name."""
        return (
            self.for_organization(organization)
            .annotate(
                crisis_first=models.Case(
                    models.When(kind=Resource.Kind.CRISIS_LINE, then=0), default=1
                )
            )
            .order_by("crisis_first", "name")
        )


class Resource(models.Model):
    """A local service an organization points its clients to."""

    class Kind(models.TextChoices):
        CRISIS_LINE = "crisis_line", _("Crisis line")
        SYRINGE_SERVICES = "syringe_services", _("Syringe services")
        NALOXONE = "naloxone", _("Naloxone pick-up")
        DRUG_CHECKING = "drug_checking", _("Drug checking")
        MOUD_CLINIC = "moud_clinic", _("MOUD clinic (medications for opioid use disorder)")
        HOUSING = "housing", _("Housing")
        MENTAL_HEALTH = "mental_health", _("Mental health")
        OTHER = "other", _("Other service")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="resources"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    address = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    hours = models.CharField(max_length=200, blank=True)
    url = models.URLField(blank=True)
    notes = models.TextField(blank=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["organization", "kind"])]

    def __str__(self) -> str:
        return self.name

    @property
    def tel_href(self) -> str:
        return tel_href(self.phone)


# The strategy catalog -----------------------------------------------------------------------------

SUMMARY_MAX_LENGTH = 280


class Approach(models.TextChoices):
    """The three approaches a goal can take. None is ranked above another."""

    ABSTINENCE = "abstinence", _("Abstinence")
    MANAGED_USE = "managed-use", _("Managed use")
    SAFER_USE = "safer-use", _("Safer use")


# Approaches are stored as one flag each, so that "fits safer use" is a plain indexed filter on
# SQLite and PostgreSQL alike (SQLite cannot look inside a JSON list).
APPROACH_FIELDS = {
    Approach.ABSTINENCE: "for_abstinence",
    Approach.MANAGED_USE: "for_managed_use",
    Approach.SAFER_USE: "for_safer_use",
}


class Category(models.TextChoices):
    OVERDOSE_PREVENTION = "overdose-prevention", _("Overdose prevention")
    SAFER_USE = "safer-use", _("Safer use")
    MANAGED_USE = "managed-use", _("Managed use and moderation")
    ABSTINENCE_SUPPORT = "abstinence-support", _("Abstinence support")
    INFECTION_WOUND_CARE = "infection-wound-care", _("Infection and wound care")
    SEXUAL_HEALTH = "sexual-health", _("Sexual health")
    MENTAL_HEALTH_COPING = "mental-health-coping", _("Mental health and coping")
    CONNECTION_TO_CARE = "connection-to-care", _("Connection to care and practical needs")


class TargetKind(models.TextChoices):
    """What a goal tracks. The one definition: a strategy suggests one, a goal has one."""

    AMOUNT = "amount", _("An amount")
    PRACTICE = "practice", _("Something I do, yes or no")
    NONE = "none", _("No target for now")


# The focus areas every catalog starts with (also added by migration 0003).
DEFAULT_FOCUS_AREAS = [
    ("alcohol", "Alcohol"),
    ("opioids", "Opioids"),
    ("stimulants", "Stimulants"),
    ("cannabis", "Cannabis"),
    ("benzodiazepines", "Benzodiazepines (benzos)"),
    ("nicotine", "Nicotine"),
    ("gambling", "Gambling"),
    ("other-behaviours", "Other behaviours"),
]
DEFAULT_FOCUS_AREAS_ES = {
    "alcohol": "Alcohol",
    "opioids": "Opioides",
    "stimulants": "Estimulantes",
    "cannabis": "Cannabis",
    "benzodiazepines": "Benzodiacepinas (benzos)",
    "nicotine": "Nicotina",
    "gambling": "Apuestas",
    "other-behaviours": "Otras conductas",
}


class FocusAreaQuerySet(models.QuerySet["FocusArea"]):
    def ensure_defaults(self) -> list[FocusArea]:
        """Add any default focus area that is missing; curators' names are kept."""
        created: list[FocusArea] = []
        for position, (slug, name) in enumerate(DEFAULT_FOCUS_AREAS, start=1):
            area, was_created = self.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "name_es": DEFAULT_FOCUS_AREAS_ES[slug],
                    "position": position * 10,
                },
            )
            if was_created:
                created.append(area)
        return created


class FocusArea(models.Model):
    """What a goal is about: a substance or a behaviour. Curators can add more."""

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=80, unique=True)
    name_es = models.CharField("name in Spanish", max_length=80, blank=True)
    position = models.PositiveSmallIntegerField(
        default=100, help_text=_("Focus areas are listed from the lowest number up.")
    )

    objects = FocusAreaQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def shown_name(self) -> str:
        return in_language(self.name, self.name_es)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


LISTING_COLUMNS = (
    "pk",
    "slug",
    "title",
    "title_es",
    "summary",
    "summary_es",
    "category",
    *APPROACH_FIELDS.values(),
)


def _area_links_query(strategy_ids: list[int]) -> models.QuerySet:
    return (
        Strategy.focus_areas.through.objects.filter(strategy_id__in=strategy_ids)
        .order_by("focusarea__position", "focusarea__name")  # FocusArea.Meta.ordering
        .values_list("strategy_id", "focusarea__name", "focusarea__name_es")
    )


# Read for every page of cards and every catalog form: built and compiled once for each number
# of strategies (harmplan/compiled_query.py), as building it cost more than answering it.
_AREA_LINKS = CompiledQuery(_area_links_query)
AREA_CHOICES = CompiledQuery(lambda ids: FocusArea.objects.values_list("slug", "name", "name_es"))


def focus_area_names(strategy_ids) -> dict[int, list[str]]:
    """Each strategy's focus areas by name (the reader's language, as `FocusArea.shown_name`),
    in their own order, for rows of `for_listing`."""
    names: dict[int, list[str]] = {}
    if not strategy_ids:  # no cards (nothing matches): no query, as `__in=[]` makes none
        return names
    for strategy_id, name, name_es in _AREA_LINKS.tuples(list(strategy_ids)):
        names.setdefault(strategy_id, []).append(in_language(name, name_es))
    return names


def in_language(english: str, spanish: str) -> str:
    return spanish if spanish.strip() and get_language() == "es" else english


def title_order(language: str | None = None):
    """A strategy's title as `in_language` shows it, to sort by in the database."""
    if (language or get_language()) == "es":
        return Coalesce(NullIf(Trim("title_es"), models.Value("")), "title")
    return models.F("title")


def https_url_validator(value: str) -> None:
    # Its own code: a model URLField would put "Enter a valid URL." over an "invalid" message.
    URLValidator(
        schemes=["https"],
        message="Enter a full web address that starts with https://",
        code="not_https",
    )(value)


class StrategyQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Strategy.Status.PUBLISHED)

    def visible(self):
        """What a strategy page may show: published, or retired (goals may still link to it)."""
        return self.filter(status__in=[Strategy.Status.PUBLISHED, Strategy.Status.RETIRED])

    def fitting(self, approach: str):
        return self.filter(**{APPROACH_FIELDS[Approach(approach)]: True})

    def in_focus_area(self, slug: str):
        return self.filter(focus_areas__slug=slug)

    def search(self, text: str):
        """Every word must appear in the title, summary or steps (any case)."""
        queryset = self
        for word in text.split():
            # In either language: a Spanish reader sees the Spanish text where it is written.
            queryset = queryset.filter(
                models.Q(title__icontains=word)
                | models.Q(summary__icontains=word)
                | models.Q(how_to__icontains=word)
                | models.Q(title_es__icontains=word)
                | models.Q(summary_es__icontains=word)
                | models.Q(how_to_es__icontains=word)
            )
        return queryset

    def by_title(self, language: str | None = None):
        """In the order of the titles the reader sees (`language`, else the active one)."""
        return self.order_by(title_order(language), "pk")

    def for_listing(self, language: str | None = None):
        """The columns a list of strategy cards shows, in the list's order, as rows (named
        tuples): twenty whole strategies with their long texts cost more to build than the
        cards. Their focus areas are `focus_area_names(ids)`."""
        return self.by_title(language).values_list(*LISTING_COLUMNS, named=True)

    def with_goal_counts(self):
        """Annotate `goal_count`: how many goals use each strategy.

        Goals live in the plans app, which links to strategies with related_name="goal_links".
        Until that relation exists every count is 0. A subquery, not a join, so that other
        filters on many-valued relations cannot inflate the count.
        """
        relation = goal_link_relation()
        if relation is None:
            return self.annotate(goal_count=models.Value(0, models.IntegerField()))
        links = (
            relation.related_model.objects.filter(**{relation.field.name: models.OuterRef("pk")})
            .order_by()
            .values(relation.field.name)
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return self.annotate(
            goal_count=Coalesce(models.Subquery(links), 0, output_field=models.IntegerField())
        )


def goal_link_relation():
    """The reverse relation from Strategy to the plans app's goal links, if it exists yet."""
    try:
        return Strategy._meta.get_field("goal_links")
    except FieldDoesNotExist:
        return None


class Strategy(models.Model):
    """One thing a person can do, written in plain language, with the sources behind it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    title = models.CharField(max_length=120)
    slug = models.SlugField(
        max_length=80, unique=True, help_text=_("Part of the web address. Keep it once published.")
    )
    summary = models.TextField(
        blank=True,
        validators=[MaxLengthValidator(SUMMARY_MAX_LENGTH)],
        help_text=f"Plain language, at most {SUMMARY_MAX_LENGTH} characters. Needed to publish.",
    )
    how_to = models.TextField(
        "how to do it", blank=True, help_text=_("Short steps, one on each line.")
    )
    # Spanish, written for the same reading age. Empty: Spanish readers see the English.
    title_es = models.CharField("title in Spanish", max_length=120, blank=True)
    summary_es = models.TextField(
        "summary in Spanish", blank=True, validators=[MaxLengthValidator(SUMMARY_MAX_LENGTH)]
    )
    how_to_es = models.TextField(
        "how to do it in Spanish", blank=True, help_text=_("The same steps, one on each line.")
    )
    category = models.CharField(max_length=32, choices=Category.choices)
    focus_areas = models.ManyToManyField(FocusArea, related_name="strategies", blank=True)
    for_abstinence = models.BooleanField("fits abstinence", default=False)
    for_managed_use = models.BooleanField("fits managed use", default=False)
    for_safer_use = models.BooleanField("fits safer use", default=False)
    target_kind = models.CharField(
        "kind of target it suggests",
        max_length=16,
        choices=TargetKind.choices,
        default=TargetKind.NONE,
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    last_reviewed = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the catalog file or an import made the last change."),
    )
    # The number of the latest StrategyVersion (0: never published). A goal can keep the number it
    # was added at and show "changed since you added it" when this moves on.
    version = models.PositiveIntegerField(default=0, editable=False)
    # Hash of the entry as the catalog file last wrote it; empty when the strategy did not come
    # from the file. When the current content no longer matches, a curator has edited it and
    # reloading the file leaves it alone.
    catalog_hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = StrategyQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "strategies"
        indexes = [
            models.Index(fields=["status", "category"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.url_for(self.slug)

    @staticmethod
    def url_for(slug: str) -> str:
        return reverse("strategies:detail", args=[slug])

    @property
    def approaches(self) -> list[str]:
        return [approach for approach, field in APPROACH_FIELDS.items() if getattr(self, field)]

    @approaches.setter
    def approaches(self, values) -> None:
        chosen = {Approach(value) for value in values}
        for approach, field in APPROACH_FIELDS.items():
            setattr(self, field, approach in chosen)

    def get_approaches_display(self) -> list[str]:
        return [str(Approach(approach).label) for approach in self.approaches]

    @property
    def steps(self) -> list[str]:
        return _lines(self.how_to)

    @property
    def steps_es(self) -> list[str]:
        return _lines(self.how_to_es)

    # What a reader sees: their language where the curators wrote it, else English.
    @property
    def shown_title(self) -> str:
        return in_language(self.title, self.title_es)

    @property
    def shown_summary(self) -> str:
        return in_language(self.summary, self.summary_es)

    @property
    def shown_steps(self) -> list[str]:
        return _lines(in_language(self.how_to, self.how_to_es))

    @property
    def missing_spanish(self) -> list[str]:
        """What a curator still has to write in Spanish (the admin lists it)."""
        wanted = {"title": self.title_es, "summary": self.summary_es, "how to": self.how_to_es}
        written = {"title": self.title, "summary": self.summary, "how to": self.how_to}
        return [part for part, text in wanted.items() if written[part] and not text.strip()]

    @property
    def is_recommended(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def status_note(self) -> str:
        """What a goal that uses this strategy shows beside it."""
        return "" if self.is_recommended else "No longer recommended"

    @property
    def resource_kinds(self) -> list[str]:
        """The kinds of local service where a person can get or do this (may be none)."""
        if self.slug in RESOURCE_KINDS_BY_SLUG:
            return RESOURCE_KINDS_BY_SLUG[self.slug]
        return RESOURCE_KINDS_BY_CATEGORY.get(self.category, [])

    def goals_using(self) -> int:
        """How many goals use this strategy (0 until the plans app adds goal links)."""
        if hasattr(self, "goal_count"):
            return self.goal_count
        if goal_link_relation() is None:
            return 0
        return self.goal_links.count()


class Source(models.Model):
    """Where the advice in a strategy comes from: a public health authority's page."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(max_length=200)
    publisher = models.CharField(max_length=120, help_text=_("For example CDC, SAMHSA, NHS, WHO."))
    url = models.URLField("web address", max_length=500, validators=[https_url_validator])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.publisher}: {self.title}"


class StrategyVersion(models.Model):
    """A snapshot of a strategy, kept each time a published strategy changes."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField(help_text=_("The strategy as it was, in the catalog file format."))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["strategy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "number"], name="one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.strategy} (version {self.number})"


# Where to get a strategy near you: which kinds of local Resource fit it. The strategies in the seed
# file are mapped one by one; others (added by curators) go by their category.
_K = Resource.Kind
RESOURCE_KINDS_BY_CATEGORY: dict[str, list[str]] = {
    Category.OVERDOSE_PREVENTION: [_K.NALOXONE, _K.DRUG_CHECKING],
    Category.SAFER_USE: [_K.SYRINGE_SERVICES, _K.DRUG_CHECKING],
    Category.INFECTION_WOUND_CARE: [_K.SYRINGE_SERVICES],
    Category.SEXUAL_HEALTH: [_K.SYRINGE_SERVICES],
    Category.MENTAL_HEALTH_COPING: [_K.MENTAL_HEALTH],
    Category.ABSTINENCE_SUPPORT: [_K.MENTAL_HEALTH],
    Category.CONNECTION_TO_CARE: [],
    Category.MANAGED_USE: [],
}
RESOURCE_KINDS_BY_SLUG: dict[str, list[str]] = {
    "naloxone-kit": [_K.NALOXONE],
    "naloxone-for-friends": [_K.NALOXONE],
    "overdose-response-training": [_K.NALOXONE],
    "never-use-alone": [_K.NALOXONE],
    "recovery-position": [_K.NALOXONE],
    "avoid-mixing-depressants": [],
    "lower-tolerance-after-break": [_K.NALOXONE],
    "overdose-prevention-site": [_K.SYRINGE_SERVICES],
    "fentanyl-test-strips": [_K.DRUG_CHECKING, _K.SYRINGE_SERVICES, _K.NALOXONE],
    "start-low-go-slow": [_K.DRUG_CHECKING],
    "syringe-services-program": [_K.SYRINGE_SERVICES],
    "new-injection-supplies": [_K.SYRINGE_SERVICES],
    "safer-smoking-supplies": [_K.SYRINGE_SERVICES],
    "lower-risk-route": [_K.SYRINGE_SERVICES],
    "sharps-disposal": [_K.SYRINGE_SERVICES],
    "stimulant-rest-food-water": [],
    "no-driving-after-use": [],
    "safe-storage": [],
    "cannabis-safer-ways": [],
    "switch-to-vaping": [],
    "withdrawal-medical-support": [_K.MOUD_CLINIC],
    "moud": [_K.MOUD_CLINIC],
    "housing-support": [_K.HOUSING],
    "safety-plan": [_K.CRISIS_LINE, _K.MENTAL_HEALTH],
    "peer-support": [_K.MENTAL_HEALTH],
    "trauma-informed-care": [_K.MENTAL_HEALTH],
    "involve-family": [_K.MENTAL_HEALTH],
    "motivational-interviewing": [_K.MENTAL_HEALTH],
    "regular-health-care": [],
    "employment-support": [],
}
