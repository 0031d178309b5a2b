"""Fidelity audits after issue 11 (domain.md 3): bands per scale version (an audit on a version
without bands is stored, not banded and never valid), two auditors and their consensus, and the
run-up of a new programme with an approved implementation plan. The one rule
(``rules.modeltrouw_oordeel``) and its queryset twin (``selectors.modeltrouw_ongeldig``, the
nightly signal) agree on every case."""

import datetime
from datetime import date
from zoneinfo import ZoneInfo

import pytest
import time_machine

from backoffice.models import Instellingen
from financiering import rules, selectors
from financiering.models import Aanbieder, Modeltrouwmeting
from tests.factories import AanbiederFactory, ModeltrouwmetingFactory, ips25, ips26

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 17)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime.datetime(2026, 6, 17, 10, tzinfo=ZoneInfo("Europe/Amsterdam")), tick=False) as t:
        yield t


def oordeel(**kw):
    return rules.modeltrouw_oordeel(today=TODAY, valid_months=24, **kw)


# --- the rule ----------------------------------------------------------------------------------


def test_no_audit_and_no_plan_is_a_problem_that_blocks():
    result = oordeel(last_date=None, band=None)
    assert not result.aanloop and "geen modeltrouwmeting" in result.probleem


def test_an_audit_without_band_is_named_in_the_problem():
    result = oordeel(last_date=None, band=None, niet_ingedeeld_op=date(2026, 5, 1))
    assert "01-05-2026" in result.probleem and rules.NIET_INGEDEELD in result.probleem


@pytest.mark.parametrize(
    ("start", "goedgekeurd", "aanloop"),
    [
        (date(2025, 6, 18), date(2025, 6, 1), True),  # 12 months minus a day
        (date(2025, 6, 17), date(2025, 6, 1), False),  # exactly 12 months: over
        (date(2026, 6, 17), date(2026, 6, 1), True),  # started today
        (date(2026, 6, 18), date(2026, 6, 1), False),  # not started yet
        (date(2026, 1, 1), None, False),  # no approved plan
        (date(2026, 1, 1), date(2026, 6, 18), False),  # approved only tomorrow
        (None, date(2026, 1, 1), False),  # no start
    ],
)
def test_the_run_up_of_a_new_programme(start, goedgekeurd, aanloop):
    result = oordeel(last_date=None, band=None, plan_goedgekeurd_op=goedgekeurd, implementatie_start=start)
    assert result.aanloop is aanloop
    assert result.probleem and "geen modeltrouwmeting" in result.probleem
    if aanloop:
        assert "blokkeert dit niet" in result.probleem


def test_the_run_up_does_not_cover_an_audit_banded_geen_ips_or_too_old():
    plan = {"plan_goedgekeurd_op": date(2026, 1, 1), "implementatie_start": date(2026, 1, 1)}
    assert oordeel(last_date=date(2026, 5, 1), band="geen_ips", **plan) == rules.Modeltrouw(
        "De laatste modeltrouwmeting valt in de band 'geen IPS'."
    )
    assert oordeel(last_date=date(2026, 5, 1), band="goed", **plan) == rules.Modeltrouw()


# --- the twin: the nightly signal's query ------------------------------------------------------


def _aanbieder(naam, *, audits=(), plan=None, start=None):
    aanbieder = AanbiederFactory(naam=naam, implementatieplan_goedgekeurd_op=plan, implementatie_start=start)
    for datum, soort in audits:
        if soort == "zonder_band":
            ModeltrouwmetingFactory(aanbieder=aanbieder, datum=datum, niet_ingedeeld=True)
        elif soort == "geen_ips":
            ModeltrouwmetingFactory(aanbieder=aanbieder, datum=datum, geen_ips=True)
        else:
            ModeltrouwmetingFactory(aanbieder=aanbieder, datum=datum)
    return aanbieder


