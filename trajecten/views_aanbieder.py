"""The provider's journey in the browser: register a participant and apply, follow and withdraw
applications, the trajectories with their placements, extensions, stop notice and end report, and
the signals page. Every read goes through a selector, every write through a service; a refused rule
(BusinessRuleError) becomes a message at its field with its code (backoffice.forms.add_rule_error).

The BSN is typed into a POST form only: it never appears in a URL, is never sent back to the
browser (not even after an error) and is shown masked, if at all. After a refused rule the page keeps
it server-side (encrypted in the session, under a random reference), so it need not be typed again."""

import secrets

from cryptography.fernet import InvalidToken
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from backoffice import crypto, lijsten, roles
from backoffice import selectors as bo_selectors
from backoffice.db_routing import replica_read
from backoffice.errors import BusinessRuleError
from backoffice.forms import add_rule_error
from backoffice.history import historie_regels
from backoffice.models import SignaalSoort
from financiering import rules as fin_rules
from financiering import selectors as fin_selectors

from . import lijsten as lijst_defs
from . import permissions, selectors, services
from .forms_aanbieder import (
    AanvraagForm,
    DeelnemerForm,
    EindverslagForm,
    IntrekkenForm,
    PlaatsingForm,
    SignaalFilterForm,
    StopForm,
    TrajectFilterForm,
    VerlengingForm,
)

PER_PAGINA = 25


def _require(user, *required: str) -> None:
    allowed, reason = roles.check_role(user, *required)
    if not allowed:
        raise PermissionDenied(reason)


def _deelnemer_form(request, data=None):
    return DeelnemerForm(data, gemeenten=fin_selectors.gemeenten_list())


def _aangeboden_percelen():
    """The lots a provider may choose: only those whose scheme is fully configured today (a price,
    a payment plan, ...; financiering.rules.perceel_inrichting_ontbreekt), in a fixed number of
    queries (the lots with their prices and products, prefetched)."""
    today = timezone.localdate()
    percelen = fin_selectors.percelen_list()
    ids = [p.pk for p in percelen if not fin_rules.perceel_inrichting_ontbreekt(p, op=today)]
    return percelen.filter(pk__in=ids)


def _aanvraag_form(request, data=None):
    return AanvraagForm(
        data,
        percelen=_aangeboden_percelen(),
        begeleiders=fin_selectors.trajectbegeleiders_for(request.user).filter(actief=True),
    )


# --- register a participant and apply ---------------------------------------------------------

BSN_SESSIE = "aanvraag_nieuw_bsn"


def _bewaar_bsn(request, bsn: str) -> str:
    """After a refused rule the page does not echo the BSN; it keeps it server-side, encrypted in
    the session, under a random reference that the form sends back (``bsn_ref``)."""
    ref = secrets.token_urlsafe(16)
    request.session[BSN_SESSIE] = {"ref": ref, "bsn": crypto.encrypt(bsn)}
    return ref


def _met_bewaard_bsn(request):
    """The POST, with the kept BSN filled in when the field is empty and the reference matches."""
    if request.method != "POST":
        return None
    data = request.POST.copy()
    bewaard = request.session.get(BSN_SESSIE) or {}
    ref = data.get("bsn_ref", "")
    if not data.get("bsn", "").strip() and ref and secrets.compare_digest(ref, bewaard.get("ref", "")):
        try:
            data["bsn"] = crypto.decrypt(bewaard["bsn"])
        except InvalidToken:  # a rotated key: type it again
            pass
    return data


