from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from harmplan.accounts import language
from harmplan.accounts.forms import LoginForm, QueuedPasswordResetForm

from . import views, webapp

admin.site.site_header = "HarmPlan administration"
admin.site.site_title = "HarmPlan admin"

auth_patterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("help/", views.help_page, name="help"),
    path("healthz", views.healthz, name="healthz"),
    path("manifest.webmanifest", webapp.manifest, name="manifest"),
    path("service-worker.js", webapp.service_worker, name="service_worker"),
    path("offline/", webapp.offline, name="offline"),
    path("language/", language.language_switch, name="language_switch"),
    path("account/", include(auth_patterns)),
    path("account/two-factor/", include("harmplan.accounts.twofactor.urls")),
    path("", include("harmplan.accounts.urls")),
    path("strategies/", include("strategies.urls")),
    path("", include("plans.urls")),
    path("admin/", admin.site.urls),
]
