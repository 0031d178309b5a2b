"""Everything in financiering that writes: schemes, budgets, fidelity audits and the beheerder's desk.

By noun: ``regelingen`` (schemes, lots, payment plans, prices), ``budgetten`` (budgets and their
ledger), ``modeltrouw`` (fidelity audits, implementation plan), ``beheer`` (the beheerder's pages).
Every public service is re-exported here: ``services.budget_create`` keeps working."""

from .beheer import (
    betaalplan_wijzigen,
    gebruiker_aanmaken,
    medewerker_koppelen,
    perceel_aanmaken,
    perceel_wijzigen,
    trajectprijs_opslaan,
)
from .budgetten import budget_commit, budget_create, budget_realiseren, budget_release
from .modeltrouw import (
    implementatieplan_registreren,
    modeltrouwmeting_corrigeren,
    modeltrouwmeting_register,
    modeltrouwmeting_waarden,
    trajectbegeleider_clienten_elders,
)
from .regelingen import (
    PERCEEL_FIELDS,
    REGELING_FIELDS,
    perceel_create,
    perceel_set_payment_plan,
    perceel_set_price,
    regeling_create,
    regeling_update,
)

__all__ = [
    "PERCEEL_FIELDS",
    "REGELING_FIELDS",
    "betaalplan_wijzigen",
    "budget_commit",
    "budget_create",
    "budget_realiseren",
    "budget_release",
    "gebruiker_aanmaken",
    "implementatieplan_registreren",
    "medewerker_koppelen",
    "modeltrouwmeting_corrigeren",
    "modeltrouwmeting_register",
    "modeltrouwmeting_waarden",
    "perceel_aanmaken",
    "perceel_create",
    "perceel_set_payment_plan",
    "perceel_set_price",
    "perceel_wijzigen",
    "regeling_create",
    "regeling_update",
    "trajectbegeleider_clienten_elders",
    "trajectprijs_opslaan",
]
