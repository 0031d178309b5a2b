"""Who may manage schemes, budgets and fidelity audits, in one place (conventions.md: permission
functions answer ``(allowed, reason)``). Each action has a refusal function (``*_weigering``: the
``BusinessRuleError`` the service raises, with its code and status, or None) and ``can_<act>``;
the API views and pages ask ``can_*`` (or raise the refusal), the services the same functions."""

from backoffice import roles
from backoffice.errors import BusinessRuleError
from backoffice.rules import Weigering, antwoord, rol_weigering

BUDGET_INZIEN = (*roles.UWV_ROLES, roles.GEMEENTE, roles.BEHEERDER)


def regeling_beheren_weigering(user) -> Weigering:
    """Schemes, lots, payment plans and prices are reference data: the beheerder's."""
    return rol_weigering(user, roles.BEHEERDER)


def can_regeling_beheren(user, regeling=None) -> tuple[bool, str]:
    """Create or change a scheme and its lots (``services.regeling_create``, ``regeling_update``)."""
    return antwoord(regeling_beheren_weigering(user))


def budget_toekennen_weigering(user) -> Weigering:
    """UWV financieel, or the beheerder (its page ``/budgetten/nieuw/``), grants a gemeente its
    budget for a scheme and year, and raises or lowers it."""
    return rol_weigering(user, roles.UWV_FINANCIEEL, roles.BEHEERDER)


def can_budget_toekennen(user, budget=None) -> tuple[bool, str]:
    """Grant or raise a budget (``services.budget_create``)."""
    return antwoord(budget_toekennen_weigering(user))


def budget_inzien_weigering(user) -> Weigering:
    return rol_weigering(user, *BUDGET_INZIEN)


def can_budget_inzien(user, budget=None) -> tuple[bool, str]:
    """See budgets (scoped by ``selectors.budgetten_for``: a gemeente its own)."""
    return antwoord(budget_inzien_weigering(user))


def modeltrouwmeting_weigering(user) -> Weigering:
    """The auditor (Phrenos) registers fidelity audits."""
    return rol_weigering(user, roles.AUDITOR)


def can_modeltrouwmeting_registreren(user, aanbieder=None) -> tuple[bool, str]:
    """Register a fidelity audit of a provider (``services.modeltrouwmeting_register``)."""
    return antwoord(modeltrouwmeting_weigering(user))


def trajectbegeleider_wijzigen_weigering(user, begeleider=None) -> Weigering:
    """The provider keeps its own employment specialists' numbers (clients funded elsewhere); another
    provider's specialist does not exist for it (404)."""
    weigering = rol_weigering(user, roles.AANBIEDER)
    if weigering or begeleider is None:
        return weigering
    medewerker = getattr(user, "medewerker", None)
    if medewerker is None or medewerker.aanbieder_id != begeleider.aanbieder_id:
        return BusinessRuleError(code="niet-gevonden", message="Deze trajectbegeleider bestaat niet.", status=404)
    return None


def can_trajectbegeleider_wijzigen(user, begeleider=None) -> tuple[bool, str]:
    """Set a specialist's clients funded elsewhere (``services.trajectbegeleider_clienten_elders``)."""
    return antwoord(trajectbegeleider_wijzigen_weigering(user, begeleider))


def implementatieplan_weigering(user, aanbieder=None) -> Weigering:
    """Phrenos (the auditor) tests a starting provider's implementation plan."""
    return rol_weigering(user, roles.AUDITOR)


def can_implementatieplan_registreren(user, aanbieder=None) -> tuple[bool, str]:
    """Record an approved implementation plan (``services.implementatieplan_registreren``)."""
    return antwoord(implementatieplan_weigering(user, aanbieder))
