"""Web pages of the money: declarations (form, spreadsheet upload, per-line answer, UWV's
assessment), payment orders (approval with four eyes, SEPA file, the bank's confirmation), co-
financing claims (receipts, sending, disputes), the overview per gemeente and the dashboards.

Views read through the selectors (scoped to the user's organisation: someone else's object is a
404, a missing role a 403) and write through the services; a refused action
(``BusinessRuleError``) comes back on the form, tied to its field, with its code. Every irreversible
action passes a confirmation page first (``_bevestigen``).

The dashboards live here and not in financiering: they show claims (declaraties) and lead times
(trajecten), and imports run one way, declaraties -> trajecten -> financiering."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework import serializers as drf_serializers

from backoffice import roles
from backoffice.errors import BusinessRuleError
from backoffice.forms import add_rule_error, rule_message
from financiering import selectors as fin_selectors
from trajecten import selectors as traject_selectors
from trajecten import werkmonitor

from . import exports, grafiek, rules, selectors, sepa, services, upload
from .api.betalingen import REGEL_KOLOMMEN as OPDRACHT_KOLOMMEN
from .api.betalingen import regel_rij as opdracht_rij
from .api.declaraties import invoer_uit_bestand
from .api.vorderingen import OVERZICHT_KOLOMMEN, vordering_regels_export
from .forms import (
    BeoordelingFormSet,
    BetaalopdrachtFilterForm,
    BevestigingForm,
    BezwaarBesluitForm,
    BezwaarForm,
    DeclaratieFilterForm,
    DeclaratieKopForm,
    JaarForm,
    OntvangstForm,
    PrestatieFilterForm,
    PrestatieFormSet,
    UploadForm,
    VorderingFilterForm,
)
from .models import Betaalopdracht, Vordering

PER_PAGINA = 25
DECLARATIE_ROLES = (roles.AANBIEDER, *roles.UWV_ROLES)
VORDERING_ROLES = (roles.UWV_FINANCIEEL, roles.GEMEENTE)
DASHBOARD_ROLES = (*roles.UWV_ROLES, roles.GEMEENTE)


def _require(user, *required: str) -> None:
    allowed, reason = roles.check_role(user, *required)
    if not allowed:
        raise PermissionDenied(reason)


def _pagina(request, qs):
    page = Paginator(qs, PER_PAGINA).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return page, query.urlencode()


def _formaat(formaat: str) -> str:
    if formaat not in exports.FORMATS:
        raise Http404("Onbekend formaat.")
    return formaat


def _bevestigen(request, *, titel: str, gevolg: list[str], terug: str, knop: str, status: int = 200):
    """The confirmation step before an irreversible action: what will happen, in words, and a form
    that sends the same input again with ``bevestigd``."""
    velden = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", "bevestigd")
        for value in values
    ]
    return render(
        request,
        "declaraties/bevestig.html",
        {"titel": titel, "gevolg": gevolg, "terug": terug, "knop": knop, "velden": velden, "actie": request.path},
        status=status,
    )


def _bevestigd(request) -> bool:
    return request.POST.get("bevestigd") == "on"


def _retourcodes(codes) -> list[dict]:
    return [{"code": c, "omschrijving": rules.RETOURCODES.get(c, "")} for c in codes]


# --- declarations ------------------------------------------------------------------------------


@login_required
@require_GET
def declaratie_list(request):
    _require(request.user, *DECLARATIE_ROLES)
    form = DeclaratieFilterForm(request.GET)
    filters = form.filters()
    qs = selectors.with_line_counts(selectors.declaraties_for(request.user))
    if "status" in filters:
        qs = selectors.filter_status(qs, filters["status"])
    if "periode" in filters:
        qs = qs.filter(periode_begin=filters["periode"])
    if "nummer" in filters:
        qs = qs.filter(declaratie_nummer__icontains=filters["nummer"])
    if "toewijzing" in filters:
        qs = qs.filter(prestaties__toewijzing_nummer=filters["toewijzing"]).distinct()
    page, query = _pagina(request, qs.order_by("-ingediend_op", "-id"))
    rijen = [
        {
            "d": d,
            "status": selectors.declaratie_status(
                toegekend=d.aantal_toegekend, afgewezen=d.aantal_afgewezen, in_behandeling=d.aantal_in_behandeling
            ),
        }
        for d in page.object_list
    ]
    return render(
        request,
        "declaraties/declaratie_list.html",
        {
            "form": form,
            "page_obj": page,
            "rijen": rijen,
            "query": query,
            "mag_declareren": roles.has_role(request.user, roles.AANBIEDER),
        },
    )


def _declaratie_ingediend(request, declaratie, created: bool):
    if created:
        messages.success(
            request, f"Declaratie {declaratie.declaratie_nummer} is ontvangen en regel voor regel beoordeeld."
        )
    else:
        messages.info(
            request,
            f"Declaratie {declaratie.declaratie_nummer} was al precies zo ingediend; dit is het eerste antwoord. Er is niets nieuws opgeslagen.",
        )
    return redirect("web-declaratie", uuid=declaratie.uuid)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def declaratie_nieuw(request):
    _require(request.user, roles.AANBIEDER)
    if request.method == "POST":
        kop = DeclaratieKopForm(request.POST)
        regels = PrestatieFormSet(request.POST, prefix="regels")
        if kop.is_valid() and regels.is_valid():
            begin, eind = rules.month_bounds(kop.cleaned_data["periode"])
            invoer = services.DeclaratieInvoer(
                declaratie_nummer=kop.cleaned_data["declaratie_nummer"].strip(),
                begindatum=begin,
                einddatum=eind,
                regels=[f.regel() for f in regels.forms if f.has_changed() and f.cleaned_data],
            )
            try:
                declaratie, created = services.declaratie_submit(by=request.user, invoer=invoer)
            except BusinessRuleError as exc:
                add_rule_error(kop, exc)
            else:
                return _declaratie_ingediend(request, declaratie, created)
        status = 400
    else:
        kop = DeclaratieKopForm(initial={"periode": timezone.localdate().replace(day=1)})
        regels = PrestatieFormSet(prefix="regels")
        status = 200
    return render(request, "declaraties/declaratie_nieuw.html", {"kop": kop, "regels": regels}, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def declaratie_upload(request):
    _require(request.user, roles.AANBIEDER)
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                invoer = invoer_uit_bestand(form.cleaned_data["bestand"])
                declaratie, created = services.declaratie_submit(by=request.user, invoer=invoer)
            except drf_serializers.ValidationError as exc:
                for naam, fouten in exc.detail.items():
                    for fout in fouten:
                        prefix = "" if naam == "bestand" else f"{naam}: "
                        form.add_error("bestand", f"{prefix}{fout} (code: {getattr(fout, 'code', 'ongeldige-invoer')})")
            except BusinessRuleError as exc:
                add_rule_error(form, exc, field_map={"declaratie_nummer": "bestand"})
            else:
                return _declaratie_ingediend(request, declaratie, created)
        status = 400
    else:
        form = UploadForm()
    return render(request, "declaraties/declaratie_upload.html", {"form": form}, status=status)


@login_required
@require_GET
def declaratie_sjabloon(request, formaat):
    _require(request.user, roles.AANBIEDER)
    if _formaat(formaat) == "xlsx":
        body, content_type = upload.sjabloon_xlsx(), exports.XLSX_TYPE
    else:
        body, content_type = upload.sjabloon_csv(), exports.CSV_TYPE
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="declaratie-sjabloon.{formaat}"'
    return response


def _declaratie_context(request, declaratie, formset=None) -> dict:
    regels = list(declaratie.prestaties.order_by("regelnummer"))
    for p in regels:
        p.codes = _retourcodes(p.retourcodes)
    wachtend = [p for p in regels if p.status == "in_behandeling"]
    mag_beoordelen = (
        bool(wachtend)
        and roles.has_role(request.user, roles.UWV_BEOORDELAAR)
        and request.user.pk != declaratie.ingediend_door_id
    )
    if mag_beoordelen and (formset is None or _rijen(formset) != [p.product_referentie for p in wachtend]):
        # A form whose rows are not the waiting lines (a crafted or stale one: another beoordelaar
        # decided in between) is shown afresh, one row per waiting line.
        formset = BeoordelingFormSet(
            initial=[{"product_referentie": p.product_referentie} for p in wachtend], prefix="b"
        )
    status = selectors.declaratie_status(
        toegekend=declaratie.aantal_toegekend,
        afgewezen=declaratie.aantal_afgewezen,
        in_behandeling=declaratie.aantal_in_behandeling,
    )
    return {
        "declaratie": declaratie,
        "status": status,
        "codes": _retourcodes(["8001"]) if status == "toegekend" else [],
        "regels": regels,
        "beoordeling": list(zip(wachtend, formset.forms, strict=True)) if mag_beoordelen else None,
        "formset": formset if mag_beoordelen else None,
        "zelf_ingediend": bool(wachtend) and request.user.pk == declaratie.ingediend_door_id,
    }


def _rijen(formset) -> list:
    """The lines a (posted) formset's rows name; none for a broken management form."""
    return [form["product_referentie"].value() for form in formset.forms]


