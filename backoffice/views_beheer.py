"""The beheerder's desk in the browser (issue 12): the settings, the accounts and their roles under
four eyes (docs/security.md "Vier ogen op rollen"). Schemes, lots, prices and new accounts with an
organisation are financiering's (financiering/views_beheer.py: imports run one way).

Every write goes through a service (``backoffice.services``): the page only shows the refusal, in
Dutch with its code. Only the beheerder opens these pages; every other role gets a 403."""

from datetime import date, datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import lijsten, roles, services
from .errors import BusinessRuleError
from .forms import rule_message
from .forms_beheer import InstellingenForm, RolAanvraagForm
from .history import decimaal_tekst, wie
from .models import Instellingen, RolToekenning, User
from .web import organisatie_naam

PER_PAGINA = 25


def require_beheerder(user) -> None:
    allowed, reason = roles.check_role(user, roles.BEHEERDER)
    if not allowed:
        raise PermissionDenied(reason)


# --- history: who changed what (field, old, new) ---------------------------------------------------


def _waarde(value) -> str:
    if value is None or value == "" or value == []:
        return "leeg"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, datetime):
        return f"{value:%d-%m-%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d-%m-%Y}"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def historie_rijen(
    records, *, onderwerp, keuzes: dict[str, dict] | None = None, velden: dict | None = None
) -> list[dict]:
    """History records (django-simple-history) as rows for ``backoffice/_historie.html``: when, who
    (full name), what (the change reason, else made/changed), and per field the old and the new value
    (a choice by its label, a person by name). ``onderwerp(record) -> str`` names the object ("Perceel
    EPA"; empty: no prefix). Newest first; the records are diffed in memory against the previous one
    of the same object, and the people named in the changes are read in one query. ``keuzes``: per
    field name the labels of the codes it holds (a list field of codes, such as the provider types
    of a lot), so that no code is shown. ``velden``: per model the only fields shown as changed
    (an account: not its password or last login)."""
    keuzes = keuzes or {}
    records = sorted(records, key=lambda h: (h.history_date, h.history_id))
    vorige: dict = {}
    gewijzigd = []
    personen: set[int] = set()
    for h in records:
        key = (type(h), h.id)
        prev = vorige.get(key)
        changes = []
        if prev is not None:
            model = h.instance_type
            for change in h.diff_against(prev).changes:
                if velden and model in velden and change.field not in velden[model]:
                    continue
                try:
                    field = model._meta.get_field(change.field)
                except Exception:  # noqa: BLE001  (a field no longer on the model)
                    field = None
                if field is not None and field.is_relation and field.related_model is get_user_model():
                    personen.update(v for v in (change.old, change.new) if v)
                changes.append((field, change))
        vorige[key] = h
        gewijzigd.append((h, changes))
    namen = {u.pk: u.get_full_name() or u.username for u in get_user_model().objects.filter(pk__in=personen)}

    def waarde(field, value) -> str:
        if field is not None and value not in (None, ""):
            if field.is_relation:
                return namen.get(value, str(value))
            if field.choices:
                return str(dict(field.flatchoices).get(value, value))
            if isinstance(value, Decimal):
                return decimaal_tekst(field, value)  # a price as € 8.000,00, as on every other page
            if field.name in keuzes:
                labels = keuzes[field.name]
                return _waarde(
                    [labels.get(v, v) for v in value] if isinstance(value, list) else labels.get(value, value)
                )
        return _waarde(value)

    rijen = []
    for h, changes in gewijzigd:
        if h.history_type == "+":
            wat = h.history_change_reason or "aangemaakt"
        elif h.history_type == "-":
            wat = "verwijderd"
        else:
            wat = h.history_change_reason or "gewijzigd"
        naam = onderwerp(h)
        rijen.append(
            {
                "datum": h.history_date,
                "wat": f"{naam}: {wat}" if naam else wat[:1].upper() + wat[1:],
                "door": wie(h),
                "toelichting": "; ".join(
                    f"{field.verbose_name if field is not None else c.field}: {waarde(field, c.old)} → "
                    f"{waarde(field, c.new)}"
                    for field, c in changes
                ),
            }
        )
    rijen.reverse()
    return rijen


# --- settings -------------------------------------------------------------------------------------


def _instellingen_context(form) -> dict:
    records = Instellingen.history.select_related("history_user").order_by("-history_date")[:50]
    return {
        "form": form,
        "groepen": form.groepen(),
        "historie": historie_rijen(records, onderwerp=lambda h: ""),
        "historie_titel": "Historie van de instellingen",
    }


