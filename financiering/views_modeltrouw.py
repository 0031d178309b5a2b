"""The auditor's desk (Phrenos, issue 12): the providers' fidelity at a glance, a provider's audit
history with its implementation plan, one audit with its item scores and its history, and the forms
to register and correct an audit and to record the implementation plan.

Who sees what (``selectors.modeltrouw_aanbieders_for``): the auditor, UWV, the beheerder and a
gemeente every provider; a provider its own (another provider's answers 404); others 403. Only the
auditor writes, through the services the API uses (``services.modeltrouwmeting_register``,
``modeltrouwmeting_corrigeren``, ``implementatieplan_registreren``)."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from backoffice import lijsten, roles
from backoffice.errors import BusinessRuleError
from backoffice.forms import add_rule_error
from backoffice.history import wie
from backoffice.models import Instellingen

from . import permissions, rules, selectors, services
from .forms import ImplementatieplanForm, ModeltrouwmetingForm
from .models import Schaalversie

BINNENKORT_DAGEN = 90
PER_PAGINA = 50
VELDNAMEN = {
    "datum": "datum",
    "versie": "schaalversie",
    "auditor_1": "auditor 1",
    "auditor_2": "auditor 2",
    "scores_auditor_1": "scores auditor 1",
    "scores_auditor_2": "scores auditor 2",
    "scores": "consensusscores",
    "totaal": "totaal",
    "band": "band",
}


def _inzien(user) -> None:
    allowed, reason = roles.check_role(user, *selectors.MODELTROUW_INZIEN)
    if not allowed:
        raise PermissionDenied(reason)


def _auditor(user) -> None:
    allowed, reason = permissions.can_modeltrouwmeting_registreren(user)
    if not allowed:
        raise PermissionDenied(reason)


def _band_naam(namen: dict, versie_id, band: str) -> str:
    if not band:
        return "niet ingedeeld"
    return namen.get((versie_id, band), band.replace("_", " "))


def geldig_tot(datum: date | None, band: str | None, maanden: int) -> date | None:
    """The last day an audit counts (``rules.modeltrouw_oordeel``: valid while its date is not
    before ``add_months(today, -maanden)``); None for an audit that never counts."""
    if datum is None or not band or band == rules.GEEN_IPS:
        return None
    return rules.add_months(datum, maanden)


def _status(aanbieder, today: date, instellingen) -> dict:
    """The provider's fidelity today by the one rule, with the date it ends and a short word."""
    oordeel = rules.modeltrouw_oordeel(
        last_date=aanbieder.ingedeeld_datum,
        band=aanbieder.ingedeeld_band,
        today=today,
        valid_months=instellingen.modeltrouw_geldig_maanden,
        niet_ingedeeld_op=aanbieder.laatste_datum if aanbieder.ingedeeld_datum is None else None,
        plan_goedgekeurd_op=aanbieder.implementatieplan_goedgekeurd_op,
        implementatie_start=aanbieder.implementatie_start,
        aanloop_maanden=instellingen.modeltrouw_aanloop_maanden,
    )
    tot = geldig_tot(aanbieder.ingedeeld_datum, aanbieder.ingedeeld_band, instellingen.modeltrouw_geldig_maanden)
    if oordeel.aanloop:
        woord = "in aanloop"
    elif oordeel.probleem:
        woord = "niet geldig"
    elif tot and (tot - today).days <= BINNENKORT_DAGEN:
        woord = "verloopt binnenkort"
    else:
        woord = "geldig"
    return {
        "oordeel": oordeel,
        "geldig_tot": tot,
        "woord": woord,
        "urgent": woord in ("niet geldig", "verloopt binnenkort"),
    }


def _aanbieders_versieren(aanbieders, user) -> None:
    """Each provider's band in words and its fidelity today (``_status``), for the page and the export."""
    today, instellingen = timezone.localdate(), Instellingen.get()
    namen = selectors.band_namen()
    for a in aanbieders:
        a.ips_band_naam = _band_naam(namen, a.laatste_versie, a.laatste_band) if a.laatste_datum else ""
        a.ips_status = _status(a, today, instellingen)


