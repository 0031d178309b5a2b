"""Who may do what with the money, in one place (conventions.md "Access"), in the shape of
``trajecten/permissions.py``: per action a refusal function (``<act>_weigering(user, obj)``: the
``BusinessRuleError`` the service raises, with its own code and status, or None) and a permission
function ``can_<act>(user, obj) -> (allowed, Dutch reason)`` built from it. The services raise the
refusal (``weigeren(accorderen_weigering(by, opdracht))``); the views and templates call
``can_*`` to show or hide an action.

Each checks, in this order, the role, the organisation, the state (the tables in ``rules.py``) and
four eyes (``backoffice.rules.vier_ogen_weigering``); the first that fails is the reason. What
depends on what the user types (an amount, a date, a reason) stays in the services."""

from backoffice import roles
from backoffice.errors import BusinessRuleError
from backoffice.models import Instellingen
from backoffice.opmaak import euro
from backoffice.rules import Weigering, antwoord, rol_weigering, vier_ogen_weigering
from financiering import selectors as fin_selectors

from .rules import BETAALOPDRACHT, BEZWAAR, VORDERING


def _toestand(machine, actie: str, huidig: str, message: str | None = None) -> Weigering:
    """``ongeldige-status`` when the table has no ``actie`` from ``huidig``, with the table's own
    message unless the action has a clearer one."""
    if machine.kan(actie, huidig):
        return None
    return BusinessRuleError(code="ongeldige-status", message=message or machine.weigering(actie, huidig).message)


# --- declaration lines --------------------------------------------------------------------------


def beoordelen_weigering(user, declaratie) -> Weigering:
    """UWV beoordelaar judges the waiting lines of a declaration; who declared does not judge.
    (Which lines wait is the table ``PRESTATIE``, checked per line by the service.)"""
    return rol_weigering(user, roles.UWV_BEOORDELAAR) or vier_ogen_weigering(
        user.pk, declaratie.ingediend_door_id, message="Wie declareerde, beoordeelt niet (vier ogen)."
    )


def can_beoordelen(user, declaratie) -> tuple[bool, str]:
    return antwoord(beoordelen_weigering(user, declaratie))


# --- payment orders -----------------------------------------------------------------------------


def akkoord_actie(opdracht) -> str:
    """``accorderen`` when this approval is the last one needed, else ``eerste_akkoord``."""
    laatste = opdracht.akkoorden_nodig == 1 or opdracht.eerste_akkoord_door_id is not None
    return "accorderen" if laatste else "eerste_akkoord"


def accorderen_weigering(user, opdracht) -> Weigering:
    """UWV financieel approves an order; above the four-eyes threshold a second, different
    employee gives the second approval."""
    weigering = rol_weigering(user, roles.UWV_FINANCIEEL) or _toestand(
        BETAALOPDRACHT, akkoord_actie(opdracht), opdracht.status, "Deze betaalopdracht is al geaccordeerd."
    )
    if weigering is None and opdracht.eerste_akkoord_door_id == user.pk:
        drempel = Instellingen.get().vier_ogen_drempel
        weigering = vier_ogen_weigering(
            user.pk,
            opdracht.eerste_akkoord_door_id,
            message=f"Boven {euro(drempel)} moet een tweede medewerker akkoord geven.",
        )
    return weigering


def can_accorderen(user, opdracht) -> tuple[bool, str]:
    return antwoord(accorderen_weigering(user, opdracht))


def bevestigen_weigering(user, opdracht) -> Weigering:
    """UWV financieel confirms that the bank paid an approved order (once: 409 ``al-bevestigd``)."""
    if weigering := rol_weigering(user, roles.UWV_FINANCIEEL):
        return weigering
    if opdracht.status == "betaald":
        return BusinessRuleError(code="al-bevestigd", message="Deze betaalopdracht is al als betaald bevestigd.")
    return _toestand(BETAALOPDRACHT, "bevestigen", opdracht.status, "Een betaalopdracht wordt eerst geaccordeerd.")


def can_bevestigen(user, opdracht) -> tuple[bool, str]:
    return antwoord(bevestigen_weigering(user, opdracht))


def sepa_weigering(user, opdracht) -> Weigering:
    """UWV financieel downloads the bank file of an approved (or paid) order, on the web page and
    through the API (the admin lets a superuser too); before approval ``sepa.nog_niet``."""
    from .sepa import nog_niet

    return rol_weigering(user, roles.UWV_FINANCIEEL) or nog_niet(opdracht)


def can_sepa_downloaden(user, opdracht) -> tuple[bool, str]:
    return antwoord(sepa_weigering(user, opdracht))


# --- claims -------------------------------------------------------------------------------------


def verzenden_weigering(user, vordering) -> Weigering:
    """UWV financieel sends a draft claim to the gemeente."""
    return rol_weigering(user, roles.UWV_FINANCIEEL) or _toestand(
        VORDERING, "verzenden", vordering.status, "Deze vordering is al verzonden."
    )


def can_verzenden(user, vordering) -> tuple[bool, str]:
    return antwoord(verzenden_weigering(user, vordering))


def ontvangst_weigering(user, vordering) -> Weigering:
    """UWV financieel registers money received on a sent claim (the amount and the date are the
    service's: not more than is outstanding, not before sending, not in the future)."""
    if weigering := rol_weigering(user, roles.UWV_FINANCIEEL):
        return weigering
    if vordering.status == "concept":
        return BusinessRuleError(code="ongeldige-status", message="Een vordering wordt eerst verzonden.")
    return None


def can_ontvangst_registreren(user, vordering) -> tuple[bool, str]:
    return antwoord(ontvangst_weigering(user, vordering))


def bezwaar_indienen_weigering(user, vordering, regel=None) -> Weigering:
    """A gemeente disputes a line of its own sent, not wholly paid claim; once per line."""
    if weigering := rol_weigering(user, roles.GEMEENTE):
        return weigering
    if vordering.gemeente_id not in fin_selectors.user_gemeente_ids(user):
        return BusinessRuleError(
            code="niet-gevonden", message="Deze vordering bestaat niet of is niet van u.", status=404
        )
    weigering = _toestand(
        VORDERING,
        "betwisten",
        vordering.status,
        f"Een vordering met status '{vordering.status}' kan niet worden betwist.",
    )
    if weigering is None and regel is not None:
        weigering = _toestand(BEZWAAR, "indienen", regel.bezwaar, "Tegen deze regel loopt of liep al een bezwaar.")
    return weigering


def can_bezwaar_indienen(user, vordering, regel=None) -> tuple[bool, str]:
    return antwoord(bezwaar_indienen_weigering(user, vordering, regel))


def bezwaar_beoordelen_weigering(user, regel) -> Weigering:
    """UWV financieel decides a dispute that waits."""
    return rol_weigering(user, roles.UWV_FINANCIEEL) or _toestand(
        BEZWAAR, "toewijzen", regel.bezwaar, "Op deze regel wacht geen bezwaar op een besluit."
    )


def can_bezwaar_beoordelen(user, regel) -> tuple[bool, str]:
    return antwoord(bezwaar_beoordelen_weigering(user, regel))
