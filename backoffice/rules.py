"""The rules of four eyes on roles (docs/security.md "Vier ogen op rollen"): pure checks on facts,
no queries. ``backoffice.services`` gathers the facts and applies one transition per service."""

from .errors import BusinessRuleError
from .roles import AANBIEDER, GEMEENTE, ROLES
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
    if door_id == aanvrager_id:
        raise BusinessRuleError(
            code="vier-ogen",
            message="Wie de rol aanvroeg, beslist er niet over: een tweede beheerder moet goedkeuren (vier ogen).",
            status=403,
        )


def check_organisatie(*, rol: str, heeft_organisatie: bool) -> None:
    if rol in ROL_MET_ORGANISATIE and not heeft_organisatie:
        raise BusinessRuleError(code="rol-zonder-organisatie", message=ROL_MET_ORGANISATIE[rol])
