"""What each role sees of a participant, field by field (domain.md 12, docs/privacy.md "Wat elke rol
ziet, per veld"), over every API answer and every web page.

GGZ Zuid has three participants, each with known sentinel values for name, BSN (full and masked),
date of birth (as the API and as a page writes it) and diagnosis (code and Dutch label):

- ``G1``: a trajectory on the gemeente route in Utrecht (with a placement, a declaration, a paid
  payment order and a claim: the ``foreign`` case of test_toegang_matrix.py);
- ``G2``: an application on the gemeente route that Utrecht has not decided yet;
- ``U1``: a trajectory on the UWV route, also a resident of Utrecht (so the gemeente must not see
  UWV's client because the person lives there).

Every URL pattern outside the admin (enumerated from the URL resolver, classified in
``test_toegang_matrix.ROUTES``: a new route cannot escape) is opened with GET as every role, with
each participant's objects in its path, lists and exports also with ``?formaat=csv``, and the BSN
search with each BSN. A sentinel the role may not see (``MAG`` below) may appear in no answer; one
it may see must appear in at least one (so the walk is not empty). Choice lists (``<select>``) are
left out before looking for the diagnosis: they list every label, not a person's.
"""

import datetime
import io
import re
import zipfile

import pytest
from django.test import Client

from tests.trajecten.helpers import approved_traject
from trajecten.models import Aanvraag, Deelnemer, Traject

from . import test_toegang_matrix as matrix
from .test_toegang_matrix import ROUTES, build_url, url_patterns

clock, foreign = matrix.clock, matrix.foreign  # the fixtures of the foreign case

pytestmark = pytest.mark.django_db

ROLES = ("ggz_zuid", "ggz_noord", "gem_utrecht", "gem_amsterdam", "uwv", "uwv_fin", "auditor", "beheer")
PERSONEN = {
    "G1": {
        "achternaam": "Zichtproef-Gemtraject",
        "geboortedatum": datetime.date(1977, 7, 13),
        "diagnose": "psychotisch",
    },
    "G2": {"achternaam": "Zichtproef-Gemaanvraag", "geboortedatum": datetime.date(1979, 9, 14), "diagnose": "trauma"},
    "U1": {
        "achternaam": "Zichtproef-Uwvtraject",
        "geboortedatum": datetime.date(1981, 11, 15),
        "diagnose": "persoonlijkheid",
    },
}
LABELS = {
    "psychotisch": "Psychotische stoornis",
    "trauma": "Trauma- en stressorgerelateerd",
    "persoonlijkheid": "Persoonlijkheidsstoornis",
}
MAANDEN = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"]  # fmt: skip
SOORTEN = ("naam", "bsn", "geboortedatum", "diagnose")
IDENTITEIT = frozenset({"naam", "bsn", "geboortedatum"})
ALLES = frozenset(SOORTEN)
# What each role may see of each participant (docs/privacy.md); everything else nothing.
MAG = {
    "ggz_zuid": {"G1": ALLES, "G2": ALLES, "U1": ALLES},  # the provider: its own participants
    "gem_utrecht": {"G1": IDENTITEIT, "G2": IDENTITEIT},  # its residents on its route, no diagnosis
    "uwv": {"U1": IDENTITEIT},  # its own client on the UWV route; nothing on the gemeente route
    "uwv_fin": {"U1": IDENTITEIT},
}


def _sentinels(persoon: Deelnemer, spec: dict) -> dict[str, list[str]]:
    dob = spec["geboortedatum"]
    return {
        "naam": [spec["achternaam"]],
        "bsn": [f"*****{persoon.bsn[-4:]}"],
        "geboortedatum": [dob.isoformat(), f"{dob.day} {MAANDEN[dob.month - 1]} {dob.year}", dob.strftime("%d-%m-%Y")],
        "diagnose": [f'"{spec["diagnose"]}"', LABELS[spec["diagnose"]]],
    }


