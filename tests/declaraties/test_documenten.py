"""The payment specification (docs/documenten.md): made when the bank's execution of a payment
order is confirmed, for the provider it pays (and UWV), listing the paid lines and the totals
with the IBAN masked; made once."""

from datetime import date

import pytest
import time_machine

from backoffice import documenten
from backoffice.models import Document
from declaraties import services
from tests.conftest import shared_world
from tests.factories import BetaalopdrachtFactory
from tests.pdf import pdf_tekst
from tests.trajecten.aanvraag_helpers import noon

pytestmark = pytest.mark.django_db
DAG = date(2026, 3, 2)


@pytest.fixture
def clock():
    with time_machine.travel(noon(DAG), tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, clock):
    return shared_world()


def test_the_payment_specification_lists_the_paid_lines(world):
    opdracht = BetaalopdrachtFactory(geaccordeerd=True)
    assert not Document.objects.filter(object_uuid=opdracht.uuid).exists()  # not before it is paid
    opdracht = services.betaalopdracht_bevestigen(by=world.uwv_fin, opdracht=opdracht, datum=DAG)
    document = Document.objects.get(object_uuid=opdracht.uuid)
    assert document.soort == "betaalspecificatie" and document.deelnemer_uuid is None

    tekst = pdf_tekst(documenten.renderen(document).pdf)
    regel = opdracht.prestaties.select_related("declaratie").first()
    assert "Betaalspecificatie" in tekst
    assert regel.declaratie.declaratie_nummer in tekst
    assert regel.product_referentie in tekst
    assert str(regel.toewijzing_nummer) in tekst
    assert f"{regel.begindatum:%d-%m-%Y} – {regel.einddatum:%d-%m-%Y}" in tekst
    bedrag = f"€ {opdracht.bedrag:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    assert f"Totaal betaald {bedrag}" in tekst
    assert opdracht.iban not in tekst.replace(" ", "")  # masked
    assert f"{opdracht.iban[-2:]}" in tekst

    # the provider it pays reads it; another provider does not; UWV does
    aanbieder = world.client(world.ggz_noord if opdracht.aanbieder_id == world.noord.pk else world.ggz_zuid)
    ander = world.client(world.ggz_zuid if opdracht.aanbieder_id == world.noord.pk else world.ggz_noord)
    url = f"/api/v1/documenten/{document.uuid}/inhoud"
    assert aanbieder.get(url).status_code == 200
    assert ander.get(url).status_code == 404
    assert world.client(world.uwv_fin).get(f"/api/v1/documenten?object={opdracht.uuid}").json()["count"] == 1
    assert world.client(world.gem_amsterdam).get(url).status_code == 404

    # made once: a second call makes nothing new
    from declaraties import documenten as dd

    assert dd.betaalspecificatie_vastleggen(opdracht=opdracht, by=world.uwv_fin).pk == document.pk
    assert Document.objects.filter(object_uuid=opdracht.uuid).count() == 1


def test_iban_masked():
    from declaraties.documenten import iban_gemaskeerd

    assert iban_gemaskeerd("NL91ABNA0417164300") == "NL** **** **** **43 00"
    assert iban_gemaskeerd("") == "****"
