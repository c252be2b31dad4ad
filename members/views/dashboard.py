"""The firm dashboard for firm admins and contacts."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from members.permissions import choose_firm_first
from members.services.dashboard import FirmNotChosen, build_dashboard, dashboard_firm


@login_required
def dashboard(request, firm_id=None):
    try:
        firm = dashboard_firm(request, firm_id)
    except FirmNotChosen:
        return choose_firm_first(request)
    return render(
        request,
        "members/dashboard/dashboard.html",
        {"dashboard": build_dashboard(request.user, firm)},
    )
