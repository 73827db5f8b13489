"""Admin for reminders: staff can see failed deliveries and try them again."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from plans.models import DeliveryStatus, ReminderDelivery, ReminderSchedule, ReviewDigest

from .dispatch import enqueue_sends


@admin.register(ReminderSchedule)
class ReminderScheduleAdmin(admin.ModelAdmin):
    list_display = ["client", "channel", "timezone", "local_time", "next_due_at", "paused_until"]
    list_filter = ["channel"]
    search_fields = ["client__username"]
    raw_id_fields = ["client"]
    exclude = ["feed_token_hash"]
    readonly_fields = ["public_id", "next_due_at", "feed_created_at", "created_at", "updated_at"]


@admin.action(description=_("Try the selected failed reminders again"))
def retry_failed(modeladmin, request, queryset):
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            queryset.filter(status=DeliveryStatus.FAILED)
            .select_for_update()
            .values_list("pk", flat=True)
        )
        ReminderDelivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.QUEUED,
            attempts=0,
            next_attempt_at=now,
            enqueued_at=now,
            updated_at=now,
        )
        transaction.on_commit(lambda: enqueue_sends(ids), robust=True)
    modeladmin.message_user(
        request,
        ngettext("%(count)d reminder queued again.", "%(count)d reminders queued again.", len(ids))
        % {"count": len(ids)},
        messages.SUCCESS,
    )


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(admin.ModelAdmin):
    list_display = ["slot", "schedule", "channel", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "channel"]
    date_hierarchy = "slot"
    list_select_related = ["schedule__client"]
    actions = [retry_failed]
    readonly_fields = [
        "schedule",
        "slot",
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "enqueued_at",
        "sending_at",
        "sent_at",
        "provider_ref",
        "last_error",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(ReviewDigest)
class ReviewDigestAdmin(admin.ModelAdmin):
    list_display = ["day", "counselor", "due_today", "overdue", "status", "sent_at", "last_error"]
    list_filter = ["status", "day"]
    list_select_related = ["counselor"]
    readonly_fields = [field.name for field in ReviewDigest._meta.fields]

    def has_add_permission(self, request):
        return False
