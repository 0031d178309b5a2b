"""Every endpoint and every page, as every role, against another organisation's objects.

The URL patterns are enumerated from Django's URL resolver (the API and the pages alike; only the
admin is left out: it has its own login and ``tests/backoffice/test_admin.py``). Each pattern must
be classified in :data:`ROUTES` below; a new pattern that is not fails
``test_every_url_pattern_is_covered``, so a new endpoint cannot be forgotten; and the OpenAPI
document must list exactly the same API endpoints (``test_the_openapi_document_and_the_url_patterns_agree``).

The foreign case: GGZ Zuid's participants in gemeente Utrecht on the gemeente route, one with an
active trajectory (with an extension, a placement, a declaration, a paid payment order and a claim on
Utrecht) and one whose application Utrecht has not decided yet (so UWV may not see it either),
plus a signal, a notification and a job run. The six roles are played by users *outside* that
case: GGZ Noord (aanbieder), gemeente Amsterdam, UWV beoordelaar, UWV financieel, the auditor and
the beheerder.

- An object route (a ``<uuid>`` in the path): every supported method must answer 403 or 404, the
  same as for a uuid that does not exist (so existence does not leak), unless the role is entitled
  to that object by roles.md (:data:`ENTITLED`: UWV sees every trajectory once it approved it, the
  beheerder every budget, ...). The owner must get 200 on a GET, so the object is real.
- A list or export route (no ``<uuid>``): a 403, or an answer in which none of the foreign objects'
  markers (uuids, the participants' names) appears for a role that is not entitled to them.
- The foreign participants' BSNs appear in no answer at all.
"""

import datetime
import re
import uuid as uuidlib

import pytest
import time_machine
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from backoffice import crypto
from backoffice.models import Document, Notificatie, Signaal, Taakrun
from bezwaren import services as bezwaar_services
from declaraties.models import Declaratie, Vordering
from tests.declaraties.geld_helpers import claim, declare, moment, pay, start_line
from tests.factories import TrajectbegeleiderFactory, budget
from tests.trajecten.helpers import aanvraag, approved_traject
from trajecten.models import Aanvraag, Deelnemer, Traject, Verlenging

pytestmark = pytest.mark.django_db
D = datetime.date

ROLES = ("ggz_noord", "gem_amsterdam", "uwv", "uwv_fin", "auditor", "beheer")
UWV = frozenset({"uwv", "uwv_fin"})

# Which of the six roles may see each foreign object (roles.md); everyone else must be refused.
ENTITLED = {
    "traject": UWV,  # UWV sees every trajectory
    "traject_aanvraag": UWV,
    "traject_deelnemer": frozenset(),  # on the gemeente route UWV sees the case, not the person (docs/privacy.md)
    "verlenging": UWV,
    "plaatsing": UWV,
    "aanvraag": frozenset(),  # gemeente route, not yet decided by Utrecht: not even UWV
    "deelnemer": frozenset(),
    "declaratie": UWV,
    "betaalopdracht": UWV,
    "vordering": UWV,
    "vordering_regel": UWV,
    "budget": UWV | {"beheer"},  # budgets: UWV and the beheerder see all
    "signaal": frozenset(),  # about the undecided application: Zuid's and Utrecht's only
    "notificatie": frozenset(),  # one user's own e-mail digest
    "taakrun": UWV | {"beheer"},  # job runs are the system's, not an organisation's
    "trajectbegeleider": UWV | {"beheer"},  # a provider's employment specialists: UWV and the beheerder see all
    "prestatie": UWV,  # a declaration line: as the declaration
    "bezwaar": frozenset(),  # an objection against Utrecht's decision: Zuid's and Utrecht's only, not UWV's
    "document": UWV,  # the decision document of the approved application: as the application
    "modeltrouw_aanbieder": UWV | {"auditor", "beheer", "gem_amsterdam"},  # a provider's audit history page
    "modeltrouwmeting": UWV | {"auditor", "beheer", "gem_amsterdam"},  # one audit's page: as the history
}
# Objects whose uuid is no secret (the API lists providers and audits to everyone, roles.md first
# row), only their web pages are scoped: their uuid is not a marker in lists.
GEEN_MARKER = {"modeltrouw_aanbieder", "modeltrouwmeting"}
# Who owns each object (gets 200 on a GET, proving the foreign URL is real).
OWNER = {
    "traject": "ggz_zuid",
    "traject_aanvraag": "ggz_zuid",
    "traject_deelnemer": "ggz_zuid",
    "verlenging": "ggz_zuid",
    "plaatsing": "ggz_zuid",
    "aanvraag": "ggz_zuid",
    "deelnemer": "ggz_zuid",
    "declaratie": "ggz_zuid",
    "betaalopdracht": "uwv_fin",
    "vordering": "gem_utrecht",
    "vordering_regel": "gem_utrecht",
    "budget": "gem_utrecht",
    "signaal": "ggz_zuid",
    "notificatie": "ggz_zuid",
    "taakrun": "beheer",
    "trajectbegeleider": "ggz_zuid",
    "prestatie": "ggz_zuid",
    "bezwaar": "ggz_zuid",
    "document": "ggz_zuid",
    "modeltrouw_aanbieder": "ggz_zuid",
    "modeltrouwmeting": "ggz_zuid",
}

