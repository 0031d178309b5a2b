"""Shortcuts for the objection tests: the decisions to object against, made through the
services (tests/trajecten/helpers.py), a second person of each deciding body (Awb 7:5: who took
the decision does not decide the objection), and the budget's three amounts."""

import datetime
from decimal import Decimal

from backoffice import roles
from bezwaren import services
from financiering.models import Budget
from tests.declaraties.geld_helpers import moment
from tests.factories import make_user
from tests.trajecten.helpers import decide, filed_aanvraag
from trajecten.models import Aanvraag

D = datetime.date
START = D(2026, 3, 2)


def tweede_beslissers(world) -> None:
    world.gem2 = make_user(roles.GEMEENTE, gemeenten=[world.amsterdam], username="gemeente-amsterdam-2")
    world.uwv2 = make_user(roles.UWV_BEOORDELAAR, username="uwv-2")


def bedragen(budget: Budget) -> tuple[Decimal, Decimal, Decimal]:
    """(vrij, gereserveerd, gerealiseerd), fresh from the database."""
    budget.refresh_from_db()
    return budget.vrij, budget.gereserveerd, budget.gerealiseerd


def goedkeuren(world, aanvraag: Aanvraag, *, gemeente_user=None) -> Aanvraag:
    """Decide ``aanvraag`` to approval along its route: the gemeente's beschikking first on the
    gemeente route, then UWV where the route still asks it."""
    if aanvraag.route == "gemeente":
        aanvraag, _ = decide(gemeente_user or world.gem_amsterdam, aanvraag)
    if aanvraag.status != "goedgekeurd":
        aanvraag, _ = decide(world.uwv, aanvraag)
    assert aanvraag.status == "goedgekeurd"
    return aanvraag


def afgewezen_aanvraag(world, *, perceel="demo-gem-epa") -> Aanvraag:
    """An application refused by its first deciding body (the gemeente on the gemeente route)."""
    aanvraag = filed_aanvraag(world, perceel=perceel)
    beslisser = world.gem_amsterdam if aanvraag.route == "gemeente" else world.uwv
    aanvraag, _ = decide(beslisser, aanvraag, "afgewezen", "Geen indicatie voor IPS.")
    assert aanvraag.status == "afgewezen"
    return aanvraag


def indienen(world, soort, obj, *, by=None, gronden="Het besluit miskent de feiten.", **kwargs):
    return services.bezwaar_indienen(
        by=by or world.ggz_noord, besluit_soort=soort, object=obj, gronden=gronden, **kwargs
    )


__all__ = ["START", "moment"]