AANBIEDERS = lijsten.Lijst(
    naam="modeltrouw",
    titel="Modeltrouw",
    url_name="web-modeltrouw",
    kolommen=(
        lijsten.Kolom("aanbieder", "Aanbieder", "naam", lambda a, _: a.naam, **lijsten.TEKST_RICHTING),
        lijsten.Kolom(
            "meting", "Laatste meting", "laatste_datum", lambda a, _: a.laatste_datum, **lijsten.DATUM_RICHTING
        ),
        lijsten.Kolom(
            "totaal",
            "Totaal",
            "laatste_totaal",
            lambda a, _: a.laatste_totaal,
            klasse="getal",
            oplopend="laagste eerst",
            aflopend="hoogste eerst",
        ),  # fmt: skip
        lijsten.Kolom("band", "Band", None, lambda a, _: a.ips_band_naam),
        lijsten.Kolom("geldig_tot", "Geldig tot", None, lambda a, _: a.ips_status["geldig_tot"]),
        lijsten.Kolom("oordeel", "Oordeel", None, lambda a, _: a.ips_status["woord"]),
    ),
    sortering="aanbieder",
    filters=("gemeten",),
    zoeken=lijsten.Zoeken(tekst=("naam",), label="naam van de aanbieder"),
    voorbereiden=_aanbieders_versieren,
)
GEMETEN = {"": "Alle aanbieders", "ja": "Met een meting", "nee": "Nog nooit gemeten"}


@login_required
@require_http_methods(["GET", "POST"])
def overzicht(request):
    """Every provider the user may see: its last audit, band, valid until and the judgement. The
    list machinery (``backoffice.lijsten``): search by name, sort, a remembered filter, export."""
    _inzien(request.user)
    if roles.has_role(request.user, roles.AANBIEDER) and not roles.has_role(
        request.user, *roles.UWV_ROLES, roles.AUDITOR, roles.BEHEERDER, roles.GEMEENTE
    ):
        eigen = selectors.modeltrouw_aanbieders_for(request.user).first()
        if eigen is None:
            raise Http404("Uw organisatie heeft geen modeltrouwgegevens.")
        return redirect("web-modeltrouw-aanbieder", uuid=eigen.uuid)
    st = lijsten.staat(request, AANBIEDERS)
    if st.antwoord:
        return st.antwoord
    qs = selectors.modeltrouw_aanbieders_for(request.user)
    gemeten = st.filters.get("gemeten", "")
    if gemeten in ("ja", "nee"):
        qs = qs.filter(laatste_datum__isnull=gemeten == "nee")
    qs = st.toepassen(qs)
    if st.export:
        return st.export_response(qs)
    page = Paginator(qs, PER_PAGINA).get_page(request.GET.get("pagina"))
    _aanbieders_versieren(page.object_list, request.user)
    rijen = [{"aanbieder": a, "band_naam": a.ips_band_naam, **a.ips_status} for a in page.object_list]
    return render(
        request,
        "financiering/modeltrouw/overzicht.html",
        {
            "rijen": rijen,
            "page_obj": page,
            "gemeten": gemeten if gemeten in GEMETEN else "",
            "gemeten_keuzes": GEMETEN,
            "leeg": {"tekst": "Er zijn nog geen aanbieders."},
            "mag_registreren": permissions.can_modeltrouwmeting_registreren(request.user)[0],
            **st.context(page),
        },
    )


@login_required
@require_GET
def aanbieder_historie(request, uuid):
    _inzien(request.user)
    aanbieder = get_object_or_404(selectors.modeltrouw_aanbieders_for(request.user), uuid=uuid)
    today, instellingen = timezone.localdate(), Instellingen.get()
    namen = selectors.band_namen()
    maanden = instellingen.modeltrouw_geldig_maanden
    metingen = []
    for m in selectors.modeltrouwmetingen_for(request.user).filter(aanbieder=aanbieder):
        m.band_naam = _band_naam(namen, m.versie_id, m.band)
        m.geldig_tot = geldig_tot(m.datum, m.band, maanden)
        metingen.append(m)
    return render(
        request,
        "financiering/modeltrouw/aanbieder.html",
        {
            "aanbieder": aanbieder,
            "metingen": metingen,
            "status": _status(aanbieder, today, instellingen),
            "in_aanloop": rules.in_aanloop(
                aanbieder.implementatieplan_goedgekeurd_op,
                aanbieder.implementatie_start,
                today,
                instellingen.modeltrouw_aanloop_maanden,
            ),
            "aanloop_einde": rules.add_months(aanbieder.implementatie_start, instellingen.modeltrouw_aanloop_maanden)
            if aanbieder.implementatie_start
            else None,
            "mag_registreren": permissions.can_modeltrouwmeting_registreren(request.user)[0],
            "geldig_maanden": maanden,
        },
    )


