"""Shortcuts through the API for tests that need a participant, an application or a trajectory
as a starting point. Everything goes through the same endpoints the users' systems call.

(Owned by the trajectory tests, tests/trajecten/test_traject.py; the application tests keep
their own helpers in aanvraag_helpers.py.)"""

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


def aanvraag(
    world, *, provider_user=None, perceel="uwv-ips-cmd", uitkering=None, doelgroep=None, gemeente="0363", **overrides
) -> dict:
    """A submitted application (status ``ingediend``) for a fresh participant."""
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
    """An active trajectory: submitted by the provider, on the gemeente route first the gemeente's
    beschikking (``gemeente_user``, default Amsterdam), then UWV's approval. Returns the trajectory JSON."""
    filed = aanvraag(
        world, provider_user=provider_user, perceel=perceel, uitkering=uitkering, doelgroep=doelgroep, gemeente=gemeente
    )
    if filed["route"] == "gemeente":
        response = beoordeel(world, gemeente_user or world.gem_amsterdam, filed["uuid"])
        assert response.status_code == 201, response.json()
    response = beoordeel(world, world.uwv, filed["uuid"])
    assert response.status_code == 201, response.json()
    decided = response.json()["traject"]
    assert decided["status"] == "actief"
    # as the provider sees it (UWV does not see the participant on the gemeente route)
    traject = world.client(provider_user or world.ggz_noord).get(f"/api/v1/trajecten/{decided['uuid']}").json()
    assert traject["deelnemer"] is not None
    return traject
