"""People I trust: up to three names and numbers the client keeps on their plan, shown first on
"Get help now" with one tap to call. Only the client changes them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from harmplan.accounts.decorators import role_required
from harmplan.accounts.models import Role

from . import services
from .models import Plan, TrustedContact
from .models.plan import MAX_TRUSTED_CONTACTS

PHONE_CHARACTERS = set("+0123456789 -().")


def phone_problem(phone: str) -> str | None:
    digits = [ch for ch in phone if ch.isdigit()]
    if len(digits) < 3 or any(ch not in PHONE_CHARACTERS for ch in phone):
        return _("Enter a phone number using numbers, like 555 123 4567")
    return None


class TrustedContactsForm(forms.Form):
    """Three rows of name and number. A row left empty is removed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, MAX_TRUSTED_CONTACTS + 1):
            self.fields[f"name_{n}"] = forms.CharField(
                label=_("Person %(n)s: name") % {"n": n}, max_length=80, required=False
            )
            self.fields[f"phone_{n}"] = forms.CharField(
                label=_("Person %(n)s: phone number") % {"n": n},
                max_length=32,
                required=False,
                widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            )

    @staticmethod
    def initial_for(plan: Plan) -> dict:
        initial = {}
        for n, contact in enumerate(plan.trusted_contacts.all()[:MAX_TRUSTED_CONTACTS], start=1):
            initial[f"name_{n}"], initial[f"phone_{n}"] = contact.name, contact.phone
        return initial

    def rows(self):
        return [(self[f"name_{n}"], self[f"phone_{n}"]) for n in range(1, MAX_TRUSTED_CONTACTS + 1)]

    def clean(self):
        cleaned = super().clean()
        for n in range(1, MAX_TRUSTED_CONTACTS + 1):
            name = cleaned.get(f"name_{n}", "").strip()
            phone = cleaned.get(f"phone_{n}", "").strip()
            if name and not phone:
                self.add_error(
                    f"phone_{n}", _("Enter a phone number for %(name)s") % {"name": name}
                )
            elif phone and not name:
                self.add_error(f"name_{n}", _("Enter a name for this number"))
            elif phone and (problem := phone_problem(phone)):
                self.add_error(f"phone_{n}", problem)
        return cleaned

    def contacts(self) -> list[tuple[str, str]]:
        rows = []
        for n in range(1, MAX_TRUSTED_CONTACTS + 1):
            name = self.cleaned_data[f"name_{n}"].strip()
            phone = self.cleaned_data[f"phone_{n}"].strip()
            if name and phone:
                rows.append((name, phone))
        return rows


@transaction.atomic
def trusted_contacts_save(*, plan: Plan, contacts: list[tuple[str, str]]) -> list[TrustedContact]:
    """Replace the client's trusted contacts with `contacts` (name, phone), in that order."""
    if len(contacts) > MAX_TRUSTED_CONTACTS:
        raise ValueError(f"At most {MAX_TRUSTED_CONTACTS} trusted contacts")
    for _name, phone in contacts:
        if problem := phone_problem(phone):
            raise ValueError(problem)
    Plan.objects.select_for_update().filter(pk=plan.pk).first()  # one save at a time
    TrustedContact.objects.filter(plan=plan).delete()
    return TrustedContact.objects.bulk_create(
        TrustedContact(plan=plan, name=name, phone=phone, position=position)
        for position, (name, phone) in enumerate(contacts)
    )


@role_required(Role.CLIENT)
@require_http_methods(["GET", "POST"])
def trusted_contacts(request: HttpRequest) -> HttpResponse:
    plan = services.plan_for_client(request.user)
    if request.method == "POST":
        form = TrustedContactsForm(request.POST)
        if form.is_valid():
            trusted_contacts_save(plan=plan, contacts=form.contacts())
            messages.success(request, _("Saved. They are at the top of “Get help now”."))
            return redirect(plan.get_absolute_url() + "#people-i-trust")
        status = 400
    else:
        form, status = TrustedContactsForm(initial=TrustedContactsForm.initial_for(plan)), 200
    return render(
        request, "plans/trusted_contacts.html", {"form": form, "plan": plan}, status=status
    )
