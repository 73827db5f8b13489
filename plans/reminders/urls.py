from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("reminders/", views.reminder_settings, name="reminder_settings"),
    path("reminders/calendar/new/", views.calendar_link_new, name="calendar_link_new"),
    path("reminders/calendar/remove/", views.calendar_link_remove, name="calendar_link_remove"),
    path("reminders/pause/<str:token>/", views.reminder_pause, name="reminder_pause"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
