"""Web pages of the gemeente's and UWV's case work: applications and their decisions, the funder's
decision on an extension request, and finding a participant by BSN.

Views read through the selectors (scoped to the user's organisation: someone else's object is a
404) and write through the services; a refused action (``BusinessRuleError``) comes back on the
form, tied to its field, with its code."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from backoffice import lijsten, roles
from backoffice.db_routing import replica_read
from backoffice.errors import BusinessRuleError
from backoffice.forms import add_rule_error
from backoffice.opmaak import euro
from financiering import rules as fin
from financiering import selectors as fin_selectors

from . import lijsten as lijst_defs
from . import permissions, rules, selectors, services, views_aanbieder
from .forms import AanvraagFilterForm, BeoordelingForm, BsnZoekForm
from .models import Aanvraag, Traject

BESLISSERS = (roles.GEMEENTE, roles.UWV_BEOORDELAAR)
PER_PAGINA = 25


def _require(user, *required: str) -> None:
    allowed, reason = roles.check_role(user, *required)
    if not allowed:
        raise PermissionDenied(reason)


def traject_url(traject: Traject) -> str:
    """The trajectory's page (the provider journey's pages own it: ``views_aanbieder``)."""
    return reverse("web-traject", kwargs={"uuid": traject.uuid})


# --- applications -----------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@replica_read
def aanvraag_list(request):
    """The applications the user may see: search (POST: name, BSN, toewijzingNummer), sort by
    column, remembered filters and the export of the list as shown (``backoffice.lijsten``)."""
    _require(request.user, *roles.CASE_ROLES)
    user = request.user
    st = lijsten.staat(request, lijst_defs.AANVRAGEN)
    if st.antwoord:
        return st.antwoord
    gemeenten = fin_selectors.gemeenten_list()
    if not roles.has_role(user, *roles.UWV_ROLES):
        gemeenten = gemeenten.filter(aanvragen__in=selectors.aanvragen_for(user)).distinct()
    form = AanvraagFilterForm(st.filters, percelen=fin_selectors.percelen_list(), gemeenten=gemeenten)
    qs = st.toepassen(selectors.aanvragen_for(user).filter(**form.filters()))
    if st.export:
        return st.export_response(qs)
    page = Paginator(qs, PER_PAGINA).get_page(request.GET.get("pagina"))
    today = timezone.localdate()
    rijen = [
        {
            "aanvraag": a,
            "wachttijd": rules.wachttijd_dagen(a.ingediend_op, a.afgehandeld_op, today),
            "verlopen": rules.termijn_verlopen(a.status, a.beslis_deadline, today),
        }
        for a in page.object_list
    ]
    if roles.has_role(user, roles.AANBIEDER):
        leeg = {
            "tekst": "Nog geen aanvragen.",
            "actie_url": reverse("web-aanvraag-nieuw"),
            "actie_label": "Nieuwe aanvraag",
        }
    else:
        leeg = {"tekst": "Niets te beoordelen: er zijn geen aanvragen voor u."}
    return render(
        request,
        "trajecten/aanvraag_list.html",
        {"form": form, "page_obj": page, "rijen": rijen, "today": today, "leeg": leeg, **st.context(page)},
    )


def _gevolg_aanvraag(stap: str | None, aanvraag: Aanvraag) -> str:
    if stap == "gemeente":
        vervolg = (
            "gaat de aanvraag naar UWV voor akkoord"
            if aanvraag.regeling.uwv_akkoord_na_beschikking
            else "is de aanvraag toegekend: het loket maakt het traject aan en UWV betaalt de aanbieder"
        )
        return (
            f"Bij akkoord wordt {euro(aanvraag.bedrag)} gereserveerd op het budget van {aanvraag.gemeente.naam} "
            f"en {vervolg}; bij afwijzen ziet de aanbieder uw toelichting."
        )
    return (
        "Bij akkoord maakt het loket het traject aan en betaalt UWV de aanbieder volgens het betaalplan; "
        "bij afwijzen ziet de aanbieder uw toelichting."
    )


def _detail_context(request, aanvraag: Aanvraag, form: BeoordelingForm | None = None) -> dict:
    user = request.user
    today = timezone.localdate()
    stap = permissions.beslisstap(user, aanvraag)
    budget = None
    if stap == "gemeente":
        budget = (
            fin_selectors.budgetten_for(user)
            .filter(gemeente_id=aanvraag.gemeente_id, regeling_id=aanvraag.regeling_id, jaar=today.year)
            .first()
        )
    aandeel = aanvraag.regeling.cofinanciering_aandeel
    traject = selectors.trajecten_for(user).filter(aanvraag=aanvraag).first()
    return {
        "aanvraag": aanvraag,
        "persoon": selectors.persoon_for(user, aanvraag),
        "besluiten": list(aanvraag.besluiten.all()),
        "traject": traject,
        "traject_link": traject_url(traject) if traject else None,
        "historie": aanvraag.history.select_related("history_user").order_by("-history_date", "-history_id"),
        "wachttijd": rules.wachttijd_dagen(aanvraag.ingediend_op, aanvraag.afgehandeld_op, today),
        "verlopen": rules.termijn_verlopen(aanvraag.status, aanvraag.beslis_deadline, today),
        "stap": stap,
        "form": form or (BeoordelingForm() if stap else None),
        "beslis_weigering": _mandaat_ontbreekt(user, aanvraag) if stap is None else None,
        "budget": budget,
        "budget_na": budget.vrij - aanvraag.bedrag if budget else None,
        "gevolg": _gevolg_aanvraag(stap, aanvraag),
        "cofinanciering": fin.money(aanvraag.bedrag * aandeel) if aandeel else None,
        # the same person elsewhere: for the funder only, never for a provider (domain.md 12)
        "samenloop": selectors.samenloop(aanvraag) if selectors.is_financier(user) else [],
        "mag_intrekken": permissions.can_aanvraag_intrekken(user, aanvraag)[0],
        "today": today,
    }


def _mandaat_ontbreekt(user, aanvraag: Aanvraag) -> str | None:
    """Why a gemeente user who would decide may not: no valid mandate (shown instead of the form)."""
    weigering = permissions.aanvraag_beslissen_weigering(user, aanvraag)
    return weigering.message if weigering is not None and weigering.code == "geen-mandaat" else None


@login_required
@require_http_methods(["GET"])
def aanvraag_detail(request, uuid):
    _require(request.user, *roles.CASE_ROLES)
    aanvraag = get_object_or_404(selectors.aanvragen_for(request.user), uuid=uuid)
    return render(request, "trajecten/aanvraag_detail.html", _detail_context(request, aanvraag))


@login_required
@require_POST
def aanvraag_beoordeling(request, uuid):
    """The beschikking of the gemeente or UWV's decision, confirmed by the box under the form."""
    _require(request.user, *BESLISSERS)
    aanvraag = get_object_or_404(selectors.aanvragen_for(request.user), uuid=uuid)
    form = BeoordelingForm(request.POST)
    if not form.is_valid():
        return render(request, "trajecten/aanvraag_detail.html", _detail_context(request, aanvraag, form), status=400)
    try:
        aanvraag, traject = services.aanvraag_decide(
            by=request.user,
            aanvraag=aanvraag,
            besluit=form.cleaned_data["besluit"],
            toelichting=form.cleaned_data["toelichting"],
        )
    except BusinessRuleError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        add_rule_error(form, exc)
        aanvraag = get_object_or_404(selectors.aanvragen_for(request.user), uuid=uuid)
        context = _detail_context(request, aanvraag, form)
        return render(request, "trajecten/aanvraag_detail.html", context, status=exc.status)

    if traject is not None:
        gereserveerd = ""
        if aanvraag.budget_id and traject.route == "gemeente":
            budget = fin_selectors.budgetten_for(request.user).filter(pk=aanvraag.budget_id).first()
            if budget:
                gereserveerd = (
                    f" {euro(aanvraag.bedrag)} is gereserveerd op het budget van {aanvraag.gemeente.naam}; "
                    f"vrij budget nu: {euro(budget.vrij)}."
                )
        messages.success(
            request,
            f"De aanvraag is goedgekeurd.{gereserveerd} Het traject is aangemaakt met toewijzingnummer "
            f"{traject.toewijzing_nummer}.",
        )
        return redirect(traject_url(traject))
    if aanvraag.status == "gemeente_akkoord":
        budget = fin_selectors.budgetten_for(request.user).filter(pk=aanvraag.budget_id).first()
        vrij = f" Vrij budget nu: {euro(budget.vrij)}." if budget else ""
        messages.success(
            request,
            f"Beschikking vastgelegd: {euro(aanvraag.bedrag)} is gereserveerd op het budget van "
            f"{aanvraag.gemeente.naam}.{vrij} De aanvraag gaat nu naar UWV.",
        )
    else:
        messages.success(request, "De aanvraag is afgewezen. De aanvrager ziet uw toelichting.")
    return redirect("web-aanvraag", uuid=aanvraag.uuid)


