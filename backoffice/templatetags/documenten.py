"""Template tags of the generated documents and of the "Documenten" block on the object pages:
``{% load documenten %}``, then ``{{ bedrag|euro }}`` (``€ 8.000,00``, backoffice/opmaak.py), ``{{ datum|datum_nl }}``
(``01-12-2026``), ``{% ondertekening_tekst %}`` (the signing line, ``documenten/_ondertekening.html``)
and ``{% documenten object %}`` (the block: title, date, short SHA-256, download link)."""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import mark_safe

from backoffice.opmaak import datum_kort, euro

register = template.Library()


# The same filters as the builtin ``opmaak`` library (backoffice/opmaak.py), kept here for the
# templates and modules that load or import them from this library.
register.filter("euro", euro)
register.filter("datum_nl", datum_kort)


def _volledige_naam(user) -> str:
    if user is None:
        return ""
    naam = (user.get_full_name() or "").strip() if hasattr(user, "get_full_name") else ""
    return naam or user.get_username()


@register.simple_tag(takes_context=True)
def ondertekening_tekst(context) -> str:
    """The signing line of a decision: ``ondertekening`` from the context, else the Besluit's
    ``ondertekening`` (mandate and official, trajecten's Besluit), else the name of the official
    who decided (``besluit.door`` or ``door``) and the body (``orgaan_naam`` or the sender)."""
    tekst = context.get("ondertekening")
    besluit = context.get("besluit")
    if not tekst and besluit is not None:
        tekst = getattr(besluit, "ondertekening", "") or ""
    if not tekst:
        door = context.get("door") or getattr(besluit, "door", None)
        orgaan = context.get("orgaan_naam") or getattr(besluit, "orgaan_naam", "") or ""
        if not orgaan:
            afzender = context.get("afzender") or {}
            orgaan = afzender.get("naam", "") if isinstance(afzender, dict) else ""
        tekst = "\n".join(regel for regel in (orgaan[:1].upper() + orgaan[1:], _volledige_naam(door)) if regel)
    return mark_safe(linebreaksbr(tekst, autoescape=True)) if tekst else ""


@register.inclusion_tag("backoffice/_documenten.html", takes_context=True)
def documenten(context, obj) -> dict:
    """The "Documenten" block of ``obj``'s page: its documents, if the user may see the object."""
    from ..documenten import documenten_van

    user = context.get("user") or getattr(context.get("request"), "user", None)
    uuid = getattr(obj, "uuid", obj)
    lijst = list(documenten_van(user, uuid)) if user is not None and uuid else []
    return {"documenten": lijst, "object": obj}


@register.filter
def korte_hash(sha256: str) -> str:
    return (sha256 or "")[:12]
