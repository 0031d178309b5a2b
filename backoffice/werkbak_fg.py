"""The privacy officer's (FG) werkbak: what waits for its supervision (docs/privacy.md). The open
"veel BSN's geraadpleegd" signals (one user used more distinct BSNs within an hour than the limit)
and the users who looked up the most distinct BSNs in the last week, each linked to the processing
log filtered on that user. At most two queries per section; no participant data."""

import re
from urllib.parse import urlencode

from django.db.models import Count, Q

from . import roles
from .models import BsnRaadpleging, Signaal, SignaalSoort
from .services import VEEL_BSN_VERWIJZING
from .werkbak import sectie, sinds_dagen, url

DAGEN = 7


GEBRUIKER = re.compile(r"^Gebruiker (\S+) \(")


def _log_van(omschrijving: str) -> str:
    """The log filtered on the user the signal names (``services._signaal_veel_bsn`` writes
    "Gebruiker <username> (...)"), else the log."""
    match = GEBRUIKER.match(omschrijving)
    base = url("web-verwerkingen")
    return f"{base}?{urlencode({'gebruiker': match.group(1)})}" if match else base


def fg_signalen(user) -> dict:
    qs = Signaal.objects.none()
    if roles.has_role(user, roles.PRIVACY_OFFICER):
        qs = Signaal.objects.filter(soort=SignaalSoort.BSN_VEEL_GERAADPLEEGD, afgehandeld=False).order_by("-id")
    return sectie(
        "Signalen: veel verschillende BSN's geraadpleegd",
        qs,
        lambda s: {
            "label": f"{s.gesignaleerd_op:%d-%m-%Y}",
            "url": _log_van(s.omschrijving),
            "deadline": None,
            "toelichting": s.omschrijving.replace(VEEL_BSN_VERWIJZING, "").strip(),
        },
        link=url("web-verwerkingen"),
        leeg="Geen open signalen over BSN-raadplegingen.",
    )


def fg_raadplegingen(user) -> dict:
    qs = BsnRaadpleging.objects.none()
    if roles.has_role(user, roles.PRIVACY_OFFICER):
        qs = (
            BsnRaadpleging.objects.filter(op__gte=sinds_dagen(DAGEN))
            .exclude(user=user)  # its own lookups are the supervision itself
            .values("user__username", "organisatie")
            .annotate(bsns=Count("bsn_hash", distinct=True), zonder=Count("id", filter=Q(aantal_gevonden=0)))
            .order_by("-bsns", "user__username")
        )
    base = url("web-verwerkingen")
    return sectie(
        f"Wie zocht de meeste BSN's op (laatste {DAGEN} dagen)",
        qs,
        lambda r: {
            "label": f"{r['user__username']} ({r['organisatie'] or 'geen organisatie'})",
            "url": f"{base}?{urlencode({'gebruiker': r['user__username']})}",
            "deadline": None,
            "toelichting": f"{r['bsns']} verschillende BSN's, {r['zonder']} zoekvraag/-vragen zonder resultaat",
        },
        link=base,
        leeg=f"Niemand zocht de laatste {DAGEN} dagen een BSN op.",
    )
