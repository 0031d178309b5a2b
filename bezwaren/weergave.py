"""How the objection pages name things: the contested decision (a title without a participant's
name, the page it lives on), the objection's term in words, and what a decision on it will do and
did. Shared by the pages (``views``, ``views_indienen``) and the blocks on the other apps' pages
(``blokken``); no database writes."""

from django.urls import reverse
from django.utils import timezone

from . import besluiten, rules
from .models import Bezwaarschrift


def euro(bedrag) -> str:
    """``8000`` -> ``€ 8.000,00``."""
    heel, _, cent = f"{abs(bedrag or 0):.2f}".partition(".")
    groepen = []
    while heel:
        groepen.insert(0, heel[-3:])
        heel = heel[:-3]
    return f"{'-' if (bedrag or 0) < 0 else ''}€\u00a0{'.'.join(groepen)},{cent}"


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


def besluit_titel(soort: str, obj) -> str:
    """The contested decision in a few words, never with the participant's name (UWV may read it
    on the gemeente route, docs/privacy.md)."""
    if soort == "aanvraag":
        return f"Aanvraag {obj.perceel.naam} van {obj.aanbieder.naam} ({obj.get_status_display().lower()})"
    if soort == "verlenging":
        return (
            f"Verlenging met {obj.maanden} maanden van traject {obj.traject.toewijzing_nummer} "
            f"({obj.get_status_display().lower()})"
        )
    if soort == "prestatie":
        return (
            f"Declaratieregel {obj.product_referentie} ({obj.product_code}, traject {obj.toewijzing_nummer}, "
            f"{euro(obj.ingediend_bedrag)}): {obj.get_status_display().lower()}"
        )
    return f"Vaststelling (eindafrekening) van traject {obj.toewijzing_nummer}"


def besluit_van(bezwaar: Bezwaarschrift) -> dict:
    obj = object_van(bezwaar)
    return {
        "soort": bezwaar.get_besluit_soort_display(),
        "titel": besluit_titel(bezwaar.besluit_soort, obj),
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
    """What revoking the contested decision undoes, in words (the services of the owning apps do it)."""
    obj = object_van(bezwaar)
    soort = bezwaar.besluit_soort
    if soort == "aanvraag":
        if obj.status == "afgewezen":
            return [
                "De afwijzing van de aanvraag wordt herroepen.",
                "De aanvraag ligt daarna weer ter beoordeling: er volgt een nieuw besluit op de aanvraag.",
            ]
        traject = bezwaar.traject or besluiten.feiten(soort, obj).traject
        regels = [
            "De toekenning van de aanvraag wordt herroepen.",
            f"Traject {traject.toewijzing_nummer} vervalt; het gereserveerde bedrag komt vrij op het budget "
            f"({euro(obj.bedrag)} bij de toekenning)."
            if traject
            else f"Het gereserveerde bedrag komt vrij op het budget ({euro(obj.bedrag)} bij de toekenning).",
        ]
        if traject is not None and traject.betaald:
            regels.append(f"Al betaald ({euro(traject.betaald)}) wordt teruggevorderd; dat loopt buiten het loket.")
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
            f"{obj.traject.toewijzing_nummer} gaat terug en {euro(obj.bedrag)} komt vrij op het budget.",
            "Het verzoek om verlenging ligt daarna weer ter beoordeling: er volgt een nieuw besluit.",
        ]
    if soort == "prestatie":
        regels = [
            f"De beoordeling van declaratieregel {obj.product_referentie} ({obj.get_status_display().lower()}) "
            "wordt herroepen.",
            "De regel gaat terug naar beoordeling bij UWV: er volgt een nieuw besluit op de regel.",
        ]
        if obj.betaald_op:
            regels.append(
                f"Al betaald ({euro(obj.toegekend_bedrag)}) wordt teruggevorderd; dat loopt buiten het loket."
            )
        return regels
    return [
        f"De vaststelling van traject {obj.toewijzing_nummer} wordt herroepen: het traject is niet meer afgesloten.",
        "Wat bij de vaststelling op het budget vrijviel, wordt weer gereserveerd; de regels die bij de vaststelling "
        "zijn afgewezen gaan terug naar beoordeling.",
        "Daarna volgt een nieuwe vaststelling.",
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


GEVOLG_LABELS = {
    "vrijgevallen": "Vrijgevallen op het budget",
    "gereserveerd": "Opnieuw gereserveerd op het budget",
    "regels_afgewezen": "Regels afgewezen",
    "regels_terug": "Regels terug naar beoordeling",
    "traject": "Traject",
    "status": "Status daarna",
}


def gevolgen_rijen(bezwaar: Bezwaarschrift) -> list[tuple[str, str]]:
    """What a gegrond decision changed (``Bezwaarschrift.gevolgen``), as label and value."""
    rijen = []
    for key, value in (bezwaar.gevolgen or {}).items():
        label = GEVOLG_LABELS.get(key, key.replace("_", " ").capitalize())
        if isinstance(value, bool):
            value = "ja" if value else "nee"
        rijen.append((label, str(value)))
    if bezwaar.terug_te_vorderen:
        rijen.append(("Terug te vorderen (al betaald, buiten het loket)", euro(bezwaar.terug_te_vorderen)))
    return rijen