def _historie(meting, namen: dict) -> list[dict]:
    """Who changed what (field, old, new), newest first, from django-simple-history; a band by its
    name (``namen``: ``selectors.band_namen``), never its code."""
    records = list(meting.history.select_related("history_user").order_by("-history_date", "-history_id"))
    rijen = []
    for nieuw, oud in zip(records, [*records[1:], None], strict=True):
        wijzigingen = []
        if oud is not None:
            for change in nieuw.diff_against(oud, excluded_fields=["geregistreerd_op"]).changes:
                if change.field == "band":
                    wijzigingen.append(
                        {
                            "veld": VELDNAMEN["band"],
                            "oud": _band_naam(namen, oud.versie_id, change.old),
                            "nieuw": _band_naam(namen, nieuw.versie_id, change.new),
                        }
                    )
                    continue
                wijzigingen.extend(_wijzigingen(change))
        rijen.append(
            {
                "op": nieuw.history_date,
                "wie": wie(nieuw),
                "wat": nieuw.history_change_reason or ("geregistreerd" if nieuw.history_type == "+" else "gewijzigd"),
                "wijzigingen": wijzigingen,
            }
        )
    return rijen


def _wijzigingen(change) -> list[dict]:
    """One change of a field; a score set changes per item ("consensusscores, item 1: 4 -> 5")."""
    veld = VELDNAMEN.get(change.field, change.field)
    if isinstance(change.old, dict) and isinstance(change.new, dict):
        items = sorted(set(change.old) | set(change.new), key=int)
        return [
            {"veld": f"{veld}, item {n}", "oud": _waarde(change.old.get(n)), "nieuw": _waarde(change.new.get(n))}
            for n in items
            if change.old.get(n) != change.new.get(n)
        ]
    return [{"veld": veld, "oud": _waarde(change.old), "nieuw": _waarde(change.new)}]


def _waarde(value) -> str:
    if value is None or value == "":
        return "leeg"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in sorted(value.items(), key=lambda kv: int(kv[0])))
    if isinstance(value, date):
        return f"{value:%d-%m-%Y}"
    return str(value).replace("_", " ")


@login_required
@require_GET
def meting_detail(request, uuid):
    _inzien(request.user)
    meting = get_object_or_404(selectors.modeltrouwmetingen_for(request.user), uuid=uuid)
    items = list(meting.versie.items.all())
    namen = selectors.band_namen()
    rijen = [
        {
            "item": item,
            "scores": [
                (s or {}).get(str(item.nummer))
                for s in (meting.scores_auditor_1, meting.scores_auditor_2, meting.scores)
            ],
        }
        for item in items
    ]
    return render(
        request,
        "financiering/modeltrouw/meting.html",
        {
            "meting": meting,
            "rijen": rijen,
            "band_naam": _band_naam(namen, meting.versie_id, meting.band),
            "geldig_tot": geldig_tot(meting.datum, meting.band, Instellingen.get().modeltrouw_geldig_maanden),
            "historie": _historie(meting, namen),
            "mag_corrigeren": permissions.can_modeltrouwmeting_registreren(request.user)[0],
        },
    )


def _voorbeeld(request, form: ModeltrouwmetingForm, *, aanbieder, meting=None) -> dict | None:
    """The total, band and judgement the audit would give, by the service's own checks."""
    try:
        waarden = services.modeltrouwmeting_waarden(
            by=request.user, aanbieder=aanbieder, meting=meting, **form.service_args()
        )
    except BusinessRuleError as exc:
        add_rule_error(form, exc, field_map={"consensus_scores": None, "scores": None})
        return None
    instellingen = Instellingen.get()
    today = timezone.localdate()
    oordeel = rules.modeltrouw_oordeel(
        last_date=waarden["datum"] if waarden["band"] else None,
        band=waarden["band"] or None,
        today=today,
        valid_months=instellingen.modeltrouw_geldig_maanden,
        niet_ingedeeld_op=None if waarden["band"] else waarden["datum"],
    )
    return {
        "totaal": waarden["totaal"],
        "band_naam": _band_naam(selectors.band_namen(), form.versie.pk, waarden["band"]),
        "oordeel": oordeel,
        "geldig_tot": geldig_tot(waarden["datum"], waarden["band"], instellingen.modeltrouw_geldig_maanden),
    }


