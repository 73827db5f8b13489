"""The 409 page: someone else saved first. Their change is shown next to what you typed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.datastructures import MultiValueDict

from harmplan.http import AuthenticatedRequest
from plans.access import log_read
from plans.models import Goal, Plan

from .services import EditConflict

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def conflict_response(
    request: AuthenticatedRequest,
    conflict: EditConflict,
    make_form,
    title: StrOrPromise,
    plan: Plan,
    goal: Goal | None = None,
) -> HttpResponse:
    """HTTP 409: show the other person's change next to yours, keep everything typed.

    The form is rebuilt from what was posted with the current version, so saving it again
    applies this person's input on top of the other change, knowingly.
    """
    # The page shows the other person's change to the client's records: a read, logged.
    if goal is not None:
        log_read(request, plan, "goal", goal.public_id)
    else:
        log_read(request, plan)
    # The version goes in as a number, as a form reads it; the stubs allow only strings here.
    data: MultiValueDict[str, Any] = request.POST.copy()
    data["version"] = conflict.current.version
    form = make_form(data)
    form.is_valid()
    response = render(
        request,
        "plans/goals/conflict.html",
        {
            "plan": plan,
            "goal": goal,
            "form": form,
            "title": title,
            "their_changes": conflict.their_changes,
        },
        status=409,
    )
    if request.htmx:
        response["HX-Retarget"] = "#main"
        response["HX-Reswap"] = "outerHTML"
        response["HX-Reselect"] = "#main"
    return response
