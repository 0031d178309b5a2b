"""The beheerder's desk for schemes, lots, payment plans and prices, and new accounts with their
organisation (issue 12): Dutch pages with real widgets instead of the admin's JSON. Every write goes
through a service (``financiering.services``, the same the API uses); a refusal shows in Dutch with
its code at the field it names. Each scheme's page says what is still missing before providers can
apply (``rules.regeling_inrichting_ontbreekt``). Only the beheerder opens these pages (403 otherwise).

URLs carry a scheme's or lot's code (readable, never personal data)."""

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from backoffice.errors import BusinessRuleError
from backoffice.forms import add_rule_error
from backoffice.lijsten import staat
from backoffice.opmaak import euro
from backoffice.views_beheer import historie_rijen, require_beheerder

from . import rules, selectors, services
from .forms_beheer import GebruikerForm, OrganisatieForm, PerceelForm, ProductFormSet, RegelingForm, TrajectprijsForm
from .lijsten import REGELINGEN, ROUTES
from .models import AanbiederType, Perceel, Product, Regeling, Trajectprijs

T = "financiering/beheer/"


def _fout(exc: BusinessRuleError) -> None:
    if exc.status == 404:
        raise Http404(exc.message) from exc


# the codes a lot's history holds, in words (the provider types are a JSON list of codes)
HISTORIE_KEUZES = {"toegestane_aanbiedertypen": dict(AanbiederType.choices)}


def _typen(codes) -> str:
    namen = dict(AanbiederType.choices)
    return ", ".join(namen.get(c, c) for c in codes) or "geen"


# --- schemes --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def regeling_list(request):
    """Every scheme with its routes, window, lots and whether it is fully configured, with the list
    machinery (``backoffice.lijsten``): search, sort, a remembered route filter, export. Fixed queries."""
    require_beheerder(request.user)
    st = staat(request, REGELINGEN)
    if st.antwoord:
        return st.antwoord
    qs = selectors.regelingen_list()
    route = st.filters.get("route", "")
    if route in ("uwv", "gemeente"):
        qs = qs.filter(**{f"route_{route}": True})
    qs = st.toepassen(qs)
    if st.export:
        return st.export_response(qs)
    page = Paginator(qs, 50).get_page(request.GET.get("pagina"))
    regelingen = list(page.object_list)
    REGELINGEN.voorbereiden(regelingen, request.user)
    context = {
        "regelingen": regelingen,
        "page_obj": page,
        "route": route if route in ROUTES else "",
        "routes": ROUTES,
        "leeg": {
            "tekst": "Er is nog geen regeling.",
            "actie_url": reverse("web-beheer-regeling-nieuw"),
            "actie_label": "Maak de eerste regeling aan",
        },
        **st.context(page),
    }
    return render(request, T + "regeling_list.html", context)


def _regeling(code: str) -> Regeling:
    return get_object_or_404(selectors.regelingen_list(), code=code)


def _regeling_historie(regeling: Regeling) -> list[dict]:
    perceel_ids = [p.pk for p in regeling.percelen.all()]
    namen = {p.pk: p.naam for p in regeling.percelen.all()}
    records = [
        *regeling.history.select_related("history_user"),
        *Perceel.history.filter(id__in=perceel_ids).select_related("history_user"),
        *Trajectprijs.history.filter(perceel_id__in=perceel_ids).select_related("history_user"),
    ]

    def onderwerp(h) -> str:
        if h.instance_type is Regeling:
            return "Regeling"
        if h.instance_type is Perceel:
            return f"Perceel {h.naam}"
        return f"Prijs {namen.get(h.perceel_id, '')}".strip()

    return historie_rijen(records, onderwerp=onderwerp, keuzes=HISTORIE_KEUZES)


@require_GET
def regeling_detail(request, code):
    require_beheerder(request.user)
    regeling = _regeling(code)
    today = timezone.localdate()
    op = rules.eerste_aanvraagdag(regeling, today)
    percelen = list(regeling.percelen.all())
    for p in percelen:
        p.ips_prijs = rules.price_on([(x.geldig_van, x.geldig_tot, x.bedrag) for x in p.prijzen.all()], today)
        p.ips_typen = _typen(p.toegestane_aanbiedertypen)
        p.ips_ontbreekt = rules.perceel_inrichting_ontbreekt(p, op=op)
    return render(
        request,
        T + "regeling_detail.html",
        {
            "regeling": regeling,
            "percelen": percelen,
            "ontbreekt": rules.regeling_inrichting_ontbreekt(regeling, op=op),
            "vandaag": today,
            "peildatum": op,
            "routes": " en ".join({"uwv": "UWV", "gemeente": "gemeente"}[r] for r in regeling.routes),
            "cofinanciering_procent": (regeling.cofinanciering_aandeel * 100).quantize(Decimal("1")),
            "historie": _regeling_historie(regeling),
            "historie_titel": "Historie van de regeling, haar percelen en prijzen",
        },
    )


