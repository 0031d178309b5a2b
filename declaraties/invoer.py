"""A declaration as input, whatever the channel: the JSON body of ``POST /api/v1/declaraties``, a
CSV/XLSX file uploaded to the API, the web page or the admin. One shape check (the write
serializers below, also the API's request schema), one way from a file to a
``services.DeclaratieInvoer``; the service then judges the lines.

``invoer_uit_bestand`` answers the input or the problems of the file, each named by file row
(``regel 7: ingediendBedrag``) with a stable code; each channel words them its own way (problem+json,
a form error, an admin message) but they are the same problems."""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from rest_framework import serializers

from backoffice.parsers import onderstrepen
from backoffice.rest import _camel, _flatten
from financiering.selectors import user_aanbieder_id
from trajecten.selectors import trajecten_for

from . import rules, services, upload

MAX_PRESTATIES = upload.MAX_REGELS


# --- the shape of a declaration ----------------------------------------------------------------------


class PeriodeSerializer(serializers.Serializer):
    begindatum = serializers.DateField()
    einddatum = serializers.DateField()

    def validate(self, attrs):
        if attrs["einddatum"] < attrs["begindatum"]:
            raise serializers.ValidationError({"einddatum": "De einddatum ligt vóór de begindatum."})
        return attrs


class DeclaratiePeriodeSerializer(PeriodeSerializer):
    def validate(self, attrs):
        attrs = super().validate(attrs)
        if not rules.is_calendar_month(attrs["begindatum"], attrs["einddatum"]):
            raise serializers.ValidationError(
                {
                    "einddatum": "De declaratieperiode is precies één kalendermaand (de eerste tot en met de laatste dag)."
                }
            )
        return attrs


class PrestatieWriteSerializer(serializers.Serializer):
    product_referentie = serializers.CharField(max_length=20)
    toewijzing_nummer = serializers.IntegerField(min_value=1, max_value=999_999_999)
    product_code = serializers.CharField(max_length=30)
    product_periode = PeriodeSerializer()
    geleverd_volume = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0"))
    ingediend_bedrag = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0"))
    debet_credit = serializers.ChoiceField(choices=[("D", "Debet"), ("C", "Credit")], default="D")
    vorig_referentie_nummer = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if probleem := rules.credit_zonder_vorige(attrs["debet_credit"], attrs["vorig_referentie_nummer"]):
            raise serializers.ValidationError({"vorig_referentie_nummer": probleem})
        return attrs


class DeclaratieWriteSerializer(serializers.Serializer):
    declaratie_nummer = serializers.CharField(max_length=20)
    declaratie_periode = DeclaratiePeriodeSerializer()
    prestaties = PrestatieWriteSerializer(many=True, allow_empty=False, max_length=MAX_PRESTATIES)


# --- to the service's input ---------------------------------------------------------------------------


def invoer_uit(validated: dict, bron: str = "api") -> services.DeclaratieInvoer:
    periode = validated["declaratie_periode"]
    return services.DeclaratieInvoer(
        declaratie_nummer=validated["declaratie_nummer"],
        begindatum=periode["begindatum"],
        einddatum=periode["einddatum"],
        bron=bron,
        regels=[
            rules.Regel(
                product_referentie=p["product_referentie"],
                toewijzing_nummer=p["toewijzing_nummer"],
                product_code=p["product_code"],
                begindatum=p["product_periode"]["begindatum"],
                einddatum=p["product_periode"]["einddatum"],
                geleverd_volume=p["geleverd_volume"],
                ingediend_bedrag=p["ingediend_bedrag"],
                debet_credit=p["debet_credit"],
                vorig_referentie_nummer=p["vorig_referentie_nummer"].strip(),
            )
            for p in validated["prestaties"]
        ],
    )


def invoer_uit_json(data, *, camel: bool = False) -> services.DeclaratieInvoer:
    """The JSON body, underscored or (``camel``) with its keys as sent; a problem raises the
    serializer's ValidationError."""
    if (snel := snel_invoer(data, camel=camel)) is not None:
        return snel
    write = DeclaratieWriteSerializer(data=onderstrepen(data) if camel else data)
    write.is_valid(raise_exception=True)
    return invoer_uit(write.validated_data)


# --- the fast path: the same shape check in plain Python ---------------------------------------------
# DRF builds a dozen field objects' worth of work per line: 10,000 lines cost seconds (issue 13).
# ``snel_invoer`` accepts only what the serializers above accept, with the same values, and answers
# None at the first doubt; the caller then runs the serializers, which word every problem (codes,
# Dutch reasons, field paths) as before. So an invalid declaration is always judged by DRF, and
# tests/declaraties/test_invoer_snel.py checks both agree on valid and invalid input alike.

