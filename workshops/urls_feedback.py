from django.urls import path

from . import views_feedback as views

app_name = "feedback"

urlpatterns = [
    path("<str:token>/", views.feedback_form, name="form"),
    path("<str:token>/danke/", views.feedback_thanks, name="thanks"),
]
