"""The retention period (docs/privacy.md, "Bewaartermijn"): seven years (configurable) after the
final settlement the nightly job anonymises the participant, in the current rows and in every
history row, keeps the work monitor's figures and all the money, leaves a participant with a
younger trajectory alone, does nothing more on a second run, and costs the same number of queries
for 3 and for 30 participants."""

import datetime as dt
import io
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backoffice import crypto
from backoffice.errors import BusinessRuleError
from backoffice.models import Instellingen, Taakrun, Verwerking
from declaraties import jobs as declaraties_jobs
from declaraties import services as declaraties_services
from declaraties.models import Betaalopdracht, Declaratie, Prestatie, Vordering, VorderingRegel
from financiering.models import Budget, Budgetmutatie
from tests.conftest import shared_world
from tests.declaraties.geld_helpers import claim, declare, pay, start_line
from tests.trajecten import helpers
from trajecten import services as traject_services
from trajecten import werkmonitor
from trajecten.models import Aanvraag, Besluit, Deelnemer, Eindverslag, Plaatsing, Stopbericht, Traject, Verlenging

AMS = ZoneInfo("Europe/Amsterdam")
START = dt.date(2026, 1, 5)
SETTLED = dt.date(2026, 3, 6)  # the end reports (final settlements) of the first trajectories
GRENS = dt.date(2033, 3, 6)  # seven years later: still kept on this day, anonymised the day after
KWARTAAL = werkmonitor.parse_kwartaal("2026-Q1")


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=AMS)


