from django.urls import path

from tasks import views

app_name = "notification_settings"

urlpatterns = [
    path("", views.notification_preferences, name="preferences"),
]
