"""The big API lists after issue 13 (docs/decisions.md, "Lijsten: keyset en begrensde telling"): the
trajectory page built from plain rows answers exactly what the serializer answers; following the
``next`` links walks every row once; the count is exact up to the bound and marked estimated
above it; a changed or someone else's cursor is a Dutch 400 with a stable code. On a small
``bench.fill`` world (placements, extensions, declarations, two routes)."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIRequestFactory

from backoffice import roles
from backoffice.paginering import RijenLijst
from bench.fill import fill
from bench.national import fill_national
from financiering.models import Aanbieder
from tests.factories import make_user
from trajecten import selectors
from trajecten.api.trajecten import TrajectSerializer
from trajecten.models import Traject

TODAY = dt.date(2026, 11, 22)
LIJSTEN = ("/api/v1/trajecten", "/api/v1/aanvragen", "/api/v1/declaraties", "/api/v1/prestaties")


@pytest.fixture
def wereld(db):
    with time_machine.travel(dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC), tick=False):
        call_command("load_reference_data", verbosity=0)
        fill(n=60, today=TODAY, verbose=False)
        meeste, tweede = Aanbieder.objects.annotate(n=Count("trajecten")).order_by("-n", "id")[:2]
        yield {
            "uwv": make_user(roles.UWV_BEOORDELAAR),
            "aanbieder": make_user(roles.AANBIEDER, aanbieder=meeste),
            "ander": make_user(roles.AANBIEDER, aanbieder=tweede),
        }


def _client(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("rol", ["uwv", "aanbieder"])
def test_the_trajectory_page_is_what_the_serializer_answers(wereld, client, rol):
    user = wereld[rol]
    body = _client(client, user).get("/api/v1/trajecten?pageSize=500").json()
    qs = selectors.trajecten_for(user).select_related("aanvraag", "deelnemer").order_by("toewijzing_nummer")
    request = APIRequestFactory().get("/api/v1/trajecten")
    request.user = user
    expected = client.get("/api/v1/trajecten/" + str(qs.first().uuid)).json()
    assert body["results"][0] == expected  # the detail answers through the serializer
    from djangorestframework_camel_case.util import camelize

    serialized = camelize(TrajectSerializer(list(qs), many=True, context={"request": request}).data)
    assert body["results"] == serialized
    # the world has what the nested lists and the privacy rule need
    if rol == "uwv":
        assert any(t["plaatsingen"] for t in body["results"]) and any(t["verlengingen"] for t in body["results"])
        assert {t["deelnemer"] is None for t in body["results"]} == {True, False}  # gemeente route: hidden


@pytest.mark.parametrize("path", ["/api/v1/trajecten", "/api/v1/declaraties", "/api/v1/prestaties"])
def test_each_page_read_in_sql_is_what_the_serializer_way_answers(landelijk, client, monkeypatch, path):
    from financiering.models import Aanbieder

    aanbieder = Aanbieder.objects.annotate(n=Count("declaraties")).order_by("-n").first()
    for user in (landelijk, make_user(roles.AANBIEDER, aanbieder=aanbieder)):
        c = _client(client, user)
        snel = c.get(f"{path}?pageSize=120").json()
        with monkeypatch.context() as m:
            m.setattr(RijenLijst, "rijen_voor", property(lambda self: None))  # the serializer's way
            langzaam = c.get(f"{path}?pageSize=120").json()
            langzaam_verder = c.get(snel["next"]).json() if snel["next"] else None
        assert snel["results"] and snel == langzaam
        assert (c.get(snel["next"]).json() if snel["next"] else None) == langzaam_verder


@pytest.fixture
def landelijk(db):
    """bench.national at a small size: declarations with many lines."""
    call_command("load_reference_data", verbosity=0)
    fill_national(n=40, today=TODAY, verbose=False)
    return make_user(roles.UWV_BEOORDELAAR)


@pytest.mark.parametrize("path", LIJSTEN)
def test_following_next_walks_every_row_exactly_once(landelijk, client, path):
    c = _client(client, landelijk)
    eerste = c.get(f"{path}?pageSize=500").json()
    alles = [r["uuid"] for r in eerste["results"]]
    assert len(alles) > 14 and eerste["countExact"]
    gezien, url = [], f"{path}?pageSize=7"
    while url:
        response = c.get(url)
        assert response.status_code == 200, response.json()
        body = response.json()
        gezien += [r["uuid"] for r in body["results"]]
        url = body["next"]
        assert (url is None) == ('rel="next"' not in response["Link"])
    assert gezien[: len(alles)] == alles and len(gezien) == len(set(gezien)) == eerste["count"]
    # page numbers still work next to the cursor
    assert [r["uuid"] for r in c.get(f"{path}?pageSize=7&page=2").json()["results"]] == alles[7:14]


def test_the_count_is_exact_up_to_the_bound_and_estimated_above_it(wereld, client, settings):
    c = _client(client, wereld["uwv"])
    totaal = Traject.objects.count()
    with CaptureQueriesContext(connection) as ctx:
        exact = c.get("/api/v1/trajecten?pageSize=5").json()
    assert exact["count"] == totaal and exact["countExact"] is True
    # the count and the page's keys come back in one round trip
    tellingen = [q["sql"] for q in ctx.captured_queries if "COUNT(*)" in q["sql"]]
    assert len(tellingen) == 1 and "LEFT JOIN (SELECT" in tellingen[0], tellingen
    settings.IPS_TELLING_GRENS = 10
    response = c.get("/api/v1/trajecten?pageSize=5")
    geschat = response.json()
    assert geschat["countExact"] is False and geschat["count"] > 10
    assert 'rel="last"' not in response["Link"] and geschat["next"]
    klein = c.get("/api/v1/trajecten?pageSize=5&route=uwv&perceel=bestaat-niet").json()
    assert klein["count"] == 0 and klein["countExact"] is True


def test_a_changed_or_foreign_cursor_is_refused_in_dutch(wereld, client):
    c = _client(client, wereld["aanbieder"])
    volgende = c.get("/api/v1/trajecten?pageSize=2").json()["next"]
    assert c.get(volgende).status_code == 200
    anders = re.sub(r"cursor=[^&]{3}", "cursor=WzE", volgende)  # another row, the old signature
    for kapot in (anders, volgende.replace("&", "xy&"), "/api/v1/trajecten?cursor=e30"):
        body = c.get(kapot).json()
        assert body["status"] == 400 and body["code"] == "ongeldige-cursor", body
        assert "cursor" in body["detail"] and body["invalidParams"][0]["name"] == "cursor"
    # another provider's cursor neither works nor shows what comes after it
    c.force_login(wereld["ander"])
    assert c.get(volgende).json()["code"] == "ongeldige-cursor"
    # nor does a cursor of another list
    c.force_login(wereld["aanbieder"])
    assert c.get(volgende.replace("/trajecten?", "/declaraties?")).json()["code"] == "ongeldige-cursor"
