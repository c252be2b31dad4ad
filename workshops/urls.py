from django.urls import path

from . import views

app_name = "workshops"

urlpatterns = [
    path("", views.trainer_dates, name="trainer_dates"),
    path("termine/<int:pk>/", views.trainer_date, name="trainer_date"),
]
