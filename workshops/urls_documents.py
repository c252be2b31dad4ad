from django.urls import path

from . import views_documents as views

app_name = "documents"

urlpatterns = [
    path("termine/<int:pk>/teilnehmende.csv", views.participants_csv, name="participants_csv"),
    path("termine/<int:pk>/teilnehmende.xlsx", views.participants_xlsx, name="participants_xlsx"),
    path("termine/<int:pk>/unterschriften.pdf", views.sign_in_sheet, name="sign_in_sheet"),
    path("bescheinigung/<int:enrolment_id>.pdf", views.certificate, name="certificate"),
]
