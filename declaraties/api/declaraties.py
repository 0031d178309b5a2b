"""API for declarations (api.md, domain.md section 8): the iWmo-323-shaped declaration in, the
iWmo-325-shaped answer out, as JSON or as a CSV/XLSX upload; UWV's assessment of waiting lines;
the list of lines as UWV's work queue; the spreadsheet templates.

The shape of the answer and every return code: docs/declaraties.md."""

import datetime as _dt
import uuid as _uuid

from django.shortcuts import get_object_or_404
from djangorestframework_camel_case.parser import CamelCaseFormParser, CamelCaseMultiPartParser
from djangorestframework_camel_case.render import CamelCaseJSONRenderer
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response

from backoffice import limieten, roles
from backoffice.api import BaseView, ListView, RetrieveView, UtcDateTimeField
from backoffice.paginering import RijenLijst
from backoffice.parsers import RuweJSONParser
from backoffice.renderers import KlaarJSON
from backoffice.rules import toelichting_ontbreekt

from .. import downloads, invoer, rules, selectors, services
from ..models import Declaratie, Prestatie, PrestatieStatus
from . import lijstrijen

VIEW_ROLES = (roles.AANBIEDER, *roles.UWV_ROLES)
MAX_PRESTATIES = invoer.MAX_PRESTATIES
invoer_uit_json = invoer.invoer_uit_json  # bench/declaratie.py


def retourcodes(codes: list[str]) -> list[dict]:
    return [{"code": code, "omschrijving": rules.RETOURCODES.get(code, "")} for code in codes]


# --- write -------------------------------------------------------------------------------------------
# The shape of a declaration and the way from a file to the service's input: declaraties/invoer.py,
# shared with the web page and the admin.


class DeclaratieUploadSerializer(serializers.Serializer):
    """For the OpenAPI document: the same declaration as a spreadsheet (multipart)."""

    bestand = serializers.FileField(help_text="CSV (UTF-8, ; of ,) of XLSX; indeling: docs/declaraties.md")


def _validation_error(fouten: list[invoer.Invoerfout]) -> serializers.ValidationError:
    """The problems of a file as a 400 problem+json, one invalidParam each."""
    detail: dict[str, list] = {}
    for fout in fouten:
        detail.setdefault(fout.naam, []).append(ErrorDetail(fout.reden, code=fout.code))
    return serializers.ValidationError(detail)


# --- read --------------------------------------------------------------------------------------------


class PeriodeReadSerializer(serializers.Serializer):
    begindatum = serializers.DateField()
    einddatum = serializers.DateField()


class RetourcodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    omschrijving = serializers.CharField()


class PrestatieSerializer(serializers.ModelSerializer):
    product_periode = serializers.SerializerMethodField()
    retourcodes = serializers.SerializerMethodField()
    beoordeeld_op = UtcDateTimeField(read_only=True)

    class Meta:
        model = Prestatie
        fields = [
            "uuid",
            "regelnummer",
            "product_referentie",
            "toewijzing_nummer",
            "product_code",
            "product_periode",
            "geleverd_volume",
            "ingediend_bedrag",
            "debet_credit",
            "vorig_referentie_nummer",
            "status",
            "retourcodes",
            "toegekend_bedrag",
            "beoordeeld_op",
            "beoordeling_toelichting",
            "betaald_op",
        ]

    @extend_schema(responses=PeriodeReadSerializer)
    def get_product_periode(self, prestatie) -> dict:
        return {"begindatum": prestatie.begindatum.isoformat(), "einddatum": prestatie.einddatum.isoformat()}

    @extend_schema(responses=RetourcodeSerializer(many=True))
    def get_retourcodes(self, prestatie) -> list[dict]:
        return retourcodes(prestatie.retourcodes)


class PrestatieQueueSerializer(PrestatieSerializer):
    """A line in UWV's work queue: with the declaration it belongs to."""

    declaratie = serializers.UUIDField(source="declaratie.uuid", read_only=True)
    declaratie_nummer = serializers.CharField(source="declaratie.declaratie_nummer", read_only=True)
    aanbieder = serializers.UUIDField(source="aanbieder.uuid", read_only=True)

    class Meta(PrestatieSerializer.Meta):
        fields = ["declaratie", "declaratie_nummer", "aanbieder", *PrestatieSerializer.Meta.fields]


