"""API for schemes, lots, organisations, budgets and fidelity audits (api.md)."""

from decimal import Decimal

import django_filters
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from backoffice import roles
from backoffice.api import CodeField, IntegerFilter, ListView, ModelSerializer, RetrieveView, ScopedUuidField
from backoffice.rules import weigeren

from . import permissions, rules, selectors, services
from .models import (
    Aanbieder,
    AanbiederType,
    Budget,
    Doelgroep,
    Gemeente,
    Modeltrouwmeting,
    Perceel,
    Product,
    ProductSoort,
    Raamovereenkomst,
    Regeling,
    Route,
    Schaalversie,
    Trajectbegeleider,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


# --- schemes and lots --------------------------------------------------------------------------


class ProductSerializer(ModelSerializer):
    class Meta:
        model = Product
        fields = ["code", "naam", "soort", "aandeel", "min_uren_per_week"]


class PerceelSerializer(ModelSerializer):
    regeling = serializers.CharField(source="regeling.code", read_only=True)
    trajectprijs = serializers.SerializerMethodField()
    producten = ProductSerializer(many=True, read_only=True)
    prijzen = serializers.SerializerMethodField()

    class Meta:
        model = Perceel
        fields = [
            "uuid",
            "code",
            "naam",
            "regeling",
            "doelgroep",
            "basisduur_maanden",
            "max_verlenging_maanden",
            "toegestane_aanbiedertypen",
            "trajectprijs",
            "producten",
            "prijzen",
        ]

    def get_trajectprijs(self, perceel) -> str | None:
        today = timezone.localdate()
        price = rules.price_on([(p.geldig_van, p.geldig_tot, p.bedrag) for p in perceel.prijzen.all()], today)
        return f"{price:.2f}" if price is not None else None

    def get_prijzen(self, perceel) -> list[dict]:
        return [
            {
                "bedrag": f"{p.bedrag:.2f}",
                "geldigVan": p.geldig_van.isoformat(),
                "geldigTot": p.geldig_tot and p.geldig_tot.isoformat(),
            }
            for p in perceel.prijzen.all()
        ]


class RegelingSerializer(ModelSerializer):
    routes = serializers.ListField(child=serializers.CharField(), read_only=True)
    percelen = PerceelSerializer(many=True, read_only=True)

    class Meta:
        model = Regeling
        fields = [
            "uuid",
            "code",
            "naam",
            "routes",
            "raamovereenkomst_vereist",
            "aanvraag_vanaf",
            "aanvraag_tot",
            "quotum_uwv",
            "quotum_gemeente",
            "max_per_gemeente",
            "cofinanciering_aandeel",
            "uwv_akkoord_na_beschikking",
            "percelen",
        ]


class ProductWriteSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=30)
    naam = serializers.CharField(max_length=100, required=False)
    soort = serializers.ChoiceField(choices=ProductSoort.choices)
    aandeel = serializers.DecimalField(
        max_digits=5, decimal_places=4, min_value=Decimal("0.0001"), max_value=Decimal("1")
    )
    min_uren_per_week = serializers.DecimalField(max_digits=4, decimal_places=1, required=False, allow_null=True)


class PerceelWriteSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=80)
    naam = serializers.CharField(max_length=200)
    doelgroep = serializers.ChoiceField(choices=Doelgroep.choices)
    basisduur_maanden = serializers.IntegerField(min_value=1, max_value=60)
    max_verlenging_maanden = serializers.IntegerField(min_value=0, max_value=36, default=0)
    toegestane_aanbiedertypen = serializers.ListField(
        child=serializers.ChoiceField(choices=AanbiederType.choices), min_length=1
    )
    trajectprijs = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"), required=False)
    producten = ProductWriteSerializer(many=True, required=False)

    def validate_producten(self, value):
        codes = [p["code"] for p in value]
        if len(codes) != len(set(codes)):
            raise serializers.ValidationError("Elke productcode mag maar één keer voorkomen.")
        problem = rules.payment_plan_problem([p["aandeel"] for p in value])
        if problem:
            raise serializers.ValidationError(problem)
        return value


class RegelingWriteSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=60)
    naam = serializers.CharField(max_length=200)
    routes = serializers.ListField(child=serializers.ChoiceField(choices=Route.choices), min_length=1, max_length=2)
    raamovereenkomst_vereist = serializers.BooleanField(default=False)
    aanvraag_vanaf = serializers.DateField(required=False, allow_null=True)
    aanvraag_tot = serializers.DateField(required=False, allow_null=True)
    quotum_uwv = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    quotum_gemeente = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    max_per_gemeente = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    cofinanciering_aandeel = serializers.DecimalField(
        max_digits=3, decimal_places=2, min_value=Decimal("0"), max_value=Decimal("1"), default=Decimal("0")
    )
    uwv_akkoord_na_beschikking = serializers.BooleanField(
        default=False,
        help_text="Gemeenteroute: false (standaard) = de beschikking van de gemeente is de toekenning en maakt het "
        "traject; true = UWV beslist daarna nog (status gemeente_akkoord ertussen).",
    )
    percelen = PerceelWriteSerializer(many=True, required=False)

    def validate_percelen(self, value):
        codes = [p["code"] for p in value]
        if len(codes) != len(set(codes)):
            raise serializers.ValidationError("Elke perceelcode mag maar één keer voorkomen.")
        return value

    def validate(self, attrs):
        start = attrs.get("aanvraag_vanaf", getattr(self.instance, "aanvraag_vanaf", None))
        end = attrs.get("aanvraag_tot", getattr(self.instance, "aanvraag_tot", None))
        if start and end and end < start:
            raise serializers.ValidationError({"aanvraag_tot": "De laatste aanvraagdatum ligt vóór de eerste."})
        return attrs