# --- extension requests -----------------------------------------------------------------------


def gevolg_verlenging(traject: Traject, verlenging) -> str:
    reservering = (
        f" en wordt {euro(verlenging.bedrag)} gereserveerd op het budget van {traject.gemeente.naam}"
        if traject.route == "gemeente"
        else ""
    )
    return (
        f"Bij akkoord loopt traject {traject.toewijzing_nummer} {verlenging.maanden} maanden langer{reservering}; "
        "bij afwijzen ziet de aanbieder uw toelichting."
    )


@login_required
@require_http_methods(["GET", "POST"])
def verlenging_beoordeling(request, uuid, verlenging_uuid):
    """The funder's decision on an extension request (UWV on the UWV route, the gemeente on its
    own route). GET shows the form on its own page; POST decides (the form carries the confirmation)."""
    _require(request.user, *BESLISSERS)
    traject = get_object_or_404(selectors.trajecten_for(request.user), uuid=uuid)
    verlenging = get_object_or_404(traject.verlengingen.select_related("aangevraagd_door"), uuid=verlenging_uuid)
    form = BeoordelingForm(request.POST or None)
    context = {
        "traject": traject,
        "verlenging": verlenging,
        "form": form,
        "traject_url": traject_url(traject),
        "gevolg": gevolg_verlenging(traject, verlenging),
    }
    if request.method == "GET":
        return render(request, "trajecten/verlenging_beoordelen.html", context)
    if not form.is_valid():
        return render(request, "trajecten/verlenging_beoordelen.html", context, status=400)
    try:
        verlenging = services.verlenging_decide(
            by=request.user,
            verlenging=verlenging,
            besluit=form.cleaned_data["besluit"],
            toelichting=form.cleaned_data["toelichting"],
        )
    except BusinessRuleError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        add_rule_error(form, exc)
        return render(request, "trajecten/verlenging_beoordelen.html", context, status=exc.status)
    if verlenging.status == "goedgekeurd":
        messages.success(request, f"De verlenging met {verlenging.maanden} maanden is goedgekeurd.")
    else:
        messages.success(request, "De verlenging is afgewezen.")
    return redirect(traject_url(traject))


