"""Curating the catalog (catalog curators)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    APPROACH_FIELDS,
    SUMMARY_MAX_LENGTH,
    Approach,
    FocusArea,
    Source,
    Strategy,
    StrategyQuerySet,
    StrategyVersion,
)
from .views import strategy_page_context

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class StrategyCount(TypedDict):
    strategy_count: int


# Local resources have no admin: each organization's admins edit their own on their organization
# pages (harmplan/accounts, "Your help page"), so no curator or other program can change them.


class SpanishFilter(admin.SimpleListFilter):
    """Which strategies still need their Spanish title, summary or steps."""

    title = _("Spanish")
    parameter_name = "spanish"

    def lookups(self, request, model_admin):
        return [("missing", _("Something missing")), ("written", _("All written"))]

    def queryset(self, request, queryset):
        missing = (
            Q(title_es="") | (~Q(summary="") & Q(summary_es="")) | (~Q(how_to="") & Q(how_to_es=""))
        )
        if self.value() == "missing":
            return queryset.filter(missing)
        if self.value() == "written":
            return queryset.exclude(missing)
        return queryset


@admin.register(FocusArea)
class FocusAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "name_es", "slug", "position", "strategy_count"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(strategy_count=Count("strategies"))

    def get_changelist_form(self, request, **kwargs):
        return FocusAreaListForm

    @admin.display(description=_("strategies"), ordering="strategy_count")
    def strategy_count(self, area: WithAnnotations[FocusArea, StrategyCount]) -> int:
        return area.strategy_count


class StrategyAdminForm(forms.ModelForm):
    approaches = forms.MultipleChoiceField(
        label=_("Approaches it fits"),
        choices=Approach.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("At least one is needed to publish."),
    )

    class Meta:
        model = Strategy
        exclude = list(APPROACH_FIELDS.values())
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3, "maxlength": SUMMARY_MAX_LENGTH}),
            "how_to": forms.Textarea(attrs={"rows": 6}),
            "summary_es": forms.Textarea(attrs={"rows": 3, "maxlength": SUMMARY_MAX_LENGTH}),
            "how_to_es": forms.Textarea(attrs={"rows": 6}),
            "focus_areas": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("approaches", self.instance.approaches)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("status") == Strategy.Status.PUBLISHED:
            problems = services.publish_problems(
                summary=data.get("summary", ""),
                approaches=data.get("approaches", []),
                source_urls=None,  # the sources formset checks its own rule
            )
            for name, message in problems.items():
                if name in self.fields and name not in self.errors:
                    self.add_error(name, message)
        return data

    def _post_clean(self):
        # Django's hook between clean() and the model's validation; the stubs leave it out.
        super()._post_clean()  # type: ignore[misc]
        self.instance.approaches = self.cleaned_data.get("approaches", [])


class SourceFormSet(BaseInlineFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:  # its label is the column head only
            form.fields["DELETE"].widget.attrs["aria-label"] = "Delete this source"

    def clean(self):
        super().clean()
        if self.instance.status != Strategy.Status.PUBLISHED:
            return
        urls = [
            form.cleaned_data.get("url")
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if not any(url and services.is_https_url(url) for url in urls):
            raise ValidationError(services.NEEDS_SOURCE)


class LabelledInRows(forms.BaseForm):
    """Forms shown as table rows (inlines, editable lists) have their labels in the column head
    only; screen readers and axe need one on each input too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))


class SourceForm(LabelledInRows, forms.ModelForm):
    url = forms.URLField(label=_("Web address"), max_length=500, assume_scheme="https")

    class Meta:
        model = Source
        fields = ["title", "publisher", "url", "position"]


class FocusAreaListForm(LabelledInRows, forms.ModelForm):
    class Meta:
        model = FocusArea
        fields = ["position"]


class SourceInline(admin.TabularInline):
    model = Source
    form = SourceForm
    formset = SourceFormSet
    extra = 1


VERSION_FIELDS = ("number", "created_at", "created_by", "status", "what_changed")


class VersionInline(admin.TabularInline):
    model = StrategyVersion
    verbose_name = "version"
    verbose_name_plural = "version history"
    fields = VERSION_FIELDS
    readonly_fields = VERSION_FIELDS
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by").order_by("-number")

    @admin.display(description=_("status"))
    def status(self, version: StrategyVersion) -> str:
        return str(Strategy.Status(version.snapshot.get("status", "published")).label)

    @admin.display(description=_("what changed"))
    def what_changed(self, version: StrategyVersion) -> str:
        previous = (
            StrategyVersion.objects.filter(
                strategy_id=version.strategy_id, number__lt=version.number
            )
            .order_by("-number")
            .first()
        )
        if previous is None:
            return gettext("First published version")
        changed = [
            key.replace("_", " ")
            for key in version.snapshot
            if version.snapshot.get(key) != previous.snapshot.get(key)
        ]
        return ", ".join(changed) or gettext("nothing")