def regeling_nieuw(request):
    require_beheerder(request.user)
    form = RegelingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            regeling = services.regeling_create(by=request.user, data=form.service_data())
        except BusinessRuleError as exc:
            _fout(exc)
            add_rule_error(form, exc)
        else:
            messages.success(
                request, f"De regeling {regeling.naam} is aangemaakt. Voeg nu een perceel met een prijs toe."
            )
            return redirect("web-beheer-regeling", code=regeling.code)
    status = 400 if request.method == "POST" else 200
    return render(request, T + "regeling_form.html", {"form": form, "regeling": None}, status=status)


def regeling_wijzigen(request, code):
    require_beheerder(request.user)
    regeling = _regeling(code)
    if request.method == "POST":
        form = RegelingForm(request.POST, wijzigen=True)
        if form.is_valid():
            try:
                services.regeling_update(by=request.user, regeling=regeling, data=form.service_data())
            except BusinessRuleError as exc:
                _fout(exc)
                add_rule_error(form, exc)
            else:
                messages.success(request, "De regeling is gewijzigd.")
                return redirect("web-beheer-regeling", code=regeling.code)
        return render(request, T + "regeling_form.html", {"form": form, "regeling": regeling}, status=400)
    form = RegelingForm(initial=RegelingForm.initial_van(regeling), wijzigen=True)
    return render(request, T + "regeling_form.html", {"form": form, "regeling": regeling})


# --- lots -----------------------------------------------------------------------------------------


def perceel_nieuw(request, code):
    require_beheerder(request.user)
    regeling = _regeling(code)
    form = PerceelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            perceel = services.perceel_aanmaken(
                by=request.user,
                regeling=regeling,
                data=data,
                trajectprijs=data.pop("trajectprijs"),
                prijs_geldig_van=data.pop("prijs_geldig_van"),
            )
        except BusinessRuleError as exc:
            _fout(exc)
            add_rule_error(form, exc, field_map={"geldig_van": "prijs_geldig_van", "bedrag": "trajectprijs"})
        else:
            messages.success(request, f"Het perceel {perceel.naam} is aangemaakt met het standaardbetaalplan.")
            return redirect("web-beheer-perceel", code=perceel.code)
    status = 400 if request.method == "POST" else 200
    return render(
        request, T + "perceel_form.html", {"form": form, "regeling": regeling, "perceel": None}, status=status
    )


def _perceel(code: str) -> Perceel:
    return get_object_or_404(selectors.percelen_list(), code=code)


def _perceel_context(perceel: Perceel, *, prijs_form=None, bewerk=None) -> dict:
    today = timezone.localdate()
    prijzen = sorted(perceel.prijzen.all(), key=lambda p: p.geldig_van, reverse=True)
    huidig = rules.price_on([(p.geldig_van, p.geldig_tot, p.bedrag) for p in prijzen], today)
    for p in prijzen:
        p.ips_geldt = p.bedrag == huidig and rules.in_window(today, p.geldig_van, p.geldig_tot)
    records = [
        *perceel.history.select_related("history_user"),
        *Trajectprijs.history.filter(perceel_id=perceel.pk).select_related("history_user"),
        *Product.history.filter(perceel_id=perceel.pk).select_related("history_user"),
    ]
    soort = {Perceel: "Perceel", Trajectprijs: "Prijs", Product: "Product"}
    return {
        "perceel": perceel,
        "regeling": perceel.regeling,
        "prijzen": prijzen,
        "producten": list(perceel.producten.all()),
        "huidige_prijs": huidig,
        "typen": _typen(perceel.toegestane_aanbiedertypen),
        "ontbreekt": rules.perceel_inrichting_ontbreekt(perceel, op=rules.eerste_aanvraagdag(perceel.regeling, today)),
        "prijs_form": prijs_form or TrajectprijsForm(),
        "bewerk": bewerk,
        "vandaag": today,
        "peildatum": rules.eerste_aanvraagdag(perceel.regeling, today),
        "historie": historie_rijen(records, onderwerp=lambda h: soort.get(h.instance_type, ""), keuzes=HISTORIE_KEUZES),
        "historie_titel": "Historie van het perceel, zijn prijzen en producten",
    }


