"""Declarations: the form, the spreadsheet upload, the per-line answer, UWV's assessment and its
work queue."""

import datetime

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
from backoffice.forms import BevestigForm, add_rule_error, rule_message
from backoffice.opmaak import euro
from backoffice.rules import vier_ogen_probleem
from backoffice.templatetags.opmaak import aantal

from .. import downloads, permissions, rules, selectors, services
from .. import lijsten as lijst_defs
from ..forms import (
    LEGE_REGELS,
    MAX_WEB_REGELS,
    BeoordelingFormSet,
    DeclaratieFilterForm,
    DeclaratieKopForm,
    PrestatieFilterForm,
    UploadForm,
    regel_formset,
)
from ..invoer import declarabele_trajecten, invoer_uit_bestand, traject_keuzes
from ..invoer import voorstel as invoer_voorstel
from ..models import Declaratie
from .base import (
    DECLARATIE_ROLES,
    PER_PAGINA,
    confirm_page,
    confirmed,
    export_format,
    mag,
    require,
    retourcodes,
)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@replica_read
def declaratie_list(request):
    """Declarations with the list machinery (``backoffice.lijsten``): search (POST: name, BSN,
    toewijzingNummer, declaration number), sort by column, remembered filters, export."""
    require(request.user, *DECLARATIE_ROLES)
    mag_declareren = roles.has_role(request.user, roles.AANBIEDER)
    lijst = lijst_defs.DECLARATIES_AANBIEDER if mag_declareren else lijst_defs.DECLARATIES
    st = lijsten.staat(request, lijst)
    if st.antwoord:
        return st.antwoord
    form = DeclaratieFilterForm(st.filters)
    filters = form.filters()
    qs = selectors.with_line_counts(selectors.declaraties_for(request.user))
    if "status" in filters:
        qs = selectors.filter_status(qs, filters["status"])
    if "periode" in filters:
        qs = qs.filter(periode_begin=filters["periode"])
    if "nummer" in filters:
        qs = qs.filter(declaratie_nummer__icontains=filters["nummer"])
    if "toewijzing" in filters:
        qs = qs.filter(
            pk__in=selectors.prestaties_for(request.user)
            .filter(toewijzing_nummer=filters["toewijzing"])
            .values("declaratie_id")
        )
    qs = st.toepassen(qs)
    if st.export:
        return st.export_response(qs)
    page = Paginator(qs, PER_PAGINA).get_page(request.GET.get("pagina"))
    rijen = [
        {
            "d": d,
            "status": selectors.declaratie_status(
                toegekend=d.aantal_toegekend, afgewezen=d.aantal_afgewezen, in_behandeling=d.aantal_in_behandeling
            ),
        }
        for d in page.object_list
    ]
    if mag_declareren:
        leeg = {
            "tekst": "Nog geen declaraties.",
            "actie_url": reverse("web-declaratie-nieuw"),
            "actie_label": "Declareren",
        }
    else:
        leeg = {"tekst": "Er zijn nog geen declaraties ingediend.", "actie_url": reverse("web-prestaties-werkvoorraad"),
                "actie_label": "Naar regels beoordelen"}  # fmt: skip
    return render(
        request,
        "declaraties/declaratie_list.html",
        {
            "form": form,
            "page_obj": page,
            "rijen": rijen,
            "mag_declareren": mag_declareren,
            "leeg": leeg,
            **st.context(page),
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


def _bedrag_nl(value) -> str:
    return f"{value:.2f}".replace(".", ",")


def _voorstellen(kop, rijen: list[dict], trajecten: dict) -> int:
    """Fill what the tariff knows in each row that names a trajectory and a product: the period
    (when empty), the volume and the amount (when empty; a typed amount is the user's and stays).
    Answers how many rows got an amount, and for how many with a trajectory and a product the tariff
    has none (a month not over yet, a product not in the lot)."""
    periode = kop.cleaned_data.get("periode") if kop.is_valid() else None
    if periode is None:
        return 0, 0
    maand_begin, maand_eind = rules.month_bounds(periode)
    gevuld = niet = 0
    for rij in rijen:
        traject = trajecten.get(str(rij.get("toewijzing_nummer") or ""))
        if traject is None or not rij.get("product_code") or (rij.get("debet_credit") or "D") != "D":
            continue
        voorstel = invoer_voorstel(
            traject,
            product_code=rij["product_code"],
            maand_begin=maand_begin,
            maand_eind=maand_eind,
            vandaag=timezone.localdate(),
            begin=_datum(rij.get("begindatum")),
            eind=_datum(rij.get("einddatum")),
        )
        if voorstel is None:
            niet += 1
            continue
        rij["begindatum"] = voorstel["begindatum"].isoformat()
        rij["einddatum"] = voorstel["einddatum"].isoformat()
        if not str(rij.get("geleverd_volume") or "").strip():
            rij["geleverd_volume"] = str(voorstel["geleverd_volume"])
        if not str(rij.get("ingediend_bedrag") or "").strip():
            rij["ingediend_bedrag"] = _bedrag_nl(voorstel["ingediend_bedrag"])
            gevuld += 1
    return gevuld, niet


def _datum(value):
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _leeg(rij: dict) -> bool:
    return not any(str(v or "").strip() for k, v in rij.items() if k != "debet_credit")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def declaratie_nieuw(request):
    """The web form: the trajectory picked from the provider's own (by toewijzingNummer and name),
    "Bedragen voorstellen" fills the period, volume and amount by the tariff (the judging's rule),
    "Meer regels" adds empty rows (with JavaScript "Regel toevoegen" does, declaraties/regels.js).
    Neither submits: only "Declaratie indienen" does, through the API's service (bron: web)."""
    require(request.user, roles.AANBIEDER)
    trajecten = declarabele_trajecten(request.user)
    keuzes = traject_keuzes(trajecten)
    actie = request.POST.get("actie", "indienen")
    status = 200
    melding = ""
    if request.method == "POST" and actie in ("voorstel", "meer"):
        kop = DeclaratieKopForm(request.POST)
        bound = regel_formset(request.POST, trajecten=keuzes)
        rijen = [f.ruw() for f in bound.forms] if bound.management_form.is_valid() else []
        rijen = [r for r in rijen if not _leeg(r)]
        if actie == "voorstel":
            n, niet = _voorstellen(kop, rijen, {str(t.toewijzing_nummer): t for t in trajecten})
            melding = (
                f"Voor {n} regel{'s' if n != 1 else ''} is het bedrag volgens het tarief ingevuld. Controleer ze en "
                "dien de declaratie in."
                if n
                else "Er is geen bedrag voorgesteld: kies per regel een traject en een product (en de maand "
                "hierboven); een bedrag dat u zelf invulde blijft staan."
            )
            if niet:
                melding += (
                    f" Voor {niet} regel{'s' if niet != 1 else ''} kent het tarief geen bedrag: een maand (product "
                    "periode) declareert u pas als hij voorbij is, en het product moet bij het perceel horen."
                )
        extra = max(1, min(MAX_WEB_REGELS - len(rijen), LEGE_REGELS if actie == "meer" else 1))
        kop = DeclaratieKopForm(initial={k: request.POST.get(k, "") for k in ("declaratie_nummer", "periode")})
        regels = regel_formset(trajecten=keuzes, initial=rijen, extra=extra)
    elif request.method == "POST":
        kop = DeclaratieKopForm(request.POST)
        regels = regel_formset(request.POST, trajecten=keuzes)
        if kop.is_valid() and regels.is_valid():
            begin, eind = rules.month_bounds(kop.cleaned_data["periode"])
            invoer = services.DeclaratieInvoer(
                declaratie_nummer=kop.cleaned_data["declaratie_nummer"].strip(),
                begindatum=begin,
                einddatum=eind,
                regels=[f.regel() for f in regels.forms if f.has_changed() and f.cleaned_data],
                bron=Declaratie.Bron.WEB,
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
        regels = regel_formset(trajecten=keuzes)
    context = {"kop": kop, "regels": regels, "melding": melding, "geen_trajecten": not trajecten}
    # at the maximum "Meer regels" and "Regel toevoegen" are off, with a sentence that says why
    context.update(max_regels=MAX_WEB_REGELS, vol=regels.total_form_count() >= MAX_WEB_REGELS)
    return render(request, "declaraties/declaratie_nieuw.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def declaratie_upload(request):
    require(request.user, roles.AANBIEDER)
    status = 200
    fouten = []
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            invoer, gevonden = invoer_uit_bestand(form.cleaned_data["bestand"])
            fouten = [_bestandsfout(fout) for fout in gevonden]
            if fouten:
                n = len(fouten)
                form.add_error(
                    "bestand", f"Het bestand heeft {n} fout{'en' if n != 1 else ''}; zie de lijst hieronder."
                )
            if invoer is not None:
                try:
                    declaratie, created = services.declaratie_submit(by=request.user, invoer=invoer)
                except BusinessRuleError as exc:
                    add_rule_error(form, exc, field_map={"declaratie_nummer": "bestand"})
                else:
                    return _declaratie_ingediend(request, declaratie, created)
        status = 400
    else:
        form = UploadForm()
    return render(request, "declaraties/declaratie_upload.html", {"form": form, "fouten": fouten}, status=status)


# The serializer's codes of a cell, in the words of the page (the API keeps its own).
CEL_CODES = {
    "invalid": "ongeldige-waarde",
    "required": "verplicht",
    "blank": "verplicht",
    "null": "verplicht",
    "max_length": "te-lang",
    "min_value": "te-klein",
    "max_value": "te-groot",
    "max_digits": "te-veel-cijfers",
    "max_decimal_places": "te-veel-decimalen",
    "max_whole_digits": "te-veel-cijfers",
    "invalid_choice": "ongeldige-keuze",
}


def _bestandsfout(fout) -> dict:
    """One problem of an uploaded file as one line of the list: the row, the column, what is wrong."""
    rij, kolom = None, None
    if fout.naam.startswith("regel "):
        rij, _, kolom = fout.naam.removeprefix("regel ").partition(": ")
    return {"rij": rij, "kolom": kolom, "reden": fout.reden, "code": CEL_CODES.get(fout.code, fout.code)}


@login_required
@require_GET
def declaratie_sjabloon(request, formaat):
    require(request.user, roles.AANBIEDER)
    return downloads.sjabloon_response(export_format(formaat))


def _declaratie_context(request, declaratie, formset=None) -> dict:
    regels = list(selectors.declaratie_regels(declaratie).select_related("traject"))  # each line links to it
    for p in regels:
        p.codes = retourcodes(p.retourcodes)
    wachtend = [p for p in regels if p.status == "in_behandeling"]
    mag_beoordelen = bool(wachtend) and mag(permissions.can_beoordelen, request.user, declaratie)
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
        "codes": retourcodes(["8001"]) if status == "toegekend" else [],
        "regels": regels,
        "beoordeling": list(zip(wachtend, formset.forms, strict=True)) if mag_beoordelen else None,
        "formset": formset if mag_beoordelen else None,
        # A UWV assessor who declared is told why the judging is someone else's (four eyes); the
        # provider is told what happens to its own waiting lines: texts per role.
        "zelf_ingediend": bool(wachtend)
        and roles.has_role(request.user, roles.UWV_BEOORDELAAR)
        and vier_ogen_probleem(request.user.pk, declaratie.ingediend_door_id) is not None,
        "aanbieder_wacht": bool(wachtend) and roles.has_role(request.user, roles.AANBIEDER),
    }


def _rijen(formset) -> list:
    """The lines a (posted) formset's rows name; none for a broken management form."""
    return [form["product_referentie"].value() for form in formset.forms]


def _declaratie(request, uuid):
    return get_object_or_404(selectors.with_line_counts(selectors.declaraties_for(request.user)), uuid=uuid)


@login_required
@require_GET
def declaratie_detail(request, uuid):
    require(request.user, *DECLARATIE_ROLES)
    declaratie = _declaratie(request, uuid)
    return render(request, "declaraties/declaratie_detail.html", _declaratie_context(request, declaratie))


@login_required
@require_POST
def declaratie_beoordeling(request, uuid):
    """The web form of ``POST /declaraties/{uuid}/beoordelingen``: the rows go to the same service,
    which refuses a line decided twice, a line of another declaration and a line that no longer
    waits (issue 9, finding 6); the confirmation step is shown only for an assessment that passes."""
    require(request.user, roles.UWV_BEOORDELAAR)
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
            if not confirmed(request):
                return _bevestig_beoordeling(request, declaratie, besluiten)
            services.prestaties_beoordelen(by=request.user, declaratie=declaratie, besluiten=besluiten)
        except BusinessRuleError as exc:
            fouten.append(rule_message(exc))
        else:
            messages.success(request, f"{aantal(len(besluiten), 'regel,regels')} beoordeeld.")
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
            f"U kent {aantal(len(toe), 'regel,regels')} toe: {', '.join(toe)}. "
            f"{'Die worden' if len(toe) > 1 else 'Die wordt'} meegenomen in de volgende betaalopdracht."
        )
    if af:
        gevolg.append(
            f"U wijst {aantal(len(af), 'regel,regels')} af: {', '.join(af)}. De aanbieder ziet uw toelichting."
        )
    gevolg.append("Dit besluit kunt u hierna niet meer wijzigen.")
    return confirm_page(
        request,
        titel=f"Bevestig uw beoordeling van declaratie {declaratie.declaratie_nummer}",
        gevolg=gevolg,
        terug=reverse("web-declaratie", kwargs={"uuid": declaratie.uuid}),
        knop="Ja, leg de besluiten vast",
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@replica_read
def prestatie_werkvoorraad(request):
    """UWV's queue: declaration lines waiting for a beoordelaar, oldest declaration first; "Alle
    statussen" shows every line. The beoordelaar selects waiting lines to accept them at once
    (``prestaties_bulk_toekennen``, after a confirmation page)."""
    require(request.user, *roles.UWV_ROLES)
    st = lijsten.staat(request, lijst_defs.WERKVOORRAAD)
    if st.antwoord:
        return st.antwoord
    form = PrestatieFilterForm(st.filters)
    filters = form.filters()
    qs = selectors.prestaties_for(request.user).select_related("traject")
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if "toewijzing" in filters:
        qs = qs.filter(toewijzing_nummer=filters["toewijzing"])
    qs = st.toepassen(qs)
    if st.export:
        return st.export_response(qs)
    page = Paginator(qs, PER_PAGINA).get_page(request.GET.get("pagina"))
    # the checkboxes and the button only where a line on this page still waits
    mag_bulk = roles.has_role(request.user, roles.UWV_BEOORDELAAR) and any(
        p.status == "in_behandeling" for p in page.object_list
    )
    leeg = {"tekst": "Niets te beoordelen: er wachten geen regels."}
    return render(
        request,
        "declaraties/werkvoorraad.html",
        {"form": form, "page_obj": page, "mag_bulk": mag_bulk, "leeg": leeg, **st.context(page)},
    )


@never_cache
@login_required
@require_POST
def prestaties_bulk_toekennen(request):
    """The work queue's "Geselecteerde regels toekennen": a confirmation page naming how many lines
    and what total will be accepted (and which selected lines cannot be, and why), then the bulk
    service, which checks every rule of the single assessment again (four eyes included) and
    accepts the lines that pass; each refused line is reported in words."""
    require(request.user, roles.UWV_BEOORDELAAR)
    # "Alle wachtende regels op deze pagina": the page's waiting lines, else the ticked ones
    uuids = _uuids(request.POST.getlist("pagina_regel" if request.POST.get("alle") else "regel"))
    terug = reverse("web-prestaties-werkvoorraad")
    if not uuids:
        messages.error(request, "Kies eerst een of meer regels om toe te kennen. (code: ongeldige-invoer)")
        return redirect(terug)
    if request.POST.get("stap") == "bevestigen":
        form = BevestigForm(request.POST)
        if form.is_valid():
            uitkomst = services.prestaties_bulk_toekennen(by=request.user, uuids=uuids)
            if uitkomst.toegekend:
                messages.success(
                    request,
                    f"{len(uitkomst.toegekend)} regel{'' if len(uitkomst.toegekend) == 1 else 's'} toegekend, samen "
                    f"{euro(uitkomst.totaal)}. Ze gaan mee in de volgende betaalopdracht.",
                )
            for label, fout in uitkomst.geweigerd:
                messages.error(request, f"{label} is niet toegekend: {fout.message} (code: {fout.code})")
            return redirect(terug)
        status = 400
    else:
        form = BevestigForm()
        status = 200
    form.fields["bevestigd"].label = "Ik bevestig dat ik deze regels toeken"
    uitkomst = services.prestaties_bulk_toekennen_check(by=request.user, uuids=uuids)
    return render(
        request,
        "declaraties/bulk_toekennen.html",
        {"uitkomst": uitkomst, "form": form, "uuids": uuids, "terug": terug},
        status=status,
    )


def _uuids(values) -> list:
    import uuid as uuidlib

    out = []
    for value in values:
        try:
            out.append(uuidlib.UUID(value))
        except (ValueError, AttributeError):
            continue
    return out[:1000]
