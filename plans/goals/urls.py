from __future__ import annotations

from django.urls import path

from . import caseload, goal_views, questions, views

plan = "plans/<uuid:plan_id>/"
goal = plan + "goals/<uuid:goal_id>/"

urlpatterns = [
    path("plan/", views.my_plan, name="my_plan"),
    path("plan/people-i-trust/", views.trusted_contacts, name="trusted_contacts"),
    path("plan/privacy/", views.plan_privacy, name="plan_privacy"),
    path("caseload/", caseload.caseload, name="caseload"),
    path("caseload/<uuid:client_id>/plan/", caseload.client_plan, name="client_plan"),
    path(plan, views.plan_page, name="plan"),
    path(plan + "edit/<slug:section>/", views.plan_section_edit, name="plan_section_edit"),
    path(plan + "agree/", views.plan_agree, name="plan_agree"),
    path(plan + "history/", views.plan_history, name="plan_history"),
    path(plan + "reviews/new/", views.review_new, name="review_new"),
    path(plan + "goals/new/", questions.goal_new, name="goal_new"),
    path(plan + "goals/new/check-your-answers/", questions.goal_check, name="goal_check"),
    path(plan + "goals/new/<slug:question>/", questions.goal_question, name="goal_question"),
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
]
