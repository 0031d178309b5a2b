"""Objections past their decision term (``bezwaar_te_laat``) and near it
(``bezwaar_termijn_nadert``): raised by the nightly signal step for the deciding body, once
(idempotent), resolved when the objection is decided, and moved when the term is extended."""

import datetime

import pytest

from backoffice import roles
from backoffice.models import Instellingen, Signaal
from backoffice.selectors import signalen_for
from backoffice.signalering import signalen_bijwerken
from bezwaren import jobs, services

from .helpers import afgewezen_aanvraag, indienen

pytestmark = pytest.mark.django_db
D = datetime.date


def nachtelijk(datum: D) -> dict[str, dict[str, int]]:
    return {
        o.soort: signalen_bijwerken(o, datum=datum)
        for o in jobs.signaal_oorzaken(datum=datum, instellingen=Instellingen.get())
    }


def open_signalen():
    return list(
        Signaal.objects.filter(afgehandeld=False).values_list(
            "soort", "deadline", "gemeente_id", "uwv_rol", "omschrijving"
        )
    )


def test_late_and_nearly_late_objections_are_signalled_once_for_the_deciding_body(w):
    bezwaar = indienen(w, "aanvraag", afgewezen_aanvraag(w))  # term: 25-05-2026
    assert nachtelijk(D(2026, 5, 17)) == {
        "bezwaar_te_laat": {"nieuw": 0, "afgehandeld": 0},
        "bezwaar_termijn_nadert": {"nieuw": 0, "afgehandeld": 0},
    }
    assert nachtelijk(D(2026, 5, 18))["bezwaar_termijn_nadert"] == {"nieuw": 1, "afgehandeld": 0}
    assert nachtelijk(D(2026, 5, 19))["bezwaar_termijn_nadert"] == {"nieuw": 0, "afgehandeld": 0}  # idempotent
    nummer = bezwaar.nummer
    assert open_signalen() == [
        (
            "bezwaar_termijn_nadert",
            D(2026, 5, 25),
            w.amsterdam.pk,
            "",
            f"Op bezwaar {nummer} moet uiterlijk 25-05-2026 zijn beslist.",
        )
    ]

    assert nachtelijk(D(2026, 5, 26)) == {
        "bezwaar_te_laat": {"nieuw": 1, "afgehandeld": 0},
        "bezwaar_termijn_nadert": {"nieuw": 0, "afgehandeld": 1},
    }
    assert nachtelijk(D(2026, 5, 27))["bezwaar_te_laat"] == {"nieuw": 0, "afgehandeld": 0}
    assert [s[0] for s in open_signalen()] == ["bezwaar_te_laat"]
    assert Signaal.objects.get(afgehandeld=False).object_type == "bezwaar"
    # listed for whoever may open the objection: the gemeente, not UWV, not another gemeente
    assert [s.soort for s in signalen_for(w.gem2).filter(afgehandeld=False)] == ["bezwaar_te_laat"]
    for user in (w.uwv, w.uwv_fin, w.gem_utrecht):
        assert not signalen_for(user).filter(soort__startswith="bezwaar").exists(), user

    # extending the term resolves the late signal (the term is part of the cause)
    services.bezwaar_verdagen(by=w.gem2, bezwaar=bezwaar, reden="Advies nodig.")
    assert nachtelijk(D(2026, 5, 27))["bezwaar_te_laat"] == {"nieuw": 0, "afgehandeld": 1}
    assert open_signalen() == []

    # a decided objection is no cause any more
    assert nachtelijk(D(2026, 7, 1))["bezwaar_termijn_nadert"]["nieuw"] == 1
    services.bezwaar_beslissen(by=w.gem2, bezwaar=bezwaar, uitkomst="ongegrond", toelichting="Terecht.")
    assert nachtelijk(D(2026, 7, 2))["bezwaar_termijn_nadert"] == {"nieuw": 0, "afgehandeld": 1}
    assert open_signalen() == []


def test_an_objection_against_uwv_is_signalled_to_the_uwv_beoordelaar(w):
    aanvraag = afgewezen_aanvraag(w, perceel="uwv-ips-epa")
    indienen(w, "aanvraag", aanvraag)
    nachtelijk(D(2026, 5, 26))
    assert [(s[0], s[2], s[3]) for s in open_signalen()] == [("bezwaar_te_laat", None, roles.UWV_BEOORDELAAR)]
    assert signalen_for(w.uwv).filter(soort="bezwaar_te_laat").count() == 1
    assert not signalen_for(w.gem_amsterdam).filter(soort="bezwaar_te_laat").exists()