@login_required
@require_http_methods(["GET", "POST"])
def meting_nieuw(request):
    """Register an audit: choose provider and scale version (GET), then one row per item with both
    auditors and the consensus; "Band berekenen" shows total, band and judgement before saving."""
    _auditor(request.user)
    versies = list(Schaalversie.objects.order_by("-code"))
    source = request.POST if request.method == "POST" else request.GET
    versie = next((v for v in versies if v.code == source.get("versie")), None) or next(
        (v for v in versies if v.banden.exists()), versies[0] if versies else None
    )
    if versie is None:
        raise Http404("Er is nog geen schaalversie.")
    aanbieders = selectors.aanbieders_list()
    initial = {"datum": timezone.localdate(), "auditor_1": request.user.get_full_name()}
    if request.GET.get("aanbieder"):
        initial["aanbieder"] = request.GET["aanbieder"]
    form = ModeltrouwmetingForm(
        request.POST or None, initial=initial, versie=versie, aanbieders=aanbieders, items=versie.items.all()
    )
    voorbeeld = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("actie") == "opslaan":
            try:
                meting = services.modeltrouwmeting_register(
                    by=request.user, aanbieder=form.cleaned_data["aanbieder"], **form.service_args()
                )
            except BusinessRuleError as exc:
                add_rule_error(form, exc, field_map={"consensus_scores": None, "scores": None})
            else:
                messages.success(
                    request, f"De meting van {meting.aanbieder.naam} is geregistreerd: totaal {meting.totaal}."
                )
                return redirect("web-modeltrouwmeting", uuid=meting.uuid)
        else:
            voorbeeld = _voorbeeld(request, form, aanbieder=form.cleaned_data["aanbieder"])
    return render(
        request,
        "financiering/modeltrouw/meting_form.html",
        {"form": form, "versie": versie, "versies": versies, "voorbeeld": voorbeeld, "correctie": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meting_corrigeren(request, uuid):
    _auditor(request.user)
    meting = get_object_or_404(selectors.modeltrouwmetingen_for(request.user), uuid=uuid)
    versie = meting.versie
    form = ModeltrouwmetingForm(
        request.POST or None,
        initial=ModeltrouwmetingForm.initial_from(meting),
        versie=versie,
        aanbieders=selectors.aanbieders_list(),
        items=versie.items.all(),
        correctie=True,
    )
    voorbeeld = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("actie") == "opslaan":
            try:
                services.modeltrouwmeting_corrigeren(
                    by=request.user, meting=meting, toelichting=form.cleaned_data["toelichting"], **form.service_args()
                )
            except BusinessRuleError as exc:
                add_rule_error(form, exc, field_map={"consensus_scores": None, "scores": None})
            else:
                messages.success(request, "De meting is gecorrigeerd; de wijziging staat in de historie.")
                return redirect("web-modeltrouwmeting", uuid=meting.uuid)
        else:
            voorbeeld = _voorbeeld(request, form, aanbieder=meting.aanbieder, meting=meting)
    return render(
        request,
        "financiering/modeltrouw/meting_form.html",
        {"form": form, "versie": versie, "versies": [versie], "voorbeeld": voorbeeld, "correctie": meting},
    )


@login_required
@require_http_methods(["GET", "POST"])
def implementatieplan(request, uuid):
    """Phrenos records a starting provider's approved implementation plan (the run-up)."""
    allowed, reason = permissions.can_implementatieplan_registreren(request.user)
    if not allowed:
        raise PermissionDenied(reason)
    aanbieder = get_object_or_404(selectors.aanbieders_list(), uuid=uuid)
    form = ImplementatieplanForm(
        request.POST or None,
        initial={
            "implementatieplan_goedgekeurd_op": aanbieder.implementatieplan_goedgekeurd_op,
            "implementatie_start": aanbieder.implementatie_start,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.implementatieplan_registreren(
                by=request.user,
                aanbieder=aanbieder,
                goedgekeurd_op=form.cleaned_data["implementatieplan_goedgekeurd_op"],
                implementatie_start=form.cleaned_data["implementatie_start"],
            )
        except BusinessRuleError as exc:
            add_rule_error(form, exc)
        else:
            messages.success(request, f"Het implementatieplan van {aanbieder.naam} is bijgewerkt.")
            return redirect("web-modeltrouw-aanbieder", uuid=aanbieder.uuid)
    return render(
        request,
        "financiering/modeltrouw/implementatieplan.html",
        {"form": form, "aanbieder": aanbieder},
    )


web_urlpatterns = [
    path("modeltrouw/", overzicht, name="web-modeltrouw"),
    path("modeltrouw/nieuw/", meting_nieuw, name="web-modeltrouwmeting-nieuw"),
    path("modeltrouw/aanbieders/<uuid:uuid>/", aanbieder_historie, name="web-modeltrouw-aanbieder"),
    path("modeltrouw/aanbieders/<uuid:uuid>/implementatieplan/", implementatieplan, name="web-implementatieplan"),
    path("modeltrouw/metingen/<uuid:uuid>/", meting_detail, name="web-modeltrouwmeting"),
    path("modeltrouw/metingen/<uuid:uuid>/corrigeren/", meting_corrigeren, name="web-modeltrouwmeting-corrigeren"),
]
