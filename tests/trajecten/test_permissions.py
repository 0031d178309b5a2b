"""trajecten/permissions.py: per role and state the answer of ``can_<act>``, and the service
refusing with the same code and status (service calls, no HTTP); then, for one page per action,
that the button shows exactly when the permission allows it."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client

from backoffice import roles
from backoffice.errors import BusinessRuleError
from financiering import permissions as fin_permissions
from financiering.models import Perceel, Regeling
from tests.conftest import World
from tests.trajecten.helpers import aanvraag, approved_traject, beoordeel
from trajecten import permissions, services
from trajecten.models import Aanvraag, Traject, Verlenging

TODAY = datetime.date(2026, 3, 16)
pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 12, 0, tzinfo=datetime.UTC), tick=False) as t:
        yield t


@pytest.fixture
def world(db, clock):
    return World()


def _refusal(call) -> tuple[str, int] | None:
    try:
        call()
    except BusinessRuleError as exc:
        return exc.code, exc.status
    return None


def _assert_agree(can, call, expected: tuple[str, int] | None):
    """The permission answers ``expected`` (None: allowed) and the service refuses with that code."""
    allowed, reason = can
    assert allowed is (expected is None), reason
    assert bool(reason) is (expected is not None)
    assert _refusal(call) == expected


def _aanvraag(world, route: str, status: str | None = None) -> Aanvraag:
    filed = aanvraag(world, perceel="demo-gem-epa" if route == "gemeente" else "uwv-ips-cmd")
    if status == "gemeente_akkoord":  # only where the scheme asks UWV's consent after the beschikking
        Regeling.objects.filter(pk=world.gem_regeling.pk).update(uwv_akkoord_na_beschikking=True)
        assert beoordeel(world, world.gem_amsterdam, filed["uuid"]).status_code == 201
    elif status:
        Aanvraag.objects.filter(uuid=filed["uuid"]).update(status=status)
    return Aanvraag.objects.get(uuid=filed["uuid"])


# --- deciding on an application ------------------------------------------------------------------

BESLISSEN = [
    # (user, route, status, expected refusal)
    ("gem_amsterdam", "gemeente", "ingediend", None),
    ("gem_amsterdam", "gemeente", "gemeente_akkoord", ("ongeldige-status", 409)),
    ("gem_utrecht", "gemeente", "ingediend", ("niet-gevonden", 404)),
    ("gem_amsterdam", "uwv", "ingediend", ("niet-gevonden", 404)),
    ("uwv", "uwv", "ingediend", None),
    ("uwv", "gemeente", "ingediend", ("wacht-op-gemeente", 409)),
    ("uwv", "gemeente", "gemeente_akkoord", None),
    ("uwv", "gemeente", "goedgekeurd", ("ongeldige-status", 409)),  # the beschikking was the grant
    ("gem_amsterdam", "gemeente", "goedgekeurd", ("ongeldige-status", 409)),
    ("uwv", "uwv", "afgewezen", ("ongeldige-status", 409)),
    ("uwv", "uwv", "ingetrokken", ("ongeldige-status", 409)),
    ("ggz_noord", "uwv", "ingediend", ("geen-rol", 403)),
    ("auditor", "uwv", "ingediend", ("geen-rol", 403)),
    ("uwv_fin", "uwv", "ingediend", ("geen-rol", 403)),
]


@pytest.mark.parametrize(("who", "route", "status", "expected"), BESLISSEN)
def test_aanvraag_beslissen(world, who, route, status, expected):
    user = getattr(world, who)
    obj = _aanvraag(world, route, status)
    _assert_agree(
        permissions.can_aanvraag_beslissen(user, obj),
        lambda: services.aanvraag_decide(by=user, aanvraag=obj, besluit="akkoord"),
        expected,
    )


def test_aanvraag_beslissen_four_eyes(world):
    """A provider employee who is also a UWV beoordelaar does not decide its own application."""
    world.ggz_noord.groups.add(Group.objects.get_or_create(name=roles.UWV_BEOORDELAAR)[0])
    obj = _aanvraag(world, "uwv")
    _assert_agree(
        permissions.can_aanvraag_beslissen(world.ggz_noord, obj),
        lambda: services.aanvraag_decide(by=world.ggz_noord, aanvraag=obj, besluit="akkoord"),
        ("vier-ogen", 403),
    )
    assert permissions.can_aanvraag_beslissen(world.uwv, obj) == (True, "")


def test_a_rejection_without_reason_is_still_the_services_input_check(world):
    obj = _aanvraag(world, "uwv")
    assert permissions.can_aanvraag_beslissen(world.uwv, obj)[0]
    refusal = _refusal(lambda: services.aanvraag_decide(by=world.uwv, aanvraag=obj, besluit="afgewezen"))
    assert refusal == ("toelichting-verplicht", 400)


# --- withdrawing an application ------------------------------------------------------------------

INTREKKEN = [
    ("ggz_noord", "uwv", "ingediend", None),
    ("ggz_noord", "gemeente", "gemeente_akkoord", ("ongeldige-status", 409)),
    ("ggz_noord", "uwv", "afgewezen", ("ongeldige-status", 409)),
    ("ggz_zuid", "uwv", "ingediend", ("niet-gevonden", 404)),
    ("gem_amsterdam", "gemeente", "ingediend", ("geen-rol", 403)),
    ("uwv", "uwv", "ingediend", ("geen-rol", 403)),
]


@pytest.mark.parametrize(("who", "route", "status", "expected"), INTREKKEN)
def test_aanvraag_intrekken(world, who, route, status, expected):
    user = getattr(world, who)
    obj = _aanvraag(world, route, status)
    _assert_agree(
        permissions.can_aanvraag_intrekken(user, obj),
        lambda: services.aanvraag_withdraw(by=user, aanvraag=obj),
        expected,
    )


# --- the provider's actions on a trajectory ------------------------------------------------------


def _traject(world, status: str = "actief") -> Traject:
    obj = Traject.objects.get(uuid=approved_traject(world)["uuid"])
    if status != "actief":
        Traject.objects.filter(pk=obj.pk).update(status=status, einddatum=TODAY)
    return Traject.objects.get(pk=obj.pk)


def _plaatsing(user, traject):
    return lambda: services.plaatsing_create(
        by=user,
        traject=traject,
        werkgever="Bakkerij Bol",
        startdatum=traject.startdatum,
        uren_per_week=16,
        contractsoort="arbeidsovereenkomst",
        minimumloon_of_meer=True,
        aandoening_bekend_bij_werkgever=False,
    )


def _verlenging(user, traject):
    return lambda: services.verlenging_request(by=user, traject=traject, maanden=3, toelichting="Nog even.")


def _stop(user, traject):
    return lambda: services.traject_stop(by=user, traject=traject, einddatum=TODAY, reden="uitval")


def _eindverslag(user, traject):
    return lambda: services.traject_close(by=user, traject=traject, uitkomst="werk")


ACTIES = {
    "plaatsing": (permissions.can_plaatsing_vastleggen, _plaatsing),
    "verlenging": (permissions.can_verlenging_aanvragen, _verlenging),
    "stop": (permissions.can_traject_stoppen, _stop),
    "eindverslag": (permissions.can_eindverslag_sturen, _eindverslag),
}
STATUS = ("ongeldige-status", 409)
TRAJECT_ACTIES = [
    # (action, user, status, expected)
    ("plaatsing", "ggz_noord", "actief", None),
    ("plaatsing", "ggz_noord", "beeindigd", None),  # late placements are recorded until the end report
    ("plaatsing", "ggz_noord", "afgesloten", STATUS),
    ("plaatsing", "ggz_zuid", "actief", ("niet-gevonden", 404)),
    ("plaatsing", "uwv", "actief", ("geen-rol", 403)),
    ("verlenging", "ggz_noord", "actief", None),
    ("verlenging", "ggz_noord", "looptijd_verstreken", STATUS),
    ("verlenging", "gem_amsterdam", "actief", ("geen-rol", 403)),
    ("stop", "ggz_noord", "actief", None),
    ("stop", "ggz_noord", "beeindigd", STATUS),
    ("stop", "ggz_zuid", "actief", ("niet-gevonden", 404)),
    ("eindverslag", "ggz_noord", "actief", STATUS),
    ("eindverslag", "ggz_noord", "beeindigd", None),
    ("eindverslag", "ggz_noord", "looptijd_verstreken", None),
    ("eindverslag", "ggz_noord", "afgesloten", STATUS),
    ("eindverslag", "auditor", "beeindigd", ("geen-rol", 403)),
]


@pytest.mark.parametrize(("actie", "who", "status", "expected"), TRAJECT_ACTIES)
def test_traject_acties(world, actie, who, status, expected):
    user = getattr(world, who)
    obj = _traject(world, status)
    can, call = ACTIES[actie]
    _assert_agree(can(user, obj), call(user, obj), expected)


def test_one_extension_request_at_a_time(world):
    obj = _traject(world)
    services.verlenging_request(by=world.ggz_noord, traject=obj, maanden=3, toelichting="Nog even.")
    obj = Traject.objects.get(pk=obj.pk)
    _assert_agree(
        permissions.can_verlenging_aanvragen(world.ggz_noord, obj),
        _verlenging(world.ggz_noord, obj),
        ("verlenging-loopt", 409),
    )


# --- the funder's decision on an extension -------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("uwv", None),
        ("gem_amsterdam", ("geen-rol", 403)),  # the UWV route: UWV decides
        ("ggz_noord", ("geen-rol", 403)),
    ],
)
def test_verlenging_beslissen(world, who, expected):
    obj = _traject(world)
    verlenging = services.verlenging_request(by=world.ggz_noord, traject=obj, maanden=3, toelichting="Nog even.")
    user = getattr(world, who)
    _assert_agree(
        permissions.can_verlenging_beslissen(user, verlenging),
        lambda: services.verlenging_decide(by=user, verlenging=verlenging, besluit="akkoord"),
        expected,
    )


def test_verlenging_beslissen_four_eyes_and_state(world):
    obj = _traject(world)
    world.ggz_noord.groups.add(Group.objects.get_or_create(name=roles.UWV_BEOORDELAAR)[0])
    both = type(world.ggz_noord).objects.get(pk=world.ggz_noord.pk)  # roles are cached on the user object
    verlenging = services.verlenging_request(by=both, traject=obj, maanden=3, toelichting="Nog even.")
    _assert_agree(
        permissions.can_verlenging_beslissen(both, verlenging),
        lambda: services.verlenging_decide(by=both, verlenging=verlenging, besluit="akkoord"),
        ("vier-ogen", 403),
    )
    services.verlenging_decide(by=world.uwv, verlenging=verlenging, besluit="akkoord")
    verlenging = Verlenging.objects.get(pk=verlenging.pk)
    _assert_agree(
        permissions.can_verlenging_beslissen(world.uwv, verlenging),
        lambda: services.verlenging_decide(by=world.uwv, verlenging=verlenging, besluit="akkoord"),
        STATUS,
    )


# --- financiering ------------------------------------------------------------------------------


def test_financiering_permissions_per_role(world):
    assert fin_permissions.can_regeling_beheren(world.beheer) == (True, "")
    assert not fin_permissions.can_regeling_beheren(world.uwv_fin)[0]
    assert fin_permissions.can_budget_toekennen(world.uwv_fin) == (True, "")
    allowed, reason = fin_permissions.can_budget_toekennen(world.gem_amsterdam)
    assert not allowed and "UWV" in reason
    assert fin_permissions.can_modeltrouwmeting_registreren(world.auditor)[0]
    assert not fin_permissions.can_modeltrouwmeting_registreren(world.ggz_noord)[0]
    assert fin_permissions.can_budget_inzien(world.gem_amsterdam)[0]
    assert not fin_permissions.can_budget_inzien(world.ggz_noord)[0]


def test_budget_grant_refused_by_the_api_with_the_permissions_code(world):
    response = world.client(world.gem_amsterdam).post("/api/v1/budgetten", {}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "geen-rol"


# --- the pages show a button exactly when it is allowed ------------------------------------------


def _page(user, url) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_decision_form_shows_exactly_when_allowed(world):
    gem = _aanvraag(world, "gemeente")
    uwv = _aanvraag(world, "uwv")
    for user, obj in ((world.gem_amsterdam, gem), (world.uwv, uwv), (world.ggz_noord, uwv), (world.ggz_noord, gem)):
        page = _page(user, f"/aanvragen/{obj.uuid}/")
        shown = "Besluit vastleggen" in page
        assert shown is permissions.can_aanvraag_beslissen(user, obj)[0], (user, obj.route)
    assert "Besluit vastleggen" in _page(world.gem_amsterdam, f"/aanvragen/{gem.uuid}/")
    assert "Besluit vastleggen" not in _page(world.ggz_noord, f"/aanvragen/{uwv.uuid}/")
    assert beoordeel(world, world.gem_amsterdam, gem.uuid).status_code == 201
    assert "Besluit vastleggen" not in _page(world.gem_amsterdam, f"/aanvragen/{gem.uuid}/")  # decided
    # the beschikking was the grant: UWV sees it (it pays) but has no step to take
    assert "Besluit vastleggen" not in _page(world.uwv, f"/aanvragen/{gem.uuid}/")


def test_withdraw_link_shows_exactly_when_allowed(world):
    obj = _aanvraag(world, "gemeente")
    link = f"/aanvragen/{obj.uuid}/intrekken/"
    assert link in _page(world.ggz_noord, f"/aanvragen/{obj.uuid}/")
    assert link not in _page(world.gem_amsterdam, f"/aanvragen/{obj.uuid}/")
    assert beoordeel(world, world.gem_amsterdam, obj.uuid).status_code == 201
    # after the beschikking the application can no longer be withdrawn: no link to a refusal
    assert link not in _page(world.ggz_noord, f"/aanvragen/{obj.uuid}/")


@pytest.mark.parametrize("status", ["actief", "beeindigd", "afgesloten"])
def test_trajectory_actions_show_exactly_when_allowed(world, status):
    obj = _traject(world, status)
    knoppen = {
        "plaatsing": "Plaatsing opslaan",
        "verlenging": "Verlenging aanvragen</button>",
        "stop": "Stopbericht versturen",
        "eindverslag": "Eindverslag versturen",
    }
    for user in (world.ggz_noord, world.uwv):
        page = _page(user, f"/trajecten/{obj.uuid}/")
        for actie, knop in knoppen.items():
            can = ACTIES[actie][0]
            assert (knop in page) is can(user, obj)[0], (user.username, status, actie)
    noord = _page(world.ggz_noord, f"/trajecten/{obj.uuid}/")
    assert ("Stopbericht versturen" in noord) is (status == "actief")
    assert ("Eindverslag versturen" in noord) is (status == "beeindigd")


@pytest.mark.parametrize(("maximum", "verlengd", "aangeboden"), [(0, 0, False), (12, 0, True), (12, 12, False)])
def test_the_extension_is_offered_only_where_the_lot_still_allows_one(world, maximum, verlengd, aangeboden):
    """A lot without extension (the Inkoopkader CMD lot: 24 months) or one whose maximum is used up:
    the page offers no request the service would refuse (issue 12: "Verlenging aanvragen" on a lot
    that allows none), and the permission says why, through the same rule as the request."""
    Perceel.objects.filter(pk=world.cmd.pk).update(max_verlenging_maanden=maximum)
    obj = Traject.objects.get(uuid=approved_traject(world, perceel="uwv-ips-cmd")["uuid"])
    Traject.objects.filter(pk=obj.pk).update(verlengd_maanden=verlengd)
    obj = Traject.objects.select_related("perceel").get(pk=obj.pk)
    allowed, reason = permissions.can_verlenging_aanvragen(world.ggz_noord, obj)
    assert allowed is aangeboden
    assert ("Verlenging aanvragen</button>" in _page(world.ggz_noord, f"/trajecten/{obj.uuid}/")) is aangeboden
    assert (
        reason
        == {
            (0, 0): "Dit perceel kent geen verlenging.",
            (12, 0): "",
            (12, 12): "De verlenging van dit traject is op: het perceel staat geen verdere verlenging toe.",
        }[(maximum, verlengd)]
    )


# --- the queryset twins agree with the permission ------------------------------------------------


@pytest.mark.parametrize("route", ["uwv", "gemeente"])
def test_waiting_for_a_decision_filter_agrees_with_the_permission(world, route):
    from trajecten.selectors import wacht_op_besluit_q

    obj = _aanvraag(world, route)
    for status in ("ingediend", "gemeente_akkoord", "goedgekeurd", "afgewezen", "ingetrokken"):
        Aanvraag.objects.filter(pk=obj.pk).update(status=status)
        obj = Aanvraag.objects.get(pk=obj.pk)
        for stap, user in (("gemeente", world.gem_amsterdam), ("uwv", world.uwv)):
            if stap == "gemeente" and route == "uwv":
                continue  # not the gemeente's application at all (404)
            in_filter = Aanvraag.objects.filter(wacht_op_besluit_q(stap), pk=obj.pk).exists()
            assert in_filter is permissions.can_aanvraag_beslissen(user, obj)[0], (route, status, stap)


def test_trajectory_list_marks_a_passed_planned_end_from_the_day_after(world, clock):
    obj = _traject(world)
    clock.move_to(datetime.datetime.combine(obj.einddatum_gepland, datetime.time(12)))
    assert 'class="verlopen"' not in _page(world.ggz_noord, "/trajecten/")
    clock.move_to(datetime.datetime.combine(obj.einddatum_gepland + datetime.timedelta(days=1), datetime.time(12)))
    assert 'class="verlopen"' in _page(world.ggz_noord, "/trajecten/")
    assert "De geplande einddatum is verstreken." in _page(world.ggz_noord, f"/trajecten/{obj.uuid}/")