@pytest.fixture
def dossiers(world, foreign):
    """The three participants with their sentinels, and per participant the objects of its case."""
    uwv_traject = approved_traject(world, provider_user=world.ggz_zuid, perceel="uwv-ips-epa", gemeente="0344")
    g1 = Deelnemer.objects.get(uuid=foreign["traject_deelnemer"])
    g2 = Deelnemer.objects.get(uuid=foreign["deelnemer"])
    u1 = Deelnemer.objects.get(uuid=uwv_traject["deelnemer"])
    u1_aanvraag = Aanvraag.objects.get(traject__uuid=uwv_traject["uuid"])
    assert (g1.aanvragen.get().route, g2.aanvragen.get().route, u1_aanvraag.route) == ("gemeente", "gemeente", "uwv")
    for persoon, key in ((g1, "G1"), (g2, "G2"), (u1, "U1")):
        spec = PERSONEN[key]
        Deelnemer.objects.filter(pk=persoon.pk).update(
            voorletters="Q.", achternaam=spec["achternaam"], geboortedatum=spec["geboortedatum"],
            hoofddiagnosegroep=spec["diagnose"],
        )  # fmt: skip
    objecten = {
        "G1": {**foreign, "aanvraag": foreign["traject_aanvraag"], "deelnemer": foreign["traject_deelnemer"]},
        "G2": dict(foreign),
        "U1": {
            **foreign,
            "traject": uwv_traject["uuid"],
            "aanvraag": str(u1_aanvraag.uuid),
            "deelnemer": str(u1.uuid),
        },
    }
    sentinels = {key: _sentinels(p, PERSONEN[key]) for key, p in (("G1", g1), ("G2", g2), ("U1", u1))}
    bsns = {key: p.bsn for key, p in (("G1", g1), ("G2", g2), ("U1", u1))}
    assert Traject.objects.filter(deelnemer__in=[g1, u1], status="actief").count() == 2
    return {"objecten": objecten, "sentinels": sentinels, "bsns": bsns}


def _text(response) -> str:
    body = b"".join(response) if response.streaming else response.content
    if body.startswith(b"PK"):  # an xlsx export: look inside
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"".join(archive.read(name) for name in archive.namelist())
    return body.decode("utf-8", "replace")


def _requests(dossiers) -> list[tuple[str, str, str, dict | None]]:
    """(route name, method, url, body) for every read a role can try: each GET route, objects
    with each participant's case, lists also as CSV, the BSN search with each BSN."""
    out = []
    for name, (route, _pattern) in sorted(url_patterns().items()):
        assert name in ROUTES, f"{name} ontbreekt in ROUTES: classificeer het (test_toegang_matrix.py)"
        kind, spec = ROUTES[name]
        if kind == "public":
            continue
        if name == "deelnemers-zoek":
            out += [(name, "post", build_url(route, {}), {"bsn": bsn}) for bsn in dossiers["bsns"].values()]
            continue
        if kind == "list":
            url = build_url(route, {})
            out.append((name, "get", url, None))
            if route.startswith("api/"):
                out.append((name, "get", url + "?formaat=csv", None))
            continue
        urls = {build_url(route, {k: objects[v] for k, v in spec.items()}) for objects in dossiers["objecten"].values()}
        out += [(name, "get", url, None) for url in sorted(urls)]
    return out


def _search(text: str, dossiers) -> dict[tuple[str, str], bool]:
    keuzelijstloos = re.sub(r"<select\b.*?</select>", "", text, flags=re.S)
    found = {}
    for persoon, soorten in dossiers["sentinels"].items():
        for soort, values in soorten.items():
            haystack = keuzelijstloos if soort == "diagnose" else text
            found[(persoon, soort)] = any(v in haystack for v in values)
        found[(persoon, "volledig-bsn")] = dossiers["bsns"][persoon] in text
    return found


def test_every_answer_and_page_shows_each_role_only_the_personal_fields_it_may_see(world, dossiers):
    requests = _requests(dossiers)
    failures, gezien, geopend = [], {}, {}
    for role in ROLES:
        client = Client()
        client.force_login(getattr(world, role))
        seen = set()
        for name, method, url, body in requests:
            if method == "get":
                response = client.get(url)
            else:
                response = client.post(url, body, content_type="application/json")
            if response.status_code >= 500:
                failures.append(f"{role} {method.upper()} {url}: {response.status_code}")
                continue
            if response.status_code == 200:
                geopend[role] = geopend.get(role, 0) + 1
            for (persoon, soort), hit in _search(_text(response), dossiers).items():
                if not hit:
                    continue
                seen.add((persoon, soort))
                if soort == "volledig-bsn":
                    failures.append(f"{role} {url}: toont het volledige BSN van {persoon}")
                elif soort not in MAG.get(role, {}).get(persoon, ()):
                    failures.append(f"{role} {method.upper()} {url} ({name}): toont {soort} van {persoon}")
        gezien[role] = seen
        for persoon, soorten in MAG.get(role, {}).items():
            for soort in soorten:
                if (persoon, soort) not in seen:
                    failures.append(f"{role}: ziet nergens {soort} van {persoon}, terwijl dat mag (lege toets?)")
    print(f"\nzicht per veld: {len(requests)} verzoeken per rol, 200 per rol: {geopend}")
    assert not failures, "\n".join(failures)
