"""Payment orders: approval with four eyes, the SEPA file, the bank's confirmation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from backoffice import lijsten, roles
from backoffice.db_routing import replica_read
from backoffice.errors import BusinessRuleError
from backoffice.forms import add_rule_error, rule_message
from backoffice.opmaak import euro

from .. import downloads, permissions, rules, selectors, sepa, services
from .. import lijsten as lijst_defs
from ..forms import BetaalopdrachtFilterForm, BevestigingForm
from ..models import Betaalopdracht
from .base import PER_PAGINA, confirm_page, confirmed, export_format, mag, require


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@replica_read
def betaalopdracht_list(request):
    """Payment orders with the list machinery (``backoffice.lijsten``): search by toewijzingNummer,
    declaration number or provider, sort by column, remembered filters, export."""
    require(request.user, *roles.UWV_ROLES)
    st = lijsten.staat(request, lijst_defs.BETAALOPDRACHTEN)
    if st.antwoord:
        return st.antwoord
    form = BetaalopdrachtFilterForm(st.filters)
    filters = form.filters()
    qs = selectors.betaalopdrachten_for(request.user)
    if "status" in filters:
        qs = qs.filter(status=filters["status"])
    if "vanaf" in filters:
        qs = qs.filter(datum__gte=filters["vanaf"])
    if "tot" in filters:
        qs = qs.filter(datum__lte=filters["tot"])
    qs = st.toepassen(qs)
    if st.export:
        return st.export_response(qs)
    page = Paginator(qs, PER_PAGINA).get_page(request.GET.get("pagina"))
    leeg = {"tekst": "Nog geen betaalopdrachten. De wekelijkse betaalrun maakt ze van de toegekende regels."}
    return render(
        request,
        "declaraties/betaalopdracht_list.html",
        {"form": form, "page_obj": page, "leeg": leeg, **st.context(page)},
    )


def _opdracht(request, uuid) -> Betaalopdracht:
    return get_object_or_404(selectors.betaalopdrachten_for(request.user), uuid=uuid)


def _opdracht_context(request, opdracht, *, akkoord_fout=None, bevestig_form=None) -> dict:
    user = request.user
    financieel = roles.has_role(user, roles.UWV_FINANCIEEL)
    akkoord = permissions.accorderen_weigering(user, opdracht)
    akkoorden = [
        (door, op)
        for door, op in (
            (opdracht.eerste_akkoord_door, opdracht.eerste_akkoord_op),
            (opdracht.tweede_akkoord_door, opdracht.tweede_akkoord_op),
        )
        if door is not None
    ]
    regels = Paginator(selectors.betaalopdracht_regels(opdracht), PER_PAGINA).get_page(request.GET.get("pagina"))
    links = selectors.traject_uuids(user, (p.traject_id for p in regels.object_list))
    return {
        "opdracht": opdracht,
        "regels": [{"p": p, "traject_uuid": links.get(p.traject_id)} for p in regels.object_list],
        "page_obj": regels,
        "samenvatting": selectors.betaalopdracht_samenvatting(opdracht),
        "akkoorden": akkoorden,
        "financieel": financieel,
        "mag_accorderen": akkoord is None,
        "wacht_op_tweede": akkoord is not None and akkoord.code == "vier-ogen",  # four eyes, in the page's words
        "akkoord_fout": akkoord_fout,
        "mag_sepa": mag(permissions.can_sepa_downloaden, user, opdracht),
        "mag_bevestigen": mag(permissions.can_bevestigen, user, opdracht),
        "bevestig_form": bevestig_form or BevestigingForm(initial={"datum": timezone.localdate()}),
        "historie": opdracht.history.select_related("history_user").order_by("-history_date", "-history_id")[:20],
    }


def _opdracht_render(request, uuid, *, status=200, **kwargs):
    """The detail page, with the order read afresh (after a refused or failed action: its state now)."""
    opdracht = _opdracht(request, uuid)
    return render(
        request, "declaraties/betaalopdracht_detail.html", _opdracht_context(request, opdracht, **kwargs), status=status
    )


@login_required
@require_GET
def betaalopdracht_detail(request, uuid):
    require(request.user, *roles.UWV_ROLES)
    return _opdracht_render(request, uuid)


@login_required
@require_POST
def betaalopdracht_akkoord(request, uuid):
    require(request.user, roles.UWV_FINANCIEEL)
    opdracht = _opdracht(request, uuid)
    if not confirmed(request):
        laatste = permissions.akkoord_actie(opdracht) == "accorderen"
        gevolg = [
            f"U geeft akkoord op de betaling van {euro(opdracht.bedrag)} aan {opdracht.aanbieder.naam} ({opdracht.aantal_regels} regels), IBAN {opdracht.iban}."
        ]
        gevolg.append(
            "Daarmee is de opdracht geaccordeerd en kan het SEPA-bestand naar de bank."
            if laatste
            else "Het bedrag ligt boven de vier-ogendrempel: daarna moet een tweede medewerker van UWV financieel akkoord geven."
        )
        gevolg.append("Een akkoord kunt u niet intrekken.")
        return confirm_page(
            request,
            titel="Bevestig uw akkoord op de betaalopdracht",
            gevolg=gevolg,
            terug=reverse("web-betaalopdracht", kwargs={"uuid": uuid}),
            knop="Ja, geef akkoord",
        )
    try:
        opdracht = services.betaalopdracht_accorderen(by=request.user, opdracht=opdracht)
    except BusinessRuleError as exc:
        return _opdracht_render(request, uuid, akkoord_fout=rule_message(exc), status=exc.status)
    if opdracht.status == "geaccordeerd":
        messages.success(request, "De betaalopdracht is geaccordeerd. Download het SEPA-bestand voor de bank.")
    else:
        messages.success(request, "Uw akkoord is vastgelegd. Een tweede medewerker moet nog akkoord geven.")
    return redirect("web-betaalopdracht", uuid=uuid)


@login_required
@require_POST
def betaalopdracht_bevestiging(request, uuid):
    require(request.user, roles.UWV_FINANCIEEL)
    opdracht = _opdracht(request, uuid)
    form = BevestigingForm(request.POST)
    if form.is_valid():
        # The service's own rule, before the confirmation: never confirm a date that will be refused.
        fout = rules.bevestiging_datum_fout(
            datum=form.cleaned_data["datum"], opdrachtdatum=opdracht.datum, vandaag=timezone.localdate()
        )
        if fout:
            form.add_error("datum", f"{fout[1]} (code: {fout[0]})")
            return _opdracht_render(request, uuid, bevestig_form=form, status=400)
        if not confirmed(request):
            return confirm_page(
                request,
                titel="Bevestig de uitvoering door de bank",
                gevolg=[
                    f"U bevestigt dat de bank {euro(opdracht.bedrag)} aan {opdracht.aanbieder.naam} heeft overgemaakt op {form.cleaned_data['datum']:%d-%m-%Y}.",
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
    return _opdracht_render(request, uuid, bevestig_form=form, status=400)


@login_required
@require_GET
def betaalopdracht_sepa(request, uuid):
    """The pain.001 file for the bank, with the session (the same file as the API's)."""
    require(request.user, roles.UWV_FINANCIEEL)
    opdracht = _opdracht(request, uuid)
    try:
        return sepa.sepa_response(opdracht)
    except BusinessRuleError as exc:
        messages.error(request, rule_message(exc))
        return redirect("web-betaalopdracht", uuid=uuid)


@login_required
@require_GET
def betaalopdracht_regels(request, uuid, formaat):
    require(request.user, *roles.UWV_ROLES)
    opdracht = _opdracht(request, uuid)
    return downloads.betaalopdracht_regels_export(
        export_format(formaat), opdracht, selectors.betaalopdracht_regels(opdracht)
    )