def instellingen(request):
    """Every setting on one page, grouped, with its help text; a change goes through
    ``services.instellingen_wijzigen`` and is in the history below the form."""
    require_beheerder(request.user)
    huidig = Instellingen.get()
    if request.method == "POST":
        form = InstellingenForm(request.POST, instance=huidig)
        if form.is_valid():
            try:
                services.instellingen_wijzigen(by=request.user, data=form.cleaned_data)
            except BusinessRuleError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, rule_message(exc))
                return render(request, "backoffice/beheer/instellingen.html", _instellingen_context(form), status=400)
            messages.success(request, "De instellingen zijn opgeslagen.")
            return redirect("web-beheer-instellingen")
        return render(request, "backoffice/beheer/instellingen.html", _instellingen_context(form), status=400)
    form = InstellingenForm(instance=huidig)
    return render(request, "backoffice/beheer/instellingen.html", _instellingen_context(form))


# --- accounts and roles ----------------------------------------------------------------------------


def _gebruikers():
    return (
        get_user_model()
        .objects.select_related("medewerker__aanbieder")
        .prefetch_related("groups", "medewerker__gemeenten")
        .order_by("username")
    )


def _rollen(user) -> list[str]:
    return [roles.ROLES[g.name] for g in user.groups.all() if g.name in roles.ROLES]


def _gebruikers_versieren(rijen, user) -> None:
    """Organisation, roles and lockout of each listed account, from the prefetch: one query."""
    geblokkeerd = services.inlog_blokkades([u.username for u in rijen])
    for u in rijen:
        u._ips_roles = {g.name for g in u.groups.all()}  # roles.roles_of from the prefetch, no query per row
        u.ips_organisatie = organisatie_naam(u)
        u.ips_rollen = _rollen(u)
        u.ips_geblokkeerd = u.username in geblokkeerd


def _status(u, _user=None) -> str:
    if not u.is_active:
        return "gedeactiveerd"
    return "geblokkeerd" if u.ips_geblokkeerd else "actief"


GEBRUIKERS = lijsten.Lijst(
    naam="gebruikers",
    titel="Gebruikers",
    url_name="web-beheer-gebruikers",
    kolommen=(
        lijsten.Kolom(
            "naam", "Gebruiker", "last_name", lambda u, _: u.get_full_name() or u.username, **lijsten.TEKST_RICHTING
        ),
        lijsten.Kolom(
            "gebruikersnaam",
            "Gebruikersnaam",
            "username",
            lambda u, _: u.username,
            tonen=False,
            **lijsten.TEKST_RICHTING,
        ),  # fmt: skip
        lijsten.Kolom("organisatie", "Organisatie", None, lambda u, _: u.ips_organisatie),
        lijsten.Kolom("rollen", "Rollen", None, lambda u, _: ", ".join(u.ips_rollen)),
        lijsten.Kolom(
            "status", "Status", "is_active", _status, oplopend="gedeactiveerd eerst", aflopend="actief eerst"
        ),
        lijsten.Kolom("laatst", "Laatst ingelogd", "last_login", lambda u, _: u.last_login, **lijsten.DATUM_RICHTING),
    ),
    sortering="naam",
    tiebreak="username",
    filters=("actief", "rol"),
    zoeken=lijsten.Zoeken(tekst=("username", "first_name", "last_name"), label="naam of gebruikersnaam"),
    voorbereiden=_gebruikers_versieren,
)
ACTIEF_FILTERS = {"": "Alle accounts", "ja": "Actief", "nee": "Gedeactiveerd"}


@require_http_methods(["GET", "POST"])
def gebruikers(request):
    """Every account: name, organisation, roles, active or not, locked out or not; above it the
    role requests that wait for a second beheerder. The list machinery (``backoffice.lijsten``):
    search by name, sort, the remembered filters (active, role), export. A fixed number of queries."""
    require_beheerder(request.user)
    st = lijsten.staat(request, GEBRUIKERS)
    if st.antwoord:
        return st.antwoord
    qs = _gebruikers()
    actief = st.filters.get("actief", "")
    if actief in ("ja", "nee"):
        qs = qs.filter(is_active=actief == "ja")
    rol = st.filters.get("rol", "")
    if rol in roles.ROLES:
        qs = qs.filter(groups__name=rol)
    qs = st.toepassen(qs)
    if st.export:
        return st.export_response(qs)
    page = Paginator(qs, PER_PAGINA).get_page(request.GET.get("pagina"))
    rijen = list(page.object_list)
    _gebruikers_versieren(rijen, request.user)
    wachtend = list(
        RolToekenning.objects.filter(status="aangevraagd").select_related("gebruiker", "aangevraagd_door")[:50]
    )
    return render(
        request,
        "backoffice/beheer/gebruikers.html",
        {
            "page_obj": page,
            "gebruikers": rijen,
            "actief": actief,
            "actief_keuzes": ACTIEF_FILTERS,
            "rol": rol if rol in roles.ROLES else "",
            "rol_keuzes": sorted(roles.ROLES.items(), key=lambda kv: kv[1]),
            "wachtend": wachtend,
            "leeg": {
                "tekst": "Er zijn nog geen gebruikers.",
                "actie_url": reverse("web-beheer-gebruiker-nieuw"),
                "actie_label": "Nieuwe gebruiker",
            },
            **st.context(page),
        },
    )