class ApproachFilter(admin.SimpleListFilter):
    title = _("approach")
    parameter_name = "approach"

    def lookups(self, request, model_admin):
        return Approach.choices

    def queryset(self, request, queryset):
        if self.value() in Approach.values:
            return queryset.fitting(self.value())
        return queryset


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):
    form = StrategyAdminForm
    list_display = [
        "title",
        "status",
        "category",
        "approach_list",
        "version",
        "goals_using",
        "last_reviewed",
        "updated_at",
        "spanish",
        "preview_link",
    ]
    list_filter = ["status", "category", "focus_areas", ApproachFilter, SpanishFilter]
    search_fields = ["title", "slug", "summary", "how_to", "title_es", "summary_es", "how_to_es"]
    prepopulated_fields = {"slug": ["title"]}
    actions = ["publish_selected", "retire_selected"]
    inlines = [SourceInline, VersionInline]
    readonly_fields = [
        "preview_link",
        "version",
        "goals_using",
        "catalog_state",
        "updated_at",
        "updated_by",
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "summary", "how_to"]}),
        (
            "In Spanish",
            {
                "fields": ["title_es", "summary_es", "how_to_es"],
                "description": "Spanish readers see the English where this is empty.",
            },
        ),
        ("Where it fits", {"fields": ["category", "focus_areas", "approaches", "target_kind"]}),
        (
            "Review",
            {
                "fields": [
                    "last_reviewed",
                    "preview_link",
                    "version",
                    "goals_using",
                    "catalog_state",
                    "updated_at",
                    "updated_by",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        # The admin's queryset comes from Strategy.objects, a StrategyQuerySet.
        queryset = cast(StrategyQuerySet, super().get_queryset(request))
        return queryset.with_goal_counts().select_related("updated_by")

    @admin.display(description=_("Spanish"))
    def spanish(self, strategy: Strategy) -> str:
        missing = strategy.missing_spanish
        return (
            gettext("Missing: %(fields)s") % {"fields": ", ".join(missing)}
            if missing
            else gettext("Written")
        )

    @admin.display(description=_("approaches"))
    def approach_list(self, strategy: Strategy) -> str:
        return ", ".join(strategy.get_approaches_display()) or "–"

    @admin.display(description=_("goals using it"), ordering="goal_count")
    def goals_using(self, strategy: Strategy) -> int:
        return strategy.goals_using()

    @admin.display(description=_("preview"))
    def preview_link(self, strategy: Strategy) -> str:
        if not strategy.pk:
            return gettext("Save first to see a preview.")
        url = reverse("admin:strategies_strategy_preview", args=[strategy.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Preview as clients see it"))

    @admin.display(description=_("catalog file"))
    def catalog_state(self, strategy: Strategy) -> str:
        from .catalog_files import entry_hash

        if not strategy.catalog_hash:
            return gettext("Not from the seed file")
        if entry_hash(services.strategy_entry(strategy)) == strategy.catalog_hash:
            return gettext("Same as the seed file: reloading the file may update it")
        return gettext("Changed by a curator: reloading the seed file leaves it alone")

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        strategy = form.instance
        strategy._prefetched_objects_cache = {}
        services.strategy_version_record(strategy=strategy, by=request.user)

    # Bulk actions --------------------------------------------------------------------------------

    @admin.action(description=_("Publish the selected strategies"), permissions=["change"])
    def publish_selected(self, request, queryset):
        result = services.strategies_publish(
            strategies=queryset.prefetch_related("sources"), by=request.user
        )
        if result.published:
            count = len(result.published)
            self.message_user(
                request,
                ngettext("Published %(count)d strategy.", "Published %(count)d strategies.", count)
                % {"count": count},
                messages.SUCCESS,
            )
        for strategy, problems in result.refused.items():
            self.message_user(
                request,
                gettext("“%(strategy)s” was not published. %(problems)s")
                % {"strategy": strategy, "problems": " ".join(problems)},
                messages.ERROR,
            )
        if result.already_published and not (result.published or result.refused):
            self.message_user(request, gettext("They were all published already."), messages.INFO)

    @admin.action(description=_("Retire the selected strategies"), permissions=["change"])
    def retire_selected(self, request, queryset):
        retired = services.strategies_retire(strategies=queryset, by=request.user)
        count = len(retired)
        self.message_user(
            request,
            ngettext(
                "Retired %(count)d strategy. Goals that use it keep it, and counselors see "
                "“no longer recommended” beside it.",
                "Retired %(count)d strategies. Goals that use them keep them, and counselors see "
                "“no longer recommended” beside them.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    # Preview -------------------------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<int:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="strategies_strategy_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        strategy = get_object_or_404(Strategy, pk=object_id)
        if not self.has_view_permission(request, strategy):
            raise PermissionDenied
        context = {
            **strategy_page_context(strategy, request.user),
            "preview": True,
            "admin_change_url": reverse("admin:strategies_strategy_change", args=[strategy.pk]),
        }
        return TemplateResponse(request, "strategies/strategy_detail.html", context)
