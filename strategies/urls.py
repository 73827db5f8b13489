from django.urls import path

from . import views

app_name = "strategies"

urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("<slug:slug>/", views.strategy_detail, name="detail"),
]
