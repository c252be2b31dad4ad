from django.urls import path

from . import views_calendar as views

app_name = "calendar"

urlpatterns = [
    path("kalender/person/<str:token>.ics", views.person_feed, name="person"),
    path("kalender/firma/<str:token>.ics", views.firm_feed, name="firm"),
    path("kalender/reihe/<int:page_id>.ics", views.series_feed, name="series"),
    path("kalender/thema/<slug:slug>.ics", views.topic_feed, name="topic"),
    path("kalender/termine.ics", views.all_dates_feed, name="all"),
    path("kalender/termin/<int:date_id>.ics", views.date_file, name="date"),
    path("kalender/anmeldung/<int:enrolment_id>.ics", views.enrolment_file, name="enrolment"),
    path("konto/kalender/", views.account, name="account"),
]
