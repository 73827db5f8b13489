from django.contrib import admin

from .models import Resource


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organization", "phone"]
    list_filter = ["organization", "kind"]
    search_fields = ["name", "address", "notes"]
