from django.urls import path

from . import views

# Included by harmplan/accounts/urls.py, in its "accounts" namespace.
urlpatterns = [
    path("account/session/", views.session_status, name="session_status"),
    path("account/session/stay/", views.session_keepalive, name="session_keepalive"),
    path("account/sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
]
