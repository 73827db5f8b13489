"""URLs for the client's records. Included into plans/urls.py, so names are `plans:…`."""

from __future__ import annotations

from django.urls import path

from . import views

consent = "records/sharing/<uuid:consent_id>/"

urlpatterns = [
    path("records/", views.records_home, name="records"),
    path("records/download/", views.records_export, name="records_export"),
    path("records/privacy/", views.privacy_choice, name="records_privacy"),
    path("plans/<uuid:plan_id>/print/", views.plan_pdf, name="plan_pdf"),
    path("records/sharing/", views.sharing_page, name="sharing"),
    path("records/sharing/new/", views.consent_new, name="consent_new"),
    path(consent, views.consent_detail, name="consent_detail"),
    path(consent + "pdf/", views.consent_pdf, name="consent_pdf"),
    path(consent + "stop/", views.consent_revoke, name="consent_revoke"),
    path("shared/", views.shared_view, name="shared_view"),
    path("organization/records/", views.program_records, name="program_records"),
    path("records/close/", views.account_close, name="account_close"),
    path("records/close/cancel/", views.account_close_cancel, name="account_close_cancel"),
]
