"""Co-financing claims (api.md: /vorderingen): UWV's monthly claim on a gemeente for its share of
what UWV paid, with its lines, receipts and disputes, and the overview per gemeente that makes
the "43 of 75 never reimbursed" a number on a screen.

UWV financieel sees and handles every claim; a gemeente sees its own and disputes its lines;
another gemeente's claim answers 404; other roles 403."""

from decimal import Decimal

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from backoffice import limieten, roles
from backoffice.api import BaseView, ListView, ModelSerializer, RetrieveView

from .. import downloads, selectors, services, ubl
from ..models import Ontvangst, Vordering, VorderingRegel, VorderingStatus
from .betalingen import FORMAAT, formaat_of

READ_ROLES = (roles.UWV_FINANCIEEL, roles.GEMEENTE)


@extend_schema_field({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$", "example": "2026-03"})
class PeriodeField(serializers.Field):
    """A month as ``YYYY-MM``."""

    def to_representation(self, value):
        return f"{value:%Y-%m}"


class VorderingRegelSerializer(ModelSerializer):
    toewijzing_nummer = serializers.IntegerField(source="prestatie.toewijzing_nummer", read_only=True)
    product_referentie = serializers.CharField(source="prestatie.product_referentie", read_only=True)
    product_code = serializers.CharField(source="prestatie.product_code", read_only=True)
    product_periode = serializers.SerializerMethodField()
    debet_credit = serializers.CharField(source="prestatie.debet_credit", read_only=True)
    betaald_bedrag = serializers.DecimalField(
        source="prestatie.toegekend_bedrag", max_digits=10, decimal_places=2, read_only=True
    )
    betaald_op = serializers.DateField(source="prestatie.betaald_op", read_only=True)
    regeling = serializers.CharField(source="regeling.code", read_only=True)

    class Meta:
        model = VorderingRegel
        fields = [
            "uuid",
            "toewijzing_nummer",
            "product_referentie",
            "product_code",
            "product_periode",
            "debet_credit",
            "betaald_bedrag",
            "betaald_op",
            "regeling",
            "aandeel",
            "bedrag",
            "bezwaar",
            "bezwaar_toelichting",
            "bezwaar_op",
            "bezwaar_besluit_toelichting",
            "bezwaar_besluit_op",
        ]
        read_only_fields = fields

    def get_product_periode(self, regel) -> dict:
        p = regel.prestatie
        return {"begindatum": p.begindatum.isoformat(), "einddatum": p.einddatum.isoformat()}


class OntvangstSerializer(ModelSerializer):
    door = serializers.CharField(source="door.username", read_only=True)

    class Meta:
        model = Ontvangst
        fields = ["uuid", "bedrag", "datum", "door", "op"]
        read_only_fields = fields


class VorderingSerializer(ModelSerializer):
    gemeente = serializers.CharField(source="gemeente.code", read_only=True)
    gemeente_naam = serializers.CharField(source="gemeente.naam", read_only=True)
    periode = PeriodeField(read_only=True)
    openstaand = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    te_laat = serializers.BooleanField(read_only=True)  # selectors.with_te_laat
    regels = VorderingRegelSerializer(many=True, read_only=True)
    ontvangsten = OntvangstSerializer(many=True, read_only=True)

    class Meta:
        model = Vordering
        fields = [
            "uuid",
            "gemeente",
            "gemeente_naam",
            "periode",
            "bedrag",
            "ontvangen",
            "openstaand",
            "status",
            "factuurnummer",
            "factuurdatum",
            "verzonden_op",
            "vervaldatum",
            "te_laat",
            "herinnerd_op",
            "aantal_herinneringen",
            "regels",
            "ontvangsten",
            "aangemaakt_op",
        ]
        read_only_fields = fields


class VorderingFilter(django_filters.FilterSet):
    gemeente = django_filters.CharFilter(field_name="gemeente__code")
    periode = django_filters.DateFilter(field_name="periode", input_formats=["%Y-%m"], help_text="YYYY-MM")
    status = django_filters.ChoiceFilter(choices=VorderingStatus.choices)

    class Meta:
        model = Vordering
        fields = ["gemeente", "periode", "status"]


def _scoped(user):
    return selectors.with_te_laat(selectors.vorderingen_for(user)).prefetch_related(
        "regels__prestatie", "regels__regeling", "ontvangsten__door"
    )


class _VorderingView(BaseView):
    serializer_class = VorderingSerializer
    required_roles = READ_ROLES

    def get_queryset(self):
        return _scoped(self.request.user)

    def vordering(self, uuid) -> Vordering:
        return get_object_or_404(selectors.vorderingen_for(self.request.user), uuid=uuid)

    def answer(self, vordering: Vordering, code=status.HTTP_201_CREATED) -> Response:
        return Response(VorderingSerializer(self.get_queryset().get(pk=vordering.pk)).data, status=code)


class VorderingList(ListView):
    """Claims, newest month first; filters `gemeente` (code), `periode` (YYYY-MM), `status`."""

    serializer_class = VorderingSerializer
    filterset_class = VorderingFilter
    required_roles = READ_ROLES

    def get_queryset(self):
        return _scoped(self.request.user)


class VorderingDetail(RetrieveView):
    serializer_class = VorderingSerializer
    required_roles = READ_ROLES

    def get_queryset(self):
        return _scoped(self.request.user)


class OverzichtRijSerializer(serializers.Serializer):
    gemeente = serializers.CharField(source="gemeente__code")
    gemeente_naam = serializers.CharField(source="gemeente__naam")
    aantal_vorderingen = serializers.IntegerField(source="aantal")
    aantal_betaald = serializers.IntegerField()
    aantal_te_laat = serializers.IntegerField()
    aantal_betwist = serializers.IntegerField()
    gevorderd = serializers.DecimalField(max_digits=14, decimal_places=2)
    ontvangen = serializers.DecimalField(source="ontvangen_totaal", max_digits=14, decimal_places=2)
    openstaand = serializers.DecimalField(max_digits=14, decimal_places=2)
    te_laat = serializers.DecimalField(max_digits=14, decimal_places=2)
    oudste_vervaldatum = serializers.DateField(allow_null=True)
    trajecten = serializers.IntegerField(help_text="Trajecten met cofinanciering waarvoor UWV betaalde.")
    trajecten_niet_vergoed = serializers.IntegerField(
        help_text="Daarvan: trajecten met een betaalde regel die de gemeente nog niet (volledig) vergoedde."
    )


class VorderingOverzicht(BaseView):
    """Per gemeente at a glance: claims, claimed, received, outstanding, overdue (past the due
    date and not paid). UWV financieel sees every gemeente, a gemeente its own row. Also as
    `formaat=csv|xlsx`."""

    serializer_class = OverzichtRijSerializer
    required_roles = READ_ROLES
    pagination_class = None
    queryset = Vordering.objects.none()  # for the schema; the rows come from a selector

    @extend_schema(parameters=[FORMAAT], responses={200: OverzichtRijSerializer(many=True)})
    def get(self, request):
        formaat = formaat_of(request)
        rows = selectors.vorderingen_overzicht_for(request.user)
        if formaat == "json":
            return Response(OverzichtRijSerializer(rows, many=True).data)
        return downloads.vorderingen_overzicht_export(formaat, rows)


class VorderingRegels(_VorderingView):
    """The lines of one claim: JSON (paginated) or a CSV/XLSX download (`formaat`); no BSN, no name."""

    serializer_class = VorderingRegelSerializer

    def filter_queryset(self, queryset):
        return queryset

    @extend_schema(parameters=[FORMAAT], responses={200: VorderingRegelSerializer(many=True)})
    def get(self, request, uuid):
        formaat = formaat_of(request)
        vordering = get_object_or_404(selectors.vorderingen_for(request.user).select_related("gemeente"), uuid=uuid)
        regels = selectors.vordering_regels(vordering)
        if formaat == "json":
            return self.paginated(regels, VorderingRegelSerializer)
        return downloads.vordering_regels_export(formaat, vordering, regels)


class VorderingVerzending(_VorderingView):
    """Send a concept claim (UWV financieel): status verzonden, due date set."""

    required_roles = (roles.UWV_FINANCIEEL,)

    @extend_schema(request=None, responses={201: VorderingSerializer})
    def post(self, request, uuid):
        vordering = services.vordering_verzenden(by=request.user, vordering=self.vordering(uuid))
        return self.answer(vordering)


class VorderingFactuurXml(_VorderingView):
    """The claim as a UBL 2.1 e-invoice (Peppol BIS Billing 3.0 / NLCIUS), `application/xml`;
    a concept claim has no invoice yet (409 `factuur-niet-verzonden`), nor one whose every line was
    dropped after a dispute (409 `factuur-zonder-regels`). Lines by toewijzingNummer,
    no personal data. UWV financieel and the claimed gemeente; another gemeente 404."""

    @extend_schema(responses={(200, "application/xml"): OpenApiResponse(OpenApiTypes.BINARY), 409: None})
    def get(self, request, uuid):
        return ubl.factuur_response(self.vordering(uuid))


class OntvangstWriteSerializer(serializers.Serializer):
    bedrag = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    datum = serializers.DateField()


class VorderingOntvangst(_VorderingView):
    """UWV financieel registers money received (partial too); more than is outstanding: 409."""

    required_roles = (roles.UWV_FINANCIEEL,)

    @extend_schema(request=OntvangstWriteSerializer, responses={201: VorderingSerializer})
    def post(self, request, uuid):
        vordering = self.vordering(uuid)
        write = OntvangstWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        services.ontvangst_registreren(by=request.user, vordering=vordering, **write.validated_data)
        return self.answer(vordering)


class BezwaarWriteSerializer(serializers.Serializer):
    regel = serializers.UUIDField()
    toelichting = serializers.CharField(max_length=limieten.TOELICHTING)


class VorderingBezwaar(_VorderingView):
    """A gemeente disputes one line of its own claim, with a reason."""

    required_roles = (roles.GEMEENTE,)

    @extend_schema(request=BezwaarWriteSerializer, responses={201: VorderingSerializer})
    def post(self, request, uuid):
        vordering = self.vordering(uuid)
        write = BezwaarWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        regel = selectors.vordering_regels(vordering).filter(uuid=write.validated_data["regel"]).first()
        if regel is None:
            raise serializers.ValidationError({"regel": ["Deze regel hoort niet bij deze vordering."]})
        services.bezwaar_indienen(
            by=request.user, vordering=vordering, regel=regel, toelichting=write.validated_data["toelichting"]
        )
        return self.answer(vordering)


class BezwaarBeoordelingWriteSerializer(serializers.Serializer):
    besluit = serializers.ChoiceField(choices=["toegewezen", "afgewezen"])
    toelichting = serializers.CharField(max_length=limieten.TOELICHTING)


class BezwaarBeoordeling(_VorderingView):
    """UWV financieel decides a dispute: `toegewezen` drops the line from the claim, `afgewezen`
    keeps it; the claim's amount and status are recomputed."""

    required_roles = (roles.UWV_FINANCIEEL,)

    @extend_schema(request=BezwaarBeoordelingWriteSerializer, responses={201: VorderingSerializer})
    def post(self, request, uuid, regel_uuid):
        vordering = self.vordering(uuid)
        regel = get_object_or_404(selectors.vordering_regels(vordering), uuid=regel_uuid)
        write = BezwaarBeoordelingWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        services.bezwaar_beoordelen(by=request.user, regel=regel, **write.validated_data)
        return self.answer(vordering)
