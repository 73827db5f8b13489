from django.urls import include, path

from . import reauth, views

app_name = "accounts"

urlpatterns = [
    path("invite/", views.invitation_code, name="invitation_code"),
    path("invite/accept/", views.invitation_accept, name="invitation_accept"),
    path("invite/<str:token>/", views.invitation_link, name="invitation_link"),
    path("invitations/new/", views.invitation_new, name="invite_new"),
    path("clients/", views.client_list, name="client_list"),
    path("clients/<uuid:client_id>/", views.client_detail, name="client_detail"),
    path("me/access/", views.my_access_log, name="my_access_log"),
    path("account/", views.account, name="account"),
    path("", include("harmplan.accounts.sessions.urls")),
    path("", include("harmplan.accounts.emergency.urls")),
    path(
        "organization/staff/<uuid:user_id>/reset-two-factor/",
        views.twofactor_reset,
        name="twofactor_reset",
    ),
    path("organization/", views.org_overview, name="org_overview"),
    path("organization/appearance/", views.org_appearance, name="org_appearance"),
    path("organization/assignments/", views.assignment_new, name="assignment_new"),
    path("organization/client-sessions/", views.org_client_idle, name="org_client_idle"),
    path(
        "organization/assignments/<int:assignment_id>/remove/",
        views.assignment_remove,
        name="assignment_remove",
    ),
    path("account/contact/", views.contact_edit, name="contact"),
    path("account/confirm-password/", reauth.confirm_password, name="confirm_password"),
    path("account/email/confirm/<str:token>/", views.email_confirm, name="email_confirm"),
    path("organization/resources/", views.resource_list, name="resource_list"),
    path("organization/resources/new/", views.resource_edit, name="resource_new"),
    path("organization/resources/<int:resource_id>/", views.resource_edit, name="resource_edit"),
    path(
        "organization/resources/<int:resource_id>/remove/",
        views.resource_remove,
        name="resource_remove",
    ),
]
