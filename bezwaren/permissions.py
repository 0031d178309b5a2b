"""Who may do what with an Awb objection (the shape of ``trajecten/permissions.py``): per action a
refusal function ``<act>_weigering(user, obj)`` (the ``BusinessRuleError`` the service raises, or
None) and ``can_<act>(user, obj) -> (allowed, Dutch reason)`` for the pages.

- Filing: only the party the decision concerns, the provider (role aanbieder medewerker, 403
  otherwise; another provider's decision answers 404), against a final decision, one open
  objection per decision. A gemeente does not object here: on the gemeente route it is itself the
  deciding body, and UWV's consent step after the beschikking is an agreement between two public
  bodies, not a decision towards the gemeente (docs/decisions.md).
- Deciding, extending the term: the body that took the decision (``beslisorgaan``): UWV
  beoordelaar for UWV's decisions, the gemeente medewerker of that gemeente for the gemeente's
  (another gemeente: 404); not the person who took the decision (Awb 7:5, 403 ``vier-ogen``).
- Withdrawing: the provider that filed it, while it is open."""

from backoffice import roles
from backoffice.errors import BusinessRuleError
from backoffice.rules import Weigering, antwoord, rol_weigering, toestand_weigering, vier_ogen_weigering
from financiering.selectors import user_aanbieder_id, user_gemeente_ids
from trajecten.permissions import aanbieder_weigering, niet_gevonden

from . import besluiten, rules
from .models import Beslisorgaan, Bezwaarschrift

# --- filing ---------------------------------------------------------------------------------------


def eigen_besluit_object(user, besluit_soort: str, uuid):
    """The decided object ``uuid`` of kind ``besluit_soort`` when it concerns the user's provider,
    else None (unknown and another's alike): for a reference in a request body."""
    obj = besluiten.object_zoeken(besluit_soort, uuid)
    aanbieder_id = user_aanbieder_id(user)
    if obj is None or aanbieder_id is None or besluiten.feiten(besluit_soort, obj).aanbieder_id != aanbieder_id:
        return None
    return obj


def indienen_weigering(user, besluit_soort: str, object, feiten=None) -> Weigering:
    """Everything but the objection's own input (the reasons, a reason for a late filing)."""
    weigering = aanbieder_weigering(user)
    if weigering is not None:
        return weigering
    if besluit_soort not in rules.SOORTEN:
        return BusinessRuleError(
            code="ongeldige-invoer",
            message="besluitSoort is 'aanvraag', 'verlenging', 'prestatie' of 'vaststelling'.",
            status=400,
            field="besluitSoort",
        )
    if object is None:
        return niet_gevonden("Dit besluit")
    feiten = feiten or besluiten.feiten(besluit_soort, object)
    if feiten.aanbieder_id != user_aanbieder_id(user):
        return niet_gevonden("Dit besluit")
    if not feiten.definitief:
        return BusinessRuleError(
            code="geen-besluit",
            message="Bezwaar kan alleen tegen een genomen besluit: hierop is (nog) geen definitief besluit.",
        )
    eerder = Bezwaarschrift.objects.filter(besluit_ref=feiten.ref).exclude(status="ingetrokken")
    if eerder.filter(status__in=rules.OPEN).exists():
        return BusinessRuleError(code="bezwaar-loopt-al", message="Tegen dit besluit loopt al een bezwaar.")
    if eerder.exists():
        return BusinessRuleError(
            code="bezwaar-al-beslist",
            message="Op een bezwaar tegen dit besluit is al beslist; daartegen staat beroep open bij de rechtbank.",
        )
    return None


def can_indienen(user, besluit_soort: str, object) -> tuple[bool, str]:
    """File an objection against the decision on ``object`` (``services.bezwaar_indienen``)."""
    return antwoord(indienen_weigering(user, besluit_soort, object))


# --- the deciding body ----------------------------------------------------------------------------


def orgaan_weigering(user, bezwaar: Bezwaarschrift) -> Weigering:
    """The deciding body's role: UWV beoordelaar, or the gemeente medewerker of the gemeente."""
    if bezwaar.beslisorgaan == Beslisorgaan.UWV:
        if roles.has_role(user, roles.GEMEENTE) and not roles.has_role(user, *roles.UWV_ROLES):
            return niet_gevonden("Dit bezwaar")  # a gemeente does not see UWV's objections
        return rol_weigering(user, roles.UWV_BEOORDELAAR)
    weigering = rol_weigering(user, roles.GEMEENTE)
    if weigering is None and bezwaar.gemeente_id not in user_gemeente_ids(user):
        weigering = niet_gevonden("Dit bezwaar")
    return weigering


def beslissen_weigering(user, bezwaar: Bezwaarschrift) -> Weigering:
    """Decide (gegrond, ongegrond, niet-ontvankelijk): the body, not who took the decision (Awb
    7:5), while the objection is open."""
    return (
        orgaan_weigering(user, bezwaar)
        or vier_ogen_weigering(
            user.pk,
            bezwaar.besluit_genomen_door_id,
            message="Wie het besluit nam, beslist niet op het bezwaar ertegen (Awb 7:5).",
        )
        or toestand_weigering(rules.BEZWAARSCHRIFT, "gegrond_verklaren", bezwaar.status)
    )


def can_beslissen(user, bezwaar: Bezwaarschrift) -> tuple[bool, str]:
    return antwoord(beslissen_weigering(user, bezwaar))


def verdagen_weigering(user, bezwaar: Bezwaarschrift) -> Weigering:
    """Extend the decision term once by six weeks (Awb 7:10 lid 3)."""
    return orgaan_weigering(user, bezwaar) or toestand_weigering(rules.BEZWAARSCHRIFT, "verdagen", bezwaar.status)


def can_verdagen(user, bezwaar: Bezwaarschrift) -> tuple[bool, str]:
    return antwoord(verdagen_weigering(user, bezwaar))


# --- the provider ---------------------------------------------------------------------------------


def intrekken_weigering(user, bezwaar: Bezwaarschrift) -> Weigering:
    weigering = aanbieder_weigering(user)
    if weigering is None and bezwaar.aanbieder_id != user_aanbieder_id(user):
        weigering = niet_gevonden("Dit bezwaar")
    return weigering or toestand_weigering(rules.BEZWAARSCHRIFT, "intrekken", bezwaar.status)


def can_intrekken(user, bezwaar: Bezwaarschrift) -> tuple[bool, str]:
    return antwoord(intrekken_weigering(user, bezwaar))