def _gebruiker(username: str):
    return get_object_or_404(
        _gebruikers().prefetch_related(
            Prefetch(
                "rol_toekenningen",
                queryset=RolToekenning.objects.select_related(
                    "aangevraagd_door", "beslist_door", "ingetrokken_door"
                ).order_by("-aangevraagd_op", "-id"),
            )
        ),
        username=username,
    )


# the account's fields a history row shows as changed (never the password or the last login)
ACCOUNT_VELDEN = {User: {"is_active", "first_name", "last_name", "email", "username"}}


def _onderwerp(h) -> str:
    return "" if h.instance_type is RolToekenning else "Account"


def _gebruiker_context(request, gebruiker, form=None, fout: str = "") -> dict:
    gebruiker._ips_roles = {g.name for g in gebruiker.groups.all()}
    toekenningen = list(gebruiker.rol_toekenningen.all())
    lopend = {t.rol for t in toekenningen if t.status == "goedgekeurd"}
    zonder_aanvraag = [
        (g.name, roles.ROLES[g.name]) for g in gebruiker.groups.all() if g.name in roles.ROLES and g.name not in lopend
    ]
    records = [
        *RolToekenning.history.filter(gebruiker_id=gebruiker.pk).select_related("history_user"),
        # the account's own rows: made, deactivated, opened again, lockout lifted, changed in the
        # admin (a login or a new password writes none, ``User.save``)
        *User.history.filter(id=gebruiker.pk).select_related("history_user"),
    ]
    return {
        "gebruiker": gebruiker,
        "organisatie": organisatie_naam(gebruiker),
        "rollen": _rollen(gebruiker),
        "toekenningen": toekenningen,
        "zonder_aanvraag": zonder_aanvraag,
        "geblokkeerd": gebruiker.username in services.inlog_blokkades([gebruiker.username]),
        "form": form or RolAanvraagForm(),
        "fout": fout,
        "ik": request.user,
        "historie": historie_rijen(records, onderwerp=_onderwerp, velden=ACCOUNT_VELDEN),
        "historie_titel": "Historie van het account en de rollen",
    }


@require_GET
def gebruiker(request, username):
    require_beheerder(request.user)
    g = _gebruiker(username)
    return render(request, "backoffice/beheer/gebruiker.html", _gebruiker_context(request, g))


def _weigering(request, g, exc: BusinessRuleError, form=None):
    if exc.status == 404:
        raise Http404(exc.message) from exc
    context = _gebruiker_context(request, g, form=form, fout=rule_message(exc))
    return render(request, "backoffice/beheer/gebruiker.html", context, status=exc.status)


@require_POST
def rol_aanvragen(request, username):
    require_beheerder(request.user)
    g = _gebruiker(username)
    form = RolAanvraagForm(request.POST)
    if not form.is_valid():
        return render(request, "backoffice/beheer/gebruiker.html", _gebruiker_context(request, g, form), status=400)
    try:
        services.rol_aanvragen(
            by=request.user, gebruiker=g, rol=form.cleaned_data["rol"], toelichting=form.cleaned_data["toelichting"]
        )
    except BusinessRuleError as exc:
        return _weigering(request, g, exc, form)
    messages.success(
        request,
        f"De rol {roles.ROLES[form.cleaned_data['rol']]} is aangevraagd. Een tweede beheerder keurt goed of wijst af.",
    )
    return redirect("web-beheer-gebruiker", username=g.username)


ROL_ACTIES = {
    "goedkeuren": (services.rol_goedkeuren, "De rol is goedgekeurd: {gebruiker} heeft nu de rol {rol}."),
    "afwijzen": (services.rol_afwijzen, "De aanvraag voor de rol {rol} is afgewezen."),
    "intrekken": (services.rol_intrekken, "De rol {rol} is ingetrokken."),
}


