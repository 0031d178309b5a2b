"""How the objection pages name things: the contested decision (a title without a participant's
name, the page it lives on), the objection's term in words, and what a decision on it will do and
did. Shared by the pages (``views``, ``views_indienen``) and the blocks on the other apps' pages
(``blokken``); no database writes."""

from django.urls import reverse
from django.utils import timezone

from backoffice.opmaak import euro
from trajecten import rules as zaak_rules

from . import besluiten, rules
from .models import Bezwaarschrift

# What ``besluit_van`` reads of each objection: with these, a list of objections is one query.
BESLUIT_VELDEN = (
    "aanvraag__perceel",
    "aanvraag__aanbieder",
    "verlenging__traject",
    "prestatie__declaratie",
    "traject",
)


def object_van(bezwaar: Bezwaarschrift):
    """The decided object of an objection (application, extension, line or trajectory)."""
    return {
        "aanvraag": bezwaar.aanvraag,
        "verlenging": bezwaar.verlenging,
        "prestatie": bezwaar.prestatie,
        "vaststelling": bezwaar.traject,
    }[bezwaar.besluit_soort]


def besluit_url(soort: str, obj) -> str:
    """The page of the contested decision."""
    if soort == "aanvraag":
        return reverse("web-aanvraag", kwargs={"uuid": obj.uuid})
    if soort == "verlenging":
        return reverse("web-traject", kwargs={"uuid": obj.traject.uuid}) + "#verlengingen"
    if soort == "prestatie":
        return reverse("web-declaratie", kwargs={"uuid": obj.declaratie.uuid})
    return reverse("web-traject", kwargs={"uuid": obj.uuid})


def besluit_titel(soort: str, obj, *, met_status: bool = True) -> str:
    """The decided object in a few words (with its state now), never with the participant's name
    (UWV may read it on the gemeente route, docs/privacy.md)."""
    status = f" ({obj.get_status_display().lower()})" if met_status and soort != "vaststelling" else ""
    if soort == "aanvraag":
        return f"Aanvraag {obj.perceel.naam} van {obj.aanbieder.naam}{status}"
    if soort == "verlenging":
        return f"Verlenging met {obj.maanden} maanden van traject {obj.traject.toewijzing_nummer}{status}"
    if soort == "prestatie":
        return (
            f"Declaratieregel {obj.product_referentie} ({obj.product_code}, traject {obj.toewijzing_nummer}, "
            f"{euro(obj.ingediend_bedrag)}){status}"
        )
    return f"Vaststelling (eindafrekening) van traject {obj.toewijzing_nummer}"


def besluit_van(bezwaar: Bezwaarschrift) -> dict:
    obj = object_van(bezwaar)
    return {
        "soort": bezwaar.get_besluit_soort_display(),
        # the decision as it was when the objection was filed; the object as it is now
        "omschrijving": bezwaar.besluit_omschrijving,
        "titel": besluit_titel(bezwaar.besluit_soort, obj, met_status=False),
        "nu": besluit_titel(bezwaar.besluit_soort, obj),
        "url": besluit_url(bezwaar.besluit_soort, obj),
        "datum": bezwaar.datum_besluit,
    }


def termijn_zin(termijn_einde, today=None) -> str:
    """The objection term as the filing form states it."""
    today = today or timezone.localdate()
    werkwoord = "loopt" if today <= termijn_einde else "liep"
    return f"De bezwaartermijn {werkwoord} tot {termijn_einde:%d-%m-%Y} (6 weken na het besluit, Awb art. 6:7)."


def beslistermijn_verlopen(bezwaar: Bezwaarschrift, today=None) -> bool:
    return bezwaar.open and bezwaar.beslistermijn < (today or timezone.localdate())


def _gegrond(bezwaar: Bezwaarschrift) -> list[str]:
    """What revoking the contested decision undoes, in words: what the revocation services of the
    owning apps (``trajecten.services.herroepen``, ``declaraties.services.herroepen``) will do."""
    obj = object_van(bezwaar)
    soort = bezwaar.besluit_soort
    if soort == "aanvraag":
        if obj.status == "afgewezen":
            return [
                "De afwijzing van de aanvraag wordt herroepen; er beweegt geen geld.",
                "De aanvraag ligt daarna weer ter beoordeling met een nieuwe beslistermijn: er volgt een nieuw "
                "besluit op de aanvraag.",
            ]
        traject = bezwaar.traject or besluiten.feiten(soort, obj).traject
        regels = ["De toekenning van de aanvraag wordt herroepen."]
        if traject is not None:
            vrij = zaak_rules.vrijval_bij_herroepen(traject.maximaal_bedrag, traject.betaald) if obj.budget_id else 0
            regels.append(
                f"Traject {traject.toewijzing_nummer} wordt herroepen; de declaratieregels die nog niet betaald "
                "zijn, worden afgewezen (retourcode IPS05)."
            )
            if vrij:
                regels.append(f"De reservering van {euro(vrij)} op het budget van de gemeente valt vrij.")
            if traject.betaald:
                regels.append(
                    f"Al betaald en terug te vorderen: {euro(traject.betaald)} (de terugvordering loopt buiten het loket)."
                )
        regels.append("De aanvraag ligt daarna weer ter beoordeling: er volgt een nieuw besluit op de aanvraag.")
        return regels
    if soort == "verlenging":
        if obj.status == "afgewezen":
            return [
                "De afwijzing van de verlenging wordt herroepen.",
                "Het verzoek om verlenging ligt daarna weer ter beoordeling: er volgt een nieuw besluit.",
            ]
        return [
            f"De verlenging met {obj.maanden} maanden wordt herroepen: de einddatum van traject "
            f"{obj.traject.toewijzing_nummer} gaat terug en de extra reservering ({euro(obj.bedrag)}) valt vrij.",
            "Het verzoek om verlenging ligt daarna weer ter beoordeling: er volgt een nieuw besluit.",
        ]
    if soort == "prestatie":
        return [
            f"De beoordeling van declaratieregel {obj.product_referentie} ({obj.get_status_display().lower()}) "
            "wordt herroepen.",
            "De regel gaat terug naar beoordeling bij UWV: er volgt een nieuw besluit op de regel.",
        ]
    return [
        f"De vaststelling van traject {obj.toewijzing_nummer} wordt herroepen: het traject is niet meer afgesloten "
        "en het eindverslag vervalt.",
        "Wat bij de vaststelling op het budget vrijviel, wordt opnieuw gereserveerd.",
        "Een nieuw eindverslag van de aanbieder leidt tot een nieuwe vaststelling.",
    ]


def gevolg(bezwaar: Bezwaarschrift, uitkomst: str) -> list[str]:
    """The confirmation page's "what happens" for ``uitkomst``."""
    regels = [f"U verklaart bezwaar {bezwaar.nummer} {rules.UITKOMST_TEKST[uitkomst]}."]
    if uitkomst == "gegrond":
        regels += _gegrond(bezwaar)
    else:
        regels.append("Het besluit waartegen het bezwaar is gemaakt, blijft staan.")
    regels.append(
        "Het loket maakt het besluit op bezwaar als document; de indiener leest uw motivering. "
        "Daartegen staat beroep open bij de rechtbank."
    )
    return regels


def gevolgen_tekst(bezwaar: Bezwaarschrift) -> list[str]:
    """What a gegrond decision changed, in the revocation service's own sentences
    (``Bezwaarschrift.gevolgen["tekst"]``)."""
    tekst = (bezwaar.gevolgen or {}).get("tekst") or []
    return [str(t) for t in tekst] if isinstance(tekst, list) else [str(tekst)]
