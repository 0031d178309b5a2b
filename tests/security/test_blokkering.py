"""Lockout (django-axes, docs/security.md "Tokens en blokkering"): after AXES_FAILURE_LIMIT failed
logins a username is locked from every address and an address for every username, at every door
(/inloggen, /admin/login/, /api-auth/login/, POST /api/v1/auth/token), with the same answer for an
unknown username, until the cool-off has passed or a beheerder lifts it in the admin."""

import datetime
import itertools
import statistics
import time

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
LIMIT = 3
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
_addresses = (f"10.88.{i // 250}.{i % 250}" for i in itertools.count(1))
MELDING = "Te veel mislukte inlogpogingen"


@pytest.fixture(autouse=True)
def low_limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT


def _token(username="ggz-noord", password="fout", addr=None):
    client = APIClient(REMOTE_ADDR=addr or next(_addresses))
    return client.post("/api/v1/auth/token", {"username": username, "password": password}, format="json")


def _web(path, username="ggz-noord", password="fout", addr=None):
    return Client(REMOTE_ADDR=addr or next(_addresses)).post(path, {"username": username, "password": password})


def _locked_api(response):
    assert response.status_code == 429, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "account-geblokkeerd" and MELDING in body["detail"]
    assert int(response["Retry-After"]) == 15 * 60
    return body


def test_failures_lock_the_account_from_every_address_until_the_cool_off(world):
    with time_machine.travel(NOW, tick=False) as clock:
        statuses = [_token().status_code for _ in range(LIMIT - 1)]  # each from another address
        assert statuses == [400] * (LIMIT - 1)
        _locked_api(_token())  # the last allowed failure already answers the lockout
        # now even the right password from a fresh address is refused, and another account is not
        _locked_api(_token(password="geheim-wachtwoord"))
        assert _token("ggz-zuid", "geheim-wachtwoord").status_code == 200
        # the web login says the same, in Dutch, on the login page
        page = _web("/inloggen", password="geheim-wachtwoord")
        assert page.status_code == 429 and MELDING in page.content.decode()
        assert 'action="/inloggen"' in page.content.decode()

        clock.move_to(NOW + datetime.timedelta(minutes=14))
        _locked_api(_token(password="geheim-wachtwoord"))  # tries during the lockout do not extend it
        clock.move_to(NOW + datetime.timedelta(minutes=15, seconds=1))
        assert _token(password="geheim-wachtwoord").status_code == 200


def test_many_usernames_from_one_address_lock_the_address(world):
    addr = next(_addresses)
    for i in range(LIMIT - 1):
        assert _token(f"raden-{i}", addr=addr).status_code == 400
    _locked_api(_token("raden-x", addr=addr))
    _locked_api(_token("ggz-noord", "geheim-wachtwoord", addr=addr))  # the address, for every account
    assert _token("ggz-noord", "geheim-wachtwoord").status_code == 200  # elsewhere the account works


@pytest.mark.parametrize("door", ["/inloggen", "/admin/login/", "/api-auth/login/"])
def test_every_web_door_counts_and_answers_the_same(world, door):
    world.ggz_noord.is_staff = True
    world.ggz_noord.save(update_fields=["is_staff"])
    for _ in range(LIMIT - 1):
        assert _web(door).status_code == 200  # the form again, with its error
    response = _web(door)
    assert response.status_code == 429 and MELDING in response.content.decode()
    assert _web(door, password="geheim-wachtwoord").status_code == 429
    # the count is shared between the doors: the token login is locked as well
    _locked_api(_token(password="geheim-wachtwoord"))


def test_an_unknown_username_gets_the_same_answers(world):
    def run(username):
        addr = next(_addresses)
        answers = []
        for _ in range(LIMIT + 1):
            response = APIClient(REMOTE_ADDR=addr).post(
                "/api/v1/auth/token", {"username": username, "password": "fout"}, format="json"
            )
            answers.append((response.status_code, response.content, response.get("Retry-After")))
        AccessAttempt.objects.all().delete()
        return answers

    known, unknown = run("ggz-noord"), run("bestaat-niet")
    assert known == unknown
    assert [a[0] for a in known] == [400] * (LIMIT - 1) + [429, 429]
    # the page puts the username back in the form; otherwise it is the same page
    web_known = _web("/inloggen", "ggz-noord")
    web_unknown = _web("/inloggen", "bestaat-niet")
    assert web_known.status_code == web_unknown.status_code == 200
    assert len(web_known.content.replace(b"ggz-noord", b"")) == len(web_unknown.content.replace(b"bestaat-niet", b""))


class SnelPBKDF2(PBKDF2PasswordHasher):
    """The production hasher with fewer rounds: a real cost, small enough for a timing test."""

    iterations = 60_000


def test_an_unknown_username_costs_the_same_password_hashing(world, settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.SnelPBKDF2"]
    settings.AXES_FAILURE_LIMIT = 1000
    world.ggz_noord.set_password("geheim-wachtwoord")
    world.ggz_noord.save()

    def duration(username):
        start = time.perf_counter()
        assert _token(username).status_code == 400
        return time.perf_counter() - start

    known, unknown = [], []
    for _ in range(7):  # interleaved, so that a busy moment of the machine hits both
        known.append(duration("ggz-noord"))
        unknown.append(duration("bestaat-niet"))
    k, u = statistics.median(known), statistics.median(unknown)
    assert 0.6 < u / k < 1.6, (known, unknown)


def test_the_beheerder_lifts_a_lockout_in_the_admin(world):
    from django.core.management import call_command
    from django.urls import reverse

    call_command("load_reference_data", verbosity=0)
    addr = next(_addresses)
    for _ in range(LIMIT):
        _token(addr=addr)
    _locked_api(_token(password="geheim-wachtwoord"))
    world.beheer.is_staff = True
    world.beheer.save(update_fields=["is_staff"])
    admin = Client()
    admin.force_login(world.beheer)
    page = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert page.status_code == 200 and "ggz-noord" in page.content.decode()
    attempt = AccessAttempt.objects.get(username="ggz-noord")
    response = admin.post(reverse("admin:axes_accessattempt_delete", args=(attempt.pk,)), {"post": "yes"})
    assert response.status_code == 302
    assert _token(password="geheim-wachtwoord").status_code == 200
