"""The jobs in the embedded default and on the web (docs/jobs.md): the embedded scheduler of
``make run`` runs a due job once per period (not twice with two schedulers or after a restart,
catching up only what ``INHALEN`` says), UWV financieel's preview equals what the run then does,
a second start in one period is refused in words, every role sees only its job runs, the
werkbak shows disputes and every rejected line, and the bank date is refused on the first step."""

import datetime

import pytest
import time_machine

from backoffice import registry, schedule
from backoffice.models import Taakrun
from backoffice.planner import Planner
from declaraties import jobs, services
from declaraties.models import Betaalopdracht, Prestatie
from tests.declaraties.geld_helpers import declare, moment, start_line
from tests.factories import client_as as _client
from tests.trajecten.helpers import approved_traject

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def one_step(monkeypatch):
    """Every job is one cheap step that counts how often it ran (the planner, not the steps, is tested)."""
    calls = []
    monkeypatch.setattr(
        registry, "job_steps", lambda name, datum: [("stap", lambda d: calls.append((name, d)) or {"stap": 1})]
    )
    return calls


def test_the_scheduler_runs_a_due_job_once_per_period(one_step, tmp_path):
    state = tmp_path / "planner.json"
    # Started on Sunday 6 December 2026 23:00: nothing is caught up on a first start.
    with time_machine.travel(moment(D(2026, 12, 6), 23), tick=False) as clock:
        planner = Planner(state_path=state)
        assert planner.tick() == []
        clock.move_to(moment(D(2026, 12, 7), 2))  # Monday 02:00: the nightly job
        assert [r.taak for r in planner.tick()] == ["nightly"]
        clock.move_to(moment(D(2026, 12, 7), 3))  # 03:00: the weekly payment run
        runs = planner.tick()
        assert [(r.taak, r.datum, r.status, r.bron) for r in runs] == [
            ("weekly", D(2026, 12, 7), "geslaagd", "planner")
        ]
        assert planner.tick() == []  # the same minute again
        # A second scheduler (or one restarted at once) finds the runs of this period: nothing twice.
        other = Planner(state_path=state)
        other.gezien = dict.fromkeys(other.gezien, moment(D(2026, 12, 6)))
        assert other.tick() == []
        assert one_step == [("nightly", D(2026, 12, 7)), ("weekly", D(2026, 12, 7))]
        # Stopped from Monday 03:00 until Tuesday 12:00: the nightly job of Tuesday is not caught
        # up (INHALEN), and neither is anything that already ran.
        clock.move_to(moment(D(2026, 12, 8), 12))
        assert Planner(state_path=state).tick() == []
    # Stopped over the 1st of January: on the restart the monthly and quarterly jobs catch up once,
    # and the weekly run its latest missed Monday only (28 December), not every week missed.
    with time_machine.travel(moment(D(2027, 1, 2), 9), tick=False):
        restarted = Planner(state_path=state)
        assert sorted((r.taak, r.datum) for r in restarted.tick()) == [
            ("monthly", D(2027, 1, 1)),
            ("quarterly", D(2027, 1, 1)),
            ("weekly", D(2026, 12, 28)),
        ]
        assert restarted.tick() == []
    assert Taakrun.objects.filter(status="geslaagd").count() == 5


def test_periods_come_from_the_schedule():
    assert schedule.periode("weekly", D(2026, 12, 9)) == (D(2026, 12, 7), D(2026, 12, 13))
    assert schedule.periode("weekly", D(2026, 12, 7)) == (D(2026, 12, 7), D(2026, 12, 13))
    assert schedule.periode("monthly", D(2026, 12, 31)) == (D(2026, 12, 1), D(2026, 12, 31))
    assert schedule.periode("quarterly", D(2026, 5, 5)) == (D(2026, 4, 1), D(2026, 6, 30))
    assert schedule.periode("nightly", D(2026, 12, 9)) == (D(2026, 12, 9), D(2026, 12, 9))


@pytest.fixture
def clock():
    with time_machine.travel(moment(D(2026, 3, 2)), tick=False) as traveller:
        yield traveller