# --- participants -----------------------------------------------------------------------------


def _dossier(user, deelnemers) -> list[dict]:
    """Per participant the applications and trajectories this user may see as that person's: only
    the cases whose participant the user may know (``lijsten.naam_zichtbaar_q``). UWV sees a
    gemeente-route trajectory, but never linked to the person (domain.md 12, docs/privacy.md)."""
    ids = [d.pk for d in deelnemers]
    eigen = lijst_defs.naam_zichtbaar_q(user)
    aanvragen = selectors.aanvragen_for(user).filter(eigen, deelnemer_id__in=ids).order_by("-ingediend_op", "-id")
    trajecten = selectors.trajecten_for(user).filter(eigen, deelnemer_id__in=ids).order_by("-startdatum", "-id")
    return [
        {
            "deelnemer": d,
            "aanvragen": [a for a in aanvragen if a.deelnemer_id == d.pk],
            "trajecten": [t for t in trajecten if t.deelnemer_id == d.pk],
        }
        for d in deelnemers
    ]


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def deelnemer_zoeken(request):
    """Find a participant by BSN. Only by POST: the BSN never appears in a URL, a query string,
    a log line of the web server or the browser's history; a ``?bsn=`` is ignored."""
    _require(request.user, *roles.CASE_ROLES)
    resultaten = None
    status = 200
    form = BsnZoekForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            gevonden = services.deelnemer_search(by=request.user, bsn=form.cleaned_data["bsn"], kanaal="web")
        except BusinessRuleError as exc:  # te-veel-bsn (429)
            add_rule_error(form, exc, field_map={None: "bsn"})
            status = exc.status
        else:
            resultaten = _dossier(request.user, gevonden)
            form = BsnZoekForm()
    # The template never renders the typed value: not after a search, not after a typo.
    context = {"form": form, "resultaten": resultaten, "is_aanbieder": roles.has_role(request.user, roles.AANBIEDER)}
    return render(request, "trajecten/deelnemer_zoeken.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def deelnemer_detail(request, uuid):
    _require(request.user, *roles.CASE_ROLES)
    deelnemer = get_object_or_404(selectors.deelnemers_for(request.user), uuid=uuid)
    (dossier,) = _dossier(request.user, [deelnemer])
    # "Nieuwe aanvraag": only the provider that registered the person, while the data are kept.
    mag_aanvragen = (
        roles.has_role(request.user, roles.AANBIEDER)
        and deelnemer.aanbieder_id == fin_selectors.user_aanbieder_id(request.user)
        and deelnemer.geanonimiseerd_op is None
    )
    context = {
        "deelnemer": deelnemer,
        "persoon": selectors.persoon_for(request.user, deelnemer),
        "dossier": dossier,
        "mag_aanvragen": mag_aanvragen,
    }
    return render(request, "trajecten/deelnemer_detail.html", context)


web_urlpatterns = [
    path("aanvragen/", aanvraag_list, name="web-aanvragen"),
    path("aanvragen/<uuid:uuid>/", aanvraag_detail, name="web-aanvraag"),
    path("aanvragen/<uuid:uuid>/beoordeling/", aanvraag_beoordeling, name="web-aanvraag-beoordeling"),
    path(
        "trajecten/<uuid:uuid>/verlengingen/<uuid:verlenging_uuid>/beoordeling/",
        verlenging_beoordeling,
        name="web-verlenging-beoordeling",
    ),
    path("deelnemers/zoeken/", deelnemer_zoeken, name="web-deelnemer-zoeken"),
    path("deelnemers/<uuid:uuid>/", deelnemer_detail, name="web-deelnemer"),
    *views_aanbieder.web_urlpatterns,  # the provider's journey
]
