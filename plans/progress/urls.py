from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("progress/", views.progress_overview, name="progress"),
    path(
        "plans/<uuid:plan_id>/goals/<uuid:goal_id>/progress/",
        views.goal_progress,
        name="goal_progress",
    ),
]