@require_GET
def perceel_detail(request, code):
    """The lot: its data, the prices with their validity (add one, change one: ``?prijs=<id>``) and
    the payment plan."""
    require_beheerder(request.user)
    perceel = _perceel(code)
    bewerk = None
    if request.GET.get("prijs"):
        bewerk = next((p for p in perceel.prijzen.all() if str(p.pk) == request.GET["prijs"]), None)
        if bewerk is None:
            raise Http404("Deze prijs bestaat niet.")
    form = (
        TrajectprijsForm(
            initial={
                "bedrag": euro(bewerk.bedrag).replace("€\u00a0", ""),
                "geldig_van": bewerk.geldig_van,
                "geldig_tot": bewerk.geldig_tot,
            }
        )
        if bewerk
        else None
    )
    return render(request, T + "perceel_detail.html", _perceel_context(perceel, prijs_form=form, bewerk=bewerk))


@require_POST
def perceel_prijs(request, code):
    require_beheerder(request.user)
    perceel = _perceel(code)
    bewerk = None
    if request.POST.get("prijs"):
        bewerk = next((p for p in perceel.prijzen.all() if str(p.pk) == request.POST["prijs"]), None)
        if bewerk is None:
            raise Http404("Deze prijs bestaat niet.")
    form = TrajectprijsForm(request.POST)
    if form.is_valid():
        try:
            services.trajectprijs_opslaan(by=request.user, perceel=perceel, prijs=bewerk, **form.cleaned_data)
        except BusinessRuleError as exc:
            _fout(exc)
            add_rule_error(form, exc)
        else:
            messages.success(request, "De prijs is opgeslagen." if bewerk else "De nieuwe prijs is vastgesteld.")
            return redirect("web-beheer-perceel", code=perceel.code)
    return render(
        request, T + "perceel_detail.html", _perceel_context(perceel, prijs_form=form, bewerk=bewerk), status=400
    )


def perceel_wijzigen(request, code):
    require_beheerder(request.user)
    perceel = _perceel(code)
    if request.method == "POST":
        form = PerceelForm(request.POST, wijzigen=True)
        if form.is_valid():
            try:
                services.perceel_wijzigen(by=request.user, perceel=perceel, data=form.cleaned_data)
            except BusinessRuleError as exc:
                _fout(exc)
                add_rule_error(form, exc)
            else:
                messages.success(request, "Het perceel is gewijzigd.")
                return redirect("web-beheer-perceel", code=perceel.code)
        context = {"form": form, "regeling": perceel.regeling, "perceel": perceel}
        return render(request, T + "perceel_form.html", context, status=400)
    form = PerceelForm(initial=PerceelForm.initial_van(perceel), wijzigen=True)
    return render(request, T + "perceel_form.html", {"form": form, "regeling": perceel.regeling, "perceel": perceel})


def perceel_betaalplan(request, code):
    """The lot's payment plan: products with their kind and share (in %), adding up to 100%."""
    require_beheerder(request.user)
    perceel = _perceel(code)
    if request.method == "POST":
        formset = ProductFormSet(request.POST, prefix="product")
        fout = ""
        if formset.is_valid():
            producten = [
                {
                    "code": f["code"],
                    "naam": f["naam"],
                    "soort": f["soort"],
                    "aandeel": (f["aandeel_procent"] / 100).quantize(Decimal("0.0001")),
                    "min_uren_per_week": f.get("min_uren_per_week"),
                }
                for f in formset.cleaned_data
                if f and not f.get("DELETE")
            ]
            try:
                services.betaalplan_wijzigen(by=request.user, perceel=perceel, producten=producten)
            except BusinessRuleError as exc:
                _fout(exc)
                fout = f"{exc.message} (code: {exc.code})"
            else:
                messages.success(request, "Het betaalplan is opgeslagen.")
                return redirect("web-beheer-perceel", code=perceel.code)
        context = {"formset": formset, "perceel": perceel, "regeling": perceel.regeling, "fout": fout}
        return render(request, T + "betaalplan.html", context, status=400)
    initial = [
        {
            "code": p.code,
            "naam": p.naam,
            "soort": p.soort,
            "aandeel_procent": (p.aandeel * 100).quantize(Decimal("0.01")),
            "min_uren_per_week": p.min_uren_per_week,
        }
        for p in perceel.producten.all()
    ]
    formset = ProductFormSet(initial=initial, prefix="product")
    return render(
        request, T + "betaalplan.html", {"formset": formset, "perceel": perceel, "regeling": perceel.regeling}
    )


# --- a new account with its organisation ----------------------------------------------------------