_DATUM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_GETAL = re.compile(r"[0-9]{1,8}(?:\.[0-9]{1,2})?")  # max_digits=10, decimal_places=2, >= 0
_VERBODEN = re.compile("[\x00\ud800-\udfff]")  # DRF's ProhibitNull/SurrogateCharactersValidator
_CENT = Decimal("0.01")


def _tekst(value, max_length: int, *, leeg: bool = False) -> str | None:
    if type(value) is not str:
        return None
    value = value.strip()
    if (not value and not leeg) or len(value) > max_length or _VERBODEN.search(value):
        return None
    return value


def _datum(value) -> date | None:
    if type(value) is date:
        return value
    if type(value) is str and _DATUM.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _periode(value, camel: bool) -> tuple[date, date] | None:
    if not isinstance(value, dict) or not _bekend(value, _PERIODE, camel):
        return None
    begin, eind = _datum(value.get("begindatum")), _datum(value.get("einddatum"))
    if begin is None or eind is None or eind < begin:
        return None
    return begin, eind


def _bedrag(value) -> Decimal | None:
    if type(value) is str:
        if not _GETAL.fullmatch(value):
            return None
    elif type(value) is not int or not 0 <= value < 10**8:
        return None
    return Decimal(value).quantize(_CENT)


def _nummer(value) -> int | None:
    if type(value) is str and value.isascii() and value.isdigit() and len(value) <= 9:
        value = int(value)
    elif type(value) is not int:
        return None
    return value if 1 <= value <= 999_999_999 else None


class _Namen(NamedTuple):
    declaratie_nummer: str
    declaratie_periode: str
    prestaties: str
    product_referentie: str
    toewijzing_nummer: str
    product_code: str
    product_periode: str
    geleverd_volume: str
    ingediend_bedrag: str
    debet_credit: str
    vorig_referentie_nummer: str


_SNAKE = _Namen(*_Namen._fields)
_CAMEL = _Namen(*(_camel(name) for name in _Namen._fields))
_KOP, _REGEL, _PERIODE = frozenset(_CAMEL[:3]), frozenset(_CAMEL[3:]), frozenset(("begindatum", "einddatum"))


def _bekend(value: dict, namen: frozenset, camel: bool) -> bool:
    """camelCase keys as sent: only the known ones, so none would collide once underscored."""
    return not camel or namen.issuperset(value)


def _snelle_regel(p, k: _Namen, camel: bool) -> rules.Regel | None:
    if not isinstance(p, dict) or not _bekend(p, _REGEL, camel):
        return None
    ref = _tekst(p.get(k.product_referentie), 20)
    nummer = _nummer(p.get(k.toewijzing_nummer))
    code = _tekst(p.get(k.product_code), 30)
    periode = _periode(p.get(k.product_periode), camel)
    volume = _bedrag(p.get(k.geleverd_volume))
    bedrag = _bedrag(p.get(k.ingediend_bedrag))
    dc = p.get(k.debet_credit, "D")
    vorig = _tekst(p.get(k.vorig_referentie_nummer, ""), 20, leeg=True)
    if (
        ref is None
        or nummer is None
        or code is None
        or periode is None
        or volume is None
        or bedrag is None
        or type(dc) is not str
        or dc not in ("D", "C")
        or vorig is None
        or rules.credit_zonder_vorige(dc, vorig)
    ):
        return None
    return rules.Regel(
        product_referentie=ref,
        toewijzing_nummer=nummer,
        product_code=code,
        begindatum=periode[0],
        einddatum=periode[1],
        geleverd_volume=volume,
        ingediend_bedrag=bedrag,
        debet_credit=dc,
        vorig_referentie_nummer=vorig,
    )


def snel_invoer(data, *, camel: bool = False, bron: str = "api") -> services.DeclaratieInvoer | None:
    """The declaration as ``invoer_uit(DeclaratieWriteSerializer(data).validated_data)`` has it, or
    None when the serializers might refuse it (then only they say why). ``camel``: the keys as the
    client sent them, before ``backoffice.parsers.onderstrepen``."""
    k = _CAMEL if camel else _SNAKE
    if not isinstance(data, dict) or not _bekend(data, _KOP, camel):
        return None
    nummer = _tekst(data.get(k.declaratie_nummer), 20)
    periode = _periode(data.get(k.declaratie_periode), camel)
    lijst = data.get(k.prestaties)
    if nummer is None or periode is None or not rules.is_calendar_month(*periode):
        return None
    if not isinstance(lijst, list) or not 1 <= len(lijst) <= MAX_PRESTATIES:
        return None
    regels = []
    for p in lijst:
        regel = _snelle_regel(p, k, camel)
        if regel is None:
            return None
        regels.append(regel)
    return services.DeclaratieInvoer(
        declaratie_nummer=nummer, begindatum=periode[0], einddatum=periode[1], regels=regels, bron=bron
    )