def _declaratie(request, uuid):
    return get_object_or_404(selectors.with_line_counts(selectors.declaraties_for(request.user)), uuid=uuid)


@login_required
@require_GET
def declaratie_detail(request, uuid):
    _require(request.user, *DECLARATIE_ROLES)
    declaratie = _declaratie(request, uuid)
    return render(request, "declaraties/declaratie_detail.html", _declaratie_context(request, declaratie))


@login_required
@require_POST
def declaratie_beoordeling(request, uuid):
    """The web form of ``POST /declaraties/{uuid}/beoordelingen``: the rows go to the same service,
    which refuses a line decided twice, a line of another declaration and a line that no longer
    waits (issue 9, finding 6); the confirmation step is shown only for an assessment that passes."""
    _require(request.user, roles.UWV_BEOORDELAAR)
    declaratie = _declaratie(request, uuid)
    formset = BeoordelingFormSet(request.POST, prefix="b")
    fouten = []
    if formset.is_valid():
        besluiten = [
            {
                "product_referentie": f.cleaned_data["product_referentie"],
                "besluit": f.cleaned_data["besluit"],
                "toelichting": f.cleaned_data.get("toelichting", ""),
            }
            for f in formset.forms
            if f.cleaned_data.get("besluit")
        ]
        try:
            services.prestaties_beoordeling_check(by=request.user, declaratie=declaratie, besluiten=besluiten)
            if not _bevestigd(request):
                return _bevestig_beoordeling(request, declaratie, besluiten)
            services.prestaties_beoordelen(by=request.user, declaratie=declaratie, besluiten=besluiten)
        except BusinessRuleError as exc:
            fouten.append(rule_message(exc))
        else:
            messages.success(request, f"{len(besluiten)} regel(s) beoordeeld.")
            return redirect("web-declaratie", uuid=uuid)
    elif formset.non_form_errors():
        fouten.append("Het formulier is niet compleet verstuurd; laad de pagina opnieuw (code: ongeldige-invoer).")
    declaratie = _declaratie(request, uuid)
    context = _declaratie_context(request, declaratie, formset)
    context["beoordeling_fouten"] = fouten
    return render(request, "declaraties/declaratie_detail.html", context, status=400)


