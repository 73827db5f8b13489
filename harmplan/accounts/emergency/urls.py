from django.urls import path

from . import views

# Included by harmplan/accounts/urls.py, in its "accounts" namespace.
urlpatterns = [
    path("emergency-access/", views.emergency_access_new, name="emergency_access_new"),
    path(
        "organization/emergency-access/",
        views.emergency_access_list,
        name="emergency_access_list",
    ),
]