class DeclaratieSummarySerializer(serializers.ModelSerializer):
    declaratie_periode = serializers.SerializerMethodField()
    aanbieder = serializers.UUIDField(source="aanbieder.uuid", read_only=True)
    status = serializers.SerializerMethodField()
    retourcodes = serializers.SerializerMethodField()
    totaal_ingediend_bedrag = serializers.DecimalField(
        source="totaal_ingediend", max_digits=14, decimal_places=2, read_only=True
    )
    totaal_toegekend_bedrag = serializers.DecimalField(
        source="totaal_toegekend", max_digits=14, decimal_places=2, read_only=True
    )
    ingediend_op = UtcDateTimeField(read_only=True)
    aantal_prestaties = serializers.IntegerField(read_only=True)
    aantal_toegekend = serializers.IntegerField(read_only=True)
    aantal_afgewezen = serializers.IntegerField(read_only=True)
    aantal_in_behandeling = serializers.IntegerField(read_only=True)

    class Meta:
        model = Declaratie
        fields = [
            "uuid",
            "declaratie_nummer",
            "declaratie_periode",
            "aanbieder",
            "bron",
            "ingediend_op",
            "status",
            "retourcodes",
            "totaal_ingediend_bedrag",
            "totaal_toegekend_bedrag",
            "aantal_prestaties",
            "aantal_toegekend",
            "aantal_afgewezen",
            "aantal_in_behandeling",
        ]

    @extend_schema(responses=PeriodeReadSerializer)
    def get_declaratie_periode(self, declaratie) -> dict:
        return {"begindatum": declaratie.periode_begin.isoformat(), "einddatum": declaratie.periode_eind.isoformat()}

    def get_status(self, declaratie) -> str:
        return selectors.declaratie_status(
            toegekend=declaratie.aantal_toegekend,
            afgewezen=declaratie.aantal_afgewezen,
            in_behandeling=declaratie.aantal_in_behandeling,
        )

    @extend_schema(responses=RetourcodeSerializer(many=True))
    def get_retourcodes(self, declaratie) -> list[dict]:
        """Declaration level: 8001 when every line is accepted (iWmo 325)."""
        return retourcodes(["8001"]) if self.get_status(declaratie) == "toegekend" else []


class DeclaratieSerializer(DeclaratieSummarySerializer):
    prestaties = serializers.SerializerMethodField()

    class Meta(DeclaratieSummarySerializer.Meta):
        fields = [*DeclaratieSummarySerializer.Meta.fields, "prestaties"]

    @extend_schema(responses=PrestatieSerializer(many=True))
    def get_prestaties(self, declaratie) -> list[dict]:
        return PrestatieSerializer(selectors.declaratie_regels(declaratie), many=True).data


# --- views -------------------------------------------------------------------------------------------


def _declaratie_answer(user, declaratie_id: int) -> dict | KlaarJSON:
    """The iWmo-325-shaped answer, read back through the user's own scope."""
    return _antwoord(selectors.with_line_counts(selectors.declaraties_for(user)).get(pk=declaratie_id))


def _antwoord(declaratie) -> dict | KlaarJSON:
    """``DeclaratieSerializer``'s answer: the declaration by its serializer, its lines (all of them,
    up to 10,000) as PostgreSQL writes them (``selectors.declaratie_regels_json``)."""
    regels = selectors.declaratie_regels_json(declaratie)
    if regels is None:
        return DeclaratieSerializer(declaratie).data
    kop = CamelCaseJSONRenderer().render(DeclaratieSummarySerializer(declaratie).data)
    return KlaarJSON(kop[:-1] + b',"prestaties":' + regels.encode() + b"}")