def _bevestig_beoordeling(request, declaratie, besluiten):
    toe = [b["product_referentie"] for b in besluiten if b["besluit"] == "toegekend"]
    af = [b["product_referentie"] for b in besluiten if b["besluit"] == "afgewezen"]
    gevolg = []
    if toe:
        gevolg.append(
            f"U kent {len(toe)} regel(s) toe: {', '.join(toe)}. Die worden meegenomen in de volgende betaalopdracht."
        )
    if af:
        gevolg.append(f"U wijst {len(af)} regel(s) af: {', '.join(af)}. De aanbieder ziet uw toelichting.")
    gevolg.append("Dit besluit kunt u hierna niet meer wijzigen.")
    return _bevestigen(
        request,
        titel=f"Bevestig uw beoordeling van declaratie {declaratie.declaratie_nummer}",
        gevolg=gevolg,
        terug=reverse("web-declaratie", kwargs={"uuid": declaratie.uuid}),
        knop="Ja, leg de besluiten vast",
    )


@login_required
@require_GET
def prestatie_werkvoorraad(request):
    """UWV's queue: declaration lines waiting for a beoordelaar, oldest declaration first."""
    _require(request.user, *roles.UWV_ROLES)
    form = PrestatieFilterForm(request.GET)
    filters = form.filters()
    qs = selectors.prestaties_for(request.user).filter(status=filters.get("status", "in_behandeling"))
    if "toewijzing" in filters:
        qs = qs.filter(toewijzing_nummer=filters["toewijzing"])
    page, query = _pagina(request, qs.order_by("declaratie__ingediend_op", "declaratie_id", "regelnummer"))
    return render(request, "declaraties/werkvoorraad.html", {"form": form, "page_obj": page, "query": query})


# --- payment orders --------------------------------------------------------------------------------


@login_required
@require_GET
def betaalopdracht_list(request):
    _require(request.user, *roles.UWV_ROLES)
    form = BetaalopdrachtFilterForm(request.GET)
    filters = form.filters()
    qs = selectors.betaalopdrachten_for(request.user)
    if "status" in filters:
        qs = qs.filter(status=filters["status"])
    if "vanaf" in filters:
        qs = qs.filter(datum__gte=filters["vanaf"])
    if "tot" in filters:
        qs = qs.filter(datum__lte=filters["tot"])
    page, query = _pagina(request, qs)
    return render(request, "declaraties/betaalopdracht_list.html", {"form": form, "page_obj": page, "query": query})


