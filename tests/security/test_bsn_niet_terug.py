"""A submitted BSN is never rendered back into a page (issue 9, finding 4): not by the search
page after a typo or a search, not by the new-application form after a refused rule."""

import datetime
import re

import pytest
from django.test import Client

from financiering.models import Regeling
from tests.factories import valid_bsn
from tests.trajecten.aanvraag_helpers import web_form

pytestmark = pytest.mark.django_db

BSN = valid_bsn(3401)
TYPO = BSN[:-1] + str((int(BSN[-1]) + 1) % 10)  # one digit off: fails the eleven-test


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("typed", [TYPO, "12345678", BSN])
def test_the_search_page_never_puts_the_bsn_back(world, typed):
    for user in (world.gem_amsterdam, world.ggz_noord, world.uwv):
        response = _web(user).post("/deelnemers/zoeken/", {"bsn": typed})
        assert response.status_code == 200
        html = response.content.decode()
        assert typed not in html
        assert 'name="bsn"' in html and 'value=""' in html  # the field is there, empty
        if typed != BSN:
            assert "ongeldig-bsn" in html  # the error is shown, without the number
        else:
            assert "Geen deelnemer gevonden" in html


def test_the_new_application_form_never_puts_the_bsn_back_after_a_refusal(world):
    form = web_form(world, toestemming_op="2020-01-05")
    Regeling.objects.filter(pk=world.uwv_regeling.pk).update(aanvraag_tot=datetime.date(2020, 12, 31))
    client = _web(world.ggz_noord)
    for typed, code in ((BSN, "buiten-aanvraagperiode"), (TYPO, "elfproef")):
        response = client.post("/aanvragen/nieuw/", {**form, "bsn": typed})
        assert response.status_code == 200
        html = response.content.decode()
        assert code in html and typed not in html
        assert "Jansen" in html  # the rest of the form is kept


def test_after_a_refusal_the_form_keeps_the_participant_by_a_reference_not_by_the_bsn(world):
    from trajecten.models import Deelnemer

    form = web_form(world, toestemming_op="2020-01-05")
    client = _web(world.ggz_noord)
    refused = client.post("/aanvragen/nieuw/", {**form, "bsn": BSN, "wens_betaald_werk": "nee"})
    html = refused.content.decode()
    assert refused.status_code == 200 and "voorwaarden-niet-voldaan" in html and BSN not in html
    ref = re.search(r'name="bsn_ref" value="([^"]+)"', html).group(1)
    assert "Het BSN dat u invoerde is onthouden" in html
    # the session keeps it encrypted only
    assert BSN not in str(client.session.load())
    # a wrong reference does not help; the right one files the application for the same person
    wrong = client.post("/aanvragen/nieuw/", {**form, "bsn": "", "bsn_ref": "verzonnen"})
    assert wrong.status_code == 200 and not Deelnemer.objects.exists()
    accepted = client.post("/aanvragen/nieuw/", {**form, "bsn": "", "bsn_ref": ref})
    assert accepted.status_code == 302, accepted.content.decode()[-1500:]
    assert Deelnemer.objects.get().bsn == BSN
    # used once: the session forgets it
    assert "aanvraag_nieuw_bsn" not in client.session
