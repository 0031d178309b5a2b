"""The generated documents' plumbing (backoffice/documenten.py, docs/documenten.md): the API list
and content scoped like the object, the processing log of a read, the PDF rendered once after the
commit (task), on first read, or by the nightly step, and never twice."""

import hashlib
from datetime import date

import pytest
import time_machine

from backoffice import documenten, schedule
from backoffice.models import Document, Verwerking
from tests.conftest import shared_world
from tests.factories import AanvraagFactory
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


@pytest.fixture
def beschikt(world):
    """A gemeente-route application of Amsterdam with its beschikking (no PDF yet)."""
    return AanvraagFactory(route="gemeente", gemeente=world.amsterdam, gemeente_akkoord=True)


def test_the_list_is_scoped_like_the_application(world, beschikt):
    response = world.client(world.gem_amsterdam).get(f"/api/v1/documenten?object={beschikt.uuid}")
    assert response.status_code == 200, response.content
    [item] = response.json()["results"]
    document = Document.objects.get(object_uuid=beschikt.uuid)
    assert item["uuid"] == str(document.uuid)
    assert item["soort"] == "beschikking"
    assert item["object"] == str(beschikt.uuid)
    assert item["titel"] == "Beschikking: toekenning IPS-traject"
    assert item["aangemaaktOp"].endswith("Z")
    assert item["inhoud"].endswith(f"/api/v1/documenten/{document.uuid}/inhoud")

    # another gemeente: no documents, and the content is a 404 (as if it did not exist)
    other = world.client(world.gem_utrecht)
    assert other.get(f"/api/v1/documenten?object={beschikt.uuid}").json()["results"] == []
    assert other.get(f"/api/v1/documenten/{document.uuid}/inhoud").status_code == 404
    # a provider that did not apply
    assert world.client(world.ggz_zuid).get(f"/api/v1/documenten/{document.uuid}/inhoud").status_code == 404


def test_the_list_asks_an_object(world):
    response = world.client(world.gem_amsterdam).get("/api/v1/documenten")
    assert response.status_code == 400
    assert "object" in response.content.decode()
    assert world.client(world.gem_amsterdam).get("/api/v1/documenten?object=x").status_code == 400


def test_the_content_is_the_stored_pdf_rendered_on_first_read_and_logged(world, beschikt):
    document = Document.objects.get(object_uuid=beschikt.uuid)
    assert document.pdf is None
    client = world.client(world.gem_amsterdam)
    response = client.get(f"/api/v1/documenten/{document.uuid}/inhoud")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    naam = f"beschikking-2026-03-02-{str(document.uuid)[:8]}.pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{naam}"'
    document.refresh_from_db()
    assert response.content == bytes(document.pdf)
    assert document.sha256 == hashlib.sha256(response.content).hexdigest()
    # a second read: the same bytes, not rendered again
    assert client.get(f"/api/v1/documenten/{document.uuid}/inhoud").content == response.content
    # reading a document about a participant is a processing of their data
    log = Verwerking.objects.filter(deelnemer_uuid=beschikt.deelnemer.uuid, gebruiker=world.gem_amsterdam)
    assert log.count() == 2  # one per read
    assert set(log.values_list("handeling", "kanaal")) == {("exporteren", "export")}  # a download


def test_uwv_reads_the_beschikking_without_the_participant(world, beschikt):
    document = Document.objects.get(object_uuid=beschikt.uuid)
    response = world.client(world.uwv).get(f"/api/v1/documenten/{document.uuid}/inhoud")
    assert response.status_code == 200
    tekst = pdf_tekst(response.content)
    deelnemer = beschikt.deelnemer
    assert "Beschikking" in tekst and str(beschikt.uuid) in tekst
    assert deelnemer.achternaam not in tekst
    assert deelnemer.geboortedatum.strftime("%d-%m-%Y") not in tekst