def _opdracht(request, uuid) -> Betaalopdracht:
    return get_object_or_404(selectors.betaalopdrachten_for(request.user), uuid=uuid)


def _opdracht_context(request, opdracht, *, akkoord_fout=None, bevestig_form=None) -> dict:
    user = request.user
    financieel = roles.has_role(user, roles.UWV_FINANCIEEL)
    akkoorden = [
        (door, op)
        for door, op in (
            (opdracht.eerste_akkoord_door, opdracht.eerste_akkoord_op),
            (opdracht.tweede_akkoord_door, opdracht.tweede_akkoord_op),
        )
        if door is not None
    ]
    return {
        "opdracht": opdracht,
        "samenvatting": selectors.betaalopdracht_samenvatting(opdracht),
        "akkoorden": akkoorden,
        "financieel": financieel,
        "mag_accorderen": financieel
        and opdracht.status == "te_accorderen"
        and opdracht.eerste_akkoord_door_id != user.pk,
        "wacht_op_tweede": opdracht.status == "te_accorderen" and opdracht.eerste_akkoord_door_id == user.pk,
        "akkoord_fout": akkoord_fout,
        "mag_bevestigen": financieel and opdracht.status == "geaccordeerd",
        "bevestig_form": bevestig_form or BevestigingForm(initial={"datum": timezone.localdate()}),
        "historie": opdracht.history.select_related("history_user").order_by("-history_date", "-history_id")[:20],
    }


@login_required
@require_GET
def betaalopdracht_detail(request, uuid):
    _require(request.user, *roles.UWV_ROLES)
    opdracht = _opdracht(request, uuid)
    return render(request, "declaraties/betaalopdracht_detail.html", _opdracht_context(request, opdracht))


@login_required
@require_POST
def betaalopdracht_akkoord(request, uuid):
    _require(request.user, roles.UWV_FINANCIEEL)
    opdracht = _opdracht(request, uuid)
    if not _bevestigd(request):
        laatste = opdracht.akkoorden_nodig == 1 or opdracht.eerste_akkoord_door_id is not None
        gevolg = [
            f"U geeft akkoord op de betaling van EUR {opdracht.bedrag:.2f} aan {opdracht.aanbieder.naam} ({opdracht.aantal_regels} regels), IBAN {opdracht.iban}."
        ]
        gevolg.append(
            "Daarmee is de opdracht geaccordeerd en kan het SEPA-bestand naar de bank."
            if laatste
            else "Het bedrag ligt boven de vier-ogendrempel: daarna moet een tweede medewerker van UWV financieel akkoord geven."
        )
        gevolg.append("Een akkoord kunt u niet intrekken.")
        return _bevestigen(
            request,
            titel="Bevestig uw akkoord op de betaalopdracht",
            gevolg=gevolg,
            terug=reverse("web-betaalopdracht", kwargs={"uuid": uuid}),
            knop="Ja, geef akkoord",
        )
    try:
        opdracht = services.betaalopdracht_accorderen(by=request.user, opdracht=opdracht)
    except BusinessRuleError as exc:
        opdracht = _opdracht(request, uuid)
        return render(
            request,
            "declaraties/betaalopdracht_detail.html",
            _opdracht_context(request, opdracht, akkoord_fout=rule_message(exc)),
            status=exc.status,
        )
    if opdracht.status == "geaccordeerd":
        messages.success(request, "De betaalopdracht is geaccordeerd. Download het SEPA-bestand voor de bank.")
    else:
        messages.success(request, "Uw akkoord is vastgelegd. Een tweede medewerker moet nog akkoord geven.")
    return redirect("web-betaalopdracht", uuid=uuid)


