"""The money pages show an action exactly when ``declaraties.permissions`` allows it, and a POST of
an action it refuses is refused with the permission's own reason and code: the page does not
decide on its own who may act (issue 10, "no rule retyped in views").

Each test walks the users who can open the page, compares the button on the page with
``can_<act>(user, obj)`` (and with what a user expects: who declared does not judge), and sends
the action anyway where it is refused."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils.html import escape

from backoffice import roles
from backoffice.models import Instellingen
from declaraties import permissions, rules, services
from declaraties.models import Betaalopdracht, Vordering
from tests.factories import client_as as _client
from tests.factories import make_user
from tests.trajecten.helpers import approved_traject

from .geld_helpers import claim, declare, moment, pay, start_line

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    """Monday 2 March 2026, before the world is built (its fidelity audits are dated today)."""
    with time_machine.travel(moment(D(2026, 3, 2)), tick=False) as traveller:
        yield traveller


def _page(user, url: str) -> str:
    response = _client(user).get(url)
    assert response.status_code == 200, (user.username, url, response.status_code)
    return response.content.decode()


def _says(response, reason: str, code: str) -> bool:
    """The refusal as the page words it: the permission's reason and its code."""
    return escape(f"{reason} (code: {code})") in response.content.decode()


def _reason(answer: tuple[bool, str]) -> str:
    """The Dutch reason of a refusing ``can_<act>`` answer."""
    allowed, reason = answer
    assert not allowed and reason
    return reason


def _fresh(user):
    """The user as the next request sees it (roles are cached on the instance)."""
    return type(user).objects.get(pk=user.pk)


# --- judging declaration lines ------------------------------------------------------------------


@pytest.fixture
def waiting(world, clock):
    """A declaration by GGZ Noord whose line waits for a person; the one who declared it is also a
    UWV beoordelaar."""
    Instellingen.objects.update_or_create(pk=1, defaults={"declaratie_automatisch_toekennen": False})
    world.ggz_noord.groups.add(Group.objects.get(name=roles.UWV_BEOORDELAAR))
    both = _fresh(world.ggz_noord)
    traject = approved_traject(world, perceel="demo-gem-epa")
    clock.move_to(moment(D(2026, 3, 10)))
    line = start_line(traject, "S-1", D(2026, 3, 2))
    begin, eind = rules.month_bounds(line.begindatum)
    declaratie, _ = services.declaratie_submit(
        by=both,
        invoer=services.DeclaratieInvoer(declaratie_nummer="D-1", begindatum=begin, einddatum=eind, regels=[line]),
    )
    assert list(declaratie.prestaties.values_list("status", flat=True)) == ["in_behandeling"]
    return declaratie, both


def _judge(user, declaratie):
    return _client(user).post(
        f"/declaraties/{declaratie.uuid}/beoordeling/",
        {
            "b-TOTAL_FORMS": "1",
            "b-INITIAL_FORMS": "1",
            "b-MIN_NUM_FORMS": "0",
            "b-MAX_NUM_FORMS": "1000",
            "b-0-product_referentie": "S-1",
            "b-0-besluit": "toegekend",
            "bevestigd": "on",
        },
    )


def test_judge_buttons_follow_can_beoordelen_and_who_declared_is_refused_for_four_eyes(world, waiting):
    declaratie, both = waiting
    colleague = make_user(roles.AANBIEDER, aanbieder=world.noord, username="ggz-noord-2")
    url = f"/declaraties/{declaratie.uuid}/"
    expected = {world.uwv: True, both: False, world.uwv_fin: False, colleague: False}
    for user, allowed in expected.items():
        html = _page(user, url)
        assert permissions.can_beoordelen(user, declaratie)[0] is allowed, user.username
        assert ("Besluiten vastleggen" in html) is allowed, user.username
    assert permissions.beoordelen_weigering(both, declaratie).code == "vier-ogen"
    assert "U diende deze declaratie zelf in" in _page(both, url)
    assert "U diende deze declaratie zelf in" not in _page(world.uwv, url)

    refused = _judge(both, declaratie)
    assert refused.status_code == 400
    assert _says(refused, _reason(permissions.can_beoordelen(both, declaratie)), "vier-ogen")
    assert "Besluiten vastleggen" not in refused.content.decode()
    assert _judge(world.uwv_fin, declaratie).status_code == 403  # no beoordelaar role at all
    assert list(declaratie.prestaties.values_list("status", flat=True)) == ["in_behandeling"]

    assert _judge(world.uwv, declaratie).status_code == 302
    assert list(declaratie.prestaties.values_list("status", flat=True)) == ["toegekend"]
    assert "Besluiten vastleggen" not in _page(world.uwv, url)  # nothing waits any more


# --- approving, downloading and confirming a payment order --------------------------------------


