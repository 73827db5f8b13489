from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("checkin/", views.checkin, name="checkin"),
    path("checkin/settings/", views.checkin_settings, name="checkin_settings"),
    path("checkin/check-ins.csv", views.checkin_export, name="checkin_export"),
]