# Every URL pattern outside the admin, by name: ("object", {kwarg: object}) for a route about one
# foreign object (the object the access turns on comes first), ("list", None) for a list, export or
# form without an object, ("reference", {kwarg: object}) for reference data everyone may read
# (roles.md, first row), ("public", reason) for the few that are open without a login.
T = {"uuid": "traject"}
ROUTES = {
    # open without login
    "login": ("public", "the browsable API's session login (our throttled login view)"),
    "logout": ("public", "the browsable API's logout"),
    "token": ("public", "token login: username + password, throttled"),
    "openapi": ("public", "the API description, no data"),
    "api-docs": ("public", "Swagger UI, no data"),
    "web-inloggen": ("public", "the login page"),
    "web-uitloggen": ("public", "logging out"),
    "web-inloggen-code": ("public", "the second step of the login: the user's own code (backoffice/tweestaps.py)"),
    "web-inloggen-instellen": ("public", "setting up one's own authenticator app (after the password)"),
    "web-inloggen-herstelcodes": ("public", "one's own new recovery codes, shown once"),
    "web-inloggen-organisatie": ("public", "to the organisation's identity provider (OpenID Connect)"),
    "web-inloggen-organisatie-terug": ("public", "back from the identity provider (OpenID Connect)"),
    "web-tweestaps": ("list", None),
    "web-tweestaps-herstelcodes": ("list", None),
    # reference data (roles.md: everyone reads schemes, lots, gemeenten, providers)
    "regeling": ("reference", {"uuid": "regeling"}),
    "perceel": ("reference", {"uuid": "perceel"}),
    "gemeente": ("reference", {"uuid": "gemeente"}),
    "aanbieder": ("reference", {"uuid": "aanbieder"}),
    "implementatieplan": ("reference", {"uuid": "aanbieder"}),  # read by all; only the auditor records it
    # API: objects
    "trajectbegeleider": ("object", {"uuid": "trajectbegeleider"}),
    "signaal": ("object", {"uuid": "signaal"}),
    "taakrun": ("object", {"uuid": "taakrun"}),
    "notificatie": ("object", {"uuid": "notificatie"}),
    "budget": ("object", {"uuid": "budget"}),
    "deelnemer": ("object", {"uuid": "deelnemer"}),
    "deelnemer-inzage": ("object", {"uuid": "deelnemer"}),  # AVG art. 15: the own provider only
    "aanvraag": ("object", {"uuid": "aanvraag"}),
    "aanvraag-beoordelingen": ("object", {"uuid": "aanvraag"}),
    "aanvraag-intrekkingen": ("object", {"uuid": "aanvraag"}),
    "traject": ("object", T),
    "verlengingen": ("object", T),
    "verlenging-beoordelingen": ("object", {"uuid": "traject", "verlenging_uuid": "verlenging"}),
    "plaatsingen": ("object", T),
    "plaatsing": ("object", {"uuid": "traject", "plaatsing_uuid": "plaatsing"}),
    "stopberichten": ("object", T),
    "eindverslagen": ("object", T),
    "declaratie": ("object", {"uuid": "declaratie"}),
    "declaratie-beoordelingen": ("object", {"uuid": "declaratie"}),
    "betaalopdracht": ("object", {"uuid": "betaalopdracht"}),
    "betaalopdracht-regels": ("object", {"uuid": "betaalopdracht"}),
    "betaalopdracht-sepa": ("object", {"uuid": "betaalopdracht"}),
    "betaalopdracht-goedkeuringen": ("object", {"uuid": "betaalopdracht"}),
    "betaalopdracht-bevestigingen": ("object", {"uuid": "betaalopdracht"}),
    "vordering": ("object", {"uuid": "vordering"}),
    "vordering-regels": ("object", {"uuid": "vordering"}),
    "vordering-verzendingen": ("object", {"uuid": "vordering"}),
    "vordering-ontvangsten": ("object", {"uuid": "vordering"}),
    "vordering-factuur-xml": ("object", {"uuid": "vordering"}),
    "vordering-bezwaren": ("object", {"uuid": "vordering"}),
    "vordering-bezwaar-beoordelingen": ("object", {"uuid": "vordering", "regel_uuid": "vordering_regel"}),
    "bezwaar": ("object", {"uuid": "bezwaar"}),
    "bezwaar-beslissingen": ("object", {"uuid": "bezwaar"}),
    "bezwaar-verdagingen": ("object", {"uuid": "bezwaar"}),
    "bezwaar-intrekkingen": ("object", {"uuid": "bezwaar"}),
    "document-inhoud": ("object", {"uuid": "document"}),
    # API: lists and exports
    "signalen": ("list", None),
    "taakruns": ("list", None),
    "notificaties": ("list", None),
    "regelingen": ("list", None),
    "percelen": ("list", None),
    "gemeenten": ("list", None),
    "aanbieders": ("list", None),
    "trajectbegeleiders": ("list", None),
    "raamovereenkomsten": ("list", None),
    "budgetten": ("list", None),
    "modeltrouwmetingen": ("list", None),
    "deelnemers": ("list", None),
    "deelnemers-zoek": ("list", None),
    "aanvragen": ("list", None),
    "trajecten": ("list", None),
    "declaraties": ("list", None),
    "declaratie-sjabloon-csv": ("list", None),
    "declaratie-sjabloon-xlsx": ("list", None),
    "prestaties": ("list", None),
    "betaalopdrachten": ("list", None),
    "vorderingen": ("list", None),
    "vorderingen-overzicht": ("list", None),
    "werkmonitor": ("list", None),
    "bezwaren": ("list", None),
    "documenten": ("list", None),
    "verwerkingen": ("list", None),  # the processing log: the FG only (tests/security/test_verwerkingslog.py)
    "verwerkingen-zoek": ("list", None),
    # pages: objects
    "web-aanvraag": ("object", {"uuid": "aanvraag"}),
    "web-aanvraag-beoordeling": ("object", {"uuid": "aanvraag"}),
    "web-aanvraag-intrekken": ("object", {"uuid": "aanvraag"}),
    "web-verlenging-beoordeling": ("object", {"uuid": "traject", "verlenging_uuid": "verlenging"}),
    "web-deelnemer": ("object", {"uuid": "deelnemer"}),
    "web-deelnemer-inzage": ("object", {"uuid": "deelnemer"}),
    "web-deelnemer-aanvraag": ("object", {"uuid": "deelnemer"}),  # w4: a new application for a known participant
    "web-traject": ("object", T),
    "web-traject-plaatsing": ("object", T),
    "web-traject-verlenging": ("object", T),
    "web-traject-stop": ("object", T),
    "web-traject-eindverslag": ("object", T),
    "web-declaratie": ("object", {"uuid": "declaratie"}),
    "web-declaratie-beoordeling": ("object", {"uuid": "declaratie"}),
    "web-betaalopdracht": ("object", {"uuid": "betaalopdracht"}),
    "web-betaalopdracht-akkoord": ("object", {"uuid": "betaalopdracht"}),
    "web-betaalopdracht-bevestiging": ("object", {"uuid": "betaalopdracht"}),
    "web-betaalopdracht-sepa": ("object", {"uuid": "betaalopdracht"}),
    "web-betaalopdracht-regels": ("object", {"uuid": "betaalopdracht"}),
    "web-taakrun": ("object", {"uuid": "taakrun"}),
    "web-vordering": ("object", {"uuid": "vordering"}),
    "web-vordering-verzenden": ("object", {"uuid": "vordering"}),
    "web-vordering-ontvangst": ("object", {"uuid": "vordering"}),
    "web-vordering-bezwaar": ("object", {"uuid": "vordering"}),
    "web-vordering-bezwaarbesluit": ("object", {"uuid": "vordering"}),
    "web-vordering-regels": ("object", {"uuid": "vordering"}),
    "web-bezwaar": ("object", {"uuid": "bezwaar"}),
    "web-bezwaar-beslissen": ("object", {"uuid": "bezwaar"}),
    "web-bezwaar-verdagen": ("object", {"uuid": "bezwaar"}),
    "web-bezwaar-intrekken": ("object", {"uuid": "bezwaar"}),
    "web-bezwaar-aanvraag": ("object", {"uuid": "aanvraag"}),  # filing: the provider of the decision only
    "web-bezwaar-verlenging": ("object", {"uuid": "traject", "verlenging_uuid": "verlenging"}),
    "web-bezwaar-prestatie": ("object", {"uuid": "prestatie"}),
    "web-bezwaar-vaststelling": ("object", T),
    "web-vordering-factuur-xml": ("object", {"uuid": "vordering"}),
    "web-document-inhoud": ("object", {"uuid": "document"}),
    # pages: lists, forms without an object, exports
    "web-start": ("list", None),
    "web-aanvragen": ("list", None),
    "web-deelnemer-zoeken": ("list", None),
    "web-aanvraag-nieuw": ("list", None),
    "web-trajecten": ("list", None),
    "web-signalen": ("list", None),
    "web-taken": ("list", None),  # the job runs that concern the role (selectors.TAAKRUN_ZICHT)
    "web-taak-voorbeeld": ("list", None),  # UWV financieel: what the payment run or the claims would do
    "web-taak-starten": ("list", None),
    "web-declaraties": ("list", None),
    "web-declaratie-nieuw": ("list", None),
    "web-declaratie-upload": ("list", None),
    "web-declaratie-sjabloon": ("list", None),
    "web-prestaties-werkvoorraad": ("list", None),
    "web-prestaties-bulk-toekennen": ("list", None),
    "web-betaalopdrachten": ("list", None),
    "web-vorderingen": ("list", None),
    "web-vorderingen-overzicht": ("list", None),
    "web-vorderingen-overzicht-export": ("list", None),
    "web-dashboard": ("list", None),
    "web-dashboard-budget-export": ("list", None),
    "web-budgetten": ("list", None),
    "web-berichten": ("list", None),
    "web-verwerkingen": ("list", None),
    "web-bezwaren": ("list", None),
    "web-budget-nieuw": ("list", None),
    "web-budget": ("object", {"uuid": "budget"}),
    "web-budget-wijzigen": ("object", {"uuid": "budget"}),  # UWV financieel and the beheerder
    "web-modeltrouw": ("list", None),
    "web-modeltrouwmeting-nieuw": ("list", None),
    "web-modeltrouw-aanbieder": ("object", {"uuid": "modeltrouw_aanbieder"}),
    "web-implementatieplan": ("object", {"uuid": "modeltrouw_aanbieder"}),  # only the auditor writes
    "web-modeltrouwmeting": ("object", {"uuid": "modeltrouwmeting"}),
    "web-modeltrouwmeting-corrigeren": ("object", {"uuid": "modeltrouwmeting"}),  # only the auditor
    # the beheerder's desk (issue 12): only the beheerder; codes and usernames in the path ("csv" here)
    "web-beheer-regelingen": ("list", None),
    "web-beheer-regeling-nieuw": ("list", None),
    "web-beheer-regeling": ("list", None),
    "web-beheer-regeling-wijzigen": ("list", None),
    "web-beheer-perceel-nieuw": ("list", None),
    "web-beheer-perceel": ("list", None),
    "web-beheer-perceel-wijzigen": ("list", None),
    "web-beheer-perceel-prijs": ("list", None),
    "web-beheer-perceel-betaalplan": ("list", None),
    "web-beheer-gebruiker-nieuw": ("list", None),
    "web-beheer-gebruiker-organisatie": ("list", None),
    "web-beheer-instellingen": ("list", None),
    "web-beheer-gebruikers": ("list", None),
    "web-beheer-gebruiker": ("list", None),
    "web-beheer-rol-aanvragen": ("list", None),
    "web-beheer-rol-besluit": ("list", None),
    "web-beheer-deactiveren": ("list", None),
    "web-beheer-heractiveren": ("list", None),
    "web-beheer-blokkade": ("list", None),
}
# Decision pages belong to the one who decides, not to the provider.
ROUTE_OWNER = {
    "web-verlenging-beoordeling": "gem_utrecht",
    "web-aanvraag-beoordeling": "gem_utrecht",
    "web-bezwaar-beslissen": "gem_utrecht",
    "web-bezwaar-verdagen": "gem_utrecht",
    "web-implementatieplan": "auditor",
    "web-modeltrouwmeting-corrigeren": "auditor",
    "web-budget-wijzigen": "beheer",
}
SKIPPED_PREFIXES = ("admin/",)  # own login (is_staff) and tests/backoffice/test_admin.py
REFUSED = {403, 404}
SURNAMES = {"aanvraag": "Zuidervaart-Onbeslist", "traject": "Zuidervaart-Actief"}
# Other things that identify the foreign case in lists and exports (which show no uuids): the
# trajectory's number, the employer of its placement, the declaration's number.
NUMMER, WERKGEVER, DECLARATIENUMMER = 97531, "Werkgever Zuidkust Geheim", "D-ZUID-2026-03"


