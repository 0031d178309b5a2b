"""The rules of four eyes on roles (docs/security.md "Vier ogen op rollen"): pure checks on facts,
no queries. ``backoffice.services`` gathers the facts and applies one transition per service.

Also the rules every app shares, each written once (docs/decisions.md "Eén regel op één plek"):
an explanation required (:func:`toelichting_vereist`) and four eyes (:func:`vier_ogen_vereist`)."""

from .errors import BusinessRuleError, RoleError
from .roles import AANBIEDER, GEMEENTE, ROLES, check_role
from .states import Toestandsmachine

# action -> {from state: to state} (backoffice.states)
ROLTOEKENNING = Toestandsmachine(
    "roltoekenning",
    {
        "goedkeuren": {"aangevraagd": "goedgekeurd"},
        "afwijzen": {"aangevraagd": "afgewezen"},
        "intrekken": {"goedgekeurd": "ingetrokken"},
    },
)
ROL_TRANSITIES = ROLTOEKENNING.transities

# A job run (``Taakrun``, backoffice.schedule.run_job): made ``bezig`` (or ``overgeslagen`` when
# another run holds the lock); it ends once, and a run found ``bezig`` under the lock was cut off.
TAAKRUN = Toestandsmachine(
    "taakrun",
    {"afronden": {"bezig": ("geslaagd", "mislukt")}, "afbreken": {"bezig": "afgebroken"}},
    {"afronden": "afronden", "afbreken": "als afgebroken boeken"},
)

# roles that only make sense with an organisation (financiering.Medewerker)
ROL_MET_ORGANISATIE = {
    AANBIEDER: "Deze rol vraagt een koppeling aan een aanbieder (medewerker in het beheer).",
    GEMEENTE: "Deze rol vraagt een koppeling aan een of meer gemeenten (medewerker in het beheer).",
}


def check_aanvraag(*, door_id: int, gebruiker_id: int, rol: str, heeft_rol: bool, loopt_al: bool) -> None:
    if rol not in ROLES:
        raise BusinessRuleError(code="rol-onbekend", message=f"De rol '{rol}' bestaat niet.", status=400, field="rol")
    if door_id == gebruiker_id:
        raise BusinessRuleError(
            code="rol-eigen-account",
            message="U kunt uzelf geen rol geven; een andere beheerder moet dat aanvragen (vier ogen).",
            status=403,
        )
    if heeft_rol:
        raise BusinessRuleError(code="rol-al-toegekend", message=f"Deze gebruiker heeft de rol {ROLES[rol]} al.")
    if loopt_al:
        raise BusinessRuleError(
            code="rol-al-aangevraagd", message=f"Voor deze gebruiker loopt al een aanvraag voor de rol {ROLES[rol]}."
        )


def check_besluit(*, door_id: int, aanvrager_id: int | None, gebruiker_id: int) -> None:
    """Goedkeuren and afwijzen: the second pair of eyes is neither the requester nor the user."""
    if door_id == gebruiker_id:
        raise BusinessRuleError(
            code="rol-eigen-account", message="U kunt niet beslissen over een rol voor uzelf (vier ogen).", status=403
        )
    vier_ogen_vereist(
        door_id,
        aanvrager_id,
        message="Wie de rol aanvroeg, beslist er niet over: een tweede beheerder moet goedkeuren (vier ogen).",
    )


def check_organisatie(*, rol: str, heeft_organisatie: bool) -> None:
    if rol in ROL_MET_ORGANISATIE and not heeft_organisatie:
        raise BusinessRuleError(code="rol-zonder-organisatie", message=ROL_MET_ORGANISATIE[rol])


# --- one rule in one place (issue 10): explanations and four eyes, for every app ---------------

VIER_OGEN = "Wie iets heeft ingediend, mag er niet zelf over beslissen (vier ogen)."


def toelichting_ontbreekt(toelichting: str | None, *, vereist: bool = True) -> bool:
    """True when an explanation is required and empty (only white space counts as empty).

    The one rule behind "a rejection, an objection, a decision on an objection, or the stop reason
    'anders' needs an explanation": the caller says whether this case requires one (``vereist``,
    e.g. ``besluit == "afgewezen"``)."""
    return vereist and not (toelichting or "").strip()


def toelichting_vereist(
    toelichting: str | None, *, vereist: bool = True, message: str = "Een afwijzing vraagt een toelichting."
) -> None:
    """Raise ``toelichting-verplicht`` (400, field ``toelichting``) when :func:`toelichting_ontbreekt`."""
    if toelichting_ontbreekt(toelichting, vereist=vereist):
        raise BusinessRuleError(code="toelichting-verplicht", message=message, status=400, field="toelichting")


def vier_ogen_probleem(by_id: int | None, other_id: int | None, *, message: str = VIER_OGEN) -> str | None:
    """Four eyes: the one who acts now may not be the one who acted before (who submitted,
    declared, requested or gave the first approval). ``message`` when they are the same person,
    None otherwise; no earlier actor (``other_id`` None) is never a problem."""
    if other_id is not None and by_id == other_id:
        return message
    return None


def vier_ogen_vereist(by_id: int | None, other_id: int | None, *, message: str = VIER_OGEN) -> None:
    """Raise ``vier-ogen`` (403) when :func:`vier_ogen_probleem` finds one."""
    weigeren(vier_ogen_weigering(by_id, other_id, message=message))


# --- permission functions (conventions.md: ``can_<act>(user, obj) -> (allowed, reason)``) --------

Weigering = BusinessRuleError | None


def antwoord(weigering: Weigering) -> tuple[bool, str]:
    """A refusal (or None) as the permission-function answer: (allowed, Dutch reason)."""
    return (True, "") if weigering is None else (False, weigering.message)


def weigeren(weigering: Weigering) -> None:
    """Raise the refusal, with its own code and status, when there is one (for the services)."""
    if weigering is not None:
        raise weigering


def vier_ogen_weigering(by_id: int | None, other_id: int | None, *, message: str = VIER_OGEN) -> Weigering:
    """:func:`vier_ogen_probleem` as the refusal ``vier-ogen`` (403) without raising, or None."""
    probleem = vier_ogen_probleem(by_id, other_id, message=message)
    return BusinessRuleError(code="vier-ogen", message=probleem, status=403) if probleem else None


def toestand_weigering(machine: Toestandsmachine, actie: str, huidig: str) -> Weigering:
    """``machine.volgende``'s refusal (``ongeldige-status``) without raising, or None when allowed."""
    try:
        machine.volgende(actie, huidig)
    except BusinessRuleError as exc:
        return exc
    return None


def rol_weigering(user, *required: str) -> Weigering:
    """``roles.require_role``'s refusal (``geen-rol``, 403) without raising, or None."""
    allowed, reason = check_role(user, *required)
    return None if allowed else RoleError(reason)
