"""A declaration as input, whatever the channel: the JSON body of ``POST /api/v1/declaraties``, a
CSV/XLSX file uploaded to the API, the web page or the admin. One shape check (the write
serializers below, also the API's request schema), one way from a file to a
``services.DeclaratieInvoer``; the service then judges the lines.

``invoer_uit_bestand`` answers the input or the problems of the file, each named by file row
(``regel 7: ingediendBedrag``) with a stable code; each channel words them its own way (problem+json,
a form error, an admin message) but they are the same problems."""

from dataclasses import dataclass
from decimal import Decimal

from rest_framework import serializers

from backoffice.rest import _flatten

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


def invoer_uit_json(data) -> services.DeclaratieInvoer:
    """The JSON body (already underscored); a problem raises the serializer's ValidationError."""
    write = DeclaratieWriteSerializer(data=data)
    write.is_valid(raise_exception=True)
    return invoer_uit(write.validated_data)


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
