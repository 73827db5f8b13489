from django.urls import path

from . import (
    caseload_views,
    checkin_views,
    goal_views,
    goal_wizard,
    plan_privacy,
    plan_views,
    progress_views,
    reminder_views,
    trusted_contacts,
)

app_name = "plans"

plan = "plans/<uuid:plan_id>/"
goal = plan + "goals/<uuid:goal_id>/"

urlpatterns = [
    # Plans and goals
    path("plan/", plan_views.my_plan, name="my_plan"),
    path("plan/people-i-trust/", trusted_contacts.trusted_contacts, name="trusted_contacts"),
    path("plan/privacy/", plan_privacy.plan_privacy, name="plan_privacy"),
    path("caseload/", caseload_views.caseload, name="caseload"),
    path("caseload/<uuid:client_id>/plan/", caseload_views.client_plan, name="client_plan"),
    path(plan, plan_views.plan_page, name="plan"),
    path(plan + "edit/<slug:section>/", plan_views.plan_section_edit, name="plan_section_edit"),
    path(plan + "agree/", plan_views.plan_agree, name="plan_agree"),
    path(plan + "history/", plan_views.plan_history, name="plan_history"),
    path(plan + "reviews/new/", plan_views.review_new, name="review_new"),
    path(plan + "goals/new/", goal_wizard.goal_new, name="goal_new"),
    path(plan + "goals/new/check-your-answers/", goal_wizard.goal_check, name="goal_check"),
    path(plan + "goals/new/<slug:question>/", goal_wizard.goal_question, name="goal_question"),
    path(goal, goal_views.goal_page, name="goal"),
    path(goal + "edit/", goal_views.goal_edit, name="goal_edit"),
    path(goal + "steps/plan/", goal_views.goal_step_planner, name="goal_step_planner"),
    path(goal + "steps/new/", goal_views.step_edit, name="step_new"),
    path(goal + "steps/<int:step_id>/", goal_views.step_edit, name="step_edit"),
    path(goal + "steps/<int:step_id>/remove/", goal_views.step_delete, name="step_delete"),
    path(goal + "strategies/add/", goal_views.goal_strategy_add, name="goal_strategy_add"),
    path(
        goal + "strategies/<int:link_id>/", goal_views.goal_strategy_edit, name="goal_strategy_edit"
    ),
    # Check-ins and progress
    path("checkin/", checkin_views.checkin, name="checkin"),
    path("checkin/settings/", checkin_views.checkin_settings, name="checkin_settings"),
    path("checkin/check-ins.csv", checkin_views.checkin_export, name="checkin_export"),
    path("progress/", progress_views.progress_overview, name="progress"),
    path(goal + "progress/", progress_views.goal_progress, name="goal_progress"),
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