@pytest.mark.parametrize("today", [TODAY, date(2026, 2, 28), date(2027, 2, 28), date(2028, 2, 29)])
def test_rule_and_query_agree(today):
    cases = [
        _aanbieder("geen meting"),
        _aanbieder("goed", audits=[(date(2026, 1, 10), "goed")]),
        _aanbieder("geen ips", audits=[(date(2026, 1, 10), "geen_ips")]),
        _aanbieder("oud", audits=[(date(2024, 2, 29), "goed")]),
        _aanbieder("grens", audits=[(date(2025, 2, 28), "goed")]),
        _aanbieder("zonder band", audits=[(date(2026, 1, 10), "zonder_band")]),
        _aanbieder("goed, daarna zonder band", audits=[(date(2025, 6, 1), "goed"), (date(2026, 1, 1), "zonder_band")]),
        _aanbieder("aanloop", plan=date(2025, 12, 1), start=date(2026, 1, 1)),
        _aanbieder("aanloop voorbij", plan=date(2024, 1, 1), start=date(2024, 2, 29)),
        _aanbieder("aanloop, grens", plan=date(2025, 1, 1), start=date(2027, 2, 28)),
        _aanbieder("plan zonder start", plan=date(2025, 12, 1)),
        _aanbieder(
            "aanloop met meting zonder band",
            plan=date(2026, 1, 1),
            start=date(2026, 1, 2),
            audits=[(date(2026, 2, 1), "zonder_band")],
        ),
    ]
    instellingen = Instellingen.get()
    query = set(
        selectors.modeltrouw_ongeldig(today, valid_months=24, aanloop_maanden=12)
        .filter(pk__in=[a.pk for a in cases])
        .values_list("naam", flat=True)
    )
    rule = set()
    for aanbieder in Aanbieder.objects.filter(pk__in=[a.pk for a in cases]):
        result = selectors.modeltrouw_oordeel(aanbieder, today, instellingen)
        if result.probleem and not result.aanloop:
            rule.add(aanbieder.naam)
    assert query == rule
    if today == TODAY:
        assert rule == {
            "geen meting",
            "geen ips",
            "oud",
            "zonder band",
            "aanloop voorbij",
            "aanloop, grens",
            "plan zonder start",
        }


# --- registering an audit ----------------------------------------------------------------------


def _post(world, **body):
    data = {"aanbieder": str(world.zuid.uuid), "datum": str(TODAY), **body}
    return world.client(world.auditor).post("/api/v1/modeltrouwmetingen", data, format="json")


def _items(n, score=4):
    return {str(i): score for i in range(1, n + 1)}


def test_an_audit_on_ips25_is_stored_without_band(world):
    ips25()
    response = _post(world, versie="ips-25", scores=_items(25))
    assert response.status_code == 201, response.json()
    meting = response.json()
    assert (meting["totaal"], meting["band"]) == (100, None)
    assert meting["indeling"] == "niet ingedeeld: deze schaalversie heeft (nog) geen banden"
    stored = Modeltrouwmeting.objects.get(uuid=meting["uuid"])
    assert (stored.totaal, stored.band) == (100, "")
    listed = world.client(world.uwv).get("/api/v1/modeltrouwmetingen", {"aanbieder": str(world.zuid.uuid)}).json()
    assert listed["results"][0]["indeling"] == rules.NIET_INGEDEELD


def test_two_auditors_and_their_consensus(world):
    ips26()
    eerste, tweede, consensus = _items(26, 4), {**_items(26, 4), "3": 2}, {**_items(26, 4), "3": 3}
    response = _post(
        world,
        versie="ips-26",
        auditor1="M. de Boer",
        auditor2="J. Smit",
        scoresAuditor1=eerste,
        scoresAuditor2=tweede,
        consensusScores=consensus,
    )
    assert response.status_code == 201, response.json()
    meting = response.json()
    assert (meting["auditor1"], meting["auditor2"]) == ("M. de Boer", "J. Smit")
    assert (meting["scoresAuditor1"], meting["scoresAuditor2"]) == (eerste, tweede)
    assert meting["consensusScores"] == meting["scores"] == consensus
    assert (meting["totaal"], meting["band"], meting["indeling"]) == (103, "goed", "goed")  # the consensus counts


def test_old_clients_send_only_scores_as_the_consensus(world):
    ips26()
    meting = _post(world, versie="ips-26", scores=_items(26, 5)).json()
    assert (meting["totaal"], meting["band"]) == (130, "voorbeeldig")
    assert (meting["auditor1"], meting["scoresAuditor1"]) == ("", None)