@pytest.fixture
def lines(clock, world, settings):
    """Three accepted start lines of GGZ Noord (two trajectories of Amsterdam, one of Utrecht)."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from tests.factories import budget

    budget(world.utrecht, world.gem_regeling)
    ams = [approved_traject(world, perceel="demo-gem-epa") for _ in range(2)]
    utr = approved_traject(world, perceel="demo-gem-epa", gemeente="0344", gemeente_user=world.gem_utrecht)
    declare(world.ggz_noord, "D-1", [start_line(t, f"R-{i}", D(2026, 3, 2)) for i, t in enumerate([*ams, utr])])
    return world


def test_uwv_financieel_previews_confirms_and_starts_the_runs_once(lines, clock):
    world = lines
    fin = _client(world.uwv_fin)
    start = fin.get("/")
    assert "Betaalrun: bekijk en start" in start.content.decode()

    preview = fin.get("/taken/weekly/")
    text = preview.content.decode()
    assert preview.status_code == 200
    assert "<strong>1 betaalopdracht</strong> met samen 3 regels, voor €\u00a09.600,00" in text
    assert "GGZ Noord" in text

    confirm = fin.get("/taken/weekly/starten")
    assert confirm.status_code == 200 and 'name="bevestigd"' in confirm.content.decode()
    refused = fin.post("/taken/weekly/starten", {})
    assert refused.status_code == 400 and "Vink aan dat u dit bevestigt" in refused.content.decode()
    assert not Betaalopdracht.objects.exists()

    started = fin.post("/taken/weekly/starten", {"bevestigd": "on"})
    assert started.status_code == 302
    run = Taakrun.objects.get(taak="weekly")
    assert started["Location"] == f"/taken/runs/{run.uuid}/"
    assert (run.status, run.bron, run.counts) == ("geslaagd", "web", {"betaalopdrachten": 1, "regels": 3})
    page = fin.get(started["Location"]).content.decode()
    assert "Geslaagd" in page and "Betaalopdrachten aangemaakt" in page and 'http-equiv="refresh"' not in page
    assert str(Betaalopdracht.objects.get().bedrag) == "9600.00"

    # Wednesday, same week: refused in words, with a link to the run; nothing new.
    clock.move_to(moment(D(2026, 3, 4)))
    fin = _client(world.uwv_fin)  # a new session (the old one expired in between)
    again = fin.post("/taken/weekly/starten", {"bevestigd": "on"})
    text = again.content.decode()
    assert again.status_code == 409
    assert "Betaalrun draaide deze week al (periode 2 maart 2026 tot en met 8 maart 2026)" in text
    assert f"/taken/runs/{run.uuid}/" in text and "taak-al-gedraaid" in text
    assert Taakrun.objects.filter(taak="weekly").count() == 1

    # The claims: pay the order, then on 1 April the preview per gemeente equals what the run makes.
    opdracht = Betaalopdracht.objects.get()
    services.betaalopdracht_accorderen(by=world.uwv_fin, opdracht=opdracht)
    services.betaalopdracht_bevestigen(by=world.uwv_fin, opdracht=opdracht, datum=D(2026, 3, 4))
    clock.move_to(moment(D(2026, 4, 1)))
    fin = _client(world.uwv_fin)
    voorbeeld = jobs.vorderingrun_voorbeeld(D(2026, 4, 1))
    assert [(r["naam"], r["regels"], str(r["bedrag"])) for r in voorbeeld["rijen"]] == [
        ("Amsterdam", 2, "3200.00"),
        ("Utrecht", 1, "1600.00"),
    ]
    text = fin.get("/taken/monthly/").content.decode()
    assert "maart 2026" in text and "€\u00a04.800,00" in text and "<strong>2 nieuwe vorderingen</strong>" in text
    assert fin.post("/taken/monthly/starten", {"bevestigd": "on"}).status_code == 302
    run = Taakrun.objects.get(taak="monthly")
    assert run.counts["vorderingen"] == voorbeeld["aantal"] and run.counts["regels"] == voorbeeld["regels"]
    from declaraties.models import Vordering

    assert {v.gemeente.naam: str(v.bedrag) for v in Vordering.objects.select_related("gemeente")} == {
        "Amsterdam": "3200.00",
        "Utrecht": "1600.00",
    }
    # Another role may not start or preview.
    assert _client(world.uwv).get("/taken/weekly/").status_code == 403
    assert _client(world.gem_amsterdam).post("/taken/monthly/starten", {"bevestigd": "on"}).status_code == 403


def test_every_role_sees_the_job_runs_that_concern_it(clock, world, django_assert_max_num_queries):
    for taak in ("nightly", "weekly", "monthly", "quarterly"):
        for _ in range(3):
            Taakrun.objects.create(taak=taak, datum=D(2026, 3, 2), gestart=moment(D(2026, 3, 2)), status="geslaagd")
    nightly = Taakrun.objects.filter(taak="nightly").first()
    seen = {}
    for user in ("beheer", "uwv_fin", "uwv", "gem_amsterdam", "ggz_noord", "auditor"):
        response = _client(getattr(world, user)).get("/taken/")
        if response.status_code == 403:
            seen[user] = None
            continue
        names = response.context["page_obj"].object_list
        seen[user] = sorted({r.taak for r in names})
        detail = _client(getattr(world, user)).get(f"/taken/runs/{nightly.uuid}/")
        assert detail.status_code == (200 if "nightly" in seen[user] else 404), user
    assert seen == {
        "beheer": ["monthly", "nightly", "quarterly", "weekly"],
        "uwv_fin": ["monthly", "weekly"],
        "uwv": ["nightly", "quarterly"],
        "gem_amsterdam": ["monthly"],
        "ggz_noord": ["weekly"],
        "auditor": None,
    }
    # A failed step in words, not its code.
    Taakrun.objects.create(
        taak="nightly", datum=D(2026, 3, 1), gestart=moment(D(2026, 3, 1)), status="mislukt",
        fouten=[{"stap": "documenten_renderen", "fout": "x"}, {"stap": "signalen.traject_eindigt_90", "fout": "y"}],
    )  # fmt: skip
    # Each source in words (the demo's runs said "demo_data"), an unknown one too.
    for bron in ("demo_data", "run_job", "web", "bench", "", "xyz_bron"):
        Taakrun.objects.create(taak="nightly", datum=D(2026, 3, 1), gestart=moment(D(2026, 3, 1)), bron=bron)
    beheer = _client(world.beheer)
    werkbak = beheer.get("/").content.decode()  # "Laatste taakruns": the date as 02-03-2026, not ISO
    assert "02-03-2026 (" in werkbak and "2026-03-02" not in werkbak
    page = beheer.get("/taken/").content.decode()
    assert "door de demo aangemaakt" in page and "met de hand" in page and "anders gestart" in page
    assert "demo_data" not in page and "run_job" not in page and "xyz_bron" not in page
    assert "Mislukt: documenten opmaken, signalen &#x27;Traject eindigt binnen 90 dagen&#x27;" in page
    assert "documenten_renderen" not in page
    mislukt = Taakrun.objects.get(status="mislukt")
    run_page = beheer.get(f"/taken/runs/{mislukt.uuid}/").content.decode()
    assert "Stap documenten opmaken: x" in run_page and "documenten_renderen" not in run_page
    with django_assert_max_num_queries(12):
        assert beheer.get("/taken/").status_code == 200
    # A busy run's page refreshes itself (a meta refresh: the CSP allows no inline script); a done one not.
    busy = Taakrun.objects.create(taak="weekly", datum=D(2026, 3, 2), gestart=moment(D(2026, 3, 2)), status="bezig")
    page = _client(world.uwv_fin).get(f"/taken/runs/{busy.uuid}/").content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page and "Bezig" in page
    # The API scopes the same way.
    api = world.client(world.uwv_fin).get("/api/v1/taakruns").json()
    assert {r["taak"] for r in api["results"]} == {"weekly", "monthly"}


def test_the_payment_run_preview_leaves_out_an_order_already_approved(lines, clock, world):
    """An approved order takes no more lines (the approval is for the amount seen): the preview on
    /taken/weekly/ leaves that provider out, as the run itself does."""
    services.betaalopdrachten_aanmaken(datum=D(2026, 3, 2))
    opdracht = Betaalopdracht.objects.get()
    services.betaalopdracht_accorderen(by=world.uwv_fin, opdracht=opdracht)
    t = approved_traject(world, perceel="demo-gem-epa")
    declare(world.ggz_noord, "D-2", [start_line(t, "R-LAAT", D(2026, 3, 2))])
    assert _client(world.uwv_fin).get("/taken/weekly/").context["voorbeeld"]["rijen"] == []
    assert jobs.betaalrun_voorbeeld(D(2026, 3, 2))["aantal"] == 0
    assert services.betaalopdrachten_aanmaken(datum=D(2026, 3, 2)) == {"betaalopdrachten": 0, "regels": 0}
    assert Prestatie.objects.get(product_referentie="R-LAAT").betaalopdracht_id is None


def test_the_job_run_list_sorts_filters_remembers_and_exports(clock, world):
    for dag, status in ((2, "geslaagd"), (3, "mislukt"), (4, "geslaagd")):
        Taakrun.objects.create(
            taak="nightly", datum=D(2026, 3, dag), gestart=moment(D(2026, 3, dag)), status=status, bron="planner",
            counts={"notificaties": dag},
        )  # fmt: skip
    client = _client(world.beheer)
    page = client.get("/taken/?status=geslaagd&sorteer=datum").content.decode()
    runs = page[page.index("<tbody>") :]
    assert "2 taakruns" in page and runs.index("2 maart 2026") < runs.index("4 maart 2026")
    assert "3 maart 2026" not in runs
    # remembered: the same list on a later visit, exported as shown
    assert "2 taakruns" in client.get("/taken/").content.decode()
    csv = client.get("/taken/?export=csv").content.decode("utf-8-sig").splitlines()
    assert csv[0] == "Taak;Hoe gestart;Voor;Status;Gestart;Klaar;Resultaat"
    assert [r.split(";")[2] for r in csv[1:]] == ["02-03-2026", "04-03-2026"]
    assert csv[1].split(";")[1] == "volgens schema" and csv[1].endswith(";E-mails verstuurd: 2")
    assert "3 taakruns" in client.get("/taken/?status=").content.decode()


def test_werkbak_disputes_and_all_rejected_lines(lines, clock):
    world = lines
    t = approved_traject(world, perceel="demo-gem-epa")
    # An automatic rejection at submission: the same product reference again (8021), plus a line
    # whose amount is not volume x tariff (9346).
    declaratie, _ = services.declaratie_submit(
        by=world.ggz_noord,
        invoer=services.DeclaratieInvoer(
            declaratie_nummer="D-2",
            begindatum=D(2026, 3, 1),
            einddatum=D(2026, 3, 31),
            regels=[start_line(t, "R-0", D(2026, 3, 2))],
        ),
    )
    automatic = Prestatie.objects.filter(declaratie=declaratie, status="afgewezen")
    assert automatic.exists() and automatic.filter(beoordeeld_op__isnull=True).exists()
    werkbak = _client(world.ggz_noord).get("/").context["werkbak"]
    rejected = next(s for s in werkbak if s["titel"].startswith("Afgewezen declaratieregels"))
    assert rejected["aantal"] == automatic.count()
    assert "8021" in rejected["rijen"][0]["toelichting"]

    # A dispute by Amsterdam on a claim line appears in UWV financieel's werkbak with a link.
    services.betaalopdrachten_aanmaken(datum=D(2026, 3, 2))
    opdracht = Betaalopdracht.objects.get()
    services.betaalopdracht_accorderen(by=world.uwv_fin, opdracht=opdracht)
    services.betaalopdracht_bevestigen(by=world.uwv_fin, opdracht=opdracht, datum=D(2026, 3, 2))
    clock.move_to(moment(D(2026, 4, 1)))
    services.vorderingen_aanmaken(datum=D(2026, 4, 1))
    from declaraties.models import Vordering

    vordering = Vordering.objects.get(gemeente=world.amsterdam)
    regel = vordering.regels.first()
    services.bezwaar_indienen(
        by=world.gem_amsterdam, vordering=vordering, regel=regel, toelichting="Niet onze deelnemer."
    )
    werkbak = _client(world.uwv_fin).get("/").context["werkbak"]
    disputes = next(s for s in werkbak if s["titel"].startswith("Bezwaren van gemeenten"))
    assert disputes["aantal"] == 1
    assert disputes["rijen"][0]["url"] == f"/vorderingen/{vordering.uuid}/"
    assert disputes["rijen"][0]["label"].startswith("Amsterdam · maart 2026")  # as the claims section names a month


def test_the_bank_date_is_refused_before_the_confirmation(lines, clock):
    world = lines
    services.betaalopdrachten_aanmaken(datum=D(2026, 3, 2))
    opdracht = Betaalopdracht.objects.get()
    services.betaalopdracht_accorderen(by=world.uwv_fin, opdracht=opdracht)
    clock.move_to(moment(D(2026, 3, 4)))
    fin = _client(world.uwv_fin)
    url = f"/betaalopdrachten/{opdracht.uuid}/bevestiging/"
    for datum in ("2026-03-05", "2026-03-01"):  # tomorrow, and before the order's date
        response = fin.post(url, {"datum": datum})  # the first step: no "bevestigd" yet
        assert response.status_code == 400
        errors = " ".join(response.context["bevestig_form"].errors["datum"])
        assert "tussen de opdrachtdatum (02-03-2026) en vandaag (04-03-2026)" in errors
        assert "(code: datum-ongeldig)" in errors
        assert "Bevestig de uitvoering" not in response.content.decode()
    assert "Bevestig de uitvoering door de bank" in fin.post(url, {"datum": "2026-03-03"}).content.decode()