def gebruiker_nieuw(request):
    """A new account linked to its provider or gemeente(n) (``Medewerker``), without a role: the role
    is requested on the account's page and approved by a second beheerder."""
    require_beheerder(request.user)
    form = GebruikerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user = services.gebruiker_aanmaken(
                by=request.user,
                username=d["username"],
                wachtwoord=d["wachtwoord"],
                first_name=d["first_name"],
                last_name=d["last_name"],
                email=d["email"],
                aanbieder=d["aanbieder"],
                gemeenten=list(d["gemeenten"]),
            )
        except BusinessRuleError as exc:
            _fout(exc)
            add_rule_error(form, exc)
        else:
            messages.success(request, f"Het account {user.username} is aangemaakt. Vraag nu een rol aan.")
            return redirect(reverse("web-beheer-gebruiker", kwargs={"username": user.username}))
    status = 400 if request.method == "POST" else 200
    return render(request, T + "gebruiker_form.html", {"form": form}, status=status)


def gebruiker_organisatie(request, username):
    """Link an existing account to its provider or gemeente(n) (or to none)."""
    from django.contrib.auth import get_user_model

    require_beheerder(request.user)
    gebruiker = get_object_or_404(get_user_model().objects.prefetch_related("groups"), username=username)
    medewerker = getattr(gebruiker, "medewerker", None)
    if request.method == "POST":
        form = OrganisatieForm(request.POST)
        if form.is_valid():
            try:
                services.medewerker_koppelen(
                    by=request.user,
                    gebruiker=gebruiker,
                    aanbieder=form.cleaned_data["aanbieder"],
                    gemeenten=list(form.cleaned_data["gemeenten"]),
                )
            except BusinessRuleError as exc:
                _fout(exc)
                add_rule_error(form, exc)
            else:
                messages.success(request, f"De organisatie van {gebruiker.username} is opgeslagen.")
                return redirect("web-beheer-gebruiker", username=gebruiker.username)
        return render(request, T + "organisatie_form.html", {"form": form, "gebruiker": gebruiker}, status=400)
    initial = {"organisatie": "geen"}
    if medewerker is not None and medewerker.aanbieder_id:
        initial = {"organisatie": "aanbieder", "aanbieder": medewerker.aanbieder_id}
    elif medewerker is not None and medewerker.gemeenten.exists():
        initial = {"organisatie": "gemeente", "gemeenten": list(medewerker.gemeenten.all())}
    form = OrganisatieForm(initial=initial)
    return render(request, T + "organisatie_form.html", {"form": form, "gebruiker": gebruiker})


web_urlpatterns = [
    path("beheer/regelingen/", regeling_list, name="web-beheer-regelingen"),
    path("beheer/regelingen/nieuw/", regeling_nieuw, name="web-beheer-regeling-nieuw"),
    path("beheer/regelingen/<str:code>/", regeling_detail, name="web-beheer-regeling"),
    path("beheer/regelingen/<str:code>/wijzigen/", regeling_wijzigen, name="web-beheer-regeling-wijzigen"),
    path("beheer/regelingen/<str:code>/perceel-nieuw/", perceel_nieuw, name="web-beheer-perceel-nieuw"),
    path("beheer/percelen/<str:code>/", perceel_detail, name="web-beheer-perceel"),
    path("beheer/percelen/<str:code>/wijzigen/", perceel_wijzigen, name="web-beheer-perceel-wijzigen"),
    path("beheer/percelen/<str:code>/prijs/", perceel_prijs, name="web-beheer-perceel-prijs"),
    path("beheer/percelen/<str:code>/betaalplan/", perceel_betaalplan, name="web-beheer-perceel-betaalplan"),
    path("beheer/gebruiker-nieuw/", gebruiker_nieuw, name="web-beheer-gebruiker-nieuw"),
    path("beheer/organisatie/<str:username>/", gebruiker_organisatie, name="web-beheer-gebruiker-organisatie"),
]


def werkbak_regelingen(user) -> dict:
    """The beheerder's werkbak: schemes providers cannot apply to yet, with what is missing."""
    today = timezone.localdate()
    open_ = [
        (r, rules.regeling_inrichting_ontbreekt(r, op=rules.eerste_aanvraagdag(r, today)))
        for r in selectors.regelingen_list()
    ]
    open_ = [(r, o) for r, o in open_ if o]
    return {
        "titel": "Regelingen die nog niet volledig zijn ingericht",
        "aantal": len(open_),
        "rijen": [
            {
                "label": r.naam,
                "url": reverse("web-beheer-regeling", kwargs={"code": r.code}),
                "deadline": None,
                "toelichting": o[0] + (f" (en nog {len(o) - 1})" if len(o) > 1 else ""),
            }
            for r, o in open_[:8]
        ],
        "link": reverse("web-beheer-regelingen"),
        "leeg": "Alle regelingen zijn volledig ingericht.",
    }