@pytest.fixture
def order(world, clock):
    """A payment order of EUR 3200 above a four-eyes threshold of 1000: two approvals needed."""
    instellingen = Instellingen.get()
    instellingen.vier_ogen_drempel = Decimal("1000.00")
    instellingen.save()
    traject = approved_traject(world, perceel="demo-gem-epa")
    clock.move_to(moment(D(2026, 3, 10)))
    declare(world.ggz_noord, "D-1", [start_line(traject, "S-1", D(2026, 3, 2))])
    clock.move_to(moment(D(2026, 3, 16)))
    services.betaalopdrachten_aanmaken(datum=D(2026, 3, 16))
    opdracht = Betaalopdracht.objects.get()
    assert (opdracht.status, opdracht.akkoorden_nodig) == ("te_accorderen", 2)
    return opdracht


ACTIONS = {
    "accorderen": ("Akkoord geven</button>", permissions.can_accorderen),
    "sepa": ("SEPA-bestand downloaden", permissions.can_sepa_downloaden),
    "bevestigen": ("Betaling bevestigen</button>", permissions.can_bevestigen),
}


def _assert_order_buttons(opdracht, users, expected: dict[str, set]):
    """On the order's page each user sees each action exactly when its permission allows it, and
    the permissions allow exactly the users of ``expected`` (action -> usernames)."""
    opdracht = Betaalopdracht.objects.get(pk=opdracht.pk)
    for user in users:
        html = _page(user, f"/betaalopdrachten/{opdracht.uuid}/")
        for action, (button, can) in ACTIONS.items():
            allowed, _ = can(user, opdracht)
            assert (button in html) is allowed, (action, user.username, opdracht.status)
            assert allowed is (user.username in expected[action]), (action, user.username, opdracht.status)


def test_order_actions_follow_the_permissions_through_approval_payment_and_four_eyes(world, order):
    fin, uwv = world.uwv_fin, world.uwv
    fin2 = make_user(roles.UWV_FINANCIEEL, username="uwv-financieel-2")
    users = (fin, fin2, uwv)
    url = f"/betaalopdrachten/{order.uuid}/"
    _assert_order_buttons(
        order, users, {"accorderen": {fin.username, fin2.username}, "sepa": set(), "bevestigen": set()}
    )

    # before approval: no bank file and no confirmation, each refused with its reason
    early = _client(fin).get(f"{url}sepa.xml", follow=True)
    reason = _reason(permissions.can_sepa_downloaden(fin, order))
    assert early.redirect_chain == [(url, 302)] and _says(early, reason, "niet-geaccordeerd")
    refused = _client(fin).post(f"{url}bevestiging/", {"datum": "2026-03-16", "bevestigd": "on"})
    reason = _reason(permissions.can_bevestigen(fin, order))
    assert refused.status_code == 400 and _says(refused, reason, "ongeldige-status")

    # the first approval: the same person may not give the second (four eyes)
    assert _client(fin).post(f"{url}akkoord/", {"bevestigd": "on"}).status_code == 302
    _assert_order_buttons(order, users, {"accorderen": {fin2.username}, "sepa": set(), "bevestigen": set()})
    order.refresh_from_db()
    assert permissions.accorderen_weigering(fin, order).code == "vier-ogen"
    assert "U gaf het eerste akkoord" in _page(fin, url) and "U gaf het eerste akkoord" not in _page(fin2, url)
    again = _client(fin).post(f"{url}akkoord/", {"bevestigd": "on"})
    assert again.status_code == 403
    assert _says(again, _reason(permissions.can_accorderen(fin, order)), "vier-ogen")
    order.refresh_from_db()
    assert (order.status, order.tweede_akkoord_door_id) == ("te_accorderen", None)
    assert _client(uwv).post(f"{url}akkoord/", {"bevestigd": "on"}).status_code == 403  # a beoordelaar

    # the second approval: the bank file for UWV financieel, then the bank's confirmation
    assert _client(fin2).post(f"{url}akkoord/", {"bevestigd": "on"}).status_code == 302
    both_fin = {fin.username, fin2.username}
    _assert_order_buttons(order, users, {"accorderen": set(), "sepa": both_fin, "bevestigen": both_fin})
    assert _client(fin).get(f"{url}sepa.xml").status_code == 200
    assert _client(uwv).get(f"{url}sepa.xml").status_code == 403
    assert _client(fin).post(f"{url}bevestiging/", {"datum": "2026-03-16", "bevestigd": "on"}).status_code == 302
    _assert_order_buttons(order, users, {"accorderen": set(), "sepa": both_fin, "bevestigen": set()})
    twice = _client(fin2).post(f"{url}bevestiging/", {"datum": "2026-03-16", "bevestigd": "on"})
    order.refresh_from_db()
    reason = _reason(permissions.can_bevestigen(fin2, order))
    assert twice.status_code == 400 and _says(twice, reason, "al-bevestigd")


# --- sending a claim, receipts and disputes -------------------------------------------------------


@pytest.fixture
def concept(world, clock):
    """Two paid start lines for Amsterdam; the April run makes a concept claim (not sent)."""
    Instellingen.objects.update_or_create(pk=1, defaults={"vordering_automatisch_verzenden": False})
    trajecten = [approved_traject(world, perceel="demo-gem-epa") for _ in range(2)]
    clock.move_to(moment(D(2026, 3, 10)))
    declare(world.ggz_noord, "D-1", [start_line(t, f"S-{i}", D(2026, 3, 2)) for i, t in enumerate(trajecten)])
    pay(world, clock, D(2026, 3, 16))
    claim(clock, D(2026, 4, 1))
    vordering = Vordering.objects.get()
    assert (vordering.status, vordering.regels.count()) == ("concept", 2)
    return vordering


