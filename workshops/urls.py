"""The workshops app's URLs, one list per namespace; verbund/urls.py includes each list at
its prefix."""

from django.urls import path

from workshops.views import calendar, documents, enrolment, feedback, offers, trainer

app_name = "workshops"

# /trainer/
urlpatterns = [
    path("", trainer.trainer_dates, name="trainer_dates"),
    path("termine/<int:pk>/", trainer.trainer_date, name="trainer_date"),
]

# /teilnahme/
documents_patterns = (
    [
        path(
            "termine/<int:pk>/teilnehmende.csv",
            documents.participants_csv,
            name="participants_csv",
        ),
        path(
            "termine/<int:pk>/teilnehmende.xlsx",
            documents.participants_xlsx,
            name="participants_xlsx",
        ),
        path(
            "termine/<int:pk>/unterschriften.pdf",
            documents.sign_in_sheet,
            name="sign_in_sheet",
        ),
        path("bescheinigung/<int:enrolment_id>.pdf", documents.certificate, name="certificate"),
    ],
    "documents",
)

# /teilnahme/rueckmeldung/
feedback_patterns = (
    [
        path("<str:token>/", feedback.feedback_form, name="form"),
        path("<str:token>/danke/", feedback.feedback_thanks, name="thanks"),
    ],
    "feedback",
)

# /anmeldung/
enrolment_patterns = (
    [
        path("termine/<int:date_id>/", enrolment.enrol, name="enrol"),
        path("termine/<int:date_id>/ergebnis/", enrolment.result, name="result"),
        path("termine/<int:date_id>/selbst/", enrolment.enrol_self, name="self"),
        path("meine/", enrolment.mine, name="mine"),
        path("firma/", enrolment.firm, name="firm"),
        path("<int:pk>/stornieren/", enrolment.cancel, name="cancel"),
        path("<int:pk>/annehmen/", enrolment.accept, name="accept"),
        path("<int:pk>/ablehnen/", enrolment.decline, name="decline"),
        path("angebot/<str:token>/", enrolment.offer_by_link, name="offer"),
    ],
    "enrolment",
)

# /angebote/
offers_patterns = (
    [
        path("", offers.offer_finder, name="finder"),
    ],
    "offers",
)

# At the root: the feeds under /kalender/, the feed addresses on the account page
# /konto/kalender/.
calendar_patterns = (
    [
        path("kalender/person/<str:token>.ics", calendar.person_feed, name="person"),
        path("kalender/firma/<str:token>.ics", calendar.firm_feed, name="firm"),
        path("kalender/reihe/<int:page_id>.ics", calendar.series_feed, name="series"),
        path("kalender/thema/<slug:slug>.ics", calendar.topic_feed, name="topic"),
        path("kalender/termine.ics", calendar.all_dates_feed, name="all"),
        path("kalender/termin/<int:date_id>.ics", calendar.date_file, name="date"),
        path(
            "kalender/anmeldung/<int:enrolment_id>.ics",
            calendar.enrolment_file,
            name="enrolment",
        ),
        path("konto/kalender/", calendar.account, name="account"),
    ],
    "calendar",
)