def test_after_the_commit_the_task_renders_once(world, settings, monkeypatch, django_capture_on_commit_callbacks):
    from backoffice import tasks

    settings.IPS_DOCUMENT_RENDEREN = "celery"
    sent = []
    monkeypatch.setattr(tasks.document_renderen_task, "delay", lambda pk: sent.append(pk))
    with django_capture_on_commit_callbacks(execute=True):
        aanvraag = AanvraagFactory(perceel=world.epa, door=world.ggz_noord, afgewezen=True)
        assert sent == []  # not before the commit
    document = Document.objects.get(object_uuid=aanvraag.uuid)
    assert sent == [document.pk]
    # the task itself (eagerly): renders, and a retry changes nothing
    assert tasks.document_renderen_task.apply(args=[document.pk]).get() == Document.objects.get(pk=document.pk).sha256
    eerste = bytes(Document.objects.get(pk=document.pk).pdf)
    tasks.document_renderen_task.apply(args=[document.pk]).get()
    assert bytes(Document.objects.get(pk=document.pk).pdf) == eerste


def test_the_nightly_step_renders_what_is_left(world, beschikt):
    assert Document.objects.filter(pdf__isnull=True).count() == 1
    run = schedule.run_job("nightly", DAG)
    assert run.counts["documenten_gerenderd"] == 1, run.fouten
    assert Document.objects.filter(pdf__isnull=True).count() == 0
    document = Document.objects.get(object_uuid=beschikt.uuid)
    assert document.sha256 == hashlib.sha256(bytes(document.pdf)).hexdigest()
    assert "Beschikking" in pdf_tekst(document.pdf)
    assert schedule.run_job("nightly", DAG).counts["documenten_gerenderd"] == 0


def test_an_unknown_kind_is_refused(world, beschikt):
    with pytest.raises(ValueError):
        documenten.document_maken(soort="brief", object=beschikt, template="x.html", context={}, titel="x")


def test_a_document_is_never_changed_through_the_model(world, beschikt):
    document = Document.objects.get(object_uuid=beschikt.uuid)
    document.html = "<p>anders</p>"
    with pytest.raises(ValueError):
        document.save()
    assert Document.objects.get(pk=document.pk).html != "<p>anders</p>"


def test_inside_a_task_the_document_is_rendered_there_not_queued_again(
    world, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from backoffice import documenten as bd
    from backoffice import tasks

    settings.IPS_DOCUMENT_RENDEREN = "celery"
    monkeypatch.setattr(bd, "_in_een_taak", lambda: True)
    monkeypatch.setattr(tasks.document_renderen_task, "delay", lambda pk: pytest.fail("queued from a task"))
    with django_capture_on_commit_callbacks(execute=True):
        aanvraag = AanvraagFactory(perceel=world.epa, door=world.ggz_noord, afgewezen=True)
    assert Document.objects.get(object_uuid=aanvraag.uuid).pdf is not None


def test_a_document_blanked_while_it_is_read_answers_410_not_an_empty_pdf(world, beschikt, monkeypatch):
    """The retention job blanks the content between the read and its rendering: the answer is the
    removal (410, its code), not an empty ``application/pdf``."""
    document = Document.objects.get(object_uuid=beschikt.uuid)

    def geleegd(pk):
        Document.objects.filter(pk=pk).update(inhoud_verwijderd_op=DAG, html="")
        return Document.objects.get(pk=pk)

    monkeypatch.setattr(documenten, "renderen", geleegd)
    response = world.client(world.gem_amsterdam).get(f"/api/v1/documenten/{document.uuid}/inhoud")
    assert response.status_code == 410, response.content
    assert response.json()["code"] == "document-verwijderd"
    assert "02-03-2026" in response.json()["detail"]


def test_the_file_name_and_title_carry_the_dutch_day_it_was_made(world, clock):
    """Made at 00:30 in Amsterdam on 2 March (23:30 UTC on 1 March): the name says 2 March."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    clock.move_to(datetime(2026, 3, 2, 0, 30, tzinfo=ZoneInfo("Europe/Amsterdam")))
    aanvraag = AanvraagFactory(route="gemeente", gemeente=world.amsterdam, gemeente_akkoord=True)
    document = Document.objects.get(object_uuid=aanvraag.uuid)
    assert document.bestandsnaam.startswith("beschikking-2026-03-02-")
    assert str(document).endswith("(02-03-2026)")
