from django.urls import path

from . import views_funding

app_name = "funding"

urlpatterns = [
    path("", views_funding.funding_check, name="check"),
]
