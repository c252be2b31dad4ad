"""Where browsers report what the Content-Security-Policy blocked: one log line each.

Both report formats arrive here: the classic `report-uri` body
(`application/csp-report`, ``{"csp-report": {...}}``) and the Reporting API's
(`application/reports+json`, a list of ``{"type": "csp-violation", "body": {...}}``).
"""

import json
import logging

from django.core.cache import cache
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

logger = logging.getLogger("verbund.csp")

# A page full of violations, or somebody posting reports in a loop, must not flood the log.
LOGGED_PER_MINUTE = 100
REPORT_TYPES = {"application/csp-report", "application/reports+json", "application/json"}
FIELDS = (
    "document-uri",
    "violated-directive",
    "effective-directive",
    "blocked-uri",
    "source-file",
    "line-number",
    "disposition",
)


def _violations(data):
    if isinstance(data, dict) and isinstance(data.get("csp-report"), dict):
        return [data["csp-report"]]
    if isinstance(data, list):
        reports = []
        for item in data:
            if isinstance(item, dict) and isinstance(item.get("body"), dict):
                body = item["body"]
                # The Reporting API names the fields in camelCase.
                reports.append(
                    {
                        "document-uri": body.get("documentURL"),
                        "effective-directive": body.get("effectiveDirective"),
                        "blocked-uri": body.get("blockedURL"),
                        "source-file": body.get("sourceFile"),
                        "line-number": body.get("lineNumber"),
                        "disposition": body.get("disposition"),
                    }
                )
        return reports
    return []


def _within_budget():
    cache.add("csp-reports", 0, 60)
    try:
        return cache.incr("csp-reports") <= LOGGED_PER_MINUTE
    except ValueError:
        cache.set("csp-reports", 1, 60)
        return True


@csrf_exempt
@require_POST
def csp_report(request):
    if request.content_type not in REPORT_TYPES:
        return HttpResponse(status=415)
    try:
        data = json.loads(request.body or b"null")
    except ValueError:
        return HttpResponse(status=400)
    for violation in _violations(data)[:10]:
        if not _within_budget():
            break
        logger.warning(
            "CSP violation %s",
            " ".join(
                f"{name}={str(violation.get(name))[:200]!r}"
                for name in FIELDS
                if violation.get(name) not in (None, "")
            ),
        )
    return HttpResponse(status=204)
