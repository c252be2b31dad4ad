"""The firm dashboard for firm admins and contacts."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from members.services.dashboard import build_dashboard, dashboard_firm


@login_required
def dashboard(request, firm_id=None):
    firm = dashboard_firm(request.user, firm_id)
    return render(
        request,
        "members/dashboard/dashboard.html",
        {"dashboard": build_dashboard(request.user, firm)},
    )
