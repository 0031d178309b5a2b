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
    assert "Namens UWV: uwv" in tekst  # the signing line
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
    assert "Namens het college van burgemeester en wethouders van Amsterdam, krachtens mandaat" in tekst
    assert "artikel 6:7" in tekst
    deelnemer = aanvraag.deelnemer
    assert deelnemer.achternaam not in tekst  # gemeente route: only the numbers
    assert str(aanvraag.uuid) in tekst


def test_a_retried_decision_makes_no_second_document(world):
    from backoffice.errors import BusinessRuleError

    aanvraag = AanvraagFactory(perceel=world.epa, door=world.ggz_noord, afgewezen=True)
    with pytest.raises(BusinessRuleError):
        services.aanvraag_decide(by=world.uwv, aanvraag=aanvraag, besluit="afgewezen", toelichting="Nogmaals.")
    assert Document.objects.filter(object_uuid=aanvraag.uuid).count() == 1


def test_made_once_a_second_call_returns_the_same_document(world):
    aanvraag = AanvraagFactory(perceel=world.epa, door=world.ggz_noord, goedgekeurd=True)
    besluit = aanvraag.besluiten.get()
    eerste = Document.objects.get(object_uuid=aanvraag.uuid)
    from trajecten import documenten as td

    assert td.besluit_vastleggen(besluit=besluit, by=world.uwv).pk == eerste.pk
    assert Document.objects.filter(object_uuid=aanvraag.uuid).count() == 1
    assert eerste.soort == "uwv_besluit"


def _docs(obj) -> dict[str, Document]:
    return {d.soort: d for d in Document.objects.filter(object_uuid=obj.uuid)}


def test_an_approved_extension_states_months_the_new_end_and_the_clause(world):
    from tests.factories import VerlengingFactory

    verlenging = VerlengingFactory(goedgekeurd=True)
    traject = verlenging.traject
    traject.refresh_from_db()
    document = _docs(traject)["verlenging_besluit"]
    # one per decision (a revoked one gets a new), within the 64 characters of the key
    assert document.sleutel == f"{verlenging.uuid}:goedgekeurd:{verlenging.besluit_op:%Y%m%d%H%M%S}"
    tekst = _tekst(document)
    assert "Besluit op verlenging: goedgekeurd" in tekst
    assert "6 maanden" in tekst
    assert f"Nieuwe geplande einddatum {traject.einddatum_gepland:%d-%m-%Y}" in tekst
    assert "Werkt sinds kort, begeleiding nodig." in tekst  # the reason asked
    assert "artikel 6:7" in tekst


def test_a_gemeentes_extension_decision_names_the_mandate(world):
    from tests.factories import TrajectFactory, VerlengingFactory

    traject = TrajectFactory(route="gemeente", doelgroep="cmd")
    verlenging = VerlengingFactory(traject=traject, goedgekeurd=True)
    tekst = _tekst(_docs(verlenging.traject)["verlenging_besluit"])
    assert (
        f"Namens het college van burgemeester en wethouders van {traject.gemeente.naam}, krachtens mandaat "
        f"(Mandaatbesluit IPS, Gemeenteblad 2025 nr. {traject.gemeente.code}):"
    ) in tekst


def test_a_refused_extension_gives_the_reasons(world):
    from tests.factories import VerlengingFactory

    verlenging = VerlengingFactory(afgewezen=True)
    tekst = _tekst(_docs(verlenging.traject)["verlenging_besluit"])
    assert "Besluit op verlenging: afgewezen" in tekst
    assert "Waarom wij de verlenging afwijzen Niet nodig." in tekst
    assert "artikel 6:7" in tekst


def test_a_stop_on_the_gemeente_route_makes_both_parts_without_the_person(world):
    from tests.factories import StopberichtFactory, TrajectFactory

    traject = TrajectFactory(route="gemeente")
    StopberichtFactory(traject=traject, reden="anders", toelichting="Mevrouw Jansen verhuist naar Spanje.")
    docs = _docs(traject)
    assert {"stopbericht_deel1", "stopbericht_deel2"} <= set(docs)
    deel1, deel2 = _tekst(docs["stopbericht_deel1"]), _tekst(docs["stopbericht_deel2"])
    assert "Stopbericht deel 1" in deel1 and f"Einddatum {date.today():%d-%m-%Y}" in deel1
    assert "Stopbericht deel 2" in deel2 and "meldt UWV" in deel2
    for tekst in (deel1, deel2):
        assert str(traject.toewijzing_nummer) in tekst
        assert traject.deelnemer.achternaam not in tekst
        assert "Spanje" not in tekst  # the provider's free text stays out of what UWV reads


def test_part_2_of_the_stop_is_signed_by_the_gemeente_not_by_the_providers_user(world):
    from tests.factories import StopberichtFactory, TrajectFactory

    traject = TrajectFactory(route="gemeente")
    stop = StopberichtFactory(traject=traject)
    naam = stop.door.get_full_name() or stop.door.get_username()
    docs = _docs(traject)
    assert naam in _tekst(docs["stopbericht_deel1"])  # the provider signs part 1
    deel2 = _tekst(docs["stopbericht_deel2"])
    assert "Met vriendelijke groet, Het college van burgemeester en wethouders" in deel2
    assert naam not in deel2


