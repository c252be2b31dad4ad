from django.urls import path

from . import views_enrolment as views

app_name = "enrolment"

urlpatterns = [
    path("termine/<int:date_id>/", views.enrol, name="enrol"),
    path("termine/<int:date_id>/ergebnis/", views.result, name="result"),
    path("termine/<int:date_id>/selbst/", views.enrol_self, name="self"),
    path("meine/", views.mine, name="mine"),
    path("firma/", views.firm, name="firm"),
    path("<int:pk>/stornieren/", views.cancel, name="cancel"),
    path("<int:pk>/annehmen/", views.accept, name="accept"),
    path("<int:pk>/ablehnen/", views.decline, name="decline"),
    path("angebot/<str:token>/", views.offer_by_link, name="offer"),
]
