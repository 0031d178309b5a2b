"""The money lists' definitions for ``backoffice.lijsten``: declarations, the work queue of
declaration lines, payment orders and co-financing claims (columns, sort, filters, search)."""

from backoffice.lijsten import BEDRAG_RICHTING, DATUM_RICHTING, TEKST_RICHTING, Kolom, Lijst, Zoeken, dag
from financiering.templatetags.producten import product_naam
from trajecten.lijsten import deelnemer_zoeken

from . import selectors

_STATUS = {
    "in_behandeling": "In behandeling bij UWV",
    "toegekend": "Toegekend",
    "deels_toegekend": "Deels toegekend",
    "afgewezen": "Afgewezen",
}


def declaratie_status(d) -> str:
    return _STATUS[
        selectors.declaratie_status(
            toegekend=d.aantal_toegekend, afgewezen=d.aantal_afgewezen, in_behandeling=d.aantal_in_behandeling
        )
    ]


DECLARATIES = Lijst(
    naam="declaraties",
    titel="Declaraties",
    url_name="web-declaraties",
    kolommen=(
        Kolom("nummer", "Declaratienummer", "declaratie_nummer", lambda d, u: d.declaratie_nummer, **TEKST_RICHTING),
        Kolom("maand", "Maand", "periode_begin", lambda d, u: d.periode_begin, **DATUM_RICHTING),
        Kolom("aanbieder", "Aanbieder", "aanbieder__naam", lambda d, u: d.aanbieder.naam, **TEKST_RICHTING),
        Kolom("ingediend", "Ingediend", "ingediend_op", lambda d, u: d.ingediend_op, **DATUM_RICHTING),
        Kolom("status", "Status", None, lambda d, u: declaratie_status(d)),
        Kolom("regels", "Regels", "aantal_prestaties", lambda d, u: d.aantal_prestaties, klasse="getal"),
        Kolom("toegekend_aantal", "Regels toegekend", None, lambda d, u: d.aantal_toegekend, tonen=False),
        Kolom("afgewezen_aantal", "Regels afgewezen", None, lambda d, u: d.aantal_afgewezen, tonen=False),
        Kolom("wacht_aantal", "Regels in behandeling", None, lambda d, u: d.aantal_in_behandeling, tonen=False),
        Kolom("verdeling", "Toegekend / afgewezen / wacht", None, None, klasse="getal"),
        Kolom(
            "ingediend_bedrag",
            "Ingediend",
            "totaal_ingediend",
            lambda d, u: d.totaal_ingediend,
            klasse="getal",
            **BEDRAG_RICHTING,
        ),  # fmt: skip
        Kolom(
            "toegekend_bedrag",
            "Toegekend",
            "totaal_toegekend",
            lambda d, u: d.totaal_toegekend,
            klasse="getal",
            **BEDRAG_RICHTING,
        ),  # fmt: skip
    ),
    sortering="-ingediend",
    filters=("status", "periode", "nummer", "toewijzing"),
    zoeken=deelnemer_zoeken(
        "prestaties__traject__",
        toewijzing="prestaties__toewijzing_nummer",
        declaratie="declaratie_nummer",
        distinct=True,
    ),
)
# the provider sees only its own declarations: no provider column
DECLARATIES_AANBIEDER = Lijst(
    **{**DECLARATIES.__dict__, "kolommen": tuple(k for k in DECLARATIES.kolommen if k.key != "aanbieder")}
)


def _bedrag(p, u):
    """As the page shows it: a credit line negative."""
    return -p.ingediend_bedrag if p.debet_credit == "C" else p.ingediend_bedrag


def _periode(p, u) -> str:
    return f"{p.begindatum:%d-%m-%Y} t/m {p.einddatum:%d-%m-%Y}"