def _claim_buttons(user, vordering) -> dict[str, int]:
    html = _page(user, f"/vorderingen/{vordering.uuid}/")
    return {
        "verzenden": html.count("Vordering verzenden</button>"),
        "ontvangst": html.count("Ontvangst registreren</button>"),
        "bezwaar": html.count("Bezwaar indienen</button>"),
        "besluit": html.count("Besluit vastleggen</button>"),
    }


def _claim_permissions(user, vordering) -> dict[str, int]:
    """How many buttons of each kind the permissions allow (the dispute ones per line); receipts
    only while money is open."""
    vordering = Vordering.objects.get(pk=vordering.pk)
    regels = list(vordering.regels.all())
    return {
        "verzenden": int(permissions.can_verzenden(user, vordering)[0]),
        "ontvangst": int(permissions.can_ontvangst_registreren(user, vordering)[0] and vordering.openstaand > 0),
        "bezwaar": sum(permissions.can_bezwaar_indienen(user, vordering, r)[0] for r in regels),
        "besluit": sum(permissions.can_bezwaar_beoordelen(user, r)[0] for r in regels),
    }


def test_claim_actions_follow_the_permissions_from_concept_to_dispute(world, concept):
    fin, ams = world.uwv_fin, world.gem_amsterdam
    url = f"/vorderingen/{concept.uuid}/"
    nothing = {"verzenden": 0, "ontvangst": 0, "bezwaar": 0, "besluit": 0}

    # a concept: only sending, for UWV financieel; a receipt or a dispute is refused with its reason
    assert _claim_buttons(fin, concept) == _claim_permissions(fin, concept) == {**nothing, "verzenden": 1}
    assert _claim_buttons(ams, concept) == _claim_permissions(ams, concept) == nothing
    receipt = _client(fin).post(f"{url}ontvangst/", {"bedrag": "10,00", "datum": "2026-04-01", "bevestigd": "on"})
    reason = _reason(permissions.can_ontvangst_registreren(fin, concept))
    assert receipt.status_code == 400 and _says(receipt, reason, "ongeldige-status")
    regel_1, regel_2 = concept.regels.order_by("prestatie__product_referentie")
    early = _client(ams).post(f"{url}bezwaar/", {"regel": regel_1.uuid, "toelichting": "Onbekend", "bevestigd": "on"})
    reason = _reason(permissions.can_bezwaar_indienen(ams, concept, regel_1))
    assert early.status_code == 400 and _says(early, reason, "ongeldige-status")

    # sent: receipts for UWV, a dispute per line for the gemeente; sending twice is refused
    assert _client(fin).post(f"{url}verzenden/", {"bevestigd": "on"}).status_code == 302
    concept.refresh_from_db()
    twice = _client(fin).post(f"{url}verzenden/", {"bevestigd": "on"})
    reason = _reason(permissions.can_verzenden(fin, concept))
    assert twice.status_code == 409 and _says(twice, reason, "ongeldige-status")
    assert _claim_buttons(fin, concept) == _claim_permissions(fin, concept) == {**nothing, "ontvangst": 1}
    assert _claim_buttons(ams, concept) == _claim_permissions(ams, concept) == {**nothing, "bezwaar": 2}
    assert _client(world.gem_utrecht).get(url).status_code == 404

    # one line disputed: no second dispute on it, and UWV may decide it (the gemeente may not)
    dispute = {"regel": regel_1.uuid, "toelichting": "Niet bij ons bekend", "bevestigd": "on"}
    assert _client(ams).post(f"{url}bezwaar/", dispute).status_code == 302
    assert _claim_buttons(ams, concept) == _claim_permissions(ams, concept) == {**nothing, "bezwaar": 1}
    assert _claim_buttons(fin, concept) == _claim_permissions(fin, concept) == {**nothing, "ontvangst": 1, "besluit": 1}
    again = _client(ams).post(f"{url}bezwaar/", dispute)
    regel_1.refresh_from_db()
    reason = _reason(permissions.can_bezwaar_indienen(ams, Vordering.objects.get(pk=concept.pk), regel_1))
    assert again.status_code == 400 and _says(again, reason, "ongeldige-status")
    decide = {"regel": regel_2.uuid, "besluit": "afgewezen", "toelichting": "Blijft staan", "bevestigd": "on"}
    refused = _client(fin).post(f"{url}bezwaarbesluit/", decide)
    reason = _reason(permissions.can_bezwaar_beoordelen(fin, regel_2))
    assert refused.status_code == 400 and _says(refused, reason, "ongeldige-status")
    assert _client(ams).post(f"{url}bezwaarbesluit/", {**decide, "regel": regel_1.uuid}).status_code == 403
    regel_1.refresh_from_db()
    regel_2.refresh_from_db()
    assert (regel_1.bezwaar, regel_2.bezwaar) == ("ingediend", "geen")
