"""Small cells (docs/privacy.md, "Kleine aantallen"): which columns a row loses for UWV and
gemeenten, which groups are suppressed (primary and secondary suppression) and the notes that
say so."""

from django.db.models import Count, F, QuerySet, Window

from backoffice import roles
from backoffice.models import Instellingen

from .rows import KOLOMMEN

# Per row for UWV and gemeenten (and the quarterly file): what could single a person out is left out.
QUASI_IDENTIFIERS = (
    "toewijzing_nummer",
    "aanbieder",
    "startdatum",
    "einddatum_gepland",
    "einddatum",
    "peildatum",
    "eerste_baan_startdatum",
    "dagen_tot_eerste_baan",
    "dagen_tot_eerste_baan_incl_beschut",
    "werkgevers",
)
KOLOMMEN_ANONIEM = tuple(c for c in KOLOMMEN if c not in QUASI_IDENTIFIERS)
KLEIN, AANVULLEND = "klein", "aanvullend"
_GEEN_TELLING = {"niveau", "sleutel", "naam", "kwartaal", "onderdrukt"}


def drempel_nu() -> int:
    return Instellingen.get().kleine_aantallen_drempel


def per_rij_volledig(user) -> bool:
    """Only a provider (and nobody else in the same account) gets its own trajectories per row
    with toewijzingNummer, dates and employers: it holds them anyway."""
    return roles.has_role(user, roles.AANBIEDER) and not roles.has_role(user, *roles.UWV_ROLES, roles.GEMEENTE)


def opmerkingen(drempel: int, *, anoniem: bool) -> list[str]:
    """The Dutch notes that go with every export and page of the monitor."""
    notes = [
        f"Groepen met minder dan {drempel} trajecten worden niet getoond (privacy): in plaats van het aantal "
        f"staat er '< {drempel}'.",
        "Is in een indeling één groep te klein, dan is ook de kleinste andere groep niet getoond ('*'), "
        "zodat het totaal min de andere groepen het verborgen aantal niet verraadt.",
    ]
    if anoniem:
        notes.append(
            "Per traject zonder toewijzingsnummer, aanbieder, data en werkgevers; trajecten uit een combinatie "
            f"van perceel en gemeente met minder dan {drempel} trajecten staan er niet per traject in."
        )
    return notes


def onderdruk(totalen: dict, drempel: int) -> dict:
    """Suppress, in place, every group of 1..drempel-1 trajectories (``onderdrukt: "klein"``) and,
    where exactly one group of a dimension is small, also the smallest other group (``"aanvullend"``):
    their figures become None. A group of 0 trajectories reveals no one and stays."""
    for records in totalen.values():
        for record in records:
            record["onderdrukt"] = KLEIN if 0 < (record["trajecten"] or 0) < drempel else None
        klein = [r for r in records if r["onderdrukt"]]
        rest = [r for r in records if not r["onderdrukt"] and r["trajecten"]]
        if len(klein) == 1 and rest:
            min(rest, key=lambda r: r["trajecten"])["onderdrukt"] = AANVULLEND
        for record in records:
            if record["onderdrukt"]:
                record.update({k: None for k in record if k not in _GEEN_TELLING})
    return totalen


def weergave(record: dict, drempel: int) -> dict:
    """A suppressed group as a spreadsheet or page shows it: '< 5' or '*' instead of the number."""
    if not record.get("onderdrukt"):
        return record
    return {**record, "trajecten": f"< {drempel}" if record["onderdrukt"] == KLEIN else "*"}


def _zonder_kleine_cellen(rows_qs: QuerySet, drempel: int) -> QuerySet:
    """Only the rows whose combination of perceel and gemeente holds at least ``drempel``
    trajectories (a window count over the same rows: one query)."""
    cel = Window(Count("id"), partition_by=[F("perceel_id"), F("gemeente_id")])
    return rows_qs.annotate(cel=cel).filter(cel__gte=drempel)
