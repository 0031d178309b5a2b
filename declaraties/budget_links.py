"""Links from a budget's ledger to the payment order that paid, or the declaration line that was
rejected or re-assessed, for a user who may open it (the scoped selectors; one query per kind)."""

from django.urls import reverse

from . import selectors


def budget_links(user, uuids: set) -> dict:
    links = {}
    for uuid in selectors.betaalopdrachten_for(user).filter(uuid__in=uuids).values_list("uuid", flat=True):
        links[uuid] = ("betaalopdracht", reverse("web-betaalopdracht", kwargs={"uuid": uuid}))
    regels = selectors.prestaties_for(user).filter(uuid__in=uuids)
    for uuid, declaratie, nummer in regels.values_list("uuid", "declaratie__uuid", "declaratie__declaratie_nummer"):
        links[uuid] = (f"declaratie {nummer}", reverse("web-declaratie", kwargs={"uuid": declaratie}))
    return links
