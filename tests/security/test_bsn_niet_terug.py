"""A submitted BSN is never rendered back into a page (issue 9, finding 4): not by the search
page after a typo or a search, not by the new-application form after a refused rule."""

import datetime

import pytest
from django.test import Client

from financiering.models import Regeling
from tests.factories import valid_bsn

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
    form = {
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
    }
    Regeling.objects.filter(pk=world.uwv_regeling.pk).update(aanvraag_tot=datetime.date(2020, 12, 31))
    client = _web(world.ggz_noord)
    for typed, code in ((BSN, "buiten-aanvraagperiode"), (TYPO, "elfproef")):
        response = client.post("/aanvragen/nieuw/", {**form, "bsn": typed})
        assert response.status_code == 200
        html = response.content.decode()
        assert code in html and typed not in html
        assert "Jansen" in html  # the rest of the form is kept