@pytest.fixture
def clock():
    with time_machine.travel(noon(START), tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(clock, db):
    return shared_world()


def _traject(world, **kwargs) -> Traject:
    return Traject.objects.get(uuid=helpers.approved_traject(world, **kwargs)["uuid"])


def _persoon(world, traject: Traject, achternaam: str) -> Deelnemer:
    """Give the participant a name of their own and the monitor fields, through the service (so
    the history holds them too)."""
    return traject_services.deelnemer_update(
        by=world.ggz_noord,
        deelnemer=traject.deelnemer,
        achternaam=achternaam,
        geboortedatum=dt.date(1987, 6, 15),
        hoofddiagnosegroep="psychotisch",
        geslacht="vrouw",
        opleiding="hbo",
        werkervaring_jaren=4,
        burgerlijke_staat="gescheiden",
    )


def _werk(world, traject: Traject, werkgever: str) -> None:
    traject_services.plaatsing_create(
        by=world.ggz_noord,
        traject=traject,
        werkgever=werkgever,
        startdatum=START + dt.timedelta(days=10),
        einddatum=None,
        uren_per_week="24.0",
        contractsoort="arbeidsovereenkomst",
        minimumloon_of_meer=True,
        aandoening_bekend_bij_werkgever=False,
        sector="47",
    )


def _settle(world, clock, traject: Traject, day: dt.date, naam: str) -> None:
    """Stop (reason 'anders', a free text naming the person), then the end report: the final settlement."""
    clock.move_to(noon(day))
    traject_services.traject_stop(
        by=world.ggz_noord,
        traject=traject,
        einddatum=day - dt.timedelta(days=5),
        reden="anders",
        toelichting=f"{naam} is verhuisd naar Spanje",
    )
    declaraties_services.eindverslag_submit(
        by=world.ggz_noord, traject=traject, uitkomst="werk", toelichting=f"{naam} werkt nu zelfstandig"
    )


def _money() -> dict:
    """Every money record, field by field."""
    return {
        model.__name__: sorted((model_to_dict(o) for o in model.objects.all()), key=lambda d: d["id"])
        for model in (Declaratie, Prestatie, Betaalopdracht, Vordering, VorderingRegel, Budget, Budgetmutatie)
    } | {
        "Traject": sorted(
            Traject.objects.values(
                "id", "toewijzing_nummer", "trajectprijs", "verlenging_bedrag", "gedeclareerd", "betaald"
            ),
            key=lambda d: d["id"],
        )
    }


def _monitor(world) -> tuple[dict, list[dict]]:
    """The work monitor of 2026-Q1 as UWV sees it: the totals and the rows, without the employer
    (a free text that the retention removes) and the current status (the same nightly job moves
    P2's second trajectory past its end)."""
    with time_machine.travel(noon(dt.date(2034, 1, 2)), tick=False):
        totalen = werkmonitor.werkmonitor_totals(world.uwv, KWARTAAL)
        rows = [werkmonitor.trajectory_row(r, KWARTAAL) for r in werkmonitor.werkmonitor_rows(world.uwv, KWARTAAL)]
    return totalen, [{k: v for k, v in row.items() if k not in ("werkgevers", "status")} for row in rows]


def _nightly(clock, day: dt.date) -> tuple[Taakrun, str]:
    clock.move_to(noon(day))
    out = io.StringIO()
    call_command("run_job", "nightly", "--date", day.isoformat(), stdout=out)
    return Taakrun.objects.filter(taak="nightly", datum=day).latest("id"), out.getvalue()


def _history_texts(deelnemer_id: int) -> str:
    """Everything the history tables hold about one participant, as one text."""
    traject_ids = list(Traject.objects.filter(deelnemer_id=deelnemer_id).values_list("pk", flat=True))
    parts = [
        *Deelnemer.history.filter(id=deelnemer_id).values(),
        *Aanvraag.history.filter(deelnemer_id=deelnemer_id).values(),
        *Traject.history.filter(deelnemer_id=deelnemer_id).values(),
        *Plaatsing.history.filter(traject_id__in=traject_ids).values(),
        *Verlenging.history.filter(traject_id__in=traject_ids).values(),
    ]
    return repr(parts)


def test_anonymised_the_day_after_seven_years_keeping_figures_and_money(world, clock):
    w = world
    # P1 on the gemeente route: a placement, an extension refused with a reason, money paid and claimed.
    p1_traject = _traject(w, perceel="demo-gem-cmd")
    p1 = _persoon(w, p1_traject, "Pietersen")
    bsn = p1.bsn
    _werk(w, p1_traject, "Bakkerij Pietersen")
    verlenging = traject_services.verlenging_request(
        by=w.ggz_noord, traject=p1_traject, maanden=6, toelichting="Mevrouw Pietersen vraagt meer tijd"
    )
    traject_services.verlenging_decide(
        by=w.gem_amsterdam, verlenging=verlenging, besluit="afgewezen", toelichting="Niet nodig voor Pietersen"
    )
    declare(w.ggz_noord, "D-1", [start_line({"toewijzingNummer": p1_traject.toewijzing_nummer}, "R-1", START)])
    pay(w, clock, dt.date(2026, 1, 12))
    assert claim(clock, dt.date(2026, 2, 1))["vorderingen"] == 1
    LogEntry.objects.create(
        user=w.beheer,
        content_type=ContentType.objects.get_for_model(Deelnemer),
        object_id=str(p1.pk),
        object_repr=str(p1),
        action_flag=CHANGE,
        change_message="[]",
    )
    # P2: a first trajectory settled the same day, then a second, younger one that still runs.
    p2_first = _traject(w)
    p2 = _persoon(w, p2_first, "Bakker")
    # P3: settled one day later than P1.
    p3_traject = _traject(w)
    p3 = _persoon(w, p3_traject, "Visser")
    _settle(w, clock, p1_traject, SETTLED, "Pietersen")
    _settle(w, clock, p2_first, SETTLED, "Bakker")
    filed = w.client(w.ggz_noord).post(
        "/api/v1/aanvragen",
        {
            "deelnemer": str(p2.uuid),
            "perceel": "uwv-ips-cmd",
            "regiebehandelaar": "Dr. K. de Regie",
            "inBehandelingSggz": True,
            "wensBetaaldWerk": True,
            "geenOfKleinDienstverband": True,
            "behandelduurMaanden": 12,
            "toestemmingOp": str(timezone.localdate()),
        },
        format="json",
    )
    assert filed.status_code == 201, filed.json()
    assert helpers.beoordeel(w, w.uwv, filed.json()["uuid"]).status_code == 201
    _settle(w, clock, p3_traject, SETTLED + dt.timedelta(days=1), "Visser")

    money_before = _money()
    monitor_before = _monitor(w)
    assert "Pietersen" in _history_texts(p1.pk)

    # The last day of the period: nobody is touched.
    run, out = _nightly(clock, GRENS)
    assert run.status == "geslaagd", run.fouten
    assert run.counts["bewaartermijn.deelnemers_geanonimiseerd"] == 0
    assert Deelnemer.objects.get(pk=p1.pk).achternaam == "Pietersen"

    # The day after: P1 only (P2 has a younger trajectory, P3 was settled a day later).
    run, out = _nightly(clock, GRENS + dt.timedelta(days=1))
    assert run.status == "geslaagd", run.fouten
    assert run.counts["bewaartermijn.deelnemers_geanonimiseerd"] == 1
    assert "bewaartermijn.deelnemers_geanonimiseerd: 1" in out

    p1 = Deelnemer.objects.get(pk=p1.pk)
    assert (p1.voorletters, p1.achternaam, p1.bsn, p1.geboortedatum) == (
        "",
        "(geanonimiseerd)",
        "",
        dt.date(1985, 1, 1),
    )
    assert (p1.hoofddiagnosegroep, p1.geslacht, p1.opleiding, p1.burgerlijke_staat) == ("onbekend",) * 4
    assert p1.werkervaring_jaren is None and p1.geanonimiseerd_op == GRENS + dt.timedelta(days=1)
    assert p1.bsn_hash != "" and len(p1.bsn_hash) < 64 and bsn not in p1.bsn_hash
    assert (p1.gemeente, p1.aanbieder, p1.doelgroep) == (w.amsterdam, w.noord, "cmd")
    assert str(p1) == f"Geanonimiseerde deelnemer {p1.uuid}"
    # the processing log says so, found by the hash the BSN had (the FG's search by BSN)
    gelogd = Verwerking.objects.get(deelnemer_uuid=p1.uuid, handeling="anonimiseren")
    assert (gelogd.doel, gelogd.kanaal, gelogd.gebruikersnaam) == ("bewaartermijn", "job", "")
    assert gelogd.bsn_hash == crypto.bsn_hash(bsn)
    aanvraag = Aanvraag.objects.get(deelnemer=p1)
    assert (aanvraag.bsn_hash, aanvraag.regiebehandelaar) == ("", "")
    assert Traject.objects.get(pk=p1_traject.pk).bsn_hash == ""
    assert list(Plaatsing.objects.filter(traject=p1_traject).values_list("werkgever", "sector")) == [
        ("(geanonimiseerd)", "47")
    ]
    verlenging.refresh_from_db()
    assert (verlenging.toelichting, verlenging.besluit_toelichting) == ("(geanonimiseerd)", "(geanonimiseerd)")
    assert Stopbericht.objects.get(traject=p1_traject).toelichting == "(geanonimiseerd)"
    assert Eindverslag.objects.get(traject=p1_traject).toelichting == "(geanonimiseerd)"
    assert set(Besluit.objects.filter(aanvraag=aanvraag).values_list("toelichting", flat=True)) == {""}
    assert LogEntry.objects.get(object_id=str(p1.pk)).object_repr == "(geanonimiseerd)"
    # Every history row: no name, no date of birth, no diagnosis, no employer, no regiebehandelaar.
    texts = _history_texts(p1.pk)
    for personal in ("Pietersen", "A.B.", "1987", "psychotisch", "gescheiden", "Dr. P. Jansen", bsn):
        assert personal not in texts, personal
    last = p1.history.order_by("-history_id").first()
    assert last.history_change_reason.startswith("Geanonimiseerd: bewaartermijn verstreken")
    assert last.history_user_id is None
    # the job run that did it, on the participant's and the application's history alike
    job = f"het loket (taak bewaartermijn, run {run.pk})"
    assert last.history_taak == job
    assert aanvraag.history.latest("history_id").history_taak == job
    assert (
        Plaatsing.history.filter(traject_id=p1_traject.pk)
        .latest("history_id")
        .history_change_reason.startswith("Geanonimiseerd")
    )

    # The others keep everything, also in their history.
    assert Deelnemer.objects.get(pk=p2.pk).achternaam == "Bakker" and "Bakker" in _history_texts(p2.pk)
    assert Deelnemer.objects.get(pk=p3.pk).bsn == p3.bsn
    assert Aanvraag.objects.filter(deelnemer=p2, regiebehandelaar="Dr. K. de Regie").exists()

    # Money and the monitor's figures are the same as before.
    assert _money() == money_before
    assert _monitor(w) == monitor_before

    # A second run changes nothing; the next day P3 follows.
    history_rows = Deelnemer.history.count()
    run, _ = _nightly(clock, GRENS + dt.timedelta(days=1))
    assert run.counts["bewaartermijn.deelnemers_geanonimiseerd"] == 0
    assert Deelnemer.history.count() == history_rows
    run, _ = _nightly(clock, GRENS + dt.timedelta(days=2))
    assert run.counts["bewaartermijn.deelnemers_geanonimiseerd"] == 1
    assert Deelnemer.objects.get(pk=p3.pk).achternaam == "(geanonimiseerd)"
    assert Deelnemer.objects.get(pk=p2.pk).achternaam == "Bakker"
    assert _money() == money_before and _monitor(w) == monitor_before

    # An anonymised participant is closed: no change, no new application.
    with pytest.raises(BusinessRuleError) as exc:
        traject_services.deelnemer_update(by=w.ggz_noord, deelnemer=p1, achternaam="Terug")
    assert exc.value.code == "deelnemer-geanonimiseerd"


def test_the_period_is_a_setting_and_a_refused_application_counts_from_its_refusal(world, clock):
    w = world
    traject = _traject(w)
    _settle(w, clock, traject, SETTLED, "X")
    refused = helpers.aanvraag(w)
    assert helpers.beoordeel(w, w.uwv, refused["uuid"], "afgewezen", "Geen uitkering").status_code == 201
    instellingen = Instellingen.get()
    instellingen.bewaartermijn_jaren = 10
    instellingen.save()
    assert declaraties_jobs.bewaartermijn_toepassen(datum=GRENS + dt.timedelta(days=1)) == {
        "bewaartermijn.deelnemers_geanonimiseerd": 0
    }
    day = dt.date(2036, 3, 7)
    clock.move_to(noon(day))
    assert declaraties_jobs.bewaartermijn_toepassen(datum=day) == {"bewaartermijn.deelnemers_geanonimiseerd": 2}
    assert set(Deelnemer.objects.values_list("achternaam", flat=True)) == {"(geanonimiseerd)"}


def _clone_settled(template: Traject, n: int) -> None:
    """n more participants like the template's, each with a settled trajectory and a placement."""
    deelnemer = Deelnemer.objects.get(pk=template.deelnemer_id)
    base = Traject.objects.order_by("-toewijzing_nummer").values_list("toewijzing_nummer", flat=True).first()
    deelnemers, aanvragen, trajecten = [], [], []
    for i in range(n):
        d = Deelnemer.objects.get(pk=deelnemer.pk)
        d.pk, d.uuid, d.bsn_hash, d.achternaam = None, uuid.uuid4(), uuid.uuid4().hex, f"Kloon {i}"
        d.geanonimiseerd_op = None
        deelnemers.append(d)
    Deelnemer.objects.bulk_create(deelnemers)
    for d in deelnemers:
        a = Aanvraag.objects.get(pk=template.aanvraag_id)
        a.pk, a.uuid, a.deelnemer, a.bsn_hash = None, uuid.uuid4(), d, d.bsn_hash
        aanvragen.append(a)
    Aanvraag.objects.bulk_create(aanvragen)
    for i, (d, a) in enumerate(zip(deelnemers, aanvragen, strict=True)):
        t = Traject.objects.get(pk=template.pk)
        t.pk, t.uuid, t.aanvraag, t.deelnemer, t.bsn_hash = None, uuid.uuid4(), a, d, d.bsn_hash
        t.toewijzing_nummer = base + 1 + i
        trajecten.append(t)
    Traject.objects.bulk_create(trajecten)
    verslag = Eindverslag.objects.get(traject=template)
    Eindverslag.objects.bulk_create(
        Eindverslag(traject=t, uitkomst=verslag.uitkomst, toelichting="Naam", door_id=verslag.door_id)
        for t in trajecten
    )
    plaatsing = Plaatsing.objects.get(traject=template)
    clones = []
    for t in trajecten:
        p = Plaatsing.objects.get(pk=plaatsing.pk)
        p.pk, p.uuid, p.traject = None, uuid.uuid4(), t
        clones.append(p)
    Plaatsing.objects.bulk_create(clones)


def test_query_count_does_not_grow_with_the_number_of_participants(world, clock):
    w = world
    template = _traject(w)
    _werk(w, template, "Werkgever")
    _settle(w, clock, template, SETTLED, "Sjabloon")
    template.refresh_from_db()
    _clone_settled(template, 2)
    day = GRENS + dt.timedelta(days=1)
    clock.move_to(noon(day))
    with CaptureQueriesContext(connection) as small:
        assert declaraties_jobs.bewaartermijn_toepassen(datum=day) == {"bewaartermijn.deelnemers_geanonimiseerd": 3}
    clock.move_to(noon(SETTLED))
    _clone_settled(template, 30)
    clock.move_to(noon(day))
    with CaptureQueriesContext(connection) as large:
        assert declaraties_jobs.bewaartermijn_toepassen(datum=day) == {"bewaartermijn.deelnemers_geanonimiseerd": 30}
    print(f"retention queries: 3 participants {len(small)}, 30 participants {len(large)}")
    assert len(small) == len(large) <= 27  # with one UPDATE for the documents (docs/documenten.md)
    assert not Deelnemer.objects.filter(~Q(achternaam="(geanonimiseerd)")).exists()
    assert set(Plaatsing.objects.values_list("werkgever", flat=True)) == {"(geanonimiseerd)"}
