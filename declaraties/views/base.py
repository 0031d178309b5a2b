"""The helpers every web page of the money shares: the role check, paging, the export format and
the confirmation step before an irreversible action."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from backoffice import roles, spreadsheet

from .. import rules

PER_PAGINA = 25
DECLARATIE_ROLES = (roles.AANBIEDER, *roles.UWV_ROLES)
VORDERING_ROLES = (roles.UWV_FINANCIEEL, roles.GEMEENTE)
DASHBOARD_ROLES = (*roles.UWV_ROLES, roles.GEMEENTE)


def mag(can, *args) -> bool:
    """Whether a permission function (``permissions.can_<act>``) allows the action: to show or hide
    its button; the reason of a refusal comes back from the service when the action is sent anyway."""
    allowed, _reason = can(*args)
    return allowed


def require(user, *required: str) -> None:
    allowed, reason = roles.check_role(user, *required)
    if not allowed:
        raise PermissionDenied(reason)


def export_format(formaat: str) -> str:
    if formaat not in spreadsheet.FORMATS:
        raise Http404("Onbekend formaat.")
    return formaat


def confirm_page(request, *, titel: str, gevolg: list[str], terug: str, knop: str, status: int = 200):
    """The confirmation step before an irreversible action: what will happen, in words, and a form
    that sends the same input again with ``bevestigd``."""
    velden = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", "bevestigd")
        for value in values
    ]
    return render(
        request,
        "declaraties/bevestig.html",
        {"titel": titel, "gevolg": gevolg, "terug": terug, "knop": knop, "velden": velden, "actie": request.path},
        status=status,
    )


def confirmed(request) -> bool:
    return request.POST.get("bevestigd") == "on"


def retourcodes(codes) -> list[dict]:
    return [{"code": c, "omschrijving": rules.RETOURCODES.get(c, "")} for c in codes]
