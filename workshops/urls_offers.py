from django.urls import path

from workshops import views_offers

app_name = "offers"

urlpatterns = [
    path("", views_offers.offer_finder, name="finder"),
]
