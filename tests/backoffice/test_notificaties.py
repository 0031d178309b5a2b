"""The daily e-mail digest: one mail per user with only their new open signals, in Dutch, with
links to the web pages, never a participant's BSN or name; recorded and visible at
GET /api/v1/notificaties and on the page /berichten/."""

import datetime as dt

from django.core import mail

from backoffice.models import Notificatie
from financiering.rules import planned_end
from tests.trajecten.helpers import approved_traject
from trajecten.models import Deelnemer

from .jobs_helpers import START, run

D = dt.timedelta


def _mails_to(address):
    return [m for m in mail.outbox if address in m.to]


def test_digest_per_user_with_only_new_signals(wereld, clock, settings):
    settings.IPS_BASE_URL = "https://loket.example.nl"
    w = wereld
    uwv_t = approved_traject(w)
    gem_t = approved_traject(w, perceel="demo-gem-cmd")
    end = planned_end(START, 24)

    mail.outbox.clear()
    first = run(clock, "nightly", end - D(90))
    assert first.counts["notificaties"] == 3  # ggz-noord, UWV beoordelaar (UWV route), Amsterdam
    noord = _mails_to("ggz-noord@example.nl")
    assert len(noord) == 1
    msg = noord[0]
    assert msg.subject == f"IPS-loket: 2 nieuwe signalen ({end - D(90):%d-%m-%Y})"
    assert "Traject eindigt binnen 90 dagen" in msg.body
    for t in (uwv_t, gem_t):
        assert str(t["toewijzingNummer"]) in msg.body
        assert f"https://loket.example.nl/trajecten/{t['uuid']}/" in msg.body
    html = msg.alternatives[0]
    assert html[1] == "text/html" and f"https://loket.example.nl/trajecten/{uwv_t['uuid']}/" in html[0]
    assert "https://loket.example.nl/berichten/" in msg.body
    for person in Deelnemer.objects.all():
        for secret in (person.bsn, person.achternaam, person.bsn[-4:] + "\n"):
            assert secret not in msg.body and secret not in html[0]
    uwv_mail = _mails_to("uwv@example.nl")[0]
    assert uwv_t["uuid"] in uwv_mail.body and gem_t["uuid"] not in uwv_mail.body
    amsterdam = _mails_to("gemeente-amsterdam@example.nl")[0]
    assert gem_t["uuid"] in amsterdam.body and uwv_t["uuid"] not in amsterdam.body
    assert not _mails_to("ggz-zuid@example.nl") and not _mails_to("gemeente-utrecht@example.nl")
    assert not _mails_to("uwv-financieel@example.nl")

    # The same day again: nothing sent twice.
    mail.outbox.clear()
    assert run(clock, "nightly", end - D(90)).counts["notificaties"] == 0
    assert mail.outbox == []
    # The next day without new signals: no mail.
    run(clock, "nightly", end - D(89))
    assert mail.outbox == []
    # New signals: only those are in the mail.
    run(clock, "nightly", end - D(30))
    msg = _mails_to("ggz-noord@example.nl")[0]
    # Two trajectories now end within 30 days, and the provider's fidelity audit (of START - 60
    # days) is more than 24 months old.
    assert "binnen 30 dagen" in msg.body and "binnen 90 dagen" not in msg.body
    assert "modeltrouwmeting van GGZ Noord" in msg.body
    assert msg.subject.startswith("IPS-loket: 3 nieuwe signalen")

    sent = Notificatie.objects.filter(user=w.ggz_noord).order_by("datum")
    assert [(n.datum, n.aantal_signalen, n.status) for n in sent] == [
        (end - D(90), 2, "verzonden"),
        (end - D(30), 3, "verzonden"),
    ]


def test_users_see_the_mails_sent_to_them_only(wereld, clock):
    w = wereld
    approved_traject(w)
    run(clock, "nightly", planned_end(START, 24) - D(90))
    own = w.client(w.ggz_noord).get("/api/v1/notificaties")
    assert own.status_code == 200
    rows = own.json()["results"]
    assert len(rows) == 1
    row = rows[0]
    assert row["aan"] == "ggz-noord@example.nl" and row["aantalSignalen"] == 1 and len(row["signalen"]) == 1
    assert row["onderwerp"].startswith("IPS-loket:") and "Traject" in row["tekst"]
    assert w.client(w.ggz_zuid).get("/api/v1/notificaties").json()["count"] == 0
    assert w.client(w.ggz_zuid).get(f"/api/v1/notificaties/{row['uuid']}").status_code == 404
    assert w.client(w.ggz_noord).get(f"/api/v1/notificaties/{row['uuid']}").status_code == 200
    assert w.client(w.auditor).get("/api/v1/notificaties").json()["count"] == 0


def test_the_messages_page_shows_a_user_their_own_mails_in_a_fixed_number_of_queries(wereld, clock):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    w = wereld
    approved_traject(w)
    run(clock, "nightly", planned_end(START, 24) - D(90))
    mail = Notificatie.objects.get(user=w.ggz_noord)

    noord = Client()
    noord.force_login(w.ggz_noord)
    with CaptureQueriesContext(connection) as one:
        page = noord.get("/berichten/")
    assert page.status_code == 200
    html = page.content.decode()
    assert mail.onderwerp in html and "ggz-noord@example.nl" in html and "Traject eindigt binnen 90 dagen" in html
    assert 'href="/berichten/"' in html  # in the navigation

    zuid = Client()
    zuid.force_login(w.ggz_zuid)
    other = zuid.get("/berichten/").content.decode()
    assert mail.onderwerp not in other and "U heeft nog geen berichten gekregen." in other

    for day in range(1, 6):  # more mails: the same number of queries
        Notificatie.objects.create(
            user=w.ggz_noord,
            datum=mail.datum + D(day),
            aan=mail.aan,
            onderwerp=f"extra {day}",
            tekst="-",
            verzonden_op=mail.verzonden_op,
        )
    with CaptureQueriesContext(connection) as six:
        noord.get("/berichten/")
    assert len(six) == len(one)