class RegelingFilter(django_filters.FilterSet):
    code = django_filters.CharFilter()

    class Meta:
        model = Regeling
        fields = ["code"]


class RegelingList(ListView):
    serializer_class = RegelingSerializer
    filterset_class = RegelingFilter

    def get_queryset(self):
        return selectors.regelingen_list()

    @extend_schema(request=RegelingWriteSerializer, responses={201: RegelingSerializer})
    def post(self, request):
        weigeren(permissions.regeling_beheren_weigering(request.user))
        write = RegelingWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        regeling = services.regeling_create(by=request.user, data=write.validated_data)
        return Response(RegelingSerializer(selectors.regelingen_list().get(pk=regeling.pk)).data, status=201)


class RegelingDetail(RetrieveView):
    serializer_class = RegelingSerializer

    def get_queryset(self):
        return selectors.regelingen_list()

    @extend_schema(request=RegelingWriteSerializer, responses={200: RegelingSerializer})
    def patch(self, request, uuid):
        weigeren(permissions.regeling_beheren_weigering(request.user))
        regeling = get_object_or_404(self.get_queryset(), uuid=uuid)
        write = RegelingWriteSerializer(regeling, data=request.data, partial=True)
        write.is_valid(raise_exception=True)
        if "code" in write.validated_data and write.validated_data["code"] != regeling.code:
            raise serializers.ValidationError({"code": "De code van een regeling verandert niet."})
        services.regeling_update(by=request.user, regeling=regeling, data=write.validated_data)
        return Response(RegelingSerializer(self.get_queryset().get(pk=regeling.pk)).data)


class PerceelFilter(django_filters.FilterSet):
    regeling = django_filters.CharFilter(field_name="regeling__code")
    doelgroep = django_filters.ChoiceFilter(choices=Doelgroep.choices)

    class Meta:
        model = Perceel
        fields = ["regeling", "doelgroep"]


class PerceelList(ListView):
    serializer_class = PerceelSerializer
    filterset_class = PerceelFilter

    def get_queryset(self):
        return selectors.percelen_list()


class PerceelDetail(RetrieveView):
    serializer_class = PerceelSerializer

    def get_queryset(self):
        return selectors.percelen_list()


# --- organisations ------------------------------------------------------------------------------


class GemeenteSerializer(ModelSerializer):
    class Meta:
        model = Gemeente
        fields = ["uuid", "code", "naam", "provincie", "actief_van", "actief_tot"]


class GemeenteFilter(django_filters.FilterSet):
    code = django_filters.CharFilter()
    provincie = django_filters.CharFilter()

    class Meta:
        model = Gemeente
        fields = ["code", "provincie"]


class GemeenteList(ListView):
    serializer_class = GemeenteSerializer
    filterset_class = GemeenteFilter

    def get_queryset(self):
        return selectors.gemeenten_list()


class GemeenteDetail(RetrieveView):
    serializer_class = GemeenteSerializer

    def get_queryset(self):
        return selectors.gemeenten_list()


class AanbiederSerializer(ModelSerializer):
    class Meta:
        model = Aanbieder
        fields = ["uuid", "naam", "type", "kvk_nummer", "agb_code"]


class AanbiederFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(choices=AanbiederType.choices)
    agbCode = django_filters.CharFilter(field_name="agb_code")

    class Meta:
        model = Aanbieder
        fields = ["type"]


class AanbiederList(ListView):
    serializer_class = AanbiederSerializer
    filterset_class = AanbiederFilter

    def get_queryset(self):
        return selectors.aanbieders_list()


class AanbiederDetail(RetrieveView):
    serializer_class = AanbiederSerializer

    def get_queryset(self):
        return selectors.aanbieders_list()


class TrajectbegeleiderSerializer(ModelSerializer):
    aanbieder = serializers.UUIDField(source="aanbieder.uuid", read_only=True)

    class Meta:
        model = Trajectbegeleider
        fields = ["uuid", "aanbieder", "naam", "fte", "actief"]


class TrajectbegeleiderList(ListView):
    """Not in api.md: providers need the uuids of their employment specialists to apply."""

    serializer_class = TrajectbegeleiderSerializer
    required_roles = (*roles.UWV_ROLES, roles.AANBIEDER, roles.BEHEERDER)

    def get_queryset(self):
        return selectors.trajectbegeleiders_for(self.request.user)


