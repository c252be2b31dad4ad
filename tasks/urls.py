from django.urls import path

from tasks import views

app_name = "notifications"

urlpatterns = [
    path("abmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
