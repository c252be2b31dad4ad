from django.urls import path

from . import views

app_name = "cms"

urlpatterns = [
    path("anfrage/", views.advice_form, name="advice_form"),
    path("anfrage/danke/", views.advice_form_done, name="advice_form_done"),
    path("anfragen/", views.advice_queue, name="advice_queue"),
    path("anfragen/<int:pk>/", views.advice_request, name="advice_request"),
]
