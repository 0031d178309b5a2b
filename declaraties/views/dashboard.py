"""The dashboards: budget over the year, claims and, for UWV, lead times and the work monitor.

They live here and not in financiering: they show claims (declaraties) and lead times
(trajecten), and imports run one way, declaraties -> trajecten -> financiering."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from backoffice import roles, spreadsheet
from financiering import selectors as fin_selectors
from trajecten import selectors as traject_selectors
from trajecten import werkmonitor

from .. import grafiek, selectors
from ..forms import JaarForm
from .base import DASHBOARD_ROLES, VORDERING_ROLES, export_format, require
from .vorderingen import vordering_diagram


def _jaar(request, jaren: list[int]) -> tuple[JaarForm, int]:
    today = timezone.localdate()
    jaren = sorted(set(jaren) | {today.year}, reverse=True)
    form = JaarForm(request.GET, jaren=jaren)
    jaar = form.filters().get("jaar") or today.year
    return form, jaar


BUDGET_KOLOMMEN = ["maand", "toegekend", "gereserveerd", "gerealiseerd", "vrij"]


@login_required
@require_GET
def dashboard(request):
    """Budget over the year and claims at a glance; for UWV also the lead times of decisions and
    the work-monitor outcomes of the last complete quarter. A fixed number of queries."""
    user = request.user
    require(user, *DASHBOARD_ROLES)
    form, jaar = _jaar(request, fin_selectors.budget_jaren(user))
    today = timezone.localdate()
    budgetten = list(fin_selectors.budgetten_for(user).filter(jaar=jaar))
    verloop = fin_selectors.budget_verloop(user, jaar)
    maanden = [v for v in verloop if v["maand"] <= today.replace(day=1)] or verloop[:1]
    budget_diagram = grafiek.gestapeld(
        titel=f"Budget {jaar} aan het eind van elke maand",
        beschrijving="Per maand: gerealiseerd (betaald), gereserveerd (obligo) en vrij; samen het toegekende budget.",
        rijen=[
            (
                f"{v['maand']:%m-%Y}",
                [
                    ("Gerealiseerd", v["gerealiseerd"], "seg-gerealiseerd"),
                    ("Gereserveerd", v["gereserveerd"], "seg-gereserveerd"),
                    ("Vrij", v["vrij"], "seg-vrij"),
                ],
            )
            for v in maanden
        ],
    )
    claims = roles.has_role(user, *VORDERING_ROLES)
    context = {
        "form": form,
        "jaar": jaar,
        "budgetten": budgetten,
        "budget_totaal": {
            k: sum((getattr(b, k) for b in budgetten), start=0)
            for k in ("toegekend", "gereserveerd", "gerealiseerd", "vrij")
        },
        "maanden": maanden,
        "budget_diagram": budget_diagram if budgetten else None,
        "claims": claims,
        "uwv": roles.has_role(user, *roles.UWV_ROLES),
    }
    if claims:
        overzicht = selectors.vorderingen_overzicht_for(user)
        per_maand = selectors.vorderingen_per_maand(user, jaar=jaar)
        context["overzicht"] = overzicht
        context["per_maand"] = per_maand
        context["claim_diagram"] = (
            vordering_diagram(per_maand, label=lambda r: f"{r['periode']:%m-%Y}", titel=f"Vorderingen {jaar} per maand")
            if per_maand
            else None
        )
        if len(overzicht) > 1:
            context["gemeente_diagram"] = vordering_diagram(
                overzicht, label=lambda r: r["gemeente__naam"], titel="Vorderingen per gemeente (alle maanden)"
            )
    if context["uwv"]:
        context["doorlooptijden"] = traject_selectors.doorlooptijden(user, van=today - timedelta(days=365), tot=today)
        kwartaal = werkmonitor.parse_kwartaal(werkmonitor.vorig_kwartaal(today))
        drempel = werkmonitor.drempel_nu()
        totalen = werkmonitor.werkmonitor_totals(user, kwartaal, drempel)
        context["kwartaal"] = kwartaal
        context["drempel"] = drempel
        context["monitor_opmerkingen"] = werkmonitor.opmerkingen(drempel, anoniem=False)
        context["monitor"] = totalen["kwartaal"][0] if totalen["kwartaal"] else None
        context["monitor_route"] = [werkmonitor.weergave(r, drempel) for r in totalen["route"]]
        context["bins"] = [
            (label, f"eerste_baan_{col}") for label, col in zip(werkmonitor.BINS, werkmonitor.BIN_KOLOMMEN, strict=True)
        ]
    return render(request, "declaraties/dashboard.html", context)


@login_required
@require_GET
def dashboard_budget_export(request, formaat):
    """The budget over the year as a spreadsheet (the rows of the dashboard's table)."""
    user = request.user
    require(user, *DASHBOARD_ROLES)
    _, jaar = _jaar(request, fin_selectors.budget_jaren(user))
    verloop = fin_selectors.budget_verloop(user, jaar)
    return spreadsheet.response(
        export_format(formaat),
        f"budget-{jaar}",
        BUDGET_KOLOMMEN,
        ([f"{v['maand']:%Y-%m}", v["toegekend"], v["gereserveerd"], v["gerealiseerd"], v["vrij"]] for v in verloop),
    )
