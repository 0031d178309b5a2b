"""Participants: register, change and find by BSN (throttled and logged, ``bsn_controle``)."""

from django.db import transaction

from backoffice import crypto, verwerkingslog
from backoffice.errors import BusinessRuleError
from backoffice.services import bsn_controle
from financiering.models import Aanbieder

from .. import permissions
from ..models import Deelnemer
from ..selectors import deelnemers_by_bsn
from ._eigen import _own_aanbieder


def deelnemer_create(*, by, bsn: str, **fields) -> Deelnemer:
    """Register a participant. Whether the BSN is known at another provider makes no difference
    (the answer is the same as for a new BSN); the check is throttled and logged (bsn_controle)."""
    aanbieder = _own_aanbieder(by)
    bsn_hash = crypto.bsn_hash(bsn)
    with bsn_controle(by=by, bsn_hash=bsn_hash, kanaal="registratie") as controle:
        return _deelnemer_create(aanbieder=aanbieder, bsn=bsn, bsn_hash=bsn_hash, controle=controle, **fields)


@transaction.atomic
def _deelnemer_create(*, aanbieder: Aanbieder, bsn: str, bsn_hash: str, controle: dict, **fields) -> Deelnemer:
    exists = Deelnemer.objects.filter(aanbieder=aanbieder, bsn_hash=bsn_hash).exists()  # own data only
    controle["aantal_gevonden"] += int(exists)
    if exists:
        raise BusinessRuleError(
            code="deelnemer-bestaat",
            message="U heeft deze deelnemer al geregistreerd. Open de deelnemer en vraag daar een nieuw traject aan.",
            field="bsn",
        )
    deelnemer = Deelnemer.objects.create(
        aanbieder=aanbieder, bsn_versleuteld=crypto.encrypt(bsn), bsn_hash=bsn_hash, **fields
    )
    verwerkingslog.noteer(deelnemer, handeling="aanmaken")
    return deelnemer


def _not_anonymised(deelnemer: Deelnemer) -> None:
    """A participant whose retention period ended is closed for good (docs/privacy.md): the row is
    locked so that the nightly anonymisation and this change are judged one after the other."""
    if Deelnemer.objects.select_for_update().filter(pk=deelnemer.pk, geanonimiseerd_op__isnull=False).exists():
        raise BusinessRuleError(
            code="deelnemer-geanonimiseerd",
            message="De bewaartermijn van deze deelnemer is verstreken en de gegevens zijn geanonimiseerd; "
            "registreer de deelnemer opnieuw.",
        )


@transaction.atomic
def deelnemer_update(*, by, deelnemer: Deelnemer, **fields) -> Deelnemer:
    aanbieder = _own_aanbieder(by)
    if deelnemer.aanbieder_id != aanbieder.pk:
        raise permissions.niet_gevonden("Deze deelnemer")
    _not_anonymised(deelnemer)
    for name, value in fields.items():
        setattr(deelnemer, name, value)
    deelnemer.save()
    verwerkingslog.noteer(deelnemer, handeling="wijzigen")
    return deelnemer


def deelnemer_search(*, by, bsn: str, kanaal: str) -> list[Deelnemer]:
    """Find the participants with this BSN that ``by`` may see, throttled, and record the lookup
    (who, when, which organisation, which hash; never the BSN) in ``BsnRaadpleging``. Every path
    that searches by BSN goes through here: the API's ``POST /deelnemers/_zoek`` and the page
    ``/deelnemers/zoeken/``."""
    with bsn_controle(by=by, bsn_hash=crypto.bsn_hash(bsn), kanaal=kanaal) as controle:
        found = list(deelnemers_by_bsn(by, bsn).order_by("id"))
        controle["aantal_gevonden"] = len(found)
    return found