WERKVOORRAAD = Lijst(
    naam="werkvoorraad",
    titel="Regels beoordelen",
    url_name="web-prestaties-werkvoorraad",
    kolommen=(
        Kolom(
            "declaratie",
            "Declaratie",
            "declaratie__declaratie_nummer",
            lambda p, u: p.declaratie.declaratie_nummer,
            **TEKST_RICHTING,
        ),  # fmt: skip
        Kolom("aanbieder", "Aanbieder", "aanbieder__naam", lambda p, u: p.aanbieder.naam, **TEKST_RICHTING),
        Kolom(
            "ingediend",
            "Ingediend",
            "declaratie__ingediend_op",
            lambda p, u: dag(p.declaratie.ingediend_op),
            **DATUM_RICHTING,
        ),  # fmt: skip
        Kolom("referentie", "Productreferentie", "product_referentie", lambda p, u: p.product_referentie),
        Kolom("toewijzing", "Toewijzingnummer", "toewijzing_nummer", lambda p, u: p.toewijzing_nummer),
        Kolom("product", "Product", "product_code", lambda p, u: product_naam(p.product_code)),
        Kolom("begin", "Periode", "begindatum", _periode, **DATUM_RICHTING),
        Kolom("bedrag", "Bedrag", "ingediend_bedrag", _bedrag, klasse="getal", **BEDRAG_RICHTING),  # fmt: skip
        Kolom("status", "Status", "status", lambda p, u: p.get_status_display()),
    ),
    sortering="ingediend",
    filters=("status", "toewijzing"),
    standaard={"status": "in_behandeling"},
    zoeken=deelnemer_zoeken(
        "traject__",
        toewijzing="toewijzing_nummer",
        declaratie="declaratie__declaratie_nummer",
    ),
    tiebreak="regelnummer",
)


def _akkoorden(o, u) -> str:
    gegeven = 2 if o.tweede_akkoord_door_id else 1 if o.eerste_akkoord_door_id else 0
    return f"{gegeven} van {o.akkoorden_nodig}"


BETAALOPDRACHTEN = Lijst(
    naam="betaalopdrachten",
    titel="Betaalopdrachten",
    url_name="web-betaalopdrachten",
    kolommen=(
        Kolom("datum", "Datum", "datum", lambda o, u: o.datum, **DATUM_RICHTING),
        Kolom("aanbieder", "Aanbieder", "aanbieder__naam", lambda o, u: o.aanbieder.naam, **TEKST_RICHTING),
        Kolom("regels", "Regels", "aantal_regels", lambda o, u: o.aantal_regels, klasse="getal"),
        Kolom("bedrag", "Bedrag", "bedrag", lambda o, u: o.bedrag, klasse="getal", **BEDRAG_RICHTING),
        Kolom("status", "Status", "status", lambda o, u: o.get_status_display()),
        Kolom("akkoorden", "Akkoorden", None, _akkoorden),
        Kolom("uitgevoerd", "Uitgevoerd", "uitgevoerd_op", lambda o, u: o.uitgevoerd_op, **DATUM_RICHTING),
    ),
    sortering="-datum",
    filters=("status", "vanaf", "tot"),
    zoeken=Zoeken(
        toewijzing="prestaties__toewijzing_nummer",
        declaratie="prestaties__declaratie__declaratie_nummer",
        tekst=("aanbieder__naam",),
        distinct=True,
    ),
)


VORDERINGEN = Lijst(
    naam="vorderingen",
    titel="Vorderingen",
    url_name="web-vorderingen",
    kolommen=(
        Kolom("maand", "Maand", "periode", lambda v, u: v.periode, **DATUM_RICHTING),
        Kolom("factuurnummer", "Factuurnummer", "factuurnummer", lambda v, u: v.factuurnummer or ""),
        Kolom("gemeente", "Gemeente", "gemeente__naam", lambda v, u: v.gemeente.naam, **TEKST_RICHTING),
        Kolom("status", "Status", "status", lambda v, u: v.get_status_display()),
        Kolom("bedrag", "Gevorderd", "bedrag", lambda v, u: v.bedrag, klasse="getal", **BEDRAG_RICHTING),
        Kolom("ontvangen", "Ontvangen", "ontvangen", lambda v, u: v.ontvangen, klasse="getal", **BEDRAG_RICHTING),
        Kolom("openstaand", "Openstaand", None, lambda v, u: v.openstaand, klasse="getal"),
        Kolom(
            "vervaldatum", "Vervaldatum", "vervaldatum", lambda v, u: v.vervaldatum, oplopend="eerst", aflopend="laatst"
        ),  # fmt: skip
        Kolom("te_laat", "Te laat", None, lambda v, u: bool(v.te_laat), tonen=False),
    ),
    sortering="-maand",
    filters=("status", "periode", "gemeente", "te_laat"),
    zoeken=deelnemer_zoeken(
        "regels__prestatie__traject__",
        toewijzing="regels__prestatie__toewijzing_nummer",
        declaratie="regels__prestatie__declaratie__declaratie_nummer",
        tekst=("factuurnummer",),
        distinct=True,
    ),
)
