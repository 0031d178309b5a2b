"""Web pages of financiering: the budgets per gemeente, scheme and year (allocated, committed,
realised, free). UWV sees every budget, a gemeente its own; other roles get a 403.

(The dashboards, which also show claims and lead times, live in declaraties/views/dashboard.py: imports run
declaraties -> trajecten -> financiering.)"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import permissions, selectors


@login_required
@require_GET
def budget_list(request):
    allowed, reason = permissions.can_budget_inzien(request.user)
    if not allowed:
        raise PermissionDenied(reason)
    jaren = sorted(set(selectors.budget_jaren(request.user)) | {timezone.localdate().year}, reverse=True)
    try:
        jaar = int(request.GET.get("jaar", ""))
    except ValueError:
        jaar = timezone.localdate().year
    if jaar not in jaren:
        jaar = timezone.localdate().year
    budgetten = list(selectors.budgetten_for(request.user).filter(jaar=jaar))
    totaal = {
        k: sum((getattr(b, k) for b in budgetten), start=0)
        for k in ("toegekend", "gereserveerd", "gerealiseerd", "vrij")
    }
    for b in budgetten:
        b.benut_pct = round(100 * (b.gereserveerd + b.gerealiseerd) / b.toegekend) if b.toegekend else 0
    return render(
        request,
        "financiering/budget_list.html",
        {"budgetten": budgetten, "totaal": totaal, "jaar": jaar, "jaren": jaren},
    )


web_urlpatterns = [
    path("budgetten/", budget_list, name="web-budgetten"),
]
