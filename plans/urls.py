from django.urls import path

from . import reminder_views

app_name = "plans"

urlpatterns = [
    # Reminders
    path("reminders/", reminder_views.reminder_settings, name="reminder_settings"),
    path("reminders/calendar/new/", reminder_views.calendar_link_new, name="calendar_link_new"),
    path(
        "reminders/calendar/remove/",
        reminder_views.calendar_link_remove,
        name="calendar_link_remove",
    ),
    path("reminders/pause/<str:token>/", reminder_views.reminder_pause, name="reminder_pause"),
    path("calendar/<str:token>.ics", reminder_views.calendar_feed, name="calendar_feed"),
]
