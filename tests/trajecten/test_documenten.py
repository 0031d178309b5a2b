"""The documents of the decisions on applications (domain.md 13, docs/documenten.md): made once
in the decision's transaction, rendered to PDF after the commit, stating the decision's amounts,
dates, reasons, the signing line and the objection clause; scoped like the application."""

import hashlib
from datetime import date

import pytest
import time_machine

from backoffice import documenten
from backoffice.models import Document
from tests.conftest import shared_world
from tests.factories import AanvraagFactory
from tests.pdf import pdf_tekst
from trajecten import services

from .aanvraag_helpers import noon

pytestmark = pytest.mark.django_db
DAG = date(2026, 3, 2)


@pytest.fixture
def clock():
    with time_machine.travel(noon(DAG), tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, clock):
    return shared_world()


def _tekst(document) -> str:
    document = documenten.renderen(document)
    return pdf_tekst(document.pdf)


def test_a_refusal_by_uwv_makes_one_document_with_reasons_and_objection_clause(world):
    aanvraag = AanvraagFactory(perceel=world.epa, door=world.ggz_noord)
    aanvraag, _ = services.aanvraag_decide(
        by=world.uwv, aanvraag=aanvraag, besluit="afgewezen", toelichting="De deelnemer heeft al betaald werk."
    )
    docs = list(Document.objects.filter(object_uuid=aanvraag.uuid))
    assert [d.soort for d in docs] == ["afwijzing"]
    assert docs[0].pdf is None  # rendered after the commit, not in the decision

    tekst = _tekst(docs[0])
    assert "Afwijzing aanvraag IPS-traject" in tekst
    assert "De deelnemer heeft al betaald werk." in tekst
    assert "binnen zes weken" in tekst and "artikel 6:7" in tekst
    assert "13-04-2026" in tekst  # the last day for an objection: six weeks after 02-03-2026
    assert "€ 8.000,00" in tekst
    assert aanvraag.deelnemer.achternaam in tekst  # UWV route: named
    assert aanvraag.deelnemer.geboortedatum.strftime("%d-%m-%Y") not in tekst


def test_the_gemeente_beschikking_states_amounts_dates_and_no_person(
    world, settings, django_capture_on_commit_callbacks
):
    settings.IPS_DOCUMENT_RENDEREN = "direct"
    with django_capture_on_commit_callbacks(execute=True):
        aanvraag = AanvraagFactory(route="gemeente", gemeente=world.amsterdam, gemeente_akkoord=True)
    document = Document.objects.get(object_uuid=aanvraag.uuid, soort="beschikking")
    assert document.pdf is not None  # rendered after the commit
    assert document.sha256 == hashlib.sha256(bytes(document.pdf)).hexdigest()
    tekst = pdf_tekst(document.pdf)
    assert "toe te kennen" in tekst
    assert "€ 8.000,00" in tekst and "50% van de trajectprijs: € 4.000,00" in tekst
    assert "Startdatum 02-03-2026" in tekst
    assert "Geplande einddatum" in tekst
    assert "Gemeente Amsterdam" in tekst
    assert "het college van burgemeester en wethouders van Amsterdam" in tekst
    assert "artikel 6:7" in tekst
    deelnemer = aanvraag.deelnemer
    assert deelnemer.achternaam not in tekst  # gemeente route: only the numbers
    assert str(aanvraag.uuid) in tekst


def test_made_once_a_second_call_returns_the_same_document(world):
    aanvraag = AanvraagFactory(perceel=world.epa, door=world.ggz_noord, goedgekeurd=True)
    besluit = aanvraag.besluiten.get()
    eerste = Document.objects.get(object_uuid=aanvraag.uuid)
    from trajecten import documenten as td

    assert td.besluit_vastleggen(besluit=besluit, by=world.uwv).pk == eerste.pk
    assert Document.objects.filter(object_uuid=aanvraag.uuid).count() == 1
    assert eerste.soort == "uwv_besluit"
