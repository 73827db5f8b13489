"""What the client's plan page shows: by default it does not say what each goal is about
(alcohol, opioids, …), because a phone's screen may be seen by others. The client can turn it on."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from harmplan.accounts.decorators import role_required
from harmplan.accounts.models import Role

from . import services
from .models import Plan


class PlanPrivacyForm(forms.Form):
    show_focus_areas = forms.BooleanField(
        label=_("Show what each goal is about, like “Alcohol”, and its strategies on my plan page"),
        help_text=_("Anyone who sees your phone could read it."),
        required=False,
        widget=forms.CheckboxInput(attrs={"aria-describedby": "id_show_focus_areas_helptext"}),
    )


@transaction.atomic
def plan_privacy_save(*, plan: Plan, show_focus_areas: bool) -> Plan:
    """A setting of the client's, not part of the plan's content: no new version or agreement."""
    Plan.objects.filter(pk=plan.pk).update(show_focus_areas=show_focus_areas)
    plan.show_focus_areas = show_focus_areas
    return plan


@role_required(Role.CLIENT)
@require_http_methods(["GET", "POST"])
def plan_privacy(request: HttpRequest) -> HttpResponse:
    plan = services.plan_for_client(request.user)
    form = PlanPrivacyForm(
        request.POST if request.method == "POST" else None,
        initial={"show_focus_areas": plan.show_focus_areas},
    )
    if form.is_valid():
        plan_privacy_save(plan=plan, show_focus_areas=form.cleaned_data["show_focus_areas"])
        messages.success(request, gettext("Saved."))
        return redirect(plan)
    return render(request, "plans/plan_privacy.html", {"form": form, "plan": plan})
