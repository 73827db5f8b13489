from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import (
    AccessEvent,
    CareAssignment,
    EmergencyAccess,
    Invitation,
    Membership,
    Organization,
    SecurityEvent,
    User,
)


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False


@admin.register(User)
class HarmPlanUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "preferred_name", "is_staff", "is_active"]
    fieldsets = [
        *(UserAdmin.fieldsets or ()),
        (_("Contact"), {"fields": ["preferred_name", "phone"]}),
    ]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "emergency_number"]
    search_fields = ["name"]


@admin.register(CareAssignment)
class CareAssignmentAdmin(admin.ModelAdmin):
    list_display = ["counselor", "client", "organization", "created_at"]
    list_filter = ["organization"]
    raw_id_fields = ["counselor", "client"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["organization", "role", "invited_by", "created_at", "expires_at", "used_at"]
    list_filter = ["organization", "role"]
    exclude = ["token_hash", "code_hash"]
    readonly_fields = ["used_at", "used_by"]

    def has_add_permission(self, request):
        return False  # invitations are created in the app, where the secret is shown once


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "client", "object_type", "object_id", "ip_address"]
    list_filter = ["action", "object_type"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "kind", "subject", "ip_address"]
    list_filter = ["kind"]
    date_hierarchy = "at"


@admin.register(EmergencyAccess)
class EmergencyAccessAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "counselor", "client", "organization", "expires_at"]
    list_filter = ["organization"]
