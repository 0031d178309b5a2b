"""Writes that every app shares: the audit record of a BSN lookup."""

from . import crypto, roles
from .models import BsnKanaal, BsnRaadpleging


def bsn_raadpleging_log(*, by, bsn: str, kanaal: str, aantal_gevonden: int) -> BsnRaadpleging:
    """Record that ``by`` looked up a BSN: who, when, for which organisation, which hash. The BSN
    itself is never stored (only the keyed hash the search uses)."""
    from .web import organisatie_naam

    if kanaal not in BsnKanaal.values:
        raise ValueError(kanaal)
    return BsnRaadpleging.objects.create(
        user=by,
        organisatie=organisatie_naam(by)[:300],
        rollen=", ".join(sorted(roles.roles_of(by)))[:200],
        kanaal=kanaal,
        bsn_hash=crypto.bsn_hash(bsn),
        aantal_gevonden=aantal_gevonden,
    )