def url_patterns() -> dict[str, tuple[str, URLPattern]]:
    """Every URL pattern outside the admin: name -> (route, pattern)."""
    found = {}

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern).startswith(SKIPPED_PREFIXES):
                    continue
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                assert p.name, f"URL-patroon zonder naam: {route}"
                assert p.name not in found, f"dubbele naam {p.name}"
                found[p.name] = (route, p)

    walk(get_resolver().url_patterns)
    return found


def methods_of(pattern: URLPattern) -> list[str]:
    """The methods a view answers: the handlers of a class-based view; GET and POST for a function
    view (a 405 on one of them then counts as a refusal too)."""
    cls = getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)
    if cls is None:
        return ["get", "post"]
    return [m for m in ("get", "post", "put", "patch", "delete") if hasattr(cls, m)]


def build_url(route: str, kwargs: dict[str, str]) -> str:
    def sub(match):
        converter, name = match.group(1), match.group(2)
        if converter == "uuid":
            return kwargs[name]
        if converter == "str":
            return "csv"
        raise AssertionError(f"onbekende converter in {route}")

    return "/" + re.sub(r"<(\w+):(\w+)>", sub, route)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(moment(D(2026, 3, 2)), tick=False) as traveller:
        yield traveller


@pytest.fixture
def foreign(world, clock):
    """GGZ Zuid's case in gemeente Utrecht (see the module docstring); returns the uuids."""
    utrecht_budget = budget(world.utrecht, world.gem_regeling)
    traject = approved_traject(
        world,
        provider_user=world.ggz_zuid,
        perceel="demo-gem-epa",
        gemeente="0344",
        gemeente_user=world.gem_utrecht,
    )
    Traject.objects.filter(uuid=traject["uuid"]).update(toewijzing_nummer=NUMMER)
    traject["toewijzingNummer"] = NUMMER
    open_aanvraag = aanvraag(world, provider_user=world.ggz_zuid, perceel="demo-gem-epa", gemeente="0344")
    Deelnemer.objects.filter(uuid=open_aanvraag["deelnemer"]).update(achternaam=SURNAMES["aanvraag"])
    traject_aanvraag = Aanvraag.objects.get(traject__uuid=traject["uuid"])
    Deelnemer.objects.filter(pk=traject_aanvraag.deelnemer_id).update(achternaam=SURNAMES["traject"])
    zuid = world.client(world.ggz_zuid)
    # this lot has no extension through the service; the row itself is enough to address it
    verlenging = Verlenging.objects.create(
        traject=Traject.objects.get(uuid=traject["uuid"]),
        maanden=6,
        toelichting="Nodig.",
        bedrag="1000.00",
        aangevraagd_door=world.ggz_zuid,
    )
    plaatsing = zuid.post(
        f"/api/v1/trajecten/{traject['uuid']}/plaatsingen",
        {
            "werkgever": WERKGEVER,
            "startdatum": traject["startdatum"],
            "urenPerWeek": "16.0",
            "contractsoort": "arbeidsovereenkomst",
            "vast": False,
            "minimumloonOfMeer": True,
            "aandoeningBekendBijWerkgever": True,
            "proefplaatsing": False,
            "loonondersteuning": [],
            "sector": "10",
        },
        format="json",
    )
    assert plaatsing.status_code == 201, plaatsing.json()
    clock.move_to(moment(D(2026, 3, 10)))
    declare(world.ggz_zuid, DECLARATIENUMMER, [start_line(traject, "Z-1", D(2026, 3, 2))])
    opdracht = pay(world, clock, D(2026, 3, 16))
    claim(clock, D(2026, 4, 1))
    vordering = Vordering.objects.get()
    signaal = Signaal.objects.create(
        soort="besluit_te_laat",
        object_type="aanvraag",
        object_uuid=open_aanvraag["uuid"],
        omschrijving="Besluit op aanvraag te laat",
        aanbieder=world.zuid,
        gemeente=world.utrecht,
        gesignaleerd_op=D(2026, 4, 1),
    )
    notificatie = Notificatie.objects.create(
        user=world.ggz_zuid,
        datum=D(2026, 4, 1),
        aan="ggz-zuid@example.org",
        onderwerp="Signalen",
        tekst="1 signaal",
        verzonden_op=timezone.now(),
    )
    taakrun = Taakrun.objects.create(taak="nightly", datum=D(2026, 4, 1), gestart=timezone.now(), status="bezig")
    # Zuid objects against Utrecht's decision on the approved application (bezwaren, Awb)
    bezwaar = bezwaar_services.bezwaar_indienen(
        by=world.ggz_zuid, besluit_soort="aanvraag", object=traject_aanvraag, gronden="Het besluit klopt niet."
    )
    document = Document.objects.filter(object_uuid=traject_aanvraag.uuid).order_by("id").first()
    assert document is not None, "de beschikking maakt een document (backoffice.documenten)"
    bsns = [crypto.decrypt(d.bsn_versleuteld) for d in Deelnemer.objects.filter(aanbieder=world.zuid)]
    return {
        "traject": traject["uuid"],
        "traject_aanvraag": str(traject_aanvraag.uuid),
        "traject_deelnemer": str(traject_aanvraag.deelnemer.uuid),
        "verlenging": str(verlenging.uuid),
        "plaatsing": plaatsing.json()["uuid"],
        "aanvraag": open_aanvraag["uuid"],
        "deelnemer": open_aanvraag["deelnemer"],
        "declaratie": str(Declaratie.objects.get().uuid),
        "betaalopdracht": str(opdracht.uuid),
        "vordering": str(vordering.uuid),
        "vordering_regel": str(vordering.regels.order_by("id").first().uuid),
        "budget": str(utrecht_budget.uuid),
        "signaal": str(signaal.uuid),
        "notificatie": str(notificatie.uuid),
        "taakrun": str(taakrun.uuid),
        "prestatie": str(Declaratie.objects.get().prestaties.get().uuid),
        "bezwaar": str(bezwaar.uuid),
        "document": str(document.uuid),
        "regeling": str(world.gem_regeling.uuid),
        "perceel": str(world.gem_epa.uuid),
        "gemeente": str(world.utrecht.uuid),
        "aanbieder": str(world.zuid.uuid),
        "trajectbegeleider": str(TrajectbegeleiderFactory(aanbieder=world.zuid).uuid),
        "modeltrouw_aanbieder": str(world.zuid.uuid),
        "modeltrouwmeting": str(world.metingen[1].uuid),
        "_bsns": bsns,
    }


