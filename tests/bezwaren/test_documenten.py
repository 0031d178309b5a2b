"""The objection's documents (domain.md 13): the acknowledgement of receipt when it is filed, the
decision on the objection with its outcome, reasons, what changes and the appeal clause, and the
revocation among the revoked case's documents; scoped like the objection."""

import pytest
from django.utils import timezone

from backoffice.models import Document
from bezwaren import rules, services
from tests.pdf import pdf_tekst

from .helpers import afgewezen_aanvraag, indienen

pytestmark = pytest.mark.django_db


def inhoud(w, user, document) -> str:
    response = w.client(user).get(f"/api/v1/documenten/{document.uuid}/inhoud")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return pdf_tekst(b"".join(response.streaming_content) if response.streaming else response.content)


def test_receipt_decision_and_revocation_documents_say_what_was_decided(w):
    aanvraag = afgewezen_aanvraag(w)
    bezwaar = indienen(w, "aanvraag", aanvraag, gronden="De deelnemer wil wel degelijk betaald werk.")
    ontvangst = Document.objects.get(object_uuid=bezwaar.uuid, soort="bezwaar_ontvangst")
    tekst = inhoud(w, w.ggz_noord, ontvangst)
    for zin in (bezwaar.nummer, "02-03-2026", "13-04-2026", "De deelnemer wil wel degelijk betaald werk.", "7:10"):
        assert zin in tekst, zin

    services.bezwaar_beslissen(
        by=w.gem2, bezwaar=bezwaar, uitkomst="gegrond", toelichting="De afwijzing ging uit van een verouderd verslag."
    )
    beslissing = Document.objects.get(object_uuid=bezwaar.uuid, soort="beslissing_op_bezwaar")
    tekst = inhoud(w, w.gem_amsterdam, beslissing)
    for zin in (
        "gegrond",
        "De afwijzing ging uit van een verouderd verslag.",
        "herroepen",
        "opnieuw in behandeling",
        "beroep",
        "rechtbank",
        "8:1",
        "13-04-2026",  # decided on 02-03-2026: appeal until 6 weeks later
        "Amsterdam",
        # who decided under which mandate (domain.md 13), as the beschikking's signing line
        "Namens het college van burgemeester en wethouders van Amsterdam, krachtens mandaat "
        "(Mandaatbesluit IPS, Gemeenteblad 2025 nr. 0363):",
    ):
        assert zin in tekst, zin
    herroeping = Document.objects.get(object_uuid=aanvraag.uuid, soort="herroeping")
    herroeping_tekst = inhoud(w, w.ggz_noord, herroeping)
    assert bezwaar.nummer in herroeping_tekst
    assert "krachtens mandaat (Mandaatbesluit IPS, Gemeenteblad 2025 nr. 0363):" in herroeping_tekst

    listed = w.client(w.ggz_noord).get(f"/api/v1/documenten?object={bezwaar.uuid}").json()["results"]
    assert [d["soort"] for d in listed] == ["bezwaar_ontvangst", "beslissing_op_bezwaar"]
    for user in (w.ggz_zuid, w.gem_utrecht, w.uwv):
        assert w.client(user).get(f"/api/v1/documenten?object={bezwaar.uuid}").json()["results"] == []
        assert w.client(user).get(f"/api/v1/documenten/{beslissing.uuid}/inhoud").status_code == 404


def test_an_ongegrond_decision_keeps_the_decision_and_makes_no_revocation(w):
    aanvraag = afgewezen_aanvraag(w)
    bezwaar = indienen(w, "aanvraag", aanvraag)
    services.bezwaar_beslissen(by=w.gem2, bezwaar=bezwaar, uitkomst="ongegrond", toelichting="Terecht afgewezen.")
    tekst = inhoud(w, w.ggz_noord, Document.objects.get(object_uuid=bezwaar.uuid, soort="beslissing_op_bezwaar"))
    assert "ongegrond" in tekst and "blijft in stand" in tekst
    assert not Document.objects.filter(soort="herroeping").exists()


def test_the_refusal_states_the_last_day_the_desk_accepts_an_objection_on_time(w):
    aanvraag = afgewezen_aanvraag(w)  # refused on 02-03-2026
    afwijzing = Document.objects.get(object_uuid=aanvraag.uuid, soort="afwijzing")
    einde = rules.termijn_einde(timezone.localdate(aanvraag.afgehandeld_op))
    assert einde.strftime("%d-%m-%Y") == "13-04-2026"
    assert "uiterlijk op 13-04-2026" in " ".join(inhoud(w, w.ggz_noord, afwijzing).split())
    bezwaar = indienen(w, "aanvraag", aanvraag)
    assert (bezwaar.termijn_einde, bezwaar.te_laat) == (einde, False)