@login_required
@require_POST
def betaalopdracht_bevestiging(request, uuid):
    _require(request.user, roles.UWV_FINANCIEEL)
    opdracht = _opdracht(request, uuid)
    form = BevestigingForm(request.POST)
    if form.is_valid():
        if not _bevestigd(request):
            return _bevestigen(
                request,
                titel="Bevestig de uitvoering door de bank",
                gevolg=[
                    f"U bevestigt dat de bank EUR {opdracht.bedrag:.2f} aan {opdracht.aanbieder.naam} heeft overgemaakt op {form.cleaned_data['datum']:%d-%m-%Y}.",
                    "De regels worden betaald gemeld, het budget van de gemeenten gaat van gereserveerd naar gerealiseerd en de betaalde regels komen in de vordering van volgende maand.",
                    "Dit kunt u hierna niet meer ongedaan maken.",
                ],
                terug=reverse("web-betaalopdracht", kwargs={"uuid": uuid}),
                knop="Ja, de bank heeft betaald",
            )
        try:
            services.betaalopdracht_bevestigen(by=request.user, opdracht=opdracht, datum=form.cleaned_data["datum"])
        except BusinessRuleError as exc:
            add_rule_error(form, exc)
        else:
            messages.success(request, "De betaling is bevestigd; de regels staan op betaald.")
            return redirect("web-betaalopdracht", uuid=uuid)
    opdracht = _opdracht(request, uuid)
    return render(
        request,
        "declaraties/betaalopdracht_detail.html",
        _opdracht_context(request, opdracht, bevestig_form=form),
        status=400,
    )


