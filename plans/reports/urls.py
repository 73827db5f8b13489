from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("plans/<uuid:plan_id>/services/new/", views.service_new, name="service_new"),
    path(
        "plans/<uuid:plan_id>/services/<int:service_id>/outcome/",
        views.referral_outcome,
        name="referral_outcome",
    ),
    path("program/report/", views.program_report, name="program_report"),
    path("program/report.csv", views.program_report_csv, name="program_report_csv"),
]
