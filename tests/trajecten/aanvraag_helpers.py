"""Small helpers for the application tests: a participant, an application body, submit and decide
through the API, and a clock frozen on a known day."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from tests import factories as f
from trajecten.models import Aanvraag, Deelnemer

AMS = ZoneInfo("Europe/Amsterdam")

# The day the frozen tests run on: ages, windows, deadlines and end dates follow from it.
TODAY = datetime.date(2026, 1, 15)


def web_form(world, **overrides) -> dict:
    """The web page /aanvragen/nieuw/ filled in for a new EPA participant in Amsterdam (no BSN:
    the test adds the one it probes with)."""
    return {
        "voorletters": "K.",
        "achternaam": "Jansen",
        "geboortedatum": "1980-06-01",
        "gemeente": str(world.amsterdam.pk),
        "uitkering": "wga_80_100",
        "doelgroep": "epa",
        "hoofddiagnosegroep": "onbekend",
        "opleiding": "onbekend",
        "geslacht": "onbekend",
        "burgerlijke_staat": "onbekend",
        "perceel": str(world.epa.pk),
        "regiebehandelaar": "Dr. P. Jansen",
        "in_behandeling_sggz": "ja",
        "wens_betaald_werk": "ja",
        "geen_of_klein_dienstverband": "ja",
        "toestemming_op": "2026-01-05",
        **overrides,
    }


def noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12, 0), tzinfo=AMS)


def deelnemer(world, aanbieder=None, **fields) -> Deelnemer:
    """A participant registered by ``aanbieder`` (default GGZ Noord), living in Amsterdam, on WGA,
    EPA, 40 years old."""
    fields.setdefault("gemeente", world.amsterdam)
    return f.DeelnemerFactory(aanbieder=aanbieder or world.noord, **fields)


def gemeentelijk(world, aanbieder=None, **fields) -> Deelnemer:
    fields.setdefault("uitkering", "participatiewet")
    return deelnemer(world, aanbieder, **fields)


def body(deelnemer_or_uuid, perceel="uwv-ips-epa", **overrides) -> dict:
    uuid = getattr(deelnemer_or_uuid, "uuid", deelnemer_or_uuid)
    data = {
        "deelnemer": str(uuid),
        "perceel": perceel,
        "regiebehandelaar": "Dr. P. Jansen",
        "inBehandelingSggz": True,
        "toestemmingOp": str(timezone.localdate()),
        "wensBetaaldWerk": True,
        "geenOfKleinDienstverband": True,
    }
    if perceel.endswith("-cmd"):
        data["behandelduurMaanden"] = 12
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not ...}


def submit(world, user, deelnemer_obj, perceel="uwv-ips-epa", **overrides):
    return world.client(user).post("/api/v1/aanvragen", body(deelnemer_obj, perceel, **overrides), format="json")


def submitted(world, user=None, perceel="uwv-ips-epa", deelnemer_obj=None, **overrides) -> dict:
    """Submit an application (for a new participant unless given) and return its body."""
    user = user or world.ggz_noord
    if deelnemer_obj is None:
        aanbieder = user.medewerker.aanbieder
        doelgroep = "cmd" if perceel.endswith("-cmd") else "epa"
        maker = deelnemer if perceel.startswith("uwv-") else gemeentelijk
        deelnemer_obj = maker(world, aanbieder, doelgroep=doelgroep)
    response = submit(world, user, deelnemer_obj, perceel, **overrides)
    assert response.status_code == 201, response.json()
    return response.json()


def decide(world, user, aanvraag_uuid, besluit="akkoord", toelichting=None):
    data = {"besluit": besluit}
    if toelichting is not None:
        data["toelichting"] = toelichting
    return world.client(user).post(f"/api/v1/aanvragen/{aanvraag_uuid}/beoordelingen", data, format="json")


def decided(world, user, aanvraag_uuid, besluit="akkoord", toelichting=None) -> dict:
    response = decide(world, user, aanvraag_uuid, besluit, toelichting)
    assert response.status_code == 201, response.json()
    return response.json()


def aanvragen() -> int:
    return Aanvraag.objects.count()


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == code, problem
    assert problem["status"] == status
    return problem
