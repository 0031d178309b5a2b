"""Co-financing claims: receipts, sending, disputes, and the overview per gemeente."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from backoffice import documenten, lijsten, roles
from backoffice.db_routing import replica_read
from backoffice.errors import BusinessRuleError
from backoffice.forms import add_rule_error, rule_message
from backoffice.opmaak import euro, maand
from financiering import selectors as fin_selectors

from .. import downloads, grafiek, permissions, selectors, services, ubl
from .. import lijsten as lijst_defs
from ..forms import BezwaarBesluitForm, BezwaarForm, OntvangstForm, VorderingFilterForm
from ..models import Vordering
from .base import PER_PAGINA, VORDERING_ROLES, confirm_page, confirmed, export_format, mag, require


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@replica_read
def vordering_list(request):
    """Co-financing claims with the list machinery (``backoffice.lijsten``)."""
    require(request.user, *VORDERING_ROLES)
    st = lijsten.staat(request, lijst_defs.VORDERINGEN)
    if st.antwoord:
        return st.antwoord
    today = timezone.localdate()
    uwv = roles.has_role(request.user, roles.UWV_FINANCIEEL)
    gemeenten = fin_selectors.gemeenten_list()
    if not uwv:
        gemeenten = gemeenten.filter(pk__in=fin_selectors.user_gemeente_ids(request.user))
    form = VorderingFilterForm(st.filters, gemeenten=gemeenten)
    filters = form.filters()
    qs = selectors.with_te_laat(selectors.vorderingen_for(request.user), today=today)
    if "status" in filters:
        qs = qs.filter(status=filters["status"])
    if "periode" in filters:
        qs = qs.filter(periode=filters["periode"])
    if "gemeente" in filters:
        qs = qs.filter(gemeente__code=filters["gemeente"])
    if filters.get("te_laat"):
        qs = qs.filter(te_laat=True)
    qs = st.toepassen(qs)
    if st.export:
        return st.export_response(qs)
    page = Paginator(qs, PER_PAGINA).get_page(request.GET.get("pagina"))
    rijen = [{"v": v, "te_laat": v.te_laat} for v in page.object_list]
    if uwv:
        leeg = {"tekst": "Nog geen vorderingen. De maandelijkse vordering cofinanciering maakt ze per gemeente."}
    else:
        leeg = {"tekst": "Geen vorderingen van UWV aan uw gemeente."}
    return render(
        request,
        "declaraties/vordering_list.html",
        {"form": form, "page_obj": page, "rijen": rijen, "uwv": uwv, "leeg": leeg, **st.context(page)},
    )


def _vordering(request, uuid) -> Vordering:
    return get_object_or_404(selectors.with_te_laat(selectors.vorderingen_for(request.user)), uuid=uuid)


def _form(forms: dict, key: str, allowed: bool, form_class, **kwargs):
    """The bound form that came back with its errors (also when the action was refused: the reason
    is on it), else a fresh one where the permission allows the action, else none."""
    return forms.get(key) or (form_class(**kwargs) if allowed else None)


def _vordering_context(request, vordering, *, forms: dict | None = None) -> dict:
    """``forms``: a bound form that failed, by key (``ontvangst``, ``verzenden``, ``bezwaar-<uuid>``,
    ``besluit-<uuid>``) so its errors show where the user typed."""
    forms = forms or {}
    user = request.user
    uwv = roles.has_role(user, roles.UWV_FINANCIEEL)
    regels = []
    lijst = list(selectors.vordering_regels(vordering))
    links = selectors.traject_uuids(user, (r.prestatie.traject_id for r in lijst))
    for index, r in enumerate(lijst, start=1):
        key_b, key_s = f"bezwaar-{r.uuid}", f"besluit-{r.uuid}"
        regels.append(
            {
                "r": r,
                "traject_uuid": links.get(r.prestatie.traject_id),
                "bezwaar_form": _form(
                    forms,
                    key_b,
                    mag(permissions.can_bezwaar_indienen, user, vordering, r),
                    BezwaarForm,
                    initial={"regel": r.uuid},
                    auto_id=f"bezwaar{index}-%s",
                ),
                "besluit_form": _form(
                    forms,
                    key_s,
                    mag(permissions.can_bezwaar_beoordelen, user, r),
                    BezwaarBesluitForm,
                    initial={"regel": r.uuid},
                    auto_id=f"besluit{index}-%s",
                ),
                "open": key_b in forms or key_s in forms,
            }
        )
    return {
        "vordering": vordering,
        "te_laat": vordering.te_laat,
        "regels": regels,
        "ontvangsten": list(vordering.ontvangsten.select_related("door").order_by("datum", "id")),
        "uwv": uwv,
        "ontvangst_form": _form(
            forms,
            "ontvangst",
            mag(permissions.can_ontvangst_registreren, user, vordering) and vordering.openstaand > 0,
            OntvangstForm,
            initial={"datum": timezone.localdate()},
        ),
        "factuur_pdf": _factuur_pdf(user, vordering),
        "verzend_fout": forms.get("verzenden"),
        "mag_verzenden": mag(permissions.can_verzenden, user, vordering),
        "historie": vordering.history.select_related("history_user").order_by("-history_date", "-history_id")[:20],
    }


def _factuur_pdf(user, vordering):
    """The invoice PDF made when the claim was sent (backoffice.documenten), or None."""
    if not vordering.factuurnummer:
        return None
    return documenten.documenten_van(user, vordering.uuid).filter(soort="factuur").first()


def _vordering_render(request, uuid, *, forms=None, status=200):
    """The detail page, with the claim read afresh (after a refused or failed action: its state now)."""
    vordering = _vordering(request, uuid)
    return render(
        request, "declaraties/vordering_detail.html", _vordering_context(request, vordering, forms=forms), status=status
    )


@login_required
@require_GET
def vordering_detail(request, uuid):
    require(request.user, *VORDERING_ROLES)
    return _vordering_render(request, uuid)


@login_required
@require_POST
def vordering_verzenden(request, uuid):
    require(request.user, roles.UWV_FINANCIEEL)
    vordering = _vordering(request, uuid)
    if not confirmed(request):
        return confirm_page(
            request,
            titel="Bevestig het verzenden van de vordering",
            gevolg=[
                f"U verzendt de vordering van {euro(vordering.bedrag)} aan {vordering.gemeente.naam} over {maand(vordering.periode)}.",
                "De betaaltermijn gaat vandaag in; de gemeente ziet de vordering en kan regels betwisten.",
                "Verzenden kunt u niet terugdraaien.",
            ],
            terug=reverse("web-vordering", kwargs={"uuid": uuid}),
            knop="Ja, verzend de vordering",
        )
    try:
        services.vordering_verzenden(by=request.user, vordering=vordering)
    except BusinessRuleError as exc:
        return _vordering_render(request, uuid, forms={"verzenden": rule_message(exc)}, status=exc.status)
    messages.success(request, "De vordering is verzonden.")
    return redirect("web-vordering", uuid=uuid)


@login_required
@require_POST
def vordering_ontvangst(request, uuid):
    require(request.user, roles.UWV_FINANCIEEL)
    vordering = _vordering(request, uuid)
    form = OntvangstForm(request.POST)
    if form.is_valid():
        if not confirmed(request):
            bedrag, datum = form.cleaned_data["bedrag"], form.cleaned_data["datum"]
            return confirm_page(
                request,
                titel="Bevestig de ontvangst",
                gevolg=[
                    f"U registreert {euro(bedrag)} ontvangen van {vordering.gemeente.naam} op {datum:%d-%m-%Y}.",
                    f"Er staat nu {euro(vordering.openstaand)} open; daarna {euro(vordering.openstaand - bedrag)}.",
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
    return _vordering_render(request, uuid, forms={"ontvangst": form}, status=400)


def _regel_van(vordering, regel_uuid):
    regel = selectors.vordering_regels(vordering).filter(uuid=regel_uuid).first()
    if regel is None:
        raise Http404("Deze regel hoort niet bij deze vordering.")
    return regel


@login_required
@require_POST
def vordering_bezwaar(request, uuid):
    require(request.user, roles.GEMEENTE)
    vordering = _vordering(request, uuid)
    form = BezwaarForm(request.POST)
    key = f"bezwaar-{request.POST.get('regel', '')}"
    if form.is_valid():
        regel = _regel_van(vordering, form.cleaned_data["regel"])
        if not confirmed(request):
            return confirm_page(
                request,
                titel="Bevestig uw bezwaar",
                gevolg=[
                    f"U betwist de regel {regel.prestatie.product_referentie} (traject {regel.prestatie.toewijzing_nummer}, {euro(regel.bedrag)}).",
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
    return _vordering_render(request, uuid, forms={key: form}, status=400)


@login_required
@require_POST
def vordering_bezwaar_besluit(request, uuid):
    require(request.user, roles.UWV_FINANCIEEL)
    vordering = _vordering(request, uuid)
    form = BezwaarBesluitForm(request.POST)
    key = f"besluit-{request.POST.get('regel', '')}"
    if form.is_valid():
        regel = _regel_van(vordering, form.cleaned_data["regel"])
        if not confirmed(request):
            toegewezen = form.cleaned_data["besluit"] == "toegewezen"
            return confirm_page(
                request,
                titel="Bevestig uw besluit op het bezwaar",
                gevolg=[
                    f"Bezwaar van {vordering.gemeente.naam} tegen regel {regel.prestatie.product_referentie} ({euro(regel.bedrag)}).",
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
    return _vordering_render(request, uuid, forms={key: form}, status=400)


@login_required
@require_GET
def vordering_regels(request, uuid, formaat):
    require(request.user, *VORDERING_ROLES)
    vordering = _vordering(request, uuid)
    return downloads.vordering_regels_export(export_format(formaat), vordering, selectors.vordering_regels(vordering))


@login_required
@require_GET
def vordering_factuur_xml(request, uuid):
    """The claim as a UBL e-invoice (the same file as the API's); a concept has none yet."""
    require(request.user, *VORDERING_ROLES)
    vordering = _vordering(request, uuid)
    try:
        return ubl.factuur_response(vordering)
    except BusinessRuleError as exc:
        messages.error(request, rule_message(exc))
        return redirect("web-vordering", uuid=uuid)


def vordering_diagram(rijen, *, label, titel) -> grafiek.Diagram:
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
    require(request.user, *VORDERING_ROLES)
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
            "diagram": vordering_diagram(rijen, label=lambda r: r["gemeente__naam"], titel="Vorderingen per gemeente")
            if rijen
            else None,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def vorderingen_overzicht_export(request, formaat):
    require(request.user, *VORDERING_ROLES)
    return downloads.vorderingen_overzicht_export(
        export_format(formaat), selectors.vorderingen_overzicht_for(request.user)
    )