@never_cache
@require_http_methods(["GET", "POST"])
def aanvraag_nieuw(request):
    """One page, two steps in one POST: the participant and the application. The participant is
    registered only when the application is accepted too (all or nothing), so a refused rule never
    leaves a half-registered person behind. After any error the typed values stay: the fields in
    the form, the BSN server-side (``_bewaar_bsn``). A BSN this provider registered before is
    named, with a link to that participant's page, where the application is filed without the BSN."""
    _require(request.user, roles.AANBIEDER)
    data = _met_bewaard_bsn(request)
    deelnemer_form = _deelnemer_form(request, data)
    aanvraag_form = _aanvraag_form(request, data)
    status = 200
    bsn_ref = bsn_gemaskeerd = bestaande = None
    if request.method == "POST":
        geldig = deelnemer_form.is_valid() & aanvraag_form.is_valid()
        bsn = deelnemer_form.cleaned_data.get("bsn")
        if geldig:
            data = dict(deelnemer_form.cleaned_data)
            data.pop("bsn")
            try:
                deelnemer, aanvraag = services.aanvraag_met_deelnemer_submit(
                    by=request.user, bsn=bsn, deelnemer_fields=data, **aanvraag_form.service_args()
                )
            except BusinessRuleError as exc:
                target = deelnemer_form if exc.field in deelnemer_form.fields else aanvraag_form
                add_rule_error(target, exc)
                status = 429 if exc.status == 429 else 200
                if exc.code == "deelnemer-bestaat":
                    # Only ever this provider's own registration (the service looks no further):
                    # what another provider holds is never told (domain.md 12).
                    bestaande = (
                        selectors.deelnemers_for(request.user)
                        .filter(
                            aanbieder_id=fin_selectors.user_aanbieder_id(request.user), bsn_hash=crypto.bsn_hash(bsn)
                        )
                        .first()
                    )
            else:
                request.session.pop(BSN_SESSIE, None)
                messages.success(
                    request,
                    f"De aanvraag voor {deelnemer.voorletters} {deelnemer.achternaam} is ingediend. "
                    f"Beslissen uiterlijk {aanvraag.beslis_deadline:%d-%m-%Y}.",
                )
                return redirect("web-aanvraag", uuid=aanvraag.uuid)
        elif bsn:
            # The rest is not complete yet: tell now whether this provider knows the person, through
            # the one throttled and logged search (its own participants only; another provider's
            # give the same answer as an unknown BSN).
            try:
                eigen = services.deelnemer_search(by=request.user, bsn=bsn, kanaal="aanvraag")
            except BusinessRuleError as exc:  # te-veel-bsn
                add_rule_error(deelnemer_form, exc, field_map={None: "bsn"})
                status = exc.status
            else:
                aanbieder_id = fin_selectors.user_aanbieder_id(request.user)
                bestaande = next((d for d in eigen if d.aanbieder_id == aanbieder_id), None)
        if bsn:
            bsn_ref, bsn_gemaskeerd = _bewaar_bsn(request, bsn), crypto.mask_bsn(bsn)
    return render(
        request,
        "trajecten/aanbieder/aanvraag_nieuw.html",
        {
            "deelnemer_form": deelnemer_form,
            "form": aanvraag_form,
            "bsn_ref": bsn_ref,
            "bsn_gemaskeerd": bsn_gemaskeerd,
            "bestaande": bestaande,
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def aanvraag_voor_deelnemer(request, uuid):
    """A new application for a participant this provider registered before, chosen by uuid from
    the participant's page: no BSN to type again. Another organisation's participant answers 404
    (the selector's scope, and the service checks it once more)."""
    _require(request.user, roles.AANBIEDER)
    deelnemer = get_object_or_404(
        selectors.deelnemers_for(request.user).filter(aanbieder_id=fin_selectors.user_aanbieder_id(request.user)),
        uuid=uuid,
    )
    form = _aanvraag_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            aanvraag = services.aanvraag_submit(by=request.user, deelnemer=deelnemer, **form.service_args())
        except BusinessRuleError as exc:
            add_rule_error(form, exc)
        else:
            messages.success(
                request,
                f"De aanvraag voor {deelnemer.voorletters} {deelnemer.achternaam} is ingediend. "
                f"Beslissen uiterlijk {aanvraag.beslis_deadline:%d-%m-%Y}.",
            )
            return redirect("web-aanvraag", uuid=aanvraag.uuid)
    context = {
        "deelnemer": deelnemer,
        "persoon": selectors.persoon_for(request.user, deelnemer),
        "form": form,
        # said before the user fills anything in; the service refuses it (dubbel-traject) all the same
        "loopt_al": selectors.trajecten_for(request.user).filter(deelnemer=deelnemer, status="actief").first(),
    }
    return render(request, "trajecten/aanbieder/aanvraag_deelnemer.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def aanvraag_intrekken(request, uuid):
    _require(request.user, roles.AANBIEDER)
    aanvraag = get_object_or_404(selectors.aanvragen_for(request.user), uuid=uuid)
    form = IntrekkenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.aanvraag_withdraw(by=request.user, aanvraag=aanvraag, toelichting=form.cleaned_data["toelichting"])
        except BusinessRuleError as exc:
            add_rule_error(form, exc)
        else:
            messages.success(request, "De aanvraag is ingetrokken.")
            return redirect("web-aanvraag", uuid=aanvraag.uuid)
    return render(request, "trajecten/aanbieder/aanvraag_intrekken.html", {"aanvraag": aanvraag, "form": form})


# --- trajectories -----------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@replica_read
def traject_list(request):
    """The trajectories the user may see, with the list machinery (``backoffice.lijsten``)."""
    _require(request.user, *roles.CASE_ROLES)
    st = lijsten.staat(request, lijst_defs.TRAJECTEN)
    if st.antwoord:
        return st.antwoord
    form = TrajectFilterForm(st.filters, percelen=fin_selectors.percelen_list())
    qs = st.toepassen(
        selectors.trajecten_for(request.user)
        .select_related("deelnemer")
        .prefetch_related(None)
        .filter(**form.filters())
    )
    if st.export:
        return st.export_response(qs)
    page = Paginator(qs, PER_PAGINA).get_page(request.GET.get("pagina"))
    is_aanbieder = roles.has_role(request.user, roles.AANBIEDER)
    if is_aanbieder:  # the page's own "Nieuwe aanvraag" button is the first step
        leeg = {"tekst": "Nog geen trajecten. Een traject begint met een goedgekeurde aanvraag: dien er een in met "
                "de knop Nieuwe aanvraag."}  # fmt: skip
    else:
        leeg = {"tekst": "Er lopen nog geen trajecten die u mag zien.", "actie_url": reverse("web-aanvragen"),
                "actie_label": "Naar de aanvragen"}  # fmt: skip
    return render(
        request,
        "trajecten/aanbieder/traject_list.html",
        {
            "form": form,
            "page_obj": page,
            "today": timezone.localdate(),
            "is_aanbieder": is_aanbieder,
            "leeg": leeg,
            **st.context(page),
        },
    )


def _historie(traject) -> list[dict]:
    """The story of a trajectory, oldest first: application, decisions, the trajectory's own
    changes, extensions and their decisions, placements, stop notice and end report."""
    items = []
    aanvraag = traject.aanvraag
    if aanvraag.ingediend_op:
        items.append({"datum": aanvraag.ingediend_op, "wat": "Aanvraag ingediend", "door": aanvraag.ingediend_door})
    for b in aanvraag.besluiten.all():
        items.append(
            {"datum": b.op, "wat": f"{b.get_stap_display()}: {b.get_besluit_display()}", "door": b.door,
             "toelichting": b.toelichting}
        )  # fmt: skip
    for v in traject.verlengingen.all():
        items.append(
            {"datum": v.aangevraagd_op, "wat": f"Verlenging van {v.maanden} maanden aangevraagd",
             "door": v.aangevraagd_door, "toelichting": v.toelichting}
        )  # fmt: skip
        if v.besluit_op:
            items.append(
                {"datum": v.besluit_op, "wat": f"Verlenging {v.get_status_display().lower()}", "door": v.besluit_door,
                 "toelichting": v.besluit_toelichting}
            )  # fmt: skip
    for p in traject.plaatsingen.all():
        items.append({"datum": p.startdatum, "wat": f"Plaatsing bij {p.werkgever} ({p.get_contractsoort_display()})"})
    for h in historie_regels(traject.history.select_related("history_user").order_by("history_date")):
        if h.record.history_change_reason:
            items.append({"datum": h.datum, "wat": h.wat, "wie": h.wie, "wijzigingen": h.wijzigingen})
    stop = getattr(traject, "stopbericht", None)
    if stop:
        items.append({"datum": stop.op, "wat": f"Stopbericht: {stop.get_reden_display()}", "door": stop.door,
                      "toelichting": stop.toelichting})  # fmt: skip
    verslag = getattr(traject, "eindverslag", None)
    if verslag:
        items.append({"datum": verslag.op, "wat": f"Eindverslag: {verslag.get_uitkomst_display()}", "door": verslag.door,
                      "toelichting": verslag.toelichting})  # fmt: skip

    def key(item):
        d = item["datum"]
        return d if hasattr(d, "hour") else timezone.make_aware(timezone.datetime(d.year, d.month, d.day))

    for item in items:
        door = item.get("door")
        item["door"] = item.pop("wie", None) or ((door.get_full_name() or door.username) if door else "")
    return sorted(items, key=key)


def _traject(request, uuid):
    qs = selectors.trajecten_for(request.user).select_related(
        "deelnemer", "aanvraag", "aanvraag__ingediend_door", "stopbericht", "stopbericht__door",
        "eindverslag", "eindverslag__door", "goedgekeurd_door",
    ).prefetch_related(
        "aanvraag__besluiten__door", "verlengingen__aangevraagd_door", "verlengingen__besluit_door"
    )  # fmt: skip
    return get_object_or_404(qs, uuid=uuid)


def _detail(request, traject, **forms):
    user = request.user
    context = {
        "traject": traject,
        "historie": _historie(traject),
        "today": timezone.localdate(),
        "eigen": permissions.traject_eigen_weigering(user, traject) is None,
        "open_verlenging": permissions.open_verlenging(traject),
        # the same permission functions the services raise on (trajecten/permissions.py)
        "mag_plaatsen": permissions.can_plaatsing_vastleggen(user, traject)[0],
        "mag_verlengen": permissions.can_verlenging_aanvragen(user, traject)[0],
        "mag_stoppen": permissions.can_traject_stoppen(user, traject)[0],
        "mag_eindverslag": permissions.can_eindverslag_sturen(user, traject)[0],
        "plaatsing_form": forms.get("plaatsing_form") or PlaatsingForm(prefix="plaatsing"),
        "verlenging_form": forms.get("verlenging_form") or VerlengingForm(prefix="verlenging"),
        "stop_form": forms.get("stop_form") or StopForm(prefix="stop"),
        "eindverslag_form": forms.get("eindverslag_form") or EindverslagForm(prefix="eindverslag"),
        "open_form": next((k for k, v in forms.items() if v is not None), ""),
    }
    status = 400 if forms else 200
    return render(request, "trajecten/aanbieder/traject_detail.html", context, status=status)


@require_http_methods(["GET"])
def traject_detail(request, uuid):
    _require(request.user, *roles.CASE_ROLES)
    return _detail(request, _traject(request, uuid))


def _actie(request, uuid, form_class, prefix, call, success):
    """POST of one of the trajectory's actions: validate, call the service, or show the detail
    page again with the form's errors (and the rule's code) at the field."""
    _require(request.user, roles.AANBIEDER)
    traject = _traject(request, uuid)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            call(traject, form.cleaned_data)
        except BusinessRuleError as exc:
            add_rule_error(form, exc)
        else:
            messages.success(request, success)
            return redirect("web-traject", uuid=traject.uuid)
    return _detail(request, traject, **{f"{prefix}_form": form})


@require_POST
def plaatsing_nieuw(request, uuid):
    def call(traject, d):
        services.plaatsing_create(by=request.user, traject=traject, **d)

    return _actie(request, uuid, PlaatsingForm, "plaatsing", call, "De plaatsing is geregistreerd.")


@require_POST
def verlenging_nieuw(request, uuid):
    def call(traject, d):
        services.verlenging_request(
            by=request.user, traject=traject, maanden=d["maanden"], toelichting=d["toelichting"]
        )

    return _actie(request, uuid, VerlengingForm, "verlenging", call, "Het verzoek om verlenging is verstuurd.")


@require_POST
def stop_nieuw(request, uuid):
    def call(traject, d):
        services.traject_stop(
            by=request.user, traject=traject, einddatum=d["einddatum"], reden=d["reden"], toelichting=d["toelichting"]
        )

    return _actie(request, uuid, StopForm, "stop", call, "Het stopbericht is verstuurd. Stuur nu het eindverslag.")


def eindverslag_actie(request, uuid, submit):
    """The end report: the service lives in declaraties (it settles the money), which this app may
    not import; declaraties/views/eindverslag.py passes its service in."""

    def call(traject, d):
        submit(by=request.user, traject=traject, uitkomst=d["uitkomst"], toelichting=d["toelichting"],
               uren_besteed=d["uren_besteed"])  # fmt: skip

    return _actie(
        request, uuid, EindverslagForm, "eindverslag", call, "Het eindverslag is verstuurd; het traject is afgesloten."
    )


# --- signals ----------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@replica_read
def signaal_list(request):
    _require(request.user, *roles.CASE_ROLES)
    st = lijsten.staat(request, lijst_defs.SIGNALEN)
    if st.antwoord:
        return st.antwoord
    form = SignaalFilterForm(st.filters, soorten=SignaalSoort.choices)
    qs = bo_selectors.signalen_for(request.user)
    status = "open"
    if form.is_valid():
        status = form.cleaned_data.get("status") or "open"
        if form.cleaned_data.get("soort"):
            qs = qs.filter(soort=form.cleaned_data["soort"])
    if status == "open":
        qs = qs.filter(afgehandeld=False)
    elif status == "afgehandeld":
        qs = qs.filter(afgehandeld=True)
    qs = st.toepassen(qs)
    if st.export:
        return st.export_response(qs)
    page = Paginator(qs, PER_PAGINA).get_page(request.GET.get("pagina"))
    leeg = {"tekst": "Geen open signalen: de nachtelijke controle vond niets waarop u moet handelen."}
    return render(
        request,
        "trajecten/aanbieder/signaal_list.html",
        {"form": form, "page_obj": page, "today": timezone.localdate(), "leeg": leeg, **st.context(page)},
    )


web_urlpatterns = [
    path("aanvragen/nieuw/", aanvraag_nieuw, name="web-aanvraag-nieuw"),
    path("deelnemers/<uuid:uuid>/aanvraag/", aanvraag_voor_deelnemer, name="web-deelnemer-aanvraag"),
    path("aanvragen/<uuid:uuid>/intrekken/", aanvraag_intrekken, name="web-aanvraag-intrekken"),
    path("trajecten/", traject_list, name="web-trajecten"),
    path("trajecten/<uuid:uuid>/", traject_detail, name="web-traject"),
    path("trajecten/<uuid:uuid>/plaatsingen/", plaatsing_nieuw, name="web-traject-plaatsing"),
    path("trajecten/<uuid:uuid>/verlenging/", verlenging_nieuw, name="web-traject-verlenging"),
    path("trajecten/<uuid:uuid>/stopbericht/", stop_nieuw, name="web-traject-stop"),
    path("signalen/", signaal_list, name="web-signalen"),
]
