"""The objection pages through Django's test client, per page and role: the provider files an
objection from the decision's page (the term and its end date on the form, the reason for a late
one, the confirmation step), the deciding body decides it (the outcomes explained, the motivation
required, the confirmation page with the effects, the result), withdrawal, the werkbak and the
menu; refusals as Dutch messages, another organisation's objection a 404, a missing role a 403."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model

from backoffice import roles
from bezwaren.models import Bezwaarschrift
from financiering.models import Budget
from tests.declaraties.geld_helpers import moment
from tests.factories import EindverslagFactory, PrestatieFactory, TrajectFactory, VerlengingFactory
from tests.factories import client_as as _client
from tests.trajecten.helpers import approved_traject, filed_aanvraag
from trajecten import services as zaak
from trajecten.models import Aanvraag

pytestmark = pytest.mark.django_db

D = datetime.date
BESLUITDAG = D(2026, 3, 2)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(moment(BESLUITDAG), tick=False) as traveller:
        yield traveller


def _afgewezen(world) -> Aanvraag:
    """A gemeente-route application of GGZ Noord that Amsterdam refused today."""
    aanvraag = filed_aanvraag(world, perceel="demo-gem-epa")
    aanvraag, _ = zaak.aanvraag_decide(
        by=world.gem_amsterdam, aanvraag=aanvraag, besluit="afgewezen", toelichting="Geen budget meer dit jaar."
    )
    return aanvraag


def _indienen(client, aanvraag, *, bevestigd=True, **data):
    body = {"gronden": "Het budget was er wel: zie de begroting.", **data}
    if bevestigd:
        body["bevestigd"] = "on"
    return client.post(f"/aanvragen/{aanvraag.uuid}/bezwaar/", body)


def _bezwaar(world, aanvraag=None) -> Bezwaarschrift:
    aanvraag = aanvraag or _afgewezen(world)
    response = _indienen(_client(world.ggz_noord), aanvraag)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Bezwaarschrift.objects.get(aanvraag=aanvraag)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- the provider: filing -----------------------------------------------------------------------


def test_the_refused_application_offers_the_objection_with_its_term(world):
    aanvraag = _afgewezen(world)
    page = _text(_client(world.ggz_noord).get(f"/aanvragen/{aanvraag.uuid}/"))
    assert f'href="/aanvragen/{aanvraag.uuid}/bezwaar/"' in page
    assert "De bezwaartermijn loopt tot 13-04-2026 (6 weken na het besluit, Awb art. 6:7)." in page

    form = _text(_client(world.ggz_noord).get(f"/aanvragen/{aanvraag.uuid}/bezwaar/"))
    assert "De bezwaartermijn loopt tot 13-04-2026 (6 weken na het besluit, Awb art. 6:7)." in form
    assert 'name="gronden"' in form
    assert 'name="reden_termijnoverschrijding"' not in form  # within the term: no reason asked


def test_an_undecided_application_has_no_objection_and_says_why_on_the_form(world):
    aanvraag = filed_aanvraag(world, perceel="demo-gem-epa")
    provider = _client(world.ggz_noord)
    assert "/bezwaar/" not in _text(provider.get(f"/aanvragen/{aanvraag.uuid}/"))
    response = provider.get(f"/aanvragen/{aanvraag.uuid}/bezwaar/")
    assert response.status_code == 200
    assert "Bezwaar maken kan hier niet" in _text(response)
    assert "geen-besluit" in _text(response)
    assert 'name="gronden"' not in _text(response)
    response = _indienen(provider, aanvraag)
    assert response.status_code != 500 and "geen-besluit" in _text(response)
    assert not Bezwaarschrift.objects.exists()


def test_filing_asks_for_grounds_then_confirms_then_shows_the_objection(world):
    aanvraag = _afgewezen(world)
    provider = _client(world.ggz_noord)

    empty = _indienen(provider, aanvraag, gronden="  ")
    assert empty.status_code == 400
    assert "gronden-verplicht" in _text(empty)

    confirm = _indienen(provider, aanvraag, bevestigd=False)
    assert confirm.status_code == 200
    assert "Bevestig uw bezwaar" in _text(confirm)
    assert "Het budget was er wel" in _text(confirm)
    assert not Bezwaarschrift.objects.exists()  # nothing before the confirmation

    done = _indienen(provider, aanvraag)
    bezwaar = Bezwaarschrift.objects.get(aanvraag=aanvraag)
    assert done.status_code == 302 and done["Location"] == f"/bezwaren/{bezwaar.uuid}/"
    page = _text(provider.get(done["Location"]))
    assert f"Bezwaar {bezwaar.nummer}" in page
    assert "Ingediend" in page
    assert "tot en met 13-04-2026" in page
    assert f'href="/aanvragen/{aanvraag.uuid}/"' in page  # the decision it concerns
    assert "Het budget was er wel" in page
    assert "Historie" in page and "bezwaar ingediend door de aanbieder" in page
    assert "Beslissen op het bezwaar" not in page  # no decision form for the provider
    assert f'href="/bezwaren/{bezwaar.uuid}/intrekken/"' in page
    # the decision's page now lists the objection, and offers no second one
    decision_page = _text(provider.get(f"/aanvragen/{aanvraag.uuid}/"))
    assert bezwaar.nummer in decision_page
    assert f'href="/aanvragen/{aanvraag.uuid}/bezwaar/"' not in decision_page


def test_after_six_weeks_the_form_asks_the_reason_for_the_delay(world, clock):
    aanvraag = _afgewezen(world)
    clock.move_to(moment(D(2026, 4, 20)))
    provider = _client(world.ggz_noord)
    form = _text(provider.get(f"/aanvragen/{aanvraag.uuid}/bezwaar/"))
    assert "De bezwaartermijn liep tot 13-04-2026 (6 weken na het besluit, Awb art. 6:7)." in form
    assert 'name="reden_termijnoverschrijding"' in form

    zonder = _indienen(provider, aanvraag)
    assert zonder.status_code == 400
    assert "bezwaartermijn-verstreken" in _text(zonder)
    assert not Bezwaarschrift.objects.exists()

    met = _indienen(provider, aanvraag, reden_termijnoverschrijding="Het besluit kwam niet aan: ons adres was oud.")
    assert met.status_code == 302
    bezwaar = Bezwaarschrift.objects.get()
    assert bezwaar.te_laat
    assert "na de bezwaartermijn" in _text(provider.get(met["Location"]))


def test_other_organisations_and_roles_are_refused(world):
    bezwaar = _bezwaar(world)
    aanvraag = bezwaar.aanvraag
    zuid = _client(world.ggz_zuid)
    assert zuid.get(f"/aanvragen/{aanvraag.uuid}/bezwaar/").status_code == 404
    assert zuid.get(f"/bezwaren/{bezwaar.uuid}/").status_code == 404
    assert zuid.get(f"/bezwaren/{bezwaar.uuid}/intrekken/").status_code == 404
    assert bezwaar.nummer not in _text(zuid.get("/bezwaren/?status=alle"))
    utrecht = _client(world.gem_utrecht)
    assert utrecht.get(f"/bezwaren/{bezwaar.uuid}/").status_code == 404
    assert utrecht.post(f"/bezwaren/{bezwaar.uuid}/beslissen/", {"uitkomst": "gegrond"}).status_code == 404
    gemeente = _client(world.gem_amsterdam)
    assert gemeente.get(f"/aanvragen/{aanvraag.uuid}/bezwaar/").status_code == 403  # the body does not object
    assert _client(world.ggz_noord).post(f"/bezwaren/{bezwaar.uuid}/beslissen/", {}).status_code == 403
    assert _client(world.auditor).get("/bezwaren/").status_code == 403
    assert _client(world.auditor).get(f"/bezwaren/{bezwaar.uuid}/").status_code == 403


# --- the deciding body ------------------------------------------------------------------------------


def _beslis(client, bezwaar, uitkomst="gegrond", toelichting="De gemeente had nog budget.", bevestigd=True):
    body = {"uitkomst": uitkomst, "toelichting": toelichting}
    if bevestigd:
        body["bevestigd"] = "on"
    return client.post(f"/bezwaren/{bezwaar.uuid}/beslissen/", body)


def test_the_gemeente_lists_and_decides_gegrond_and_the_application_is_back(world):
    bezwaar = _bezwaar(world)
    # a colleague decides: who refused the application does not decide on the objection (Awb 7:5)
    collega = world.f.make_user(roles.GEMEENTE, gemeenten=[world.amsterdam], username="gemeente-amsterdam-2")
    gemeente = _client(collega)

    listing = _text(gemeente.get("/bezwaren/"))
    assert bezwaar.nummer in listing and "25-05-2026" in listing  # the decision term: 6 weeks after the objection term
    page = _text(gemeente.get(f"/bezwaren/{bezwaar.uuid}/"))
    assert "Beslissen op het bezwaar" in page
    assert "Gegrond: het besluit wordt herroepen en er volgt een nieuw besluit" in page
    assert "Ongegrond" in page and "Niet-ontvankelijk" in page

    missing = _beslis(gemeente, bezwaar, toelichting="")
    assert missing.status_code == 400 and "toelichting-verplicht" in _text(missing)

    confirm = _text(_beslis(gemeente, bezwaar, bevestigd=False))
    assert f"Bevestig uw besluit op bezwaar {bezwaar.nummer}" in confirm
    assert "De afwijzing van de aanvraag wordt herroepen; er beweegt geen geld." in confirm
    assert "er volgt een nieuw besluit op de aanvraag" in confirm
    bezwaar.refresh_from_db()
    assert bezwaar.status == "ingediend"

    done = _beslis(gemeente, bezwaar)
    assert done.status_code == 302 and done["Location"] == f"/bezwaren/{bezwaar.uuid}/"
    bezwaar.refresh_from_db()
    assert bezwaar.status == "gegrond"
    assert Aanvraag.objects.get(pk=bezwaar.aanvraag_id).status == "ingediend"  # back for a new decision
    result = _text(gemeente.get(done["Location"], follow=True))
    assert "Besluit op bezwaar: gegrond" in result
    assert "neem nu het nieuwe besluit" in result
    assert "Beslissen op het bezwaar" not in result
    # the application page offers the new decision again
    assert "Beschikking geven" in _text(gemeente.get(f"/aanvragen/{bezwaar.aanvraag.uuid}/"))


def test_who_took_the_decision_sees_why_a_colleague_decides(world):
    bezwaar = _bezwaar(world)
    gemeente = _client(world.gem_amsterdam)  # refused the application
    page = _text(gemeente.get(f"/bezwaren/{bezwaar.uuid}/"))
    assert "Beslissen op het bezwaar" not in page
    assert "een collega beslist op het bezwaar (Awb art. 7:5)" in page
    response = _beslis(gemeente, bezwaar)
    assert response.status_code == 403 and "vier-ogen" in _text(response)
    bezwaar.refresh_from_db()
    assert bezwaar.status == "ingediend"


def test_ongegrond_keeps_the_decision(world):
    bezwaar = _bezwaar(world)
    collega = world.f.make_user(roles.GEMEENTE, gemeenten=[world.amsterdam], username="gemeente-amsterdam-2")
    confirm = _text(_beslis(_client(collega), bezwaar, uitkomst="ongegrond", bevestigd=False))
    assert "blijft staan" in confirm and "herroepen" not in confirm
    assert _beslis(_client(collega), bezwaar, uitkomst="ongegrond").status_code == 302
    assert Aanvraag.objects.get(pk=bezwaar.aanvraag_id).status == "afgewezen"
    assert "Besluit op bezwaar: ongegrond" in _text(_client(world.ggz_noord).get(f"/bezwaren/{bezwaar.uuid}/"))
    # no second objection against the same decision: the provider reads why (appeal is the next step)
    page = _text(_client(world.ggz_noord).get(f"/aanvragen/{bezwaar.aanvraag.uuid}/"))
    assert "Op een bezwaar tegen dit besluit is al beslist" in page
    assert f'href="/aanvragen/{bezwaar.aanvraag.uuid}/bezwaar/"' not in page


def test_withdrawing_needs_the_box_and_ends_the_objection(world):
    bezwaar = _bezwaar(world)
    provider = _client(world.ggz_noord)
    assert "Ik trek dit bezwaar in" in _text(provider.get(f"/bezwaren/{bezwaar.uuid}/intrekken/"))
    assert provider.post(f"/bezwaren/{bezwaar.uuid}/intrekken/", {}).status_code == 400
    bezwaar.refresh_from_db()
    assert bezwaar.status == "ingediend"
    response = provider.post(f"/bezwaren/{bezwaar.uuid}/intrekken/", {"bevestigd": "on"})
    assert response.status_code == 302
    bezwaar.refresh_from_db()
    assert bezwaar.status == "ingetrokken"
    again = provider.post(f"/bezwaren/{bezwaar.uuid}/intrekken/", {"bevestigd": "on"})
    assert again.status_code != 500 and "ongeldige-status" in _text(again)


# --- werkbak, menu, empty states ----------------------------------------------------------------------


def test_the_werkbak_shows_open_and_overdue_objections_to_the_body(world, clock):
    bezwaar = _bezwaar(world)
    start = _text(_client(world.gem_amsterdam).get("/"))
    assert "Bezwaren om te beslissen" in start and bezwaar.nummer in start
    assert "Geen bezwaar is over zijn beslistermijn." in start
    clock.move_to(moment(D(2026, 5, 26)))  # the day after the decision term (Awb 7:10)
    start = _text(_client(world.gem_amsterdam).get("/"))
    over = start.split("Bezwaren over de beslistermijn", 1)[1].split("Bezwaren om te beslissen", 1)[0]
    assert bezwaar.nummer in over
    listing = _text(_client(world.gem_amsterdam).get("/bezwaren/"))
    assert "termijn verlopen" in listing
    assert bezwaar.nummer not in _text(_client(world.uwv).get("/"))  # the gemeente's decision, not UWV's


def test_the_menu_and_the_empty_lists(world):
    for user in (world.ggz_noord, world.gem_amsterdam, world.uwv):
        assert 'href="/bezwaren/"' in _text(_client(user).get("/")), user.username
    assert 'href="/bezwaren/"' not in _text(_client(world.auditor).get("/"))
    provider = _text(_client(world.ggz_noord).get("/bezwaren/"))
    assert "U heeft geen open bezwaren" in provider and "Bezwaar maken" in provider
    body = _text(_client(world.gem_amsterdam).get("/bezwaren/"))
    assert "Er wachten geen bezwaren op uw besluit" in body


# --- the other decisions: extension, declaration line, final settlement --------------------------------


def test_a_refused_extension_line_and_settlement_each_have_their_form(world):
    verlenging = VerlengingFactory(traject=TrajectFactory(doelgroep="cmd"), afgewezen=True)
    traject = verlenging.traject
    provider = _client(get_user_model().objects.get(pk=traject.aanvraag.ingediend_door_id))
    url = f"/trajecten/{traject.uuid}/verlengingen/{verlenging.uuid}/bezwaar/"
    assert f'href="{url}"' in _text(provider.get(f"/trajecten/{traject.uuid}/"))
    assert 'name="gronden"' in _text(provider.get(url))
    response = provider.post(url, {"gronden": "De verlenging is nodig.", "bevestigd": "on"})
    assert response.status_code == 302
    assert Bezwaarschrift.objects.get(verlenging=verlenging).beslisorgaan == "uwv"

    regel = PrestatieFactory(traject=traject, afgewezen=True)
    assert regel.status == "afgewezen"
    declaratie_page = _text(provider.get(f"/declaraties/{regel.declaratie.uuid}/"))
    url = f"/declaraties/regels/{regel.uuid}/bezwaar/"
    assert f'href="{url}"' in declaratie_page
    assert provider.post(url, {"gronden": "De plaatsing was er wel.", "bevestigd": "on"}).status_code == 302
    assert "Bezwaar BZ-" in _text(provider.get(f"/declaraties/{regel.declaratie.uuid}/"))

    EindverslagFactory(traject=traject)
    traject.refresh_from_db()
    assert traject.status == "afgesloten"
    url = f"/trajecten/{traject.uuid}/vaststelling/bezwaar/"
    assert f'href="{url}"' in _text(provider.get(f"/trajecten/{traject.uuid}/"))
    assert 'name="gronden"' in _text(provider.get(url))


def test_gegrond_against_a_grant_says_what_is_revoked_and_releases_the_budget(world):
    traject = approved_traject(world, perceel="demo-gem-epa")  # Amsterdam's beschikking is the grant
    aanvraag = Aanvraag.objects.get(traject__uuid=traject["uuid"])
    budget = Budget.objects.get(pk=aanvraag.budget_id)
    assert budget.gereserveerd == Decimal("8000.00")
    bezwaar = _bezwaar(world, aanvraag)
    collega = _client(world.f.make_user(roles.GEMEENTE, gemeenten=[world.amsterdam], username="gemeente-amsterdam-2"))

    confirm = _text(_beslis(collega, bezwaar, bevestigd=False))
    assert "De toekenning van de aanvraag wordt herroepen." in confirm
    assert f"Traject {traject['toewijzingNummer']} wordt herroepen" in confirm
    assert "De reservering van € 8.000,00 op het budget van de gemeente valt vrij." in confirm
    assert "er volgt een nieuw besluit op de aanvraag" in confirm
    budget.refresh_from_db()
    assert budget.gereserveerd == Decimal("8000.00")  # nothing before the confirmation

    assert _beslis(collega, bezwaar).status_code == 302
    budget.refresh_from_db()
    assert budget.gereserveerd == Decimal("0.00")
    result = _text(collega.get(f"/bezwaren/{bezwaar.uuid}/"))
    assert "Besluit op bezwaar: gegrond" in result
    assert "De reservering van € 8.000,00 op het budget van de gemeente is vrijgevallen." in result


def test_uwv_decides_an_objection_against_a_line_and_the_line_is_back_for_assessment(world):
    regel = PrestatieFactory(traject=TrajectFactory(), afgewezen=True)
    provider = _client(get_user_model().objects.get(pk=regel.traject.aanvraag.ingediend_door_id))
    assert (
        provider.post(
            f"/declaraties/regels/{regel.uuid}/bezwaar/", {"gronden": "Wel een plaatsing.", "bevestigd": "on"}
        ).status_code
        == 302
    )
    bezwaar = Bezwaarschrift.objects.get(prestatie=regel)
    assert _client(world.gem_amsterdam).get(f"/bezwaren/{bezwaar.uuid}/").status_code == 404  # UWV's decision
    assert _client(world.uwv_fin).post(f"/bezwaren/{bezwaar.uuid}/beslissen/", {}).status_code == 403
    uwv = _client(world.uwv)
    assert bezwaar.nummer in _text(uwv.get("/"))  # werkbak
    confirm = _text(_beslis(uwv, bezwaar, toelichting="De plaatsing stond er wel.", bevestigd=False))
    assert "De regel gaat terug naar beoordeling bij UWV" in confirm
    assert _beslis(uwv, bezwaar, toelichting="De plaatsing stond er wel.").status_code == 302
    regel.refresh_from_db()
    assert regel.status == "in_behandeling"


def test_a_decision_on_a_withdrawn_objection_is_refused_on_the_form(world):
    bezwaar = _bezwaar(world)
    collega = _client(world.f.make_user(roles.GEMEENTE, gemeenten=[world.amsterdam], username="gemeente-amsterdam-2"))
    assert "Beslissen op het bezwaar" in _text(collega.get(f"/bezwaren/{bezwaar.uuid}/"))
    _client(world.ggz_noord).post(f"/bezwaren/{bezwaar.uuid}/intrekken/", {"bevestigd": "on"})
    response = _beslis(collega, bezwaar)  # the form was still open in another tab
    assert response.status_code == 409
    assert "ongeldige-status" in _text(response) and "Dit kan niet" in _text(response)
    bezwaar.refresh_from_db()
    assert bezwaar.status == "ingetrokken"


def test_the_body_extends_the_decision_term_once_with_a_reason(world):
    bezwaar = _bezwaar(world)
    gemeente = _client(world.gem_amsterdam)  # extending is not deciding: who refused may do it
    assert "Beslistermijn verdagen" in _text(gemeente.get(f"/bezwaren/{bezwaar.uuid}/"))
    zonder = gemeente.post(f"/bezwaren/{bezwaar.uuid}/verdagen/", {"reden": ""})
    assert zonder.status_code == 400 and "toelichting-verplicht" in _text(zonder)
    response = gemeente.post(f"/bezwaren/{bezwaar.uuid}/verdagen/", {"reden": "Advies van de commissie nodig."})
    assert response.status_code == 302
    page = _text(gemeente.get(f"/bezwaren/{bezwaar.uuid}/"))
    assert "Beslissen vóór 06-07-2026" in page and "Advies van de commissie nodig." in page
    assert "Beslistermijn verdagen" not in page  # once
    assert _client(world.ggz_noord).post(f"/bezwaren/{bezwaar.uuid}/verdagen/", {"reden": "x"}).status_code == 403


def test_the_list_and_the_werkbak_ask_the_same_number_of_queries_for_more_objections(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    uwv = _client(world.uwv)

    def queries(url):
        with CaptureQueriesContext(connection) as ctx:
            assert uwv.get(url).status_code == 200
        return len(ctx.captured_queries)

    def regel_bezwaar(n):
        regel = PrestatieFactory(traject=TrajectFactory(), afgewezen=True)
        provider = _client(get_user_model().objects.get(pk=regel.traject.aanvraag.ingediend_door_id))
        url = f"/declaraties/regels/{regel.uuid}/bezwaar/"
        assert provider.post(url, {"gronden": f"Grond {n}.", "bevestigd": "on"}).status_code == 302

    regel_bezwaar(1)
    queries("/")  # the session's first request writes it
    een = (queries("/bezwaren/"), queries("/"))
    regel_bezwaar(2)
    regel_bezwaar(3)
    assert (queries("/bezwaren/"), queries("/")) == een


def test_an_export_beyond_the_limit_is_refused_as_on_every_list(world, monkeypatch):
    """The objections' export has its own path (each line's trajectory): above the limit it is
    refused with the list machinery's message and code, not cut off silently."""
    from backoffice import lijsten

    _bezwaar(world)
    _bezwaar(world)
    client = _client(world.gem_amsterdam)
    assert client.get("/bezwaren/?export=csv").content.decode("utf-8-sig").count("\n") == 3  # header + 2
    monkeypatch.setattr(lijsten, "MAX_EXPORT", 1)
    response = client.get("/bezwaren/?export=csv", follow=True)
    assert "attachment" not in response.get("Content-Disposition", "")
    assert "(code: export-te-groot)" in _text(response)
