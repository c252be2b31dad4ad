from django.urls import path

from members.views import (
    acting_firm,
    dashboard,
    invitations,
    onboarding,
    people,
    personal_data,
    saved_searches,
    tokens,
)

app_name = "members"

urlpatterns = [
    # onboarding
    path("mitglied-werden/", onboarding.apply, name="apply"),
    path("mitglied-werden/danke/", onboarding.apply_done, name="apply_done"),
    # invitations
    path("einladung/<str:token>/", invitations.invitation, name="invitation"),
    path("firma/einladungen/", invitations.invite_colleague, name="invite_colleague"),
    path(
        "firma/einladungen/<int:pk>/zurueckziehen/",
        invitations.revoke_invitation,
        name="revoke_invitation",
    ),
    path("firma/personen/<int:pk>/einladen/", invitations.invite_person, name="invite_person"),
    # people
    path("firma/personen/", people.people_list, name="people"),
    path("firma/personen/neu/", people.person_add, name="person_add"),
    path("firma/personen/import/", people.people_import, name="people_import"),
    path(
        "firma/personen/import/vorlage.csv",
        people.people_import_template,
        name="people_import_template",
    ),
    path("firma/personen/<int:person_id>/bearbeiten/", people.person_edit, name="person_edit"),
    path("firma/personen/<int:person_id>/ausgeschieden/", people.person_left, name="person_left"),
    # dashboard and the firm someone acts for
    path("firma/waehlen/", acting_firm.choose_firm, name="choose_firm"),
    path("firma/", dashboard.dashboard, name="dashboard"),
    path("firma/<int:firm_id>/", dashboard.dashboard, name="dashboard_firm"),
    # tokens
    path("konto/api-tokens/", tokens.token_list, name="api_tokens"),
    path(
        "konto/api-tokens/<int:token_id>/widerrufen/", tokens.token_revoke, name="api_token_revoke"
    ),
    # personal data
    path("konto/daten/", personal_data.personal_data, name="personal_data"),
    path(
        "konto/daten/export.json", personal_data.personal_data_export, name="personal_data_export"
    ),
    # saved searches
    path("konto/suchen/", saved_searches.saved_search_list, name="saved_searches"),
    path("konto/suchen/speichern/", saved_searches.saved_search_create, name="saved_search_create"),
    path(
        "konto/suchen/<int:search_id>/loeschen/",
        saved_searches.saved_search_delete,
        name="saved_search_delete",
    ),
]