def test_every_url_pattern_is_covered():
    """A URL pattern that is not in ROUTES fails here: classify it (and so test it) first."""
    names = set(url_patterns())
    missing = sorted(names - set(ROUTES))
    stale = sorted(set(ROUTES) - names)
    assert not missing, f"URL-patronen zonder toegangstest (voeg ze toe aan ROUTES): {missing}"
    assert not stale, f"ROUTES noemt patronen die niet meer bestaan: {stale}"
    for name, (route, _) in url_patterns().items():
        kind, spec = ROUTES[name]
        params = set(re.findall(r"<uuid:(\w+)>", route))
        if kind in ("object", "reference"):
            assert params and params == set(spec), (name, route)
        elif kind == "list":
            assert not params, f"{name} heeft een uuid in het pad maar staat als lijst: {route}"


def test_the_openapi_document_and_the_url_patterns_agree():
    """Every path in the OpenAPI document is a URL pattern in ROUTES, and every API pattern (but the
    document and its viewer) is in the document: an endpoint cannot hide from either list."""
    from django.urls import resolve
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    documented = set()
    for path, operations in schema["paths"].items():
        name = resolve(re.sub(r"\{[^}]+\}", str(uuidlib.uuid4()), path)).url_name
        assert name in ROUTES, f"{path} ({name}) staat niet in ROUTES"
        documented.add(name)
        if ROUTES[name][0] == "object":
            pattern = url_patterns()[name][1]
            assert {m.lower() for m in operations} <= set(methods_of(pattern)), (path, list(operations))
    api = {name for name, (route, _) in url_patterns().items() if route.startswith("api/v1/")}
    assert api - documented == {"openapi", "api-docs"}, sorted(api - documented)