@dataclass(frozen=True)
class Invoerfout:
    """One problem of an uploaded file: where (``bestand`` or ``regel 7: ingediendBedrag``), its
    stable code and the Dutch reason."""

    naam: str
    code: str
    reden: str


def invoer_uit_bestand(bestand) -> tuple[services.DeclaratieInvoer | None, list[Invoerfout]]:
    """A CSV/XLSX upload as a declaration: ``(invoer, [])``, or ``(None, problems)`` with every
    problem of the file or its cells, those of one name together in the order first found."""
    try:
        gelezen = upload.lees(bestand)
    except upload.UploadFout as fout:
        return None, _fouten(fout.params)
    if not gelezen.fouten and (snel := snel_invoer(gelezen.data, bron=gelezen.bron)) is not None:
        return snel, []
    write = DeclaratieWriteSerializer(data=gelezen.data)
    params = list(gelezen.fouten)  # a cell that is no date, in the upload's own words
    if not write.is_valid():
        eigen = {p["name"] for p in params}
        params += [p for p in upload.hernoem(_flatten(write.errors), gelezen) if p["name"] not in eigen]
    if params:
        return None, _fouten(params)
    return invoer_uit(write.validated_data, bron=gelezen.bron), []


def _volgorde(naam: str) -> tuple:
    """``bestand`` first, then by file row and column (``regel 7: ingediendBedrag``)."""
    if not naam.startswith("regel "):
        return (0, 0, 0)
    rij, _, kolom = naam.removeprefix("regel ").partition(": ")
    positie = upload.KOLOMMEN.index(kolom) if kolom in upload.KOLOMMEN else len(upload.KOLOMMEN)
    return (1, int(rij) if rij.isdigit() else 0, positie)


def _fouten(params: list[dict]) -> list[Invoerfout]:
    per_naam: dict[str, list[Invoerfout]] = {}
    for param in params:
        per_naam.setdefault(param["name"], []).append(Invoerfout(param["name"], param["code"], param["reason"]))
    return [fout for naam in sorted(per_naam, key=_volgorde) for fout in per_naam[naam]]


# --- the web form's help: which trajectories, and what the tariff says ---------------------------------

DECLARABEL = ("actief", "beeindigd", "looptijd_verstreken")  # not yet closed by the end report, not revoked


def declarabele_trajecten(user) -> list:
    """The provider's own trajectories it can still declare for, with the participant and the lot's
    products, by toewijzingNummer: three queries whatever their number."""
    return list(
        trajecten_for(user)
        .filter(aanbieder_id=user_aanbieder_id(user), status__in=DECLARABEL)
        .select_related("deelnemer", "perceel")
        .prefetch_related(None)
        .prefetch_related("perceel__producten")
        .order_by("toewijzing_nummer")
    )


def traject_keuzes(trajecten) -> list[tuple[str, str]]:
    """The picker's choices: the toewijzingNummer with the participant's name and the lot."""
    out = []
    for t in trajecten:
        label = f"{t.toewijzing_nummer}: {t.deelnemer.voorletters} {t.deelnemer.achternaam} ({t.perceel.naam})"
        if t.status != "actief":
            label += f", {t.get_status_display().lower()}"
        out.append((str(t.toewijzing_nummer), label))
    return out


def voorstel(traject, *, product_code: str, maand_begin, maand_eind, vandaag, begin=None, eind=None) -> dict | None:
    """A line as the tariff has it, for the web form to propose: the period (when not given: the
    month within the trajectory, as the judging asks (9307, 9308), and none before it is over (IPS03); a one-off
    product its first day), the volume (a month line: its days) and the amount by the judging's own
    rule (``rules.expected_amount``: the trajectory's price × the product's share). None when the
    product is not in the lot or the period is empty."""
    product = next((p for p in traject.perceel.producten.all() if p.code == product_code), None)
    if product is None:
        return None
    einde = traject.einddatum or traject.einddatum_gepland
    begin = begin or max(maand_begin, traject.startdatum)
    if eind is None:
        eind = min(maand_eind, einde) if product.soort == "per_maand" else begin
    if eind < begin or eind > vandaag:  # a month is declared once it is over (IPS03; IPS02 for the rest)
        return None
    volume = Decimal((eind - begin).days + 1) if product.soort == "per_maand" else Decimal("1")
    bedrag = rules.expected_amount(
        product=rules.ProductInfo(product.soort, product.aandeel, product.min_uren_per_week),
        trajectprijs=traject.trajectprijs,
        basisduur=traject.perceel.basisduur_maanden,
        begin=begin,
        volume=volume,
    )
    if bedrag is None:
        return None
    return {"begindatum": begin, "einddatum": eind, "geleverd_volume": volume, "ingediend_bedrag": bedrag}
