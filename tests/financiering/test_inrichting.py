"""``financiering.rules.regeling_inrichting_ontbreekt``: what a scheme still lacks before providers
can apply, in Dutch, from prefetched lots (no database); and the start-date rule of an application."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace as NS

from financiering.rules import regeling_inrichting_ontbreekt
from trajecten.rules_datums import startdatum_problem


class _All(list):
    def all(self):
        return self


def _perceel(naam="EPA", prijzen=None, aandelen=("0.40", "0.40", "0.20"), typen=("ggz",)):
    prijzen = (
        prijzen if prijzen is not None else [NS(geldig_van=date(2019, 1, 1), geldig_tot=None, bedrag=Decimal("8000"))]
    )
    return NS(
        naam=naam,
        prijzen=_All(prijzen),
        producten=_All(NS(aandeel=Decimal(a)) for a in aandelen),
        toegestane_aanbiedertypen=list(typen),
    )


def test_a_fully_configured_scheme_lacks_nothing_and_every_gap_is_named_in_dutch():
    op = date(2026, 12, 1)
    assert regeling_inrichting_ontbreekt(NS(percelen=_All([_perceel()])), op=op) == []
    assert regeling_inrichting_ontbreekt(NS(percelen=_All()), op=op) == ["De regeling heeft nog geen perceel."]
    verlopen = [NS(geldig_van=date(2019, 1, 1), geldig_tot=date(2026, 11, 30), bedrag=Decimal("8000"))]
    regeling = NS(
        percelen=_All(
            [
                _perceel("EPA", prijzen=verlopen),
                _perceel("CMD", aandelen=()),
                _perceel("NAH", aandelen=("0.5",), typen=()),
            ]
        )
    )
    assert regeling_inrichting_ontbreekt(regeling, op=op) == [
        "Perceel 'EPA': er is geen trajectprijs die geldt op 01-12-2026.",
        "Perceel 'CMD': er is geen betaalplan (geen producten om te declareren).",
        "Perceel 'NAH': De aandelen van de producten tellen op tot 0.5, niet tot 1.",
        "Perceel 'NAH': er is geen aanbiedertype toegestaan.",
    ]


def test_a_requested_start_before_today_is_refused_today_and_later_are_fine():
    today = date(2026, 12, 1)
    assert startdatum_problem(None, today) is None
    assert startdatum_problem(today, today) is None and startdatum_problem(date(2027, 1, 1), today) is None
    code, message = startdatum_problem(date(2026, 11, 30), today)
    assert code == "startdatum-in-verleden" and "(30-11-2026) ligt in het verleden" in message