class DeclaratieList(RijenLijst, ListView):
    lezer = staticmethod(lijstrijen.declaraties)  # the page in one SQL query (issue 13)
    serializer_class = DeclaratieSummarySerializer
    # the body's keys as sent: invoer.invoer_uit_json reads them (and underscores only for DRF)
    parser_classes = [RuweJSONParser, CamelCaseMultiPartParser, CamelCaseFormParser]
    required_roles = VIEW_ROLES
    queryset = Declaratie.objects.none()  # for the schema; get_queryset scopes

    def get_queryset(self):
        qs = selectors.declaraties_for(self.request.user)
        params = self.request.query_params
        if self.rijen_voor is None or "status" in params or "inBehandeling" in params:
            qs = selectors.with_line_counts(qs)  # the page in SQL counts its lines itself
        problems = {}
        if "status" in params:
            if params["status"] not in selectors.DECLARATIE_STATUSSEN:
                problems["status"] = [f"Kies uit: {', '.join(selectors.DECLARATIE_STATUSSEN)}."]
            else:
                qs = selectors.filter_status(qs, params["status"])
        if "inBehandeling" in params:
            value = params["inBehandeling"].lower()
            if value not in ("true", "false"):
                problems["inBehandeling"] = ["Gebruik true of false."]
            else:
                qs = qs.filter(aantal_in_behandeling__gt=0) if value == "true" else qs.filter(aantal_in_behandeling=0)
        if "periode" in params:
            try:
                year, month = (int(x) for x in params["periode"].split("-"))
                qs = qs.filter(periode_begin=_dt.date(year, month, 1))
            except ValueError:
                problems["periode"] = ["Gebruik JJJJ-MM, bijvoorbeeld 2026-01."]
        if "aanbieder" in params:
            try:
                qs = qs.filter(aanbieder__uuid=_uuid.UUID(params["aanbieder"]))
            except ValueError:
                problems["aanbieder"] = ["Dit is geen geldige uuid."]
        if "declaratieNummer" in params:
            qs = qs.filter(declaratie_nummer=params["declaratieNummer"])
        if problems:
            raise serializers.ValidationError(problems)
        return qs.order_by("-ingediend_op", "-id")

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=list(selectors.DECLARATIE_STATUSSEN)),
            OpenApiParameter("inBehandeling", bool, description="alleen declaraties met regels die op UWV wachten"),
            OpenApiParameter(
                "periode",
                {"type": "string", "pattern": r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"},
                description="declaratiemaand, JJJJ-MM",
            ),
            OpenApiParameter("aanbieder", OpenApiTypes.UUID),
            OpenApiParameter("declaratieNummer", str),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request={
            "application/json": invoer.DeclaratieWriteSerializer,
            "multipart/form-data": DeclaratieUploadSerializer,
        },
        responses={201: DeclaratieSerializer, 200: DeclaratieSerializer},
    )
    def post(self, request):
        """Submit a declaration (JSON) or upload it as a spreadsheet (multipart, field ``bestand``).
        201 for a new declaration, 200 for an identical resubmission (the first answer)."""
        roles.require_role(request.user, roles.AANBIEDER)
        if request.content_type.startswith("multipart/"):
            bestand = request.FILES.get("bestand")
            if bestand is None:
                raise serializers.ValidationError({"bestand": ["Stuur het CSV- of XLSX-bestand in het veld bestand."]})
            declaratie_invoer, fouten = invoer.invoer_uit_bestand(bestand)
            if fouten:
                raise _validation_error(fouten)
        elif request.content_type.startswith("application/json"):
            declaratie_invoer = invoer.invoer_uit_json(request.data, camel=True)
        else:
            raise exceptions.UnsupportedMediaType(request.content_type)
        declaratie, created = services.declaratie_submit(by=request.user, invoer=declaratie_invoer)
        return Response(
            _declaratie_answer(request.user, declaratie.pk),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class DeclaratieDetail(RetrieveView):
    serializer_class = DeclaratieSerializer
    required_roles = VIEW_ROLES
    queryset = Declaratie.objects.none()

    def get_queryset(self):
        return selectors.with_line_counts(selectors.declaraties_for(self.request.user))

    def retrieve(self, request, *args, **kwargs):
        return Response(_antwoord(self.get_object()))


class BesluitWriteSerializer(serializers.Serializer):
    product_referentie = serializers.CharField(max_length=20)
    besluit = serializers.ChoiceField(choices=[("toegekend", "Toegekend"), ("afgewezen", "Afgewezen")])
    toelichting = serializers.CharField(required=False, allow_blank=True, default="", max_length=limieten.TOELICHTING)

    def validate(self, attrs):
        if toelichting_ontbreekt(attrs["toelichting"], vereist=attrs["besluit"] == "afgewezen"):
            raise serializers.ValidationError({"toelichting": "Een afwijzing vraagt een toelichting."})
        return attrs


class PrestatieBeoordelingWriteSerializer(serializers.Serializer):
    # Each line once, only this declaration's waiting lines: checked by the service
    # (services.prestaties_beoordelen), for the web form alike.
    besluiten = BesluitWriteSerializer(many=True, allow_empty=False, max_length=MAX_PRESTATIES)


class DeclaratieBeoordeling(BaseView):
    """A UWV beoordelaar decides the lines that wait for a person; not the one who declared."""

    serializer_class = DeclaratieSerializer
    required_roles = (roles.UWV_BEOORDELAAR,)
    queryset = Declaratie.objects.none()

    @extend_schema(request=PrestatieBeoordelingWriteSerializer, responses={201: DeclaratieSerializer})
    def post(self, request, uuid):
        declaratie = get_object_or_404(selectors.declaraties_for(request.user), uuid=uuid)
        write = PrestatieBeoordelingWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        services.prestaties_beoordelen(
            by=request.user, declaratie=declaratie, besluiten=write.validated_data["besluiten"]
        )
        return Response(_declaratie_answer(request.user, declaratie.pk), status=status.HTTP_201_CREATED)


class PrestatieList(RijenLijst, ListView):
    """Declaration lines across declarations; ``status=in_behandeling`` is UWV's work queue."""

    lezer = staticmethod(lijstrijen.prestaties)  # the page in one SQL query (issue 13)

    serializer_class = PrestatieQueueSerializer
    required_roles = VIEW_ROLES
    queryset = Prestatie.objects.none()

    def get_queryset(self):
        qs = selectors.prestaties_for(self.request.user)
        params = self.request.query_params
        problems = {}
        if "status" in params:
            if params["status"] not in PrestatieStatus.values:
                problems["status"] = [f"Kies uit: {', '.join(PrestatieStatus.values)}."]
            qs = qs.filter(status=params["status"])
        if "aanbieder" in params:
            try:
                qs = qs.filter(aanbieder__uuid=_uuid.UUID(params["aanbieder"]))
            except ValueError:
                problems["aanbieder"] = ["Dit is geen geldige uuid."]
        if "declaratie" in params:
            try:
                qs = qs.filter(declaratie__uuid=_uuid.UUID(params["declaratie"]))
            except ValueError:
                problems["declaratie"] = ["Dit is geen geldige uuid."]
        if "toewijzingNummer" in params:
            # isascii: "²".isdigit() is True but int("²") fails (a 500, found after fuzzing)
            if not (params["toewijzingNummer"].isascii() and params["toewijzingNummer"].isdigit()):
                problems["toewijzingNummer"] = ["Een toewijzingNummer is een geheel getal."]
            else:
                qs = qs.filter(toewijzing_nummer=int(params["toewijzingNummer"]))
        if "productCode" in params:
            qs = qs.filter(product_code=params["productCode"])
        if problems:
            raise serializers.ValidationError(problems)
        return qs.order_by("declaratie_id", "regelnummer")

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=list(PrestatieStatus.values)),
            OpenApiParameter("aanbieder", OpenApiTypes.UUID),
            OpenApiParameter("declaratie", OpenApiTypes.UUID),
            OpenApiParameter("toewijzingNummer", {"type": "integer", "minimum": 0}),
            OpenApiParameter("productCode", str),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class _Sjabloon(BaseView):
    required_roles = (roles.AANBIEDER,)
    queryset = Declaratie.objects.none()
    serializer_class = DeclaratieUploadSerializer

    def perform_content_negotiation(self, request, force=False):
        # The file is the answer whatever the Accept header says; errors stay problem+json.
        return super().perform_content_negotiation(request, force=True)


class SjabloonCsv(_Sjabloon):
    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY})
    def get(self, request):
        return downloads.sjabloon_response("csv")


class SjabloonXlsx(_Sjabloon):
    @extend_schema(
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY}
    )
    def get(self, request):
        return downloads.sjabloon_response("xlsx")
