"""The cms app's URLs, one list per namespace; verbund/urls.py includes each list at its
prefix. The public, machine-facing pages (robots.txt, the colours, the partner API page)
are listed in verbund/urls.py at the root."""

from django.urls import path

from cms.views import advice, funding

app_name = "cms"

# /beratung/
urlpatterns = [
    path("anfrage/", advice.advice_form, name="advice_form"),
    path("anfrage/danke/", advice.advice_form_done, name="advice_form_done"),
    path("anfragen/", advice.advice_queue, name="advice_queue"),
    path("anfragen/<int:pk>/", advice.advice_request, name="advice_request"),
]

# /foerder-check/
funding_patterns = (
    [
        path("", funding.funding_check, name="check"),
    ],
    "funding",
)
