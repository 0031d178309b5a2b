"""Issue 9, finding 5: a signal reaches only those who may open its object. A late co-financing
claim (``vordering_te_laat``) is UWV financieel's and the claimed gemeente's business; the UWV
beoordelaar, who may not open the claim, neither lists it (API, web page), nor gets it mailed, nor
finds it on its messages page."""

import datetime as dt
from decimal import Decimal

from django.core import mail
from django.test import Client

from backoffice.models import Signaal
from declaraties.models import Vordering

from .jobs_helpers import START, run

D = dt.timedelta


def _late_claim(w, clock) -> Signaal:
    claim = Vordering.objects.create(
        gemeente=w.amsterdam,
        periode=dt.date(2025, 12, 1),
        bedrag=Decimal("100.00"),
        status="verzonden",
        factuurnummer="IPS-2099-000001",
        factuurdatum=dt.date(2025, 12, 1),
        vervaldatum=START,
    )
    mail.outbox.clear()
    run(clock, "nightly", START + D(2))
    signaal = Signaal.objects.get(soort="vordering_te_laat", afgehandeld=False)
    assert str(signaal.object_uuid) == str(claim.uuid)
    return signaal


def _web(user, path):
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_a_late_claim_is_listed_mailed_and_shown_only_to_who_may_open_it(wereld, clock):
    w = wereld
    signaal = _late_claim(w, clock)
    tekst = "De vordering Amsterdam over december 2025 is niet op tijd betaald"
    assert signaal.omschrijving.startswith(tekst)

    may = (w.uwv_fin, w.gem_amsterdam)
    may_not = (w.uwv, w.gem_utrecht, w.ggz_noord)
    for user in may:
        listed = w.client(user).get("/api/v1/signalen", {"soort": "vordering_te_laat"}).json()["results"]
        assert [row["uuid"] for row in listed] == [str(signaal.uuid)], user.username
        assert listed[0]["vordering"] == str(signaal.object_uuid)
        assert w.client(user).get(f"/api/v1/signalen/{signaal.uuid}").status_code == 200
        assert tekst in _web(user, "/signalen/"), user.username
        mails = [m for m in mail.outbox if user.email in m.to]
        assert len(mails) == 1 and tekst in mails[0].body, user.username
        assert tekst in _web(user, "/berichten/"), user.username
    for user in may_not:
        listed = w.client(user).get("/api/v1/signalen", {"soort": "vordering_te_laat"}).json()
        assert listed["count"] == 0, user.username
        assert w.client(user).get(f"/api/v1/signalen/{signaal.uuid}").status_code == 404, user.username
        assert tekst not in _web(user, "/signalen/"), user.username
        assert not any(tekst in m.body for m in mail.outbox if user.email in m.to), user.username
        assert tekst not in _web(user, "/berichten/"), user.username
    # The claim itself: the same split (the table the signals follow).
    for user in may:
        assert w.client(user).get(f"/api/v1/vorderingen/{signaal.object_uuid}").status_code == 200
    assert w.client(w.uwv).get(f"/api/v1/vorderingen/{signaal.object_uuid}").status_code == 403


def test_the_signals_page_links_a_claim_signal_to_the_claim(wereld, clock):
    w = wereld
    signaal = _late_claim(w, clock)
    assert f'href="/vorderingen/{signaal.object_uuid}/"' in _web(w.uwv_fin, "/signalen/")


def test_the_beoordelaar_still_sees_the_signals_it_may_open(wereld, clock):
    """The budget a claim draws on is open to both UWV roles: its signal stays listed for both."""
    w = wereld
    w.budget_amsterdam.toegekend = Decimal("100.00")
    w.budget_amsterdam.gereserveerd = Decimal("95.00")
    w.budget_amsterdam.save()
    _late_claim(w, clock)
    budget = Signaal.objects.get(soort="budget_bijna_op")
    for user in (w.uwv, w.uwv_fin):
        listed = w.client(user).get("/api/v1/signalen", {"soort": "budget_bijna_op"}).json()["results"]
        assert [row["uuid"] for row in listed] == [str(budget.uuid)], user.username
