"""The werkbak keeps its sections' compiled SQL per user and day (backoffice/querycache.py): the
second load compiles nothing, and what each user sees stays their own, follows their gemeenten and
roles, and follows the day. The suite runs with the check on (every use compiles again and
compares); these tests switch it off where they show what a user gets in production."""

import datetime
from unittest import mock

import pytest
import time_machine
from django.db.models.sql.compiler import SQLCompiler

from backoffice import querycache, werkbak
from tests.factories import client_as
from tests.trajecten.helpers import aanvraag, approved_traject

pytestmark = pytest.mark.django_db


@pytest.fixture
def productie(settings):
    """The cache as in production: no second compile to compare."""
    settings.IPS_QUERYCACHE = True
    settings.IPS_QUERYCACHE_CONTROLE = False
    querycache.legen()
    yield
    querycache.legen()


def _compiles(func):
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as as_sql:
        result = func()
    return as_sql.call_count, result


def test_a_second_werkbak_compiles_no_section_again(world, productie):
    aanvraag(world, perceel="demo-gem-epa")
    user = world.gem_amsterdam
    first, eerst = _compiles(lambda: werkbak.voor(user))
    again, daarna = _compiles(lambda: werkbak.voor(user))
    assert first >= 5 and again == 0
    assert daarna == eerst
    assert eerst[0]["titel"] == "Aanvragen om te beslissen" and eerst[0]["aantal"] == 1


def test_each_gemeente_sees_its_own_applications_and_follows_its_gemeenten(world, productie):
    filed = aanvraag(world, perceel="demo-gem-epa")  # Amsterdam's, on the gemeente route
    link = f"/aanvragen/{filed['uuid']}/"
    amsterdam, utrecht = client_as(world.gem_amsterdam), client_as(world.gem_utrecht)
    for _ in range(2):  # the second time from the kept SQL
        assert link in amsterdam.get("/").content.decode()
        page = utrecht.get("/").content.decode()
        assert link not in page and "Er wachten geen aanvragen op uw beschikking." in page
    # Utrecht's medewerker also works for Amsterdam now: the next load shows Amsterdam's work
    world.gem_utrecht.medewerker.gemeenten.add(world.amsterdam)
    assert link in utrecht.get("/").content.decode()
    world.gem_utrecht.medewerker.gemeenten.remove(world.amsterdam)
    assert link not in utrecht.get("/").content.decode()


def test_a_provider_never_sees_another_providers_work_from_the_kept_sql(world, productie):
    filed = aanvraag(world, perceel="demo-gem-epa")
    traject = approved_traject(world)
    noord, zuid = client_as(world.ggz_noord), client_as(world.ggz_zuid)
    from trajecten.models import Traject

    Traject.objects.filter(uuid=traject["uuid"]).update(
        einddatum_gepland=datetime.date.today() + datetime.timedelta(days=30)
    )
    for _ in range(2):
        assert f"/trajecten/{traject['uuid']}/" in noord.get("/").content.decode()
        page = zuid.get("/").content.decode()
        assert f"/trajecten/{traject['uuid']}/" not in page and filed["uuid"] not in page


def test_a_role_given_and_taken_away_widens_and_narrows_the_same_section(world, productie):
    """A provider's medewerker who is also a UWV beoordelaar sees the union of both scopes, in the
    provider's own section too (every trajectory that ends soon); once the role is gone, its own."""
    from django.contrib.auth.models import Group

    from backoffice import roles
    from trajecten.models import Traject

    traject = approved_traject(world)  # GGZ Noord's
    Traject.objects.filter(uuid=traject["uuid"]).update(
        einddatum_gepland=datetime.date.today() + datetime.timedelta(days=30)
    )
    link = f"/trajecten/{traject['uuid']}/"
    user = world.ggz_zuid
    client = client_as(user)
    assert link not in client.get("/").content.decode()
    beoordelaar = Group.objects.get(name=roles.UWV_BEOORDELAAR)
    user.groups.add(beoordelaar)
    for _ in range(2):
        assert link in client.get("/").content.decode()
    user.groups.remove(beoordelaar)
    assert link not in client.get("/").content.decode()


def test_the_kept_sql_follows_the_day(world, productie):
    from trajecten.models import Traject

    traject = approved_traject(world)
    today = datetime.date.today()
    Traject.objects.filter(uuid=traject["uuid"]).update(einddatum_gepland=today + datetime.timedelta(days=91))
    client = client_as(world.ggz_noord)
    link = f"/trajecten/{traject['uuid']}/"
    for _ in range(2):
        assert link not in client.get("/").content.decode()
    tomorrow = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(9))
    with time_machine.travel(tomorrow.astimezone(datetime.UTC), tick=False):  # now within the 90 days
        assert link in client_as(world.ggz_noord).get("/").content.decode()


