"""Template tags of the case pages."""

from django import template

from .. import permissions
from ..forms import BeoordelingForm

register = template.Library()


@register.filter
def traject_url(traject) -> str:
    from ..views import traject_url as url

    return url(traject)


@register.simple_tag(takes_context=True)
def verlenging_te_beoordelen(context, traject) -> dict | None:
    """The open extension request of ``traject`` with an empty decision form, when the user is its
    funder (UWV beoordelaar on the UWV route, the gemeente on its own route); otherwise None.

    The page that shows ``traject`` has already scoped it to the user; the service checks role,
    organisation, four eyes and the maximum again when the form is sent."""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    if user is None or permissions.verlenging_beslisser_weigering(user, traject) is not None:
        return None
    open_request = next((v for v in traject.verlengingen.all() if v.status == "aangevraagd"), None)
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
