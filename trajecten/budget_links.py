"""Links from a budget's ledger (``financiering.views.budget_detail``) to the application,
trajectory or extension that committed or released the money, for a user who may open it: the
scoped selectors decide, one query per kind whatever the number of lines."""

from django.urls import reverse

from . import selectors


def budget_links(user, uuids: set) -> dict:
    links = {}
    for uuid in selectors.aanvragen_for(user).filter(uuid__in=uuids).values_list("uuid", flat=True):
        links[uuid] = ("aanvraag", reverse("web-aanvraag", kwargs={"uuid": uuid}))
    for uuid, nummer in selectors.trajecten_for(user).filter(uuid__in=uuids).values_list("uuid", "toewijzing_nummer"):
        links[uuid] = (f"traject {nummer or ''}".strip(), reverse("web-traject", kwargs={"uuid": uuid}))
    verlengingen = selectors.verlengingen_for(user).filter(uuid__in=uuids)
    for uuid, traject, nummer in verlengingen.values_list("uuid", "traject__uuid", "traject__toewijzing_nummer"):
        links[uuid] = (f"verlenging traject {nummer or ''}".strip(), reverse("web-traject", kwargs={"uuid": traject}))
    return links
