"""Web pages of financiering: the budgets per gemeente, scheme and year (allocated, committed,
realised, free), each budget's page with its ledger (``Budgetmutatie``: set, raised, lowered,
committed, released, paid, with the free amount after each line and a link to its cause where the
role may open it), and the forms of UWV financieel and the beheerder to set, raise and lower a
budget (``services.budget_create``). UWV and the beheerder see every budget, a gemeente its own
(another's: 404); other roles get a 403. The auditor's pages are in ``views_modeltrouw``.

(The dashboards, which also show claims and lead times, live in declaraties/views/dashboard.py: imports run
declaraties -> trajecten -> financiering.)"""

import re
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, DecimalField, F, Sum, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from backoffice import lijsten, registry
from backoffice.errors import BusinessRuleError
from backoffice.forms import add_rule_error
from backoffice.opmaak import euro

from . import permissions, selectors, services
from .forms import BudgetNieuwForm, BudgetWijzigenForm
from .views_modeltrouw import web_urlpatterns as modeltrouw_urlpatterns

PER_PAGINA = 50

OBJECT_ID = re.compile(r"\s*[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _benut(b) -> int:
    return round(100 * (b.gereserveerd + b.gerealiseerd) / b.toegekend) if b.toegekend else 0


def _geld(key: str, label: str, pad: str | None = None) -> lijsten.Kolom:
    return lijsten.Kolom(
        key, label, pad or key, lambda b, _: lijsten.bedrag(getattr(b, key)), klasse="getal", **lijsten.BEDRAG_RICHTING
    )


BUDGETTEN = lijsten.Lijst(
    naam="budgetten",
    titel="Budgetten",
    url_name="web-budgetten",
    kolommen=(
        lijsten.Kolom("gemeente", "Gemeente", "gemeente__naam", lambda b, _: b.gemeente.naam, **lijsten.TEKST_RICHTING),
        lijsten.Kolom("regeling", "Regeling", "regeling__naam", lambda b, _: b.regeling.naam, **lijsten.TEKST_RICHTING),
        lijsten.Kolom("jaar", "Jaar", None, lambda b, _: b.jaar, tonen=False),
        _geld("toegekend", "Toegekend"),
        _geld("gereserveerd", "Gereserveerd"),
        _geld("gerealiseerd", "Gerealiseerd"),
        _geld("vrij", "Vrij", "_vrij"),
        lijsten.Kolom("benut", "Benut", "_benut", lambda b, _: _benut(b), klasse="getal", **lijsten.BEDRAG_RICHTING),
    ),
    sortering="gemeente",
    tiebreak="regeling__naam",
    filters=("jaar",),
    zoeken=lijsten.Zoeken(tekst=("gemeente__naam", "regeling__naam"), label="gemeente of regeling"),
)


@login_required
@require_http_methods(["GET", "POST"])
def budget_list(request):
    """The budgets of one year (the remembered filter), with the list machinery
    (``backoffice.lijsten``): search by gemeente or scheme, sort by any amount, export."""
    allowed, reason = permissions.can_budget_inzien(request.user)
    if not allowed:
        raise PermissionDenied(reason)
    st = lijsten.staat(request, BUDGETTEN)
    if st.antwoord:
        return st.antwoord
    jaren = sorted(set(selectors.budget_jaren(request.user)) | {timezone.localdate().year}, reverse=True)
    try:
        jaar = int(st.filters.get("jaar", ""))
    except ValueError:
        jaar = timezone.localdate().year
    if jaar not in jaren:
        jaar = timezone.localdate().year
    vrij = F("toegekend") - F("gereserveerd") - F("gerealiseerd")
    benut = Case(
        When(toegekend=0, then=Value(Decimal(0))),
        default=(F("gereserveerd") + F("gerealiseerd")) / F("toegekend"),
        output_field=DecimalField(),
    )
    qs = st.toepassen(selectors.budgetten_for(request.user).filter(jaar=jaar).annotate(_vrij=vrij, _benut=benut))
    if st.export:
        return st.export_response(qs)
    # the totals of the whole list as searched, every page
    totaal = qs.aggregate(*(Sum(k, default=0) for k in ("toegekend", "gereserveerd", "gerealiseerd")))
    totaal = {k.removesuffix("__sum"): v for k, v in totaal.items()}
    totaal["vrij"] = totaal["toegekend"] - totaal["gereserveerd"] - totaal["gerealiseerd"]
    page = Paginator(qs, PER_PAGINA).get_page(request.GET.get("pagina"))
    budgetten = list(page.object_list)
    for b in budgetten:
        b.benut_pct = _benut(b)
    mag_toekennen = permissions.can_budget_toekennen(request.user)[0]
    return render(
        request,
        "financiering/budget_list.html",
        {
            "budgetten": budgetten,
            "page_obj": page,
            "totaal": totaal,
            "jaar": jaar,
            "jaren": jaren,
            "mag_toekennen": mag_toekennen,
            "leeg": {
                "tekst": f"Er zijn geen budgetten voor {jaar}.",
                "actie_url": reverse("web-budget-nieuw") if mag_toekennen else "",
                "actie_label": "Stel het eerste budget vast",
            },
            **st.context(page),
        },
    )


def _inzien(user) -> None:
    allowed, reason = permissions.can_budget_inzien(user)
    if not allowed:
        raise PermissionDenied(reason)


def _toekennen(user) -> None:
    allowed, reason = permissions.can_budget_toekennen(user)
    if not allowed:
        raise PermissionDenied(reason)


LEDGER_WAT = {
    "reservering": "Gereserveerd",
    "vrijval": "Vrijgevallen",
    "realisatie": "Betaald",
}


def _grootboek(user, budget) -> list[dict]:
    """The ledger of one budget, oldest first, with the balance after each line and a link to the
    application, trajectory or payment order where the user may open it (``registry``)."""
    mutaties = list(selectors.budgetmutaties(budget))
    links = registry.budget_links(user, {m.object_uuid for m in mutaties if m.object_uuid})
    zero = Decimal("0.00")
    som = {soort: zero for soort in ("toekenning", "reservering", "vrijval", "realisatie")}
    for m in mutaties:
        som[m.soort] = som.get(m.soort, zero) + m.bedrag
    # what the ledger does not hold (a budget set outside the services) opens it, as on the dashboard
    begin_toegekend = budget.toegekend - som["toekenning"]
    begin_gerealiseerd = budget.gerealiseerd - som["realisatie"]
    begin_gereserveerd = budget.gereserveerd - (som["reservering"] - som["vrijval"] - som["realisatie"])
    toegekend, gereserveerd, gerealiseerd = begin_toegekend, begin_gereserveerd, begin_gerealiseerd
    rijen = []
    if any((begin_toegekend, begin_gereserveerd, begin_gerealiseerd)):
        rijen.append(
            {
                "mutatie": None,
                "wat": "Beginstand",
                "bedrag": begin_toegekend,
                "omschrijving": "Toegekend vóór het grootboek"
                + (f", waarvan {euro(begin_gerealiseerd)} betaald" if begin_gerealiseerd else ""),
                "link": None,
                "vrij": toegekend - gereserveerd - gerealiseerd,
            }
        )
    for m in mutaties:
        if m.soort == "toekenning":
            toegekend += m.bedrag
            wat = "Vastgesteld" if not rijen else ("Verhoogd" if m.bedrag >= 0 else "Verlaagd")
        elif m.soort == "reservering":
            gereserveerd += m.bedrag
            wat = LEDGER_WAT[m.soort]
        elif m.soort == "vrijval":
            gereserveerd -= m.bedrag
            wat = LEDGER_WAT[m.soort]
        else:
            gereserveerd -= m.bedrag
            gerealiseerd += m.bedrag
            wat = LEDGER_WAT.get(m.soort, m.get_soort_display())
        rijen.append(
            {
                "mutatie": m,
                "wat": wat,
                "bedrag": m.bedrag,
                # an id in the stored text ("Betaalopdracht <uuid>") is for the database, not the reader
                "omschrijving": OBJECT_ID.sub("", m.omschrijving).strip(),
                "link": links.get(m.object_uuid),
                "vrij": toegekend - gereserveerd - gerealiseerd,
            }
        )
    return rijen


@login_required
@require_GET
def budget_detail(request, uuid):
    """One budget with its ledger: every allocation, commitment, release and payment."""
    _inzien(request.user)
    budget = get_object_or_404(selectors.budgetten_for(request.user), uuid=uuid)
    rijen = _grootboek(request.user, budget)
    rijen.reverse()  # newest first on the page; the balance was computed oldest first
    page = Paginator(rijen, PER_PAGINA).get_page(request.GET.get("pagina"))
    return render(
        request,
        "financiering/budget_detail.html",
        {
            "budget": budget,
            "page_obj": page,
            "rijen": page.object_list,
            "mag_toekennen": permissions.can_budget_toekennen(request.user)[0],
            "vast": budget.gereserveerd + budget.gerealiseerd,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def budget_nieuw(request):
    """UWV financieel or the beheerder sets a gemeente's budget for a scheme and year."""
    _toekennen(request.user)
    form = BudgetNieuwForm(request.POST or None, initial={"jaar": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            budget = services.budget_create(by=request.user, alleen_nieuw=True, **form.cleaned_data)
        except BusinessRuleError as exc:
            add_rule_error(form, exc)
        else:
            messages.success(request, f"Het budget van {budget.gemeente.naam} voor {budget.jaar} is vastgesteld.")
            return redirect("web-budget", uuid=budget.uuid)
    return render(request, "financiering/budget_form.html", {"form": form, "budget": None})


@login_required
@require_http_methods(["GET", "POST"])
def budget_wijzigen(request, uuid):
    """Raise or lower a budget; never below what is committed and paid (``budget_create``)."""
    _toekennen(request.user)
    budget = get_object_or_404(selectors.budgetten_for(request.user), uuid=uuid)
    form = BudgetWijzigenForm(request.POST or None, initial={"toegekend": budget.toegekend})
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_create(
                by=request.user,
                gemeente=budget.gemeente,
                regeling=budget.regeling,
                jaar=budget.jaar,
                toegekend=form.cleaned_data["toegekend"],
                omschrijving=form.cleaned_data["omschrijving"],
            )
        except BusinessRuleError as exc:
            add_rule_error(form, exc)
        else:
            messages.success(request, "Het budget is bijgewerkt; de wijziging staat in het grootboek.")
            return redirect("web-budget", uuid=budget.uuid)
    return render(
        request,
        "financiering/budget_form.html",
        {"form": form, "budget": budget, "vast": budget.gereserveerd + budget.gerealiseerd},
    )


web_urlpatterns = [
    path("budgetten/", budget_list, name="web-budgetten"),
    path("budgetten/nieuw/", budget_nieuw, name="web-budget-nieuw"),
    path("budgetten/<uuid:uuid>/", budget_detail, name="web-budget"),
    path("budgetten/<uuid:uuid>/wijzigen/", budget_wijzigen, name="web-budget-wijzigen"),
    *modeltrouw_urlpatterns,
]