def test_a_key_that_misses_an_input_fails_the_check(world, settings):
    """The check the suite runs with: a section whose SQL depends on something outside the key
    (here a module-level value) is caught the first time the kept SQL would be used."""
    from trajecten.models import Traject

    settings.IPS_QUERYCACHE_CONTROLE = True
    querycache.legen()
    stand = {"status": "actief"}

    def maker(user):
        return werkbak.sectie("Proef", lambda: Traject.objects.filter(status=stand["status"]).order_by("id"), str)

    with querycache.sectie_van(maker, world.uwv):
        maker(world.uwv)
    with querycache.sectie_van(maker, world.uwv):
        maker(world.uwv)  # the same input: the same SQL
    stand["status"] = "beeindigd"
    with pytest.raises(querycache.QuerycacheVerschil), querycache.sectie_van(maker, world.uwv):
        maker(world.uwv)
    querycache.legen()


def test_switched_off_every_load_compiles(world, settings):
    settings.IPS_QUERYCACHE = False
    querycache.legen()
    user = world.gem_amsterdam
    werkbak.voor(user)
    first, _ = _compiles(lambda: werkbak.voor(user))
    again, _ = _compiles(lambda: werkbak.voor(user))
    assert again == first >= 5


def test_the_user_of_every_request_is_read_with_sql_compiled_once(world, productie):
    """A session's user and an API token's user: the same SQL for every user, compiled once with
    stand-ins, and each request gets its own user, an expired token none."""
    from django.utils import timezone
    from knox.models import AuthToken

    from backoffice.gebruiker import SessieBackend
    from backoffice.tokens import TokenAuthentication

    backend = SessieBackend()
    assert backend.get_user(world.uwv.pk).username == "uwv"
    again, user = _compiles(lambda: backend.get_user(world.ggz_noord.pk))
    assert again == 0 and user.username == "ggz-noord" and user.medewerker.aanbieder == world.noord
    assert backend.get_user(-1) is None

    auth = TokenAuthentication()
    _, token_uwv = AuthToken.objects.create(world.uwv)
    instance, token_noord = AuthToken.objects.create(world.ggz_noord)
    assert auth.authenticate_credentials(token_uwv.encode())[0].username == "uwv"
    again, (user, _) = _compiles(lambda: auth.authenticate_credentials(token_noord.encode()))
    assert again == 0 and user.username == "ggz-noord"
    AuthToken.objects.filter(pk=instance.pk).update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    from rest_framework.exceptions import AuthenticationFailed

    with pytest.raises(AuthenticationFailed):
        auth.authenticate_credentials(token_noord.encode())


def test_a_query_whose_input_is_not_a_plain_parameter_is_compiled_every_time(world, productie):
    from trajecten.models import Traject

    def maak(status):  # the input reaches the SQL changed (upper-cased): no stand-in to find
        return Traject.objects.filter(status=status.upper()).order_by("id")

    first, rows = _compiles(lambda: querycache.vaste_vorm("proef", maak, "actief"))
    again, _ = _compiles(lambda: querycache.vaste_vorm("proef", maak, "actief"))
    assert rows == [] and again == first > 0


def test_a_session_is_read_with_sql_compiled_once_and_an_expired_one_is_gone(world, productie):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from backoffice.sessies import SessionStore

    eerste, tweede = SessionStore(), SessionStore()
    eerste["wie"], tweede["wie"] = "een", "twee"
    eerste.create()
    tweede.create()
    assert SessionStore(eerste.session_key).load() == {"wie": "een"}
    again, data = _compiles(lambda: SessionStore(tweede.session_key).load())
    assert again == 0 and data == {"wie": "twee"}
    Session.objects.filter(session_key=tweede.session_key).update(expire_date=timezone.now())
    store = SessionStore(tweede.session_key)
    assert store.load() == {} and store.session_key is None
    # and a page as a user: still logged in through the session engine
    assert "Werkbak" in client_as(world.uwv).get("/").content.decode()


def test_a_row_link_is_the_link_django_reverses_also_under_a_script_prefix():
    import uuid

    from django.urls import reverse, set_script_prefix

    een, twee = uuid.uuid4(), uuid.uuid4()
    try:
        for prefix in ("/", "/loket/"):
            set_script_prefix(prefix)
            for _ in range(2):  # the second time from the kept pattern
                assert werkbak.url("web-aanvraag", uuid=een) == reverse("web-aanvraag", kwargs={"uuid": een})
                assert werkbak.url("web-verlenging-beoordeling", uuid=een, verlenging_uuid=twee) == reverse(
                    "web-verlenging-beoordeling", kwargs={"uuid": een, "verlenging_uuid": twee}
                )
            assert werkbak.url("web-aanvraag", uuid=twee).startswith(prefix)
        assert werkbak.url("bestaat-niet", uuid=een) == ""
    finally:
        set_script_prefix("/")