@require_POST
def rol_besluit(request, username):
    """Approve, reject or revoke one role grant of this account (``toekenning``, ``actie``)."""
    require_beheerder(request.user)
    g = _gebruiker(username)
    actie = request.POST.get("actie", "")
    if actie == "intrekken" and request.POST.get("rol"):  # a role held without a grant in the loket
        rol = request.POST["rol"]
        try:
            services.rol_intrekken_zonder_aanvraag(by=request.user, gebruiker=g, rol=rol)
        except BusinessRuleError as exc:
            return _weigering(request, g, exc)
        messages.success(request, f"De rol {roles.ROLES.get(rol, rol)} is ingetrokken.")
        return redirect("web-beheer-gebruiker", username=g.username)
    if actie not in ROL_ACTIES:
        raise Http404("Onbekende handeling.")
    toekenning = next((t for t in g.rol_toekenningen.all() if str(t.uuid) == request.POST.get("toekenning")), None)
    if toekenning is None:
        raise Http404("Deze roltoekenning bestaat niet.")
    service, melding = ROL_ACTIES[actie]
    try:
        service(by=request.user, toekenning=toekenning)
    except BusinessRuleError as exc:
        return _weigering(request, g, exc)
    messages.success(request, melding.format(gebruiker=g.username, rol=roles.ROLES[toekenning.rol]))
    return redirect("web-beheer-gebruiker", username=g.username)


def _bevestigd(request, g, wat: str):
    """The refusal (400 ``bevestiging-ontbreekt``) when the box "Ik wil dit account ..." is not ticked."""
    if request.POST.get("bevestigd"):
        return None
    return _weigering(
        request,
        g,
        BusinessRuleError(
            code="bevestiging-ontbreekt",
            message=f"Vink aan dat u het account wilt {wat}; zonder bevestiging gebeurt er niets.",
            status=400,
        ),
    )


def _accountactie(request, username: str, actie, *, bevestigen: str = ""):
    """A beheerder's action on an account from its page: with ``bevestigen`` the box must be ticked
    first; ``actie(gebruiker)`` does it through its service and answers the message. A refusal shows
    the page again with the rule; success goes back to the page with the message."""
    require_beheerder(request.user)
    g = _gebruiker(username)
    if bevestigen and (weigering := _bevestigd(request, g, bevestigen)) is not None:
        return weigering
    try:
        melding = actie(g)
    except BusinessRuleError as exc:
        return _weigering(request, g, exc)
    messages.success(request, melding)
    return redirect("web-beheer-gebruiker", username=g.username)


@require_POST
def gebruiker_deactiveren(request, username):
    def actie(g):
        services.gebruiker_deactiveren(by=request.user, gebruiker=g)
        return f"Het account {g.username} is gedeactiveerd; zijn API-tokens zijn ingetrokken."

    return _accountactie(request, username, actie, bevestigen="deactiveren")


@require_POST
def gebruiker_heractiveren(request, username):
    """Open a deactivated account again, without its roles (four eyes: each is requested again)."""

    def actie(g):
        ingetrokken = services.gebruiker_heractiveren(by=request.user, gebruiker=g)
        melding = f"Het account {g.username} is weer actief."
        if ingetrokken:
            melding += (
                f" De rol{'len' if len(ingetrokken) > 1 else ''} {', '.join(ingetrokken)} "
                f"{'zijn' if len(ingetrokken) > 1 else 'is'} ingetrokken; vraag opnieuw aan wat nodig is "
                "(een tweede beheerder keurt goed)."
            )
        return melding

    return _accountactie(request, username, actie, bevestigen="weer activeren")


@require_POST
def blokkade_opheffen(request, username):
    def actie(g):
        services.inlogblokkade_opheffen(by=request.user, gebruiker=g)
        return f"De inlogblokkade van {g.username} is opgeheven."

    return _accountactie(request, username, actie)


web_urlpatterns = [
    path("beheer/instellingen/", instellingen, name="web-beheer-instellingen"),
    path("beheer/gebruikers/", gebruikers, name="web-beheer-gebruikers"),
    path("beheer/gebruikers/<str:username>/", gebruiker, name="web-beheer-gebruiker"),
    path("beheer/gebruikers/<str:username>/rol-aanvragen/", rol_aanvragen, name="web-beheer-rol-aanvragen"),
    path("beheer/gebruikers/<str:username>/rol-besluit/", rol_besluit, name="web-beheer-rol-besluit"),
    path("beheer/gebruikers/<str:username>/deactiveren/", gebruiker_deactiveren, name="web-beheer-deactiveren"),
    path("beheer/gebruikers/<str:username>/heractiveren/", gebruiker_heractiveren, name="web-beheer-heractiveren"),
    path("beheer/gebruikers/<str:username>/blokkade/", blokkade_opheffen, name="web-beheer-blokkade"),
]