@pytest.mark.parametrize(
    ("body", "code", "name"),
    [
        ({"auditor1": "A", "scoresAuditor1": {**_items(26), "4": 6}}, None, "scoresAuditor1.4"),
        ({"auditor1": "A", "scoresAuditor1": _items(25)}, "scores-onvolledig", "scoresAuditor1"),
        ({"auditor2": "B", "scoresAuditor2": {**_items(26), "27": 3}}, "scores-onvolledig", "scoresAuditor2"),
        ({"scoresAuditor2": _items(26)}, "auditor-ontbreekt", "auditor2"),
        ({"auditor1": "A. Jansen", "auditor2": "a. jansen"}, "auditor-ontbreekt", "auditor2"),
        ({"consensusScores": {**_items(26), "1": 3}}, "ongeldige-invoer", "consensusScores"),
        ({"scores": None, "consensusScores": _items(25)}, "scores-onvolledig", "consensusScores"),
        ({"scores": None}, None, "consensusScores"),
    ],
)
def test_invalid_auditor_scores_are_400_in_dutch(world, body, code, name):
    ips26()
    data = {"versie": "ips-26", "scores": _items(26), **body}
    data = {k: v for k, v in data.items() if v is not None}
    before = Modeltrouwmeting.objects.count()
    response = _post(world, **data)
    assert response.status_code == 400, response.json()
    problem = response.json()
    if code:
        assert problem["code"] == code
    assert [p["name"] for p in problem["invalidParams"]] == [name]
    assert all(p["reason"] and not p["reason"].startswith("Ensure") for p in problem["invalidParams"])
    assert Modeltrouwmeting.objects.count() == before


# --- the implementation plan, recorded by Phrenos -------------------------------------------------


def test_phrenos_records_an_approved_implementation_plan(world):
    url = f"/api/v1/aanbieders/{world.zuid.uuid}/implementatieplan"
    body = {"implementatieplanGoedgekeurdOp": "2026-05-01", "implementatieStart": "2026-05-15"}
    response = world.client(world.auditor).put(url, body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {"aanbieder": str(world.zuid.uuid), **body}
    zuid = Aanbieder.objects.get(pk=world.zuid.pk)
    assert (zuid.implementatieplan_goedgekeurd_op, zuid.implementatie_start) == (date(2026, 5, 1), date(2026, 5, 15))
    laatste = zuid.history.first()
    assert (laatste.history_change_reason, laatste.history_user) == (
        "implementatieplan geregistreerd door Phrenos",
        world.auditor,
    )
    seen = world.client(world.uwv).get(f"/api/v1/aanbieders/{world.zuid.uuid}").json()
    assert seen["implementatieplanGoedgekeurdOp"] == "2026-05-01"
    assert world.client(world.ggz_noord).get(url).json()["implementatieStart"] == "2026-05-15"


@pytest.mark.parametrize(
    ("user", "body", "status", "code"),
    [
        ("ggz_zuid", {"implementatieplanGoedgekeurdOp": "2026-05-01", "implementatieStart": None}, 403, "geen-rol"),
        ("beheer", {"implementatieplanGoedgekeurdOp": "2026-05-01", "implementatieStart": None}, 403, "geen-rol"),
        (
            "auditor",
            {"implementatieplanGoedgekeurdOp": "2026-06-18", "implementatieStart": None},
            400,
            "datum-in-toekomst",
        ),
        ("auditor", {"implementatieStart": "2026-05-01"}, 400, "ongeldige-invoer"),
    ],
)
def test_implementation_plan_refusals(world, user, body, status, code):
    url = f"/api/v1/aanbieders/{world.zuid.uuid}/implementatieplan"
    response = world.client(getattr(world, user)).put(url, body, format="json")
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert Aanbieder.objects.get(pk=world.zuid.pk).implementatieplan_goedgekeurd_op is None


@pytest.mark.django_db
def test_the_database_refuses_a_second_audit_and_the_migration_marks_old_duplicates(world, capsys):
    """No path can store a second audit of one provider on one date (the constraint behind
    meting-bestaat-al); duplicates from before it are marked by the migration, kept, and never count."""
    import importlib

    from django.apps import apps
    from django.db import IntegrityError, connection, transaction

    eerste = world.metingen[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        ModeltrouwmetingFactory(aanbieder=eerste.aanbieder, datum=eerste.datum)
    # an old database: the constraint not there yet, a duplicate with a worse score registered later
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("DROP INDEX meting_uniek_per_dag")  # a partial unique constraint is an index
    tweede = ModeltrouwmetingFactory(aanbieder=eerste.aanbieder, datum=eerste.datum, band="geen_ips")
    migratie = importlib.import_module("financiering.migrations.0006_meting_uniek_per_dag")
    migratie.dubbele_markeren(apps, None)
    assert f"meting {tweede.pk} = dubbel van meting {eerste.pk}" in capsys.readouterr().out
    tweede.refresh_from_db()
    assert tweede.dubbel_van_id == eerste.pk and Modeltrouwmeting.objects.filter(pk=tweede.pk).exists()
    aanbieder = selectors.modeltrouw_aanbieders_for(world.auditor).get(pk=eerste.aanbieder_id)
    assert aanbieder.laatste_band == eerste.band  # the first registration counts, not the duplicate