def _call(client: Client, method: str, url: str, api: bool):
    if method == "get":
        return client.get(url)
    if api:
        return getattr(client, method)(url, {}, content_type="application/json")
    return getattr(client, method)(url, {"bevestigd": "on"})


def test_every_route_as_every_role_against_another_organisations_objects(world, foreign, request):
    clients = {}
    for name in {*ROLES, *OWNER.values(), *ROUTE_OWNER.values()}:
        client = Client()
        client.force_login(getattr(world, name))
        clients[name] = client

    markers = {key: foreign[key] for key in ENTITLED if key not in GEEN_MARKER}
    names = {"aanvraag": SURNAMES["aanvraag"], "traject_deelnemer": SURNAMES["traject"]}
    failures = []
    checked = {
        "owner": 0,
        "object": 0,
        "list": 0,
        "reference": 0,
        "public": 0,
        "requests": 0,
        "refused": 0,
        "entitled": 0,
    }
    patterns = url_patterns()

    for name, (route, pattern) in sorted(patterns.items()):
        kind, spec = ROUTES[name]
        api = route.startswith(("api/", "api-auth/"))
        methods = methods_of(pattern)
        if kind == "public":
            checked["public"] += 1
            continue
        if kind == "reference":
            url = build_url(route, {k: foreign[v] for k, v in spec.items()})
            for role in ROLES:
                response = clients[role].get(url)
                checked["requests"] += 1
                checked["reference"] += 1
                if response.status_code != 200:
                    failures.append(f"{name} {role} GET {url}: {response.status_code}, verwacht 200 (referentiedata)")
            continue
        if kind == "object":
            key = next(iter(spec.values()))
            url = build_url(route, {k: foreign[v] for k, v in spec.items()})
            ghost = build_url(route, {k: str(uuidlib.uuid4()) for k in spec})
            if "get" in methods and kind == "object" and not route.endswith(("intrekken/", "akkoord/", "bevestiging/")):
                owner_role = ROUTE_OWNER.get(name, OWNER[key])
                owner = clients[owner_role].get(url)
                checked["requests"] += 1
                checked["owner"] += 1
                if owner.status_code != 200 and not (owner.status_code == 405 and not api):
                    failures.append(f"{name}: de eigenaar {owner_role} krijgt {owner.status_code} op GET {url}")
            for role in ROLES:
                if role in ENTITLED[key]:
                    checked["entitled"] += 1
                    continue
                refused_once = False
                for method in methods:
                    response = _call(clients[role], method, url, api)
                    checked["requests"] += 1
                    checked["object"] += 1
                    status = response.status_code
                    if status in REFUSED:
                        refused_once = True
                        checked["refused"] += 1
                        same = _call(clients[role], method, ghost, api).status_code
                        checked["requests"] += 1
                        if same != status:
                            failures.append(
                                f"{name} {role} {method.upper()}: {status} voor het object, {same} voor een "
                                f"onbekende uuid (bestaan lekt uit)"
                            )
                    elif status == 405 and not api:
                        continue
                    else:
                        failures.append(f"{name} {role} {method.upper()} {url}: {status}, verwacht 403/404")
                if not refused_once:
                    failures.append(f"{name} {role}: geen enkele methode weigerde")
            continue
        # lists, exports and forms without an object
        url = build_url(route, {})
        for role in ROLES:
            for method in methods:
                if method != "get" and name not in ("deelnemers-zoek",):
                    continue  # creating something is not reading another's data (tests/backoffice/test_access.py)
                if name == "deelnemers-zoek":
                    response = clients[role].post(url, {"bsn": foreign["_bsns"][0]}, content_type="application/json")
                else:
                    response = clients[role].get(url)
                checked["requests"] += 1
                checked["list"] += 1
                status = response.status_code
                if status >= 500:
                    failures.append(f"{name} {role}: {status}")
                    continue
                body = b"".join(response) if response.streaming else response.content
                text = body.decode("utf-8", "replace")
                for key, marker in markers.items():
                    if role not in ENTITLED[key] and marker in text:
                        failures.append(f"{name} {role}: toont {key} {marker} van een andere organisatie")
                for key, surname in names.items():
                    if role not in ENTITLED[key] and surname in text:
                        failures.append(f"{name} {role}: toont de naam van deelnemer ({key}) van een ander")
                if role not in UWV:
                    if re.search(rf"(?<!\d){NUMMER}(?!\d)", text):
                        failures.append(f"{name} {role}: toont toewijzingNummer {NUMMER} van een ander")
                    for marker in (WERKGEVER, DECLARATIENUMMER):
                        if marker in text:
                            failures.append(f"{name} {role}: toont {marker!r} van een ander")
                for bsn in foreign["_bsns"]:
                    if bsn in text:
                        failures.append(f"{name} {role}: toont een BSN")

    request.node.user_properties.append(("toegang", checked))
    print(f"\ntoegangsmatrix: {len(patterns)} patronen, {checked}")
    assert not failures, "\n".join(failures)
