"""The objection on the other apps' pages (``registry.register_pagina_blok``, ``{% blokken %}``):
on an application, an extension, a trajectory (its final settlement) and a declaration, the
objections against that decision the user may see, and for the provider the "Bezwaar maken"
action, exactly when ``permissions.indienen_weigering`` allows it; otherwise no action, or the
reason when it is one the provider should read (an objection on this decision was already decided)."""

from django.template.loader import render_to_string
from django.urls import reverse

from backoffice import registry, roles
from financiering.selectors import user_aanbieder_id

from . import besluiten, permissions, rules, selectors, weergave
from .models import Bezwaarschrift

# Refusals that are no news to the provider on the decision's page: no decision yet (there is
# nothing to object to), or an objection already running (it is listed in the block).
STIL = {"geen-besluit", "bezwaar-loopt-al"}


def _actie(user, soort: str, obj, url: str) -> dict | None:
    if not roles.has_role(user, roles.AANBIEDER):
        return None
    feiten = besluiten.feiten(soort, obj)
    weigering = permissions.indienen_weigering(user, soort, obj, feiten)
    if weigering is None:
        return {"url": url, "termijn": weergave.termijn_zin(rules.termijn_einde(feiten.datum))}
    if weigering.status in (400, 403, 404) or weigering.code in STIL:
        return None
    return {"reden": weigering.message}


def _blok(request, *, titel: str, bezwaren, actie, klein: bool = False) -> str:
    bezwaren = list(bezwaren)
    if not bezwaren and actie is None:
        return ""
    return render_to_string(
        "bezwaren/_blok.html",
        {"titel": titel, "bezwaren": bezwaren, "actie": actie, "klein": klein},
        request=request,
    )


def aanvraag(request, obj) -> str:
    url = reverse("web-bezwaar-aanvraag", kwargs={"uuid": obj.uuid})
    return _blok(
        request,
        titel="Bezwaar",
        bezwaren=selectors.bezwaren_tegen(request.user, obj.uuid),
        actie=_actie(request.user, "aanvraag", obj, url),
    )


def verlenging(request, obj) -> str:
    url = reverse("web-bezwaar-verlenging", kwargs={"uuid": obj.traject.uuid, "verlenging_uuid": obj.uuid})
    return _blok(
        request,
        titel="Bezwaar",
        bezwaren=selectors.bezwaren_tegen(request.user, obj.uuid),
        actie=_actie(request.user, "verlenging", obj, url),
        klein=True,
    )


def traject(request, obj) -> str:
    if obj.status != "afgesloten" and not Bezwaarschrift.objects.filter(object_uuid=obj.uuid).exists():
        return ""
    url = reverse("web-bezwaar-vaststelling", kwargs={"uuid": obj.uuid})
    return _blok(
        request,
        titel="Bezwaar tegen de vaststelling",
        bezwaren=selectors.bezwaren_tegen(request.user, obj.uuid),
        actie=_actie(request.user, "vaststelling", obj, url),
    )


def declaratie(request, obj) -> str:
    """The declaration's lines: the objections against them, and for the provider a link per
    refused line that has no objection yet (the filing page asks the full permission). Two queries,
    whatever the number of lines."""
    user = request.user
    bezwaren = list(selectors.bezwaren_voor(user).filter(prestatie__declaratie=obj).select_related("prestatie"))
    regels = []
    if roles.has_role(user, roles.AANBIEDER) and user_aanbieder_id(user) == obj.aanbieder_id:
        bezwaard = {b.prestatie_id for b in bezwaren}
        for p in obj.prestaties.filter(status="afgewezen", debet_credit="D").order_by("regelnummer"):
            if p.pk not in bezwaard:
                regels.append({"p": p, "url": reverse("web-bezwaar-prestatie", kwargs={"uuid": p.uuid})})
    if not bezwaren and not regels:
        return ""
    return render_to_string("bezwaren/_blok_declaratie.html", {"bezwaren": bezwaren, "regels": regels}, request=request)


def register() -> None:
    registry.register_pagina_blok("aanvraag", aanvraag, order=20)
    registry.register_pagina_blok("verlenging", verlenging, order=20)
    registry.register_pagina_blok("traject", traject, order=20)
    registry.register_pagina_blok("declaratie", declaratie, order=20)
