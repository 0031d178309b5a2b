"""Payment orders (api.md: /betaalopdrachten): the weekly orders per provider, their lines, the
SEPA bank file, the approvals (four eyes above the threshold) and the bank's confirmation.

UWV financieel does everything here; a UWV beoordelaar may read the orders and their lines; every
other role gets a 403. The lines carry no BSN and no name: only the numbers a provider quotes."""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from backoffice import roles, spreadsheet
from backoffice.api import BaseView, ListView, ModelSerializer, RetrieveView, UtcDateTimeField

from .. import downloads, selectors, sepa, services
from ..models import Betaalopdracht, BetaalopdrachtStatus, Prestatie

FORMAAT = OpenApiParameter(
    "formaat",
    OpenApiTypes.STR,
    enum=["json", *spreadsheet.FORMATS],
    description="`json` (standaard, gepagineerd), `csv` (puntkomma, UTF-8) of `xlsx`",
)


def formaat_of(request, allowed=("json", *spreadsheet.FORMATS)) -> str:
    formaat = request.query_params.get("formaat", "json")
    if formaat not in allowed:
        raise serializers.ValidationError({"formaat": [f"formaat is een van: {', '.join(allowed)}."]})
    return formaat


def _akkoorden(opdracht: Betaalopdracht) -> list[dict]:
    stamp = UtcDateTimeField()
    return [
        {"door": door.username, "op": stamp.to_representation(op)}
        for door, op in (
            (opdracht.eerste_akkoord_door, opdracht.eerste_akkoord_op),
            (opdracht.tweede_akkoord_door, opdracht.tweede_akkoord_op),
        )
        if door is not None
    ]


class AkkoordSerializer(serializers.Serializer):
    door = serializers.CharField()
    op = UtcDateTimeField()


class BetaalopdrachtSerializer(ModelSerializer):
    aanbieder = serializers.UUIDField(source="aanbieder.uuid", read_only=True)
    aanbieder_naam = serializers.CharField(source="aanbieder.naam", read_only=True)
    akkoorden = serializers.SerializerMethodField()
    bevestigd_door = serializers.CharField(source="bevestigd_door.username", read_only=True, allow_null=True)

    class Meta:
        model = Betaalopdracht
        fields = [
            "uuid",
            "aanbieder",
            "aanbieder_naam",
            "datum",
            "bedrag",
            "aantal_regels",
            "iban",
            "status",
            "akkoorden_nodig",
            "akkoorden",
            "bevestigd_door",
            "uitgevoerd_op",
            "aangemaakt_op",
        ]
        read_only_fields = fields

    @extend_schema_field(AkkoordSerializer(many=True))
    def get_akkoorden(self, opdracht) -> list[dict]:
        return _akkoorden(opdracht)


class ProductTotaalSerializer(serializers.Serializer):
    product_code = serializers.CharField()
    aantal = serializers.IntegerField()
    bedrag = serializers.DecimalField(max_digits=14, decimal_places=2)


class SamenvattingSerializer(serializers.Serializer):
    aantal = serializers.IntegerField()
    trajecten = serializers.IntegerField()
    debet = serializers.DecimalField(max_digits=14, decimal_places=2)
    credit = serializers.DecimalField(max_digits=14, decimal_places=2)
    per_product = ProductTotaalSerializer(many=True)


class BetaalopdrachtDetailSerializer(BetaalopdrachtSerializer):
    regels = serializers.SerializerMethodField()

    class Meta(BetaalopdrachtSerializer.Meta):
        fields = [*BetaalopdrachtSerializer.Meta.fields, "regels"]
        read_only_fields = fields

    @extend_schema_field(SamenvattingSerializer)
    def get_regels(self, opdracht) -> dict:
        return SamenvattingSerializer(selectors.betaalopdracht_samenvatting(opdracht)).data


class PrestatieRegelSerializer(ModelSerializer):
    """A paid (or to be paid) line: the provider's numbers, never a BSN or a name."""

    bedrag = serializers.DecimalField(source="toegekend_bedrag", max_digits=10, decimal_places=2, read_only=True)
    periode = serializers.SerializerMethodField()
    gemeente = serializers.CharField(source="traject.gemeente.code", read_only=True, allow_null=True)
    perceel = serializers.CharField(source="traject.perceel.code", read_only=True, allow_null=True)

    class Meta:
        model = Prestatie
        fields = [
            "uuid",
            "toewijzing_nummer",
            "product_referentie",
            "product_code",
            "periode",
            "bedrag",
            "debet_credit",
            "vorig_referentie_nummer",
            "gemeente",
            "perceel",
            "betaald_op",
        ]
        read_only_fields = fields

    def get_periode(self, prestatie) -> dict:
        return {"begindatum": prestatie.begindatum.isoformat(), "einddatum": prestatie.einddatum.isoformat()}


class BetaalopdrachtFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=BetaalopdrachtStatus.choices)
    aanbieder = django_filters.UUIDFilter(field_name="aanbieder__uuid")
    datum = django_filters.DateFilter(field_name="datum")
    datumVanaf = django_filters.DateFilter(field_name="datum", lookup_expr="gte")
    datumTot = django_filters.DateFilter(field_name="datum", lookup_expr="lte")

    class Meta:
        model = Betaalopdracht
        fields = ["status", "aanbieder", "datum", "datumVanaf", "datumTot"]


class _OpdrachtView(BaseView):
    serializer_class = BetaalopdrachtSerializer

    def get_queryset(self):
        return selectors.betaalopdrachten_for(self.request.user)

    def opdracht(self, uuid) -> Betaalopdracht:
        return get_object_or_404(self.get_queryset(), uuid=uuid)

    def answer(self, opdracht: Betaalopdracht, code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=opdracht.pk)
        return Response(BetaalopdrachtDetailSerializer(fresh).data, status=code)


class BetaalopdrachtList(ListView):
    """The weekly payment orders, newest first; filters `status`, `aanbieder` (uuid), `datum`,
    `datumVanaf`, `datumTot`."""

    serializer_class = BetaalopdrachtSerializer
    filterset_class = BetaalopdrachtFilter
    required_roles = roles.UWV_ROLES

    def get_queryset(self):
        return selectors.betaalopdrachten_for(self.request.user)


class BetaalopdrachtDetail(RetrieveView):
    """One payment order with a summary of its lines (totals debit/credit and per product)."""

    serializer_class = BetaalopdrachtDetailSerializer
    required_roles = roles.UWV_ROLES

    def get_queryset(self):
        return selectors.betaalopdrachten_for(self.request.user)


class BetaalopdrachtRegels(_OpdrachtView):
    """The lines of one order: JSON (paginated) or a CSV/XLSX download (`formaat`)."""

    serializer_class = PrestatieRegelSerializer
    required_roles = roles.UWV_ROLES

    @extend_schema(parameters=[FORMAAT], responses={200: PrestatieRegelSerializer(many=True)})
    def get(self, request, uuid):
        formaat = formaat_of(request)
        opdracht = self.opdracht(uuid)
        regels = selectors.betaalopdracht_regels(opdracht)
        if formaat == "json":
            return self.paginated(regels, PrestatieRegelSerializer)
        return downloads.betaalopdracht_regels_export(formaat, opdracht, regels)

    def filter_queryset(self, queryset):
        return queryset  # the order's lines have no filters


class BetaalopdrachtSepa(_OpdrachtView):
    """The pain.001.001.03 credit-transfer file of an approved or paid order (409 before)."""

    required_roles = (roles.UWV_FINANCIEEL,)

    @extend_schema(responses={(200, "application/xml"): OpenApiResponse(OpenApiTypes.BINARY), 409: None})
    def get(self, request, uuid):
        return sepa.sepa_response(self.opdracht(uuid))


class BetaalopdrachtGoedkeuring(_OpdrachtView):
    """Approve an order. Above the four-eyes threshold two different UWV financieel approve; the
    same person twice answers 403 `vier-ogen`."""

    required_roles = (roles.UWV_FINANCIEEL,)

    @extend_schema(request=None, responses={201: BetaalopdrachtDetailSerializer})
    def post(self, request, uuid):
        opdracht = services.betaalopdracht_accorderen(by=request.user, opdracht=self.opdracht(uuid))
        return self.answer(opdracht, status.HTTP_201_CREATED)


class BevestigingWriteSerializer(serializers.Serializer):
    datum = serializers.DateField(help_text="De dag waarop de bank de opdracht uitvoerde")


class BetaalopdrachtBevestiging(_OpdrachtView):
    """The bank executed the order: its lines become paid. A second confirmation answers 409
    `al-bevestigd`."""

    required_roles = (roles.UWV_FINANCIEEL,)

    @extend_schema(request=BevestigingWriteSerializer, responses={201: BetaalopdrachtDetailSerializer})
    def post(self, request, uuid):
        opdracht = self.opdracht(uuid)
        write = BevestigingWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        opdracht = services.betaalopdracht_bevestigen(by=request.user, opdracht=opdracht, **write.validated_data)
        return self.answer(opdracht, status.HTTP_201_CREATED)
