"""The user of a request (backoffice/gebruiker.py): a page read with a session loads the user with
its Medewerker row and provider in one query and its roles and gemeenten in one more, and the
gemeenten are the same as where they are read one by one (a joint body's member gemeenten too)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from backoffice import roles
from backoffice.gebruiker import SessieBackend, gemeente_ids
from financiering.models import Medewerker, Samenwerkingsverband
from tests.factories import GemeenteFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def lekstroom(world):
    """A gemeente official of Utrecht who also works for a joint body of Houten and IJsselstein."""
    houten, ijsselstein = GemeenteFactory(code="0321", naam="Houten"), GemeenteFactory(code="0353", naam="IJsselstein")
    verband = Samenwerkingsverband.objects.create(naam="Werk en Inkomen Lekstroom")
    verband.leden.add(houten, ijsselstein)
    official = make_user(roles.GEMEENTE, gemeenten=[world.utrecht], username="lekstroom")
    verband.medewerkers.add(Medewerker.objects.get(user=official))
    return official, sorted([world.utrecht.pk, houten.pk, ijsselstein.pk])


def test_a_page_reads_user_provider_roles_and_gemeenten_in_two_queries(world, lekstroom):
    official, expected = lekstroom
    client = Client()
    client.force_login(official)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/aanvragen/")
    assert response.status_code == 200 and "Gemeente Utrecht" in response.content.decode()  # the header
    sqls = [q["sql"] for q in ctx.captured_queries]
    user_reads = [s for s in sqls if s.startswith('SELECT "backoffice_user"')]
    assert len(user_reads) == 1 and '"financiering_medewerker"' in user_reads[0], sqls
    role_reads = [s for s in sqls if "auth_group" in s or "financiering_medewerker_gemeenten" in s]
    assert len(role_reads) == 1 and role_reads[0].startswith("SELECT ARRAY("), role_reads
    assert not [s for s in sqls if s.startswith('SELECT "financiering_medewerker"')], sqls

    with CaptureQueriesContext(connection) as ctx:
        user = SessieBackend().get_user(official.pk)
        assert (roles.roles_of(user), gemeente_ids(user)) == ({roles.GEMEENTE}, expected)
    assert len(ctx.captured_queries) == 2


def test_the_gemeenten_read_one_by_one_are_the_same(world, lekstroom):
    """Where nothing was cached (the API's test client, SQLite) the gemeenten are read with the ORM."""
    official, expected = lekstroom
    users = get_user_model().objects
    assert gemeente_ids(users.get(pk=official.pk)) == expected
    assert gemeente_ids(users.get(pk=world.gem_utrecht.pk)) == [world.utrecht.pk]
    for user in (world.ggz_noord, world.uwv, world.auditor):
        assert gemeente_ids(users.get(pk=user.pk)) == []
        assert gemeente_ids(SessieBackend().get_user(user.pk)) == []


def test_an_inactive_user_has_no_session():
    user = make_user(roles.UWV_BEOORDELAAR, username="vertrokken")
    user.is_active = False
    user.save()
    assert SessieBackend().get_user(user.pk) is None
    assert SessieBackend().get_user(10**9) is None
