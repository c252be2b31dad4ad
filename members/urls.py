from django.urls import include, path

app_name = "members"

urlpatterns = [
    path("", include("members.views.onboarding")),
    path("", include("members.views.invitations")),
    path("", include("members.views.people")),
    path("", include("members.views.dashboard")),
    path("", include("members.views.acting_firm")),
    path("", include("members.views.tokens")),
    path("", include("members.views.personal_data")),
    path("", include("members.views.saved_searches")),
]
