"""Template tags of the case pages."""

from django import template

from .. import permissions, rules
from ..forms import BeoordelingForm

register = template.Library()


@register.filter
def traject_url(traject) -> str:
    from ..views import traject_url as url

    return url(traject)


@register.filter
def einddatum_verstreken(traject, today) -> bool:
    """``{% if t|einddatum_verstreken:today %}``: ``rules.einddatum_verstreken`` in a template."""
    return rules.einddatum_verstreken(traject.status, traject.einddatum_gepland, today)


@register.simple_tag(takes_context=True)
def verlenging_te_beoordelen(context, traject) -> dict | None:
    """The open extension request of ``traject`` with an empty decision form, when the user may
    decide it (``permissions.can_verlenging_beslissen``: the funder of the route, not the one who
    asked); otherwise None. The service asks the same permission, and the maximum, when it is sent."""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    if user is None:
        return None
    open_request = permissions.open_verlenging(traject)
    if open_request is None or not permissions.can_verlenging_beslissen(user, open_request, traject)[0]:
        return None
    from ..views import gevolg_verlenging

    return {
        "verlenging": open_request,
        "form": BeoordelingForm(auto_id="verlenging-%s"),
        "gevolg": gevolg_verlenging(traject, open_request),
    }


@register.simple_tag(takes_context=True)
def persoon(context, obj) -> dict:
    """``{% persoon aanvraag as p %}``: the participant of an application, trajectory or participant
    as the user may see it (``selectors.persoon_for``, docs/privacy.md): ``p.naam``,
    ``p.bsn_gemaskeerd``, ... are None where the user's task does not need them."""
    from ..selectors import persoon_for

    user = context.get("user") or getattr(context.get("request"), "user", None)
    return persoon_for(user, obj)
