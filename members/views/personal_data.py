"""Personal data: the signed-in person downloads everything stored about them."""

import json

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from members.services.personal_data import export_person_data, record_export


@never_cache
@login_required
def personal_data(request):
    if request.GET.get("format") == "json":
        return personal_data_export(request)
    return render(request, "members/personal_data.html")


@never_cache
@login_required
def personal_data_export(request):
    data = export_person_data(request.user)
    record_export(request.user)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"meine-daten-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
