"""Admin for records: each organization's policy; consents and closures read-only."""

from __future__ import annotations

from django.contrib import admin

from plans.models import AccountClosure, Consent, RecordsPolicy


@admin.register(RecordsPolicy)
class RecordsPolicyAdmin(admin.ModelAdmin):
    list_display = ["organization", "closing_grace_days", "notes_private_by_default"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


CONSENT_COLUMNS = ("public_id", "organization", "method", "shares", "created_at", "expires_at")
CLOSURE_COLUMNS = ("requested_at", "delete_after", "cancelled_at", "completed_at")


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    # Who and when only: what was shared is the client's to see.
    list_display = CONSENT_COLUMNS
    list_filter = ["organization", "method"]
    fields = (*CONSENT_COLUMNS, "revoked_at", "expired_at", "ended_reason")


@admin.register(AccountClosure)
class AccountClosureAdmin(ReadOnlyAdmin):
    list_display = ("pk", *CLOSURE_COLUMNS)
    fields = (*CLOSURE_COLUMNS, "summary")
