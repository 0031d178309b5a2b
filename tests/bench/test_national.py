"""The national-scale fill (bench.national) at a small size, and the promise the load benchmark
relies on: a list page costs the same number of queries whatever its size (issue 6)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backoffice import roles
from backoffice.schedule import run_job
from bench.national import fill_national, monthly_date, weekly_date
from declaraties.models import Betaalopdracht, Prestatie, VorderingRegel
from tests.factories import make_user
from trajecten.models import Traject

TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def national(db):
    call_command("load_reference_data", verbosity=0)
    return fill_national(n=400, today=TODAY, verbose=False)


def test_lines_are_consistent_and_leave_work_for_the_weekly_and_monthly_jobs(national):
    assert national["trajecten"] == 400
    assert national["prestaties"] == Prestatie.objects.count() > 400 * 10
    paid = Prestatie.objects.filter(betaald_op__isnull=False)
    assert paid.exists() and not paid.exclude(status="toegekend").exists()
    assert not paid.filter(betaalopdracht__isnull=True).exists()
    # Claimed lines are paid gemeente-route lines of a co-financed scheme.
    claimed = Prestatie.objects.filter(vorderingregel__isnull=False)
    assert claimed.exists()
    assert not claimed.exclude(traject__route="gemeente").exists()
    assert not claimed.filter(betaald_op__isnull=True).exists()
    assert VorderingRegel.objects.count() == claimed.count()
    # A trajectory's paid total is the sum of its paid lines.
    t = Traject.objects.filter(betaald__gt=0).first()
    assert t.betaald == sum(p.toegekend_bedrag for p in paid.filter(traject=t))

    week = run_job("weekly", weekly_date(TODAY), bron="test")
    assert week.status == "geslaagd" and week.counts["betaalopdrachten"] > 0 and week.counts["regels"] > 0
    assert Betaalopdracht.objects.filter(datum=weekly_date(TODAY), status="te_accorderen").exists()
    month = run_job("monthly", monthly_date(TODAY), bron="test")
    assert month.status == "geslaagd" and month.counts["vorderingen"] > 0 and month.counts["regels"] > 0


@pytest.mark.parametrize("rol", [roles.UWV_BEOORDELAAR, roles.AANBIEDER])
def test_list_pages_cost_the_same_number_of_queries_for_any_page_size(national, client, settings, rol):
    from financiering.models import Aanbieder

    aanbieder = Aanbieder.objects.order_by("id").first()
    user = make_user(rol, aanbieder=aanbieder) if rol == roles.AANBIEDER else make_user(rol)
    client.force_login(user)
    for path in ("/api/v1/trajecten", "/api/v1/declaraties", "/api/v1/prestaties"):
        counts = {}
        for size in (1, 10, 100):
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(f"{path}?pageSize={size}", HTTP_ACCEPT="application/json")
            assert response.status_code == 200, response.content
            assert len(response.json()["results"]) == min(size, response.json()["count"])
            counts[size] = len(ctx.captured_queries)
        assert len(set(counts.values())) == 1, (path, counts)