def test_a_stop_on_the_uwv_route_is_part_1_to_uwv(world):
    from tests.factories import StopberichtFactory

    stop = StopberichtFactory()
    docs = _docs(stop.traject)
    assert "stopbericht_deel1" in docs and "stopbericht_deel2" not in docs  # part 2 is the gemeente's
    tekst = _tekst(docs["stopbericht_deel1"])
    assert "UWV" in tekst and "Deelnemer gestopt" in tekst


def test_the_end_report_and_the_final_settlement(world):
    from tests.declaraties.geld_helpers import declare
    from tests.factories import EindverslagFactory, TrajectFactory, start_regel

    traject = TrajectFactory(route="gemeente")
    declare(traject.aanvraag.ingediend_door, "D-EIND", [start_regel(traject, "REF-1")])
    traject.refresh_from_db()
    assert traject.gedeclareerd > 0
    verslag = EindverslagFactory(traject=traject)
    docs = _docs(traject)
    assert {"eindverslag", "vaststellingsbeschikking"} <= set(docs)
    eind = _tekst(docs["eindverslag"])
    assert "Beëindigingsverslag" in eind and "Uitkomst Werk" in eind and "120" in eind
    traject.refresh_from_db()
    vast = _tekst(docs["vaststellingsbeschikking"])
    assert "Vaststellingsbeschikking" in vast
    assert f"Maximaal bedrag (trajectprijs) {_euro(traject.maximaal_bedrag)}" in vast
    assert f"Goedgekeurd (netto) {_euro(traject.gedeclareerd)}" in vast  # € 3.200,00
    assert f"Vastgesteld bedrag {_euro(traject.gedeclareerd)}" in vast
    assert "Vrijgevallen in het budget van Amsterdam" in vast and _euro(verslag.vrijgevallen_bedrag) in vast
    assert "artikel 6:7" in vast
    assert traject.deelnemer.achternaam not in vast + eind


def _euro(bedrag) -> str:
    from backoffice.opmaak import euro

    return euro(bedrag).replace("\u00a0", " ")


def test_retention_blanks_the_content_and_keeps_the_hash(world):
    from trajecten.services.anonimiseren import deelnemers_anonymise

    aanvraag = AanvraagFactory(perceel=world.epa, door=world.ggz_noord, afgewezen=True)
    ander = AanvraagFactory(perceel=world.epa, door=world.ggz_noord, afgewezen=True)
    document = documenten.renderen(Document.objects.get(object_uuid=aanvraag.uuid))
    sha = document.sha256
    deelnemers_anonymise(ids=[aanvraag.deelnemer_id], by_job="test", datum=DAG)

    document.refresh_from_db()
    assert (document.html, document.pdf, document.sha256) == ("", None, sha)
    assert document.inhoud_verwijderd_op == DAG
    assert Document.objects.get(object_uuid=ander.uuid).html != ""  # another person's stays
    client = world.client(world.ggz_noord)
    [item] = client.get(f"/api/v1/documenten?object={aanvraag.uuid}").json()["results"]
    assert item["sha256"] == sha
    response = client.get(f"/api/v1/documenten/{document.uuid}/inhoud")
    assert response.status_code == 410
    assert response.json()["code"] == "document-verwijderd"
    # the nightly step does not bring it back
    assert documenten.documenten_renderen()["documenten_gerenderd"] == 1  # only the other one
    document.refresh_from_db()
    assert document.pdf is None


def test_with_uwv_consent_after_the_beschikking_both_decisions_have_their_document(world):
    from financiering.models import Regeling

    Regeling.objects.filter(pk=world.gem_regeling.pk).update(uwv_akkoord_na_beschikking=True)
    aanvraag = AanvraagFactory(route="gemeente", gemeente=world.amsterdam, goedgekeurd=True)
    docs = _docs(aanvraag)
    assert set(docs) == {"beschikking", "uwv_besluit"}
    beschikking = _tekst(docs["beschikking"])
    assert "UWV geeft hierna nog zijn akkoord" in beschikking
    uwv = _tekst(docs["uwv_besluit"])
    assert "Besluit UWV: akkoord op de beschikking" in uwv
    assert "Namens UWV: uwv" in uwv and "artikel 6:7" in uwv
    assert f"Toewijzingnummer {aanvraag.traject.toewijzing_nummer}" in uwv
    assert aanvraag.deelnemer.achternaam not in beschikking + uwv


def test_the_gemeente_refusal_states_its_reason(world):
    aanvraag = AanvraagFactory(route="gemeente", gemeente=world.amsterdam, afgewezen=True)
    docs = _docs(aanvraag)
    assert set(docs) == {"afwijzing"}
    tekst = _tekst(docs["afwijzing"])
    assert "Gemeente Amsterdam" in tekst and "af te wijzen" in tekst and "Geen budget." in tekst
    assert "Namens het college van burgemeester en wethouders van Amsterdam" in tekst