@login_required
@require_GET
def betaalopdracht_sepa(request, uuid):
    """The pain.001 file for the bank, with the session (the same file as the API's)."""
    _require(request.user, roles.UWV_FINANCIEEL)
    opdracht = _opdracht(request, uuid)
    try:
        xml = sepa.pain001(opdracht, today=timezone.localdate())
    except BusinessRuleError as exc:
        messages.error(request, rule_message(exc))
        return redirect("web-betaalopdracht", uuid=uuid)
    response = HttpResponse(xml, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pain001-{opdracht.datum:%Y%m%d}-{opdracht.uuid.hex}.xml"'
    return response


@login_required
@require_GET
def betaalopdracht_regels(request, uuid, formaat):
    _require(request.user, *roles.UWV_ROLES)
    opdracht = _opdracht(request, uuid)
    regels = selectors.betaalopdracht_regels(opdracht)
    return exports.response(
        _formaat(formaat),
        f"betaalopdracht-{opdracht.datum:%Y-%m-%d}-{opdracht.uuid}",
        OPDRACHT_KOLOMMEN,
        (opdracht_rij(p) for p in regels.iterator(chunk_size=2000)),
    )


# --- claims -----------------------------------------------------------------------------------


def _is_te_laat(v: Vordering, today: date) -> bool:
    return bool(v.vervaldatum and v.vervaldatum < today and v.status != "betaald" and v.openstaand > 0)


@login_required
@require_GET
def vordering_list(request):
    _require(request.user, *VORDERING_ROLES)
    today = timezone.localdate()
    uwv = roles.has_role(request.user, roles.UWV_FINANCIEEL)
    gemeenten = fin_selectors.gemeenten_list()
    if not uwv:
        gemeenten = gemeenten.filter(pk__in=fin_selectors.user_gemeente_ids(request.user))
    form = VorderingFilterForm(request.GET, gemeenten=gemeenten)
    filters = form.filters()
    qs = selectors.vorderingen_for(request.user)
    if "status" in filters:
        qs = qs.filter(status=filters["status"])
    if "periode" in filters:
        qs = qs.filter(periode=filters["periode"])
    if "gemeente" in filters:
        qs = qs.filter(gemeente__code=filters["gemeente"])
    if filters.get("te_laat"):
        qs = qs.filter(vervaldatum__lt=today).exclude(status="betaald")
    page, query = _pagina(request, qs)
    rijen = [{"v": v, "te_laat": _is_te_laat(v, today)} for v in page.object_list]
    return render(
        request,
        "declaraties/vordering_list.html",
        {"form": form, "page_obj": page, "rijen": rijen, "query": query, "uwv": uwv},
    )


def _vordering(request, uuid) -> Vordering:
    return get_object_or_404(selectors.vorderingen_for(request.user), uuid=uuid)


def _vordering_context(request, vordering, *, forms: dict | None = None) -> dict:
    """``forms``: a bound form that failed, by key (``ontvangst``, ``verzenden``, ``bezwaar-<uuid>``,
    ``besluit-<uuid>``) so its errors show where the user typed."""
    forms = forms or {}
    user = request.user
    uwv = roles.has_role(user, roles.UWV_FINANCIEEL)
    eigen_gemeente = roles.has_role(user, roles.GEMEENTE) and vordering.gemeente_id in fin_selectors.user_gemeente_ids(
        user
    )
    betwistbaar = eigen_gemeente and vordering.status not in ("concept", "betaald")
    regels = []
    for index, r in enumerate(selectors.vordering_regels(vordering), start=1):
        key_b, key_s = f"bezwaar-{r.uuid}", f"besluit-{r.uuid}"
        regels.append(
            {
                "r": r,
                "bezwaar_form": (
                    forms.get(key_b) or BezwaarForm(initial={"regel": r.uuid}, auto_id=f"bezwaar{index}-%s")
                )
                if betwistbaar and r.bezwaar == "geen"
                else None,
                "besluit_form": (
                    forms.get(key_s) or BezwaarBesluitForm(initial={"regel": r.uuid}, auto_id=f"besluit{index}-%s")
                )
                if uwv and r.bezwaar == "ingediend"
                else None,
                "open": key_b in forms or key_s in forms,
            }
        )
    return {
        "vordering": vordering,
        "te_laat": _is_te_laat(vordering, timezone.localdate()),
        "regels": regels,
        "ontvangsten": list(vordering.ontvangsten.select_related("door").order_by("datum", "id")),
        "uwv": uwv,
        "ontvangst_form": (forms.get("ontvangst") or OntvangstForm(initial={"datum": timezone.localdate()}))
        if uwv and vordering.status != "concept" and vordering.openstaand > 0
        else None,
        "verzend_fout": forms.get("verzenden"),
        "mag_verzenden": uwv and vordering.status == "concept",
        "historie": vordering.history.select_related("history_user").order_by("-history_date", "-history_id")[:20],
    }


def _vordering_render(request, vordering, *, forms=None, status=200):
    vordering = _vordering(request, vordering.uuid)
    return render(
        request, "declaraties/vordering_detail.html", _vordering_context(request, vordering, forms=forms), status=status
    )


@login_required
@require_GET
def vordering_detail(request, uuid):
    _require(request.user, *VORDERING_ROLES)
    return _vordering_render(request, _vordering(request, uuid))


@login_required
@require_POST
def vordering_verzenden(request, uuid):
    _require(request.user, roles.UWV_FINANCIEEL)
    vordering = _vordering(request, uuid)
    if not _bevestigd(request):
        return _bevestigen(
            request,
            titel="Bevestig het verzenden van de vordering",
            gevolg=[
                f"U verzendt de vordering van EUR {vordering.bedrag:.2f} aan {vordering.gemeente.naam} over {vordering.periode:%m-%Y}.",
                "De betaaltermijn gaat vandaag in; de gemeente ziet de vordering en kan regels betwisten.",
                "Verzenden kunt u niet terugdraaien.",
            ],
            terug=reverse("web-vordering", kwargs={"uuid": uuid}),
            knop="Ja, verzend de vordering",
        )
    try:
        services.vordering_verzenden(by=request.user, vordering=vordering)
    except BusinessRuleError as exc:
        return _vordering_render(request, vordering, forms={"verzenden": rule_message(exc)}, status=exc.status)
    messages.success(request, "De vordering is verzonden.")
    return redirect("web-vordering", uuid=uuid)


@login_required
@require_POST
def vordering_ontvangst(request, uuid):
    _require(request.user, roles.UWV_FINANCIEEL)
    vordering = _vordering(request, uuid)
    form = OntvangstForm(request.POST)
    if form.is_valid():
        if not _bevestigd(request):
            bedrag, datum = form.cleaned_data["bedrag"], form.cleaned_data["datum"]
            return _bevestigen(
                request,
                titel="Bevestig de ontvangst",
                gevolg=[
                    f"U registreert EUR {bedrag:.2f} ontvangen van {vordering.gemeente.naam} op {datum:%d-%m-%Y}.",
                    f"Er staat nu EUR {vordering.openstaand:.2f} open; daarna EUR {vordering.openstaand - bedrag:.2f}.",
                    "Een geregistreerde ontvangst kunt u niet wijzigen.",
                ],
                terug=reverse("web-vordering", kwargs={"uuid": uuid}),
                knop="Ja, registreer de ontvangst",
            )
        try:
            services.ontvangst_registreren(by=request.user, vordering=vordering, **form.cleaned_data)
        except BusinessRuleError as exc:
            add_rule_error(form, exc)
        else:
            messages.success(request, "De ontvangst is geregistreerd.")
            return redirect("web-vordering", uuid=uuid)
    return _vordering_render(request, vordering, forms={"ontvangst": form}, status=400)


def _regel_van(vordering, regel_uuid):
    regel = next((r for r in selectors.vordering_regels(vordering) if r.uuid == regel_uuid), None)
    if regel is None:
        raise Http404("Deze regel hoort niet bij deze vordering.")
    return regel


@login_required
@require_POST
def vordering_bezwaar(request, uuid):
    _require(request.user, roles.GEMEENTE)
    vordering = _vordering(request, uuid)
    form = BezwaarForm(request.POST)
    key = f"bezwaar-{request.POST.get('regel', '')}"
    if form.is_valid():
        regel = _regel_van(vordering, form.cleaned_data["regel"])
        if not _bevestigd(request):
            return _bevestigen(
                request,
                titel="Bevestig uw bezwaar",
                gevolg=[
                    f"U betwist de regel {regel.prestatie.product_referentie} (traject {regel.prestatie.toewijzing_nummer}, EUR {regel.bedrag:.2f}).",
                    "De vordering krijgt de status betwist tot UWV over uw bezwaar heeft beslist. Uw reden:",
                    form.cleaned_data["toelichting"],
                ],
                terug=reverse("web-vordering", kwargs={"uuid": uuid}),
                knop="Ja, dien het bezwaar in",
            )
        try:
            services.bezwaar_indienen(
                by=request.user, vordering=vordering, regel=regel, toelichting=form.cleaned_data["toelichting"]
            )
        except BusinessRuleError as exc:
            if exc.status == 404:
                raise Http404(exc.message) from exc
            add_rule_error(form, exc)
        else:
            messages.success(request, "Uw bezwaar is ingediend. UWV beslist erover.")
            return redirect("web-vordering", uuid=uuid)
    return _vordering_render(request, vordering, forms={key: form}, status=400)


@login_required
@require_POST
def vordering_bezwaar_besluit(request, uuid):
    _require(request.user, roles.UWV_FINANCIEEL)
    vordering = _vordering(request, uuid)
    form = BezwaarBesluitForm(request.POST)
    key = f"besluit-{request.POST.get('regel', '')}"
    if form.is_valid():
        regel = _regel_van(vordering, form.cleaned_data["regel"])
        if not _bevestigd(request):
            toegewezen = form.cleaned_data["besluit"] == "toegewezen"
            return _bevestigen(
                request,
                titel="Bevestig uw besluit op het bezwaar",
                gevolg=[
                    f"Bezwaar van {vordering.gemeente.naam} tegen regel {regel.prestatie.product_referentie} (EUR {regel.bedrag:.2f}).",
                    "U wijst het bezwaar toe: de regel vervalt en het gevorderde bedrag daalt."
                    if toegewezen
                    else "U wijst het bezwaar af: de regel blijft staan.",
                    "Dit besluit kunt u hierna niet meer wijzigen.",
                ],
                terug=reverse("web-vordering", kwargs={"uuid": uuid}),
                knop="Ja, leg het besluit vast",
            )
        try:
            services.bezwaar_beoordelen(
                by=request.user,
                regel=regel,
                besluit=form.cleaned_data["besluit"],
                toelichting=form.cleaned_data["toelichting"],
            )
        except BusinessRuleError as exc:
            add_rule_error(form, exc)
        else:
            messages.success(request, "Het besluit op het bezwaar is vastgelegd.")
            return redirect("web-vordering", uuid=uuid)
    return _vordering_render(request, vordering, forms={key: form}, status=400)


@login_required
@require_GET
def vordering_regels(request, uuid, formaat):
    _require(request.user, *VORDERING_ROLES)
    vordering = _vordering(request, uuid)
    return vordering_regels_export(_formaat(formaat), vordering, selectors.vordering_regels(vordering))


def _vordering_diagram(rijen, *, label, titel) -> grafiek.Diagram:
    """Claimed = received + outstanding (of which overdue), one bar per row."""
    return grafiek.gestapeld(
        titel=titel,
        beschrijving="Per balk: ontvangen, openstaand binnen de termijn en te laat; de tabel eronder geeft de bedragen.",
        rijen=[
            (
                label(r),
                [
                    ("Ontvangen", r["ontvangen_totaal"], "seg-ontvangen"),
                    ("Openstaand", r["openstaand"] - r["te_laat"], "seg-open"),
                    ("Te laat", r["te_laat"], "seg-te-laat"),
                ],
            )
            for r in rijen
        ],
    )


@login_required
@require_GET
def vorderingen_overzicht(request):
    _require(request.user, *VORDERING_ROLES)
    rijen = selectors.vorderingen_overzicht_for(request.user)
    totaal = {
        k: sum((r[k] for r in rijen), start=0)
        for k in (
            "aantal",
            "aantal_betaald",
            "aantal_te_laat",
            "aantal_betwist",
            "gevorderd",
            "ontvangen_totaal",
            "openstaand",
            "te_laat",
            "trajecten",
            "trajecten_niet_vergoed",
        )
    }
    return render(
        request,
        "declaraties/vorderingen_overzicht.html",
        {
            "rijen": rijen,
            "totaal": totaal,
            "diagram": _vordering_diagram(rijen, label=lambda r: r["gemeente__naam"], titel="Vorderingen per gemeente")
            if rijen
            else None,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def vorderingen_overzicht_export(request, formaat):
    _require(request.user, *VORDERING_ROLES)
    rows = selectors.vorderingen_overzicht_for(request.user)
    return exports.response(
        _formaat(formaat),
        f"vorderingen-overzicht-{timezone.localdate():%Y-%m-%d}",
        [name for name, _ in OVERZICHT_KOLOMMEN],
        ([row[key] for _, key in OVERZICHT_KOLOMMEN] for row in rows),
    )


# --- dashboards ---------------------------------------------------------------------------------


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
    _require(user, *DASHBOARD_ROLES)
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
            _vordering_diagram(
                per_maand, label=lambda r: f"{r['periode']:%m-%Y}", titel=f"Vorderingen {jaar} per maand"
            )
            if per_maand
            else None
        )
        if len(overzicht) > 1:
            context["gemeente_diagram"] = _vordering_diagram(
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
    _require(user, *DASHBOARD_ROLES)
    _, jaar = _jaar(request, fin_selectors.budget_jaren(user))
    verloop = fin_selectors.budget_verloop(user, jaar)
    return exports.response(
        _formaat(formaat),
        f"budget-{jaar}",
        BUDGET_KOLOMMEN,
        ([f"{v['maand']:%Y-%m}", v["toegekend"], v["gereserveerd"], v["gerealiseerd"], v["vrij"]] for v in verloop),
    )


web_urlpatterns = [
    path("declaraties/", declaratie_list, name="web-declaraties"),
    path("declaraties/nieuw/", declaratie_nieuw, name="web-declaratie-nieuw"),
    path("declaraties/bestand/", declaratie_upload, name="web-declaratie-upload"),
    path("declaraties/sjabloon.<str:formaat>", declaratie_sjabloon, name="web-declaratie-sjabloon"),
    path("declaraties/werkvoorraad/", prestatie_werkvoorraad, name="web-prestaties-werkvoorraad"),
    path("declaraties/<uuid:uuid>/", declaratie_detail, name="web-declaratie"),
    path("declaraties/<uuid:uuid>/beoordeling/", declaratie_beoordeling, name="web-declaratie-beoordeling"),
    path("betaalopdrachten/", betaalopdracht_list, name="web-betaalopdrachten"),
    path("betaalopdrachten/<uuid:uuid>/", betaalopdracht_detail, name="web-betaalopdracht"),
    path("betaalopdrachten/<uuid:uuid>/akkoord/", betaalopdracht_akkoord, name="web-betaalopdracht-akkoord"),
    path(
        "betaalopdrachten/<uuid:uuid>/bevestiging/", betaalopdracht_bevestiging, name="web-betaalopdracht-bevestiging"
    ),
    path("betaalopdrachten/<uuid:uuid>/sepa.xml", betaalopdracht_sepa, name="web-betaalopdracht-sepa"),
    path("betaalopdrachten/<uuid:uuid>/regels.<str:formaat>", betaalopdracht_regels, name="web-betaalopdracht-regels"),
    path("vorderingen/", vordering_list, name="web-vorderingen"),
    path("vorderingen/overzicht/", vorderingen_overzicht, name="web-vorderingen-overzicht"),
    path("vorderingen/overzicht.<str:formaat>", vorderingen_overzicht_export, name="web-vorderingen-overzicht-export"),
    path("vorderingen/<uuid:uuid>/", vordering_detail, name="web-vordering"),
    path("vorderingen/<uuid:uuid>/verzenden/", vordering_verzenden, name="web-vordering-verzenden"),
    path("vorderingen/<uuid:uuid>/ontvangst/", vordering_ontvangst, name="web-vordering-ontvangst"),
    path("vorderingen/<uuid:uuid>/bezwaar/", vordering_bezwaar, name="web-vordering-bezwaar"),
    path("vorderingen/<uuid:uuid>/bezwaarbesluit/", vordering_bezwaar_besluit, name="web-vordering-bezwaarbesluit"),
    path("vorderingen/<uuid:uuid>/regels.<str:formaat>", vordering_regels, name="web-vordering-regels"),
    path("dashboard/", dashboard, name="web-dashboard"),
    path("dashboard/budget.<str:formaat>", dashboard_budget_export, name="web-dashboard-budget-export"),
]
