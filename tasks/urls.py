"""The tasks app's URLs, one list per namespace; verbund/urls.py includes each list at its
prefix."""

from django.urls import path

from tasks.views import notifications

app_name = "notifications"

# /benachrichtigungen/
urlpatterns = [
    path("abmelden/<str:token>/", notifications.unsubscribe, name="unsubscribe"),
]

# /konto/benachrichtigungen/
account_patterns = (
    [
        path("", notifications.notification_preferences, name="preferences"),
    ],
    "notification_settings",
)