class RaamovereenkomstSerializer(ModelSerializer):
    aanbieder = serializers.UUIDField(source="aanbieder.uuid", read_only=True)
    perceel = serializers.CharField(source="perceel.code", read_only=True)

    class Meta:
        model = Raamovereenkomst
        fields = ["uuid", "aanbieder", "perceel", "van", "tot", "status", "reden"]


class RaamovereenkomstList(ListView):
    """Not in api.md: a provider sees its own framework contracts, UWV all."""

    serializer_class = RaamovereenkomstSerializer
    required_roles = (*roles.UWV_ROLES, roles.AANBIEDER, roles.BEHEERDER)

    def get_queryset(self):
        return selectors.raamovereenkomsten_for(self.request.user)


# --- budgets ------------------------------------------------------------------------------------


class BudgetSerializer(ModelSerializer):
    gemeente = serializers.CharField(source="gemeente.code", read_only=True)
    regeling = serializers.CharField(source="regeling.code", read_only=True)
    vrij = serializers.DecimalField(read_only=True, **MONEY)

    class Meta:
        model = Budget
        fields = ["uuid", "gemeente", "regeling", "jaar", "toegekend", "gereserveerd", "gerealiseerd", "vrij"]


class BudgetWriteSerializer(serializers.Serializer):
    gemeente = CodeField(queryset=Gemeente.objects.all())
    regeling = CodeField(queryset=Regeling.objects.all())
    jaar = serializers.IntegerField(min_value=2000, max_value=2100)
    toegekend = serializers.DecimalField(min_value=Decimal("0"), **MONEY)


class BudgetFilter(django_filters.FilterSet):
    gemeente = django_filters.CharFilter(field_name="gemeente__code")
    regeling = django_filters.CharFilter(field_name="regeling__code")
    jaar = IntegerFilter()

    class Meta:
        model = Budget
        fields = ["gemeente", "regeling", "jaar"]


class BudgetList(ListView):
    serializer_class = BudgetSerializer
    filterset_class = BudgetFilter
    required_roles = permissions.BUDGET_INZIEN

    def get_queryset(self):
        return selectors.budgetten_for(self.request.user)

    @extend_schema(request=BudgetWriteSerializer, responses={201: BudgetSerializer})
    def post(self, request):
        weigeren(permissions.budget_toekennen_weigering(request.user))
        write = BudgetWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        budget = services.budget_create(by=request.user, **write.validated_data)
        return Response(BudgetSerializer(budget).data, status=status.HTTP_201_CREATED)


class BudgetDetail(RetrieveView):
    serializer_class = BudgetSerializer
    required_roles = BudgetList.required_roles

    def get_queryset(self):
        return selectors.budgetten_for(self.request.user)


# --- fidelity audits ----------------------------------------------------------------------------


class ModeltrouwmetingSerializer(ModelSerializer):
    aanbieder = serializers.UUIDField(source="aanbieder.uuid", read_only=True)
    versie = serializers.CharField(source="versie.code", read_only=True)

    class Meta:
        model = Modeltrouwmeting
        fields = ["uuid", "aanbieder", "datum", "versie", "scores", "totaal", "band", "geregistreerd_op"]


class ModeltrouwmetingWriteSerializer(serializers.Serializer):
    aanbieder = ScopedUuidField(scope=lambda user: selectors.aanbieders_list())
    datum = serializers.DateField()
    versie = CodeField(queryset=Schaalversie.objects.all())
    scores = serializers.DictField(child=serializers.IntegerField(min_value=1, max_value=5), allow_empty=False)

    def validate_scores(self, value):
        # isascii: "²".isdigit() is True but int("²") fails (a 500, found after fuzzing)
        if not all(str(k).isascii() and str(k).isdigit() for k in value):
            raise serializers.ValidationError("De sleutels zijn itemnummers (1, 2, ...).")
        return value


class ModeltrouwmetingFilter(django_filters.FilterSet):
    aanbieder = django_filters.UUIDFilter(field_name="aanbieder__uuid")

    class Meta:
        model = Modeltrouwmeting
        fields = ["aanbieder"]


class ModeltrouwmetingList(ListView):
    serializer_class = ModeltrouwmetingSerializer
    filterset_class = ModeltrouwmetingFilter

    def get_queryset(self):
        return selectors.modeltrouwmetingen_list()

    @extend_schema(request=ModeltrouwmetingWriteSerializer, responses={201: ModeltrouwmetingSerializer})
    def post(self, request):
        weigeren(permissions.modeltrouwmeting_weigering(request.user))
        write = ModeltrouwmetingWriteSerializer(data=request.data, context={"request": request})
        write.is_valid(raise_exception=True)
        meting = services.modeltrouwmeting_register(by=request.user, **write.validated_data)
        return Response(ModeltrouwmetingSerializer(meting).data, status=status.HTTP_201_CREATED)
