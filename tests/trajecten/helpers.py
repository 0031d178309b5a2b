"""Shortcuts for tests that need a participant, an application or a trajectory as a starting
point. ``deelnemer()`` and ``beoordeel()`` go through the API; ``aanvraag()`` and
``approved_traject()`` call the services the API calls (the same rules, budget, history and
processing log), without the HTTP round trips, and answer the API's JSON of the result as the
provider sees it. With API-body ``overrides`` an application is posted through the API as before.

(Owned by the trajectory tests, tests/trajecten/test_traject.py; the application tests keep
their own helpers in aanvraag_helpers.py.)"""

import contextlib
import datetime
import itertools

from django.utils import timezone

from tests.factories import valid_bsn

# Far from the low numbers other tests pick by hand, so BSNs never collide within a test.
_bsn_numbers = itertools.count(500)


def new_bsn() -> str:
    return valid_bsn(next(_bsn_numbers))


def deelnemer(world, provider_user=None, **overrides) -> dict:
    """POST /deelnemers as ``provider_user`` (default ggz-noord); returns the JSON answer."""
    body = {
        "bsn": new_bsn(),
        "voorletters": "A.B.",
        "achternaam": "de Vries",
        "geboortedatum": "1985-03-01",
        "gemeente": "0363",
        "uitkering": "wga_80_100",
        "doelgroep": "epa",
    }
    body.update(overrides)
    response = world.client(provider_user or world.ggz_noord).post("/api/v1/deelnemers", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


@contextlib.contextmanager
def _as_api(route: str, url_name: str, user, uuid=None):
    """What the middleware of one API call by ``user`` adds to its service: the user of the
    history records (simple_history's request) and the processing log (VerwerkingslogMiddleware)."""
    from django.test import RequestFactory
    from simple_history.models import HistoricalRecords

    from backoffice import verwerkingslog

    request = RequestFactory().post(route.split(" ", 1)[1])
    request.user = user
    HistoricalRecords.context.request = request
    try:
        with verwerkingslog.verzamelen(
            kanaal="api",
            user=user,
            route=route,
            url_name=url_name,
            object_uuid=uuid,
            handeling=verwerkingslog.handeling_voor("POST", url_name, "api"),
        ):
            yield verwerkingslog
    finally:
        del HistoricalRecords.context.request


def filed_aanvraag(
    world, *, provider_user=None, perceel="uwv-ips-cmd", uitkering=None, doelgroep=None, gemeente="0363"
):
    """A submitted application (an ``Aanvraag``, status ``ingediend``) for a fresh participant,
    through the services ``POST /deelnemers`` and ``POST /aanvragen`` call."""
    from financiering.models import Gemeente, Perceel
    from trajecten import services

    provider_user = provider_user or world.ggz_noord
    doelgroep = doelgroep or ("cmd" if perceel.endswith("-cmd") else "epa")
    uitkering = uitkering or ("participatiewet" if perceel.startswith("demo-gem") else "wga_80_100")
    with _as_api("POST /api/v1/deelnemers", "deelnemers", provider_user):
        person = services.deelnemer_create(
            by=provider_user,
            bsn=new_bsn(),
            voorletters="A.B.",
            achternaam="de Vries",
            geboortedatum=datetime.date(1985, 3, 1),
            gemeente=Gemeente.objects.get(code=gemeente),
            uitkering=uitkering,
            doelgroep=doelgroep,
        )
    with _as_api("POST /api/v1/aanvragen", "aanvragen", provider_user) as log:
        log.noteer(person)  # the answer shows the participant
        return services.aanvraag_submit(
            by=provider_user,
            deelnemer=person,
            perceel=Perceel.objects.select_related("regeling").get(code=perceel),
            regiebehandelaar="Dr. P. Jansen",
            in_behandeling_sggz=True,
            toestemming_op=timezone.localdate(),
            wens_betaald_werk=True,
            geen_of_klein_dienstverband=True,
            behandelduur_maanden=12 if doelgroep == "cmd" else None,
        )


def _get(world, user, path: str) -> dict:
    response = world.client(user).get(path)
    assert response.status_code == 200, response.json()
    return response.json()


def aanvraag(
    world, *, provider_user=None, perceel="uwv-ips-cmd", uitkering=None, doelgroep=None, gemeente="0363", **overrides
) -> dict:
    """A submitted application (status ``ingediend``) for a fresh participant: the JSON of
    ``POST /aanvragen`` (its answer is the application as the provider sees it)."""
    if not overrides:
        filed = filed_aanvraag(
            world,
            provider_user=provider_user,
            perceel=perceel,
            uitkering=uitkering,
            doelgroep=doelgroep,
            gemeente=gemeente,
        )
        return _get(world, provider_user or world.ggz_noord, f"/api/v1/aanvragen/{filed.uuid}")
    provider_user = provider_user or world.ggz_noord
    doelgroep = doelgroep or ("cmd" if perceel.endswith("-cmd") else "epa")
    uitkering = uitkering or ("participatiewet" if perceel.startswith("demo-gem") else "wga_80_100")
    person = deelnemer(world, provider_user, uitkering=uitkering, doelgroep=doelgroep, gemeente=gemeente)
    body = {
        "deelnemer": person["uuid"],
        "perceel": perceel,
        "regiebehandelaar": "Dr. P. Jansen",
        "inBehandelingSggz": True,
        "toestemmingOp": str(timezone.localdate()),
        "wensBetaaldWerk": True,
        "geenOfKleinDienstverband": True,
    }
    if doelgroep == "cmd":
        body["behandelduurMaanden"] = 12
    body.update(overrides)
    response = world.client(provider_user).post("/api/v1/aanvragen", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def beoordeel(world, user, aanvraag_uuid, besluit="akkoord", toelichting=""):
    body = {"besluit": besluit}
    if toelichting:
        body["toelichting"] = toelichting
    return world.client(user).post(f"/api/v1/aanvragen/{aanvraag_uuid}/beoordelingen", body, format="json")


def decide(user, aanvraag_obj, besluit="akkoord", toelichting=""):
    """``POST /aanvragen/{uuid}/beoordelingen`` through its service: answers (aanvraag, traject)."""
    from trajecten import services

    route = "POST /api/v1/aanvragen/<uuid:uuid>/beoordelingen"
    with _as_api(route, "aanvraag-beoordelingen", user, aanvraag_obj.uuid) as log:
        decided, traject = services.aanvraag_decide(
            by=user, aanvraag=aanvraag_obj, besluit=besluit, toelichting=toelichting
        )
        gemeente_akkoord = decided.besluiten.filter(stap="gemeente", besluit="akkoord", door=user).exists()
        if aanvraag_obj.route == "uwv" or gemeente_akkoord:
            log.noteer(decided.deelnemer)  # the answer shows the participant (UWV not on the gemeente route)
        return decided, traject


def approved_traject(
    world,
    *,
    provider_user=None,
    perceel="uwv-ips-cmd",
    uitkering=None,
    doelgroep=None,
    gemeente="0363",
    gemeente_user=None,
) -> dict:
    """An active trajectory: submitted by the provider, on the gemeente route the gemeente's
    beschikking (``gemeente_user``, default Amsterdam; UWV's consent after it only where the scheme
    asks it), on the UWV route UWV's approval, through the services
    of those API calls. Returns the trajectory JSON as the provider sees it (``GET /trajecten/{uuid}``)."""
    filed = filed_aanvraag(
        world, provider_user=provider_user, perceel=perceel, uitkering=uitkering, doelgroep=doelgroep, gemeente=gemeente
    )
    traject = None
    if filed.route == "gemeente":  # the beschikking is the grant, unless the scheme asks UWV's consent
        filed, traject = decide(gemeente_user or world.gem_amsterdam, filed)
    if traject is None:
        _, traject = decide(world.uwv, filed)
    assert traject is not None and traject.status == "actief"
    # as the provider sees it (UWV does not see the participant on the gemeente route)
    body = _get(world, provider_user or world.ggz_noord, f"/api/v1/trajecten/{traject.uuid}")
    assert body["deelnemer"] is not None
    return body
