"""The history of applications and trajectories tells who did what and why, as the money's does:
a user by full name, a job as "Systeem (taak <stap>, run <id>)", each with a reason in words;
and the pages show it (the application's history table, the trajectory's timeline)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from backoffice import schedule
from trajecten import services
from trajecten.models import Aanvraag, Traject

from .aanvraag_helpers import TODAY, noon
from .helpers import aanvraag, approved_traject

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(noon(TODAY), tick=False) as traveller:
        yield traveller


def named(user, first: str, last: str):
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])
    return user


def page(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_nightly_expiry_shows_as_the_job_run_with_its_reason_on_the_trajectory_page(world):
    traject = approved_traject(world)
    # Started months ago, its planned end yesterday (the job looks at the dates only).
    Traject.objects.filter(uuid=traject["uuid"]).update(
        startdatum=TODAY - datetime.timedelta(days=200), einddatum_gepland=TODAY - datetime.timedelta(days=1)
    )

    run = schedule.run_job("nightly", TODAY)

    moved = Traject.objects.get(uuid=traject["uuid"])
    assert moved.status == "looptijd_verstreken"
    job = f"het loket (taak trajecten_expire, run {run.pk})"
    last = moved.history.order_by("-history_date", "-history_id").first()
    assert (last.history_user_id, last.history_taak, last.history_change_reason, last.status) == (
        None,
        job,
        "Looptijd verstreken (nachtelijke taak 15-01-2026)",
        "looptijd_verstreken",
    )
    html = page(world.ggz_noord, f"/trajecten/{traject['uuid']}/")
    assert "Looptijd verstreken (nachtelijke taak 15-01-2026)" in html
    assert f"door Systeem (taak trajecten_expire, run {run.pk})" in html  # a job is "Systeem" on a page


def test_a_decision_shows_who_decided_and_why_on_the_application_page(world):
    named(world.ggz_noord, "Petra", "Visser")
    named(world.uwv, "Bram", "de Beoordelaar")
    filed = Aanvraag.objects.get(uuid=aanvraag(world)["uuid"])

    services.aanvraag_decide(by=world.uwv, aanvraag=filed, besluit="afgewezen", toelichting="Geen sggz-behandeling")

    rows = [
        (h.history_user_id, h.history_taak, h.history_change_reason, h.status)
        for h in filed.history.order_by("history_date", "history_id")
    ]
    assert rows[-2:] == [
        (world.ggz_noord.pk, "", "ingediend door de aanbieder", "ingediend"),
        (world.uwv.pk, "", "afgewezen door UWV", "afgewezen"),
    ]
    html = page(world.uwv, f"/aanvragen/{filed.uuid}/")
    # who and what in the history table, why (the explanation) with the decision on the same page
    for text in ("Petra Visser", "ingediend door de aanbieder", "Bram de Beoordelaar", "afgewezen door UWV",
                 "Geen sggz-behandeling"):  # fmt: skip
        assert text in html, text


def test_the_money_modules_totals_are_written_with_history_for_every_trajectory_at_once(world):
    named(world.uwv_fin, "Fatima", "El Amrani")
    t1, t2 = (Traject.objects.get(uuid=approved_traject(world)["uuid"]) for _ in range(2))

    moved = services.traject_add_amounts(
        field="betaald",
        amounts={t1.pk: Decimal("1250.00"), t2.pk: Decimal("300.00")},
        reason="Betaald bijgewerkt: betaald op 15-01-2026",
        by=world.uwv_fin,
    )

    assert moved == 2
    for traject, bedrag in ((t1, Decimal("1250.00")), (t2, Decimal("300.00"))):
        last = traject.history.order_by("-history_date", "-history_id").first()
        assert (last.history_user_id, last.history_change_reason, last.betaald) == (
            world.uwv_fin.pk,
            "Betaald bijgewerkt: betaald op 15-01-2026",
            bedrag,
        )
    html = page(world.ggz_noord, f"/trajecten/{t1.uuid}/")
    assert "Betaald bijgewerkt: betaald op 15-01-2026" in html
    assert "door Fatima El Amrani" in html
