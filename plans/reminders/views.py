"""Reminder pages: the client's settings, the one-click pause link and the calendar feed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from harmplan.accounts.decorators import role_required
from harmplan.accounts.models import EmailChange, Role
from harmplan.compiled_query import CompiledQuery
from harmplan.http import AuthenticatedRequest
from plans.models import Channel, ReminderDelivery, ReminderSchedule
from plans.reminders import calendar, links, services
from plans.reminders import messages as reminder_messages
from plans.reminders.forms import ReminderSettingsForm

HISTORY_LENGTH = 10


# The settings page's other reads, built and compiled once (harmplan/compiled_query.py): building
# them cost more than PostgreSQL takes to answer them.
_DELIVERIES = CompiledQuery(
    lambda ids: ReminderDelivery.objects.filter(schedule_id=ids[0]).order_by("-slot")[
        :HISTORY_LENGTH
    ]
)
_PENDING_EMAIL = CompiledQuery(  # the newest unconfirmed change of address
    lambda ids: EmailChange.objects.filter(user_id=ids[0], confirmed_at__isnull=True).order_by(
        "-created_at"
    )[:1]
)


def _preview(schedule: ReminderSchedule) -> dict:
    if schedule.channel == Channel.EMAIL:
        email = reminder_messages.email_parts(schedule)[0]
        return {"email": email}
    if schedule.channel == Channel.SMS:
        return {"sms": reminder_messages.reminder_sms(schedule)}
    return {}


def _history(schedule: ReminderSchedule) -> list[dict]:
    if not schedule.pk:
        return []
    return [
        {
            "when": delivery.slot,
            "channel": delivery.get_channel_display(),
            "status": delivery.status,
            "status_label": delivery.get_status_display().lower(),
        }
        for delivery in _DELIVERIES.objects([schedule.pk])
    ]


@role_required(Role.CLIENT)
@require_http_methods(["GET", "POST"])
def reminder_settings(request: AuthenticatedRequest) -> HttpResponse:
    client = request.user
    schedule = services.schedule_for(client)
    if request.method == "POST" and request.POST.get("action") == "resume":
        if schedule.pk:
            services.schedule_pause(schedule=schedule, until=None)
        messages.success(request, _("Your reminders are back on."))
        return redirect("plans:reminder_settings")
    form = ReminderSettingsForm(
        request.POST if request.method == "POST" else None,
        schedule=schedule,
        every_zone=request.GET.get("zones") == "all",
    )
    if form.is_valid():
        data = form.cleaned_data
        paused_until = data["paused_until"]
        if not paused_until and schedule.paused_indefinitely:
            paused_until = schedule.paused_until  # only "Turn reminders back on" ends this pause
        services.schedule_save(
            client=client,
            weekdays=form.weekday_mask,
            local_time=data["local_time"],
            timezone_name=data["timezone"],
            channel=data["channel"],
            paused_until=paused_until,
        )
        messages.success(request, _("Your reminder settings are saved."))
        return redirect("plans:reminder_settings")
    context = {
        "form": form,
        "schedule": schedule,
        # Shown in the client's zone: the middleware activates it for every |date.
        "next_due": schedule.next_due_at,
        "history": _history(schedule),
        "preview": _preview(schedule),
        "is_paused": schedule.is_paused(),
        "pending_email": next(iter(_PENDING_EMAIL.objects([client.pk])), None),
    }
    return render(request, "plans/reminders/settings.html", context)


@role_required(Role.CLIENT)
@require_POST
def calendar_link_new(request: AuthenticatedRequest) -> HttpResponse:
    token = services.feed_token_create(client=request.user)
    url = links.feed_url(token)
    return render(
        request,
        "plans/reminders/calendar_link.html",
        {"feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]},
    )


@role_required(Role.CLIENT)
@require_POST
def calendar_link_remove(request: AuthenticatedRequest) -> HttpResponse:
    services.feed_token_remove(client=request.user)
    messages.success(request, _("Your calendar link is turned off. It no longer works."))
    return redirect("plans:reminder_settings")


@login_not_required
@csrf_exempt  # the signed link is the authority; mail apps POST here for one-click unsubscribe
@never_cache
@require_http_methods(["GET", "POST"])
def reminder_pause(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks; POST pauses. Mail scanners follow links with GET, so GET changes nothing."""
    try:
        schedule = links.schedule_for_pause_token(token)
    except links.PauseLinkExpired as error:
        return render(request, "plans/reminders/pause.html", {"problem": error}, status=410)
    except links.PauseLinkError as error:
        return render(request, "plans/reminders/pause.html", {"problem": error}, status=400)
    if request.method == "POST":
        services.schedule_pause(schedule=schedule)
        return render(request, "plans/reminders/pause.html", {"paused": True})
    return render(request, "plans/reminders/pause.html", {"token": token})


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    schedule = links.schedule_for_feed_token(token)
    if schedule is None:
        raise Http404
    response = HttpResponse(
        calendar.feed(schedule, now=timezone.now()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="check-in.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
