"""API for participants, applications, decisions and trajectories (api.md)."""

import re
from datetime import datetime
from decimal import Decimal

import django_filters
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from backoffice import limieten, roles
from backoffice.api import (
    BaseView,
    CodeField,
    IntegerFilter,
    ListView,
    ModelSerializer,
    RetrieveView,
    ScopedUuidField,
    UtcDateTimeField,
)
from financiering import selectors as fin_selectors
from financiering.models import Doelgroep, Gemeente, Perceel, Route

from . import rules, selectors, services
from .models import (
    Aanvraag,
    AanvraagStatus,
    Besluit,
    BesluitUitkomst,
    BurgerlijkeStaat,
    Deelnemer,
    Diagnosegroep,
    Eindverslag,
    EindverslagUitkomst,
    Geslacht,
    Opleiding,
    Plaatsing,
    PlaatsingContractsoort,
    Stopbericht,
    StopberichtReden,
    Traject,
    TrajectStatus,
    Uitkering,
    Verlenging,
)
from .validators import clean_bsn

CASE_ROLES = (*roles.UWV_ROLES, roles.GEMEENTE, roles.AANBIEDER)


def _user(serializer) -> object:
    return serializer.context["request"].user


def _viewer(serializer):
    """The user the answer is for; without a request in the context nobody (nothing personal)."""
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class PersonalDataMixin:
    """Leaves out of the answer the participant's fields the user may not see
    (``selectors.personal_fields_for``, docs/privacy.md). ``PERSONAL`` lists this serializer's
    fields that are personal; ``deelnemer`` (a link to the person) is null when none may be seen."""

    PERSONAL: frozenset[str] = selectors.PERSOONSVELDEN

    def to_representation(self, instance):
        data = super().to_representation(instance)
        allowed = selectors.personal_fields_for(_viewer(self), instance)
        for name in self.PERSONAL - allowed:
            data.pop(name, None)
        if not allowed and "deelnemer" in data:
            data["deelnemer"] = None
        return data


# --- participants -------------------------------------------------------------------------------


class BsnField(serializers.CharField):
    """Write: 9 digits that pass the eleven-test. Never read back in full."""

    def to_internal_value(self, data):
        from django.core.exceptions import ValidationError as DjangoValidationError

        try:
            return clean_bsn(super().to_internal_value(data))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages[0], code="ongeldig-bsn") from exc


class DeelnemerSerializer(PersonalDataMixin, ModelSerializer):
    bsn = BsnField(write_only=True)
    bsn_gemaskeerd = serializers.CharField(read_only=True)
    gemeente = CodeField(queryset=Gemeente.objects.all())
    aanbieder = serializers.UUIDField(source="aanbieder.uuid", read_only=True)

    class Meta:
        model = Deelnemer
        fields = [
            "uuid",
            "bsn",
            "bsn_gemaskeerd",
            "voorletters",
            "achternaam",
            "geboortedatum",
            "gemeente",
            "uitkering",
            "doelgroep",
            "hoofddiagnosegroep",
            "opleiding",
            "werkervaring_jaren",
            "geslacht",
            "burgerlijke_staat",
            "aanbieder",
            "aangemaakt_op",
        ]
        read_only_fields = ["uuid", "aangemaakt_op"]
        extra_kwargs = {
            "uitkering": {"choices": Uitkering.choices},
            "doelgroep": {"choices": Doelgroep.choices},
            "hoofddiagnosegroep": {"choices": Diagnosegroep.choices},
            "opleiding": {"choices": Opleiding.choices},
            "geslacht": {"choices": Geslacht.choices},
            "burgerlijke_staat": {"choices": BurgerlijkeStaat.choices},
        }

    def validate_geboortedatum(self, value):
        if value >= timezone.localdate():
            raise serializers.ValidationError("De geboortedatum ligt niet in het verleden.")
        if value.year < 1900:
            raise serializers.ValidationError("De geboortedatum ligt vóór 1900.")
        return value

    def validate_werkervaring_jaren(self, value):
        if value is not None and value > 60:
            raise serializers.ValidationError("Ten hoogste 60 jaar werkervaring.")
        return value


class DeelnemerZoekSerializer(serializers.Serializer):
    bsn = BsnField()


class DeelnemerList(ListView):
    serializer_class = DeelnemerSerializer
    required_roles = CASE_ROLES

    def get_queryset(self):
        return selectors.deelnemers_for(self.request.user).order_by("id")

    def post(self, request):
        roles.require_role(request.user, roles.AANBIEDER)
        write = self.get_serializer(data=request.data)
        write.is_valid(raise_exception=True)
        deelnemer = services.deelnemer_create(by=request.user, **write.validated_data)
        return Response(self.get_serializer(deelnemer).data, status=status.HTTP_201_CREATED)


class DeelnemerZoek(BaseView):
    """Search by BSN in the body, never in the URL (api.md)."""

    serializer_class = DeelnemerSerializer
    required_roles = CASE_ROLES
    queryset = Deelnemer.objects.none()  # for the schema; the search scopes itself

    @extend_schema(request=DeelnemerZoekSerializer, responses={200: DeelnemerSerializer(many=True)})
    def post(self, request):
        query = DeelnemerZoekSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        found = services.deelnemer_search(by=request.user, bsn=query.validated_data["bsn"], kanaal="api")
        return self.paginated(found)


class DeelnemerDetail(RetrieveView):
    serializer_class = DeelnemerSerializer
    required_roles = CASE_ROLES

    def get_queryset(self):
        return selectors.deelnemers_for(self.request.user)


# --- applications -------------------------------------------------------------------------------


class BesluitSerializer(ModelSerializer):
    door = serializers.CharField(source="door.username", read_only=True)

    class Meta:
        model = Besluit
        fields = ["uuid", "stap", "besluit", "toelichting", "cofinanciering_bevestigd", "door", "op"]


class AanvraagSerializer(PersonalDataMixin, ModelSerializer):
    deelnemer = serializers.UUIDField(
        source="deelnemer.uuid", read_only=True, allow_null=True, help_text="null: de persoon is voor u afgeschermd"
    )
    aanbieder = serializers.UUIDField(source="aanbieder.uuid", read_only=True)
    uitvoerder = serializers.UUIDField(source="uitvoerder.uuid", read_only=True, allow_null=True)
    perceel = serializers.CharField(source="perceel.code", read_only=True)
    regeling = serializers.CharField(source="regeling.code", read_only=True)
    gemeente = serializers.CharField(source="gemeente.code", read_only=True)
    trajectbegeleider = serializers.UUIDField(source="trajectbegeleider.uuid", read_only=True, allow_null=True)
    besluiten = BesluitSerializer(many=True, read_only=True)
    traject = serializers.SerializerMethodField()
    wachttijd_dagen = serializers.SerializerMethodField()
    toestemming_op = serializers.DateField(
        read_only=True, allow_null=True, help_text="null alleen bij aanvragen van vóór de registratie van toestemming"
    )
    toestemming_geregistreerd_door = serializers.CharField(
        source="toestemming_geregistreerd_door.username", read_only=True, allow_null=True
    )
    toestemming_geregistreerd_op = UtcDateTimeField(read_only=True, allow_null=True)
    samenloop = serializers.SerializerMethodField(
        help_text="Alleen voor gemeente en UWV (de financier): loopt voor deze deelnemer elders al een actief "
        "traject of een eerdere open aanvraag? Dan weigert goedkeuren met dubbel-traject. Voor een aanbieder is "
        "de lijst altijd leeg (domain.md 12: een aanbieder leert niets over een deelnemer van een ander)."
    )

    class Meta:
        model = Aanvraag
        fields = [
            "uuid",
            "status",
            "route",
            "deelnemer",
            "aanbieder",
            "uitvoerder",
            "regeling",
            "perceel",
            "gemeente",
            "regiebehandelaar",
            "trajectbegeleider",
            "gewenste_startdatum",
            "in_behandeling_sggz",
            "wens_betaald_werk",
            "geen_of_klein_dienstverband",
            "behandelduur_maanden",
            "toestemming_op",
            "toestemming_geregistreerd_door",
            "toestemming_geregistreerd_op",
            "toestemming_voor_loket",
            "bedrag",
            "waarschuwingen",
            "ingediend_op",
            "beslis_deadline",
            "afgehandeld_op",
            "wachttijd_dagen",
            "besluiten",
            "traject",
            "samenloop",
        ]

    def get_samenloop(self, aanvraag) -> list[str]:
        request = self.context.get("request")
        if request is None or not selectors.is_financier(request.user):
            return []  # always empty for a provider: the same answer for a known and an unknown BSN
        return selectors.samenloop(aanvraag)

    def get_traject(self, aanvraag) -> str | None:
        traject = getattr(aanvraag, "traject", None) if aanvraag.status == "goedgekeurd" else None
        return str(traject.uuid) if traject else None

    def get_wachttijd_dagen(self, aanvraag) -> int | None:
        """Waiting time from submission to the final decision (or until now): what made clients drop out."""
        if not aanvraag.ingediend_op:
            return None
        end: datetime = aanvraag.afgehandeld_op or timezone.now()
        return (timezone.localtime(end).date() - timezone.localtime(aanvraag.ingediend_op).date()).days


class ToestemmingField(serializers.DateField):
    """The date the participant signed the application: required, not in the future, each
    refusal with its own code (``toestemming-ontbreekt``, ``toestemming-in-toekomst``)."""

    def validate_empty_values(self, data):
        if data is serializers.empty or data is None or data == "":
            code, message = rules.toestemming_problem(None, timezone.localdate())
            raise serializers.ValidationError(message, code=code)
        return super().validate_empty_values(data)

    def to_internal_value(self, value):
        value = super().to_internal_value(value)
        problem = rules.toestemming_problem(value, timezone.localdate())
        if problem:
            raise serializers.ValidationError(problem[1], code=problem[0])
        return value


class AanvraagWriteSerializer(serializers.Serializer):
    deelnemer = ScopedUuidField(scope=selectors.deelnemers_for)
    perceel = CodeField(queryset=Perceel.objects.select_related("regeling"))
    regiebehandelaar = serializers.CharField(max_length=limieten.NAAM)
    trajectbegeleider = ScopedUuidField(scope=fin_selectors.trajectbegeleiders_for, required=False, allow_null=True)
    uitvoerder = ScopedUuidField(scope=lambda user: fin_selectors.aanbieders_list(), required=False, allow_null=True)
    gewenste_startdatum = serializers.DateField(required=False, allow_null=True)
    in_behandeling_sggz = serializers.BooleanField()
    wens_betaald_werk = serializers.BooleanField()
    geen_of_klein_dienstverband = serializers.BooleanField()
    behandelduur_maanden = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=600)
    toestemming_op = ToestemmingField(help_text="Datum waarop de deelnemer de aanvraag (toestemming) tekende")

    def validate_gewenste_startdatum(self, value):
        if value is not None and value < timezone.localdate():
            raise serializers.ValidationError("De gewenste startdatum ligt in het verleden.")
        return value


class AanvraagFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AanvraagStatus.choices)
    route = django_filters.ChoiceFilter(choices=Route.choices)
    perceel = django_filters.CharFilter(field_name="perceel__code")
    regeling = django_filters.CharFilter(field_name="regeling__code")
    gemeente = django_filters.CharFilter(field_name="gemeente__code")
    aanbieder = django_filters.UUIDFilter(field_name="aanbieder__uuid")

    class Meta:
        model = Aanvraag
        fields = ["status", "route", "perceel", "regeling", "gemeente", "aanbieder"]


def _aanvragen(user):
    """The applications of the list and detail: for a funder with the samenloop (two EXISTS)."""
    qs = selectors.aanvragen_for(user).select_related("traject")
    return selectors.with_samenloop(qs) if selectors.is_financier(user) else qs


class AanvraagList(ListView):
    serializer_class = AanvraagSerializer
    filterset_class = AanvraagFilter
    required_roles = CASE_ROLES

    def get_queryset(self):
        return _aanvragen(self.request.user).order_by("-id")

    @extend_schema(request=AanvraagWriteSerializer, responses={201: AanvraagSerializer})
    def post(self, request):
        roles.require_role(request.user, roles.AANBIEDER)
        write = AanvraagWriteSerializer(data=request.data, context=self.get_serializer_context())
        write.is_valid(raise_exception=True)
        aanvraag = services.aanvraag_submit(by=request.user, **write.validated_data)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=aanvraag.pk)).data, status=status.HTTP_201_CREATED
        )


class AanvraagDetail(RetrieveView):
    serializer_class = AanvraagSerializer
    required_roles = CASE_ROLES

    def get_queryset(self):
        return _aanvragen(self.request.user)


class BeoordelingWriteSerializer(serializers.Serializer):
    besluit = serializers.ChoiceField(choices=BesluitUitkomst.choices)
    toelichting = serializers.CharField(required=False, allow_blank=True, default="", max_length=limieten.TOELICHTING)

    def validate(self, attrs):
        if attrs["besluit"] == "afgewezen" and not attrs["toelichting"].strip():
            raise serializers.ValidationError({"toelichting": "Een afwijzing vraagt een toelichting."})
        return attrs


class AanvraagBeoordeling(BaseView):
    serializer_class = BesluitSerializer
    required_roles = (roles.GEMEENTE, roles.UWV_BEOORDELAAR)

    @extend_schema(request=BeoordelingWriteSerializer, responses={201: BesluitSerializer})
    def post(self, request, uuid):
        aanvraag = get_object_or_404(selectors.aanvragen_for(request.user), uuid=uuid)
        write = BeoordelingWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        aanvraag, traject = services.aanvraag_decide(by=request.user, aanvraag=aanvraag, **write.validated_data)
        besluit = aanvraag.besluiten.select_related("door").order_by("-id").first()
        body = BesluitSerializer(besluit).data
        context = self.get_serializer_context()
        body["aanvraag"] = AanvraagSerializer(
            _aanvragen(request.user).get(pk=aanvraag.pk), context=context
        ).data
        body["traject"] = (
            TrajectSerializer(selectors.trajecten_for(request.user).get(pk=traject.pk), context=context).data
            if traject
            else None
        )
        return Response(body, status=status.HTTP_201_CREATED)


class IntrekkingWriteSerializer(serializers.Serializer):
    toelichting = serializers.CharField(required=False, allow_blank=True, default="", max_length=limieten.TOELICHTING)


class AanvraagIntrekking(BaseView):
    serializer_class = AanvraagSerializer
    required_roles = (roles.AANBIEDER,)

    @extend_schema(request=IntrekkingWriteSerializer, responses={201: AanvraagSerializer})
    def post(self, request, uuid):
        aanvraag = get_object_or_404(selectors.aanvragen_for(request.user), uuid=uuid)
        write = IntrekkingWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        services.aanvraag_withdraw(by=request.user, aanvraag=aanvraag, **write.validated_data)
        return Response(
            self.get_serializer(selectors.aanvragen_for(request.user).get(pk=aanvraag.pk)).data,
            status=status.HTTP_201_CREATED,
        )


# --- trajectories -------------------------------------------------------------------------------


class PlaatsingSerializer(ModelSerializer):
    regulier_betaald_werk = serializers.BooleanField(read_only=True)
    loonondersteuning = serializers.ListField(
        child=serializers.ChoiceField(choices=[(c, c) for c in Plaatsing.LOONONDERSTEUNING]), required=False
    )
    aandoening_bekend_bij_werkgever = serializers.BooleanField(
        allow_null=True,
        help_text="Heeft de deelnemer de werkgever over de aandoening verteld? Verplicht (true of false) bij "
        "een nieuwe plaatsing; null alleen bij plaatsingen van vóór deze vraag.",
    )

    class Meta:
        model = Plaatsing
        fields = [
            "uuid",
            "werkgever",
            "startdatum",
            "einddatum",
            "uren_per_week",
            "contractsoort",
            "vast",
            "minimumloon_of_meer",
            "proefplaatsing",
            "loonondersteuning",
            "sector",
            "aandoening_bekend_bij_werkgever",
            "regulier_betaald_werk",
        ]
        read_only_fields = ["uuid"]
        extra_kwargs = {
            "contractsoort": {"choices": PlaatsingContractsoort.choices},
            "uren_per_week": {"min_value": Decimal("0.1"), "max_value": Decimal("60")},
            "sector": {"help_text": "SBI-code: een letter (A-U) of 2 tot 5 cijfers"},
        }

    def validate_sector(self, value):
        import re

        if value and not re.fullmatch(r"[A-U]|\d{2,5}", value):
            raise serializers.ValidationError("Een SBI-code is een letter A-U of 2 tot 5 cijfers.")
        return value

    def validate_loonondersteuning(self, value):
        return sorted(set(value))

    def validate_aandoening_bekend_bij_werkgever(self, value):
        if value is None:
            raise serializers.ValidationError(
                "Geef aan of de deelnemer de werkgever over zijn of haar aandoening heeft verteld (true of false).",
                code="openheid-werkgever-ontbreekt",
            )
        return value

    def validate(self, attrs):
        proef = attrs.get("proefplaatsing", getattr(self.instance, "proefplaatsing", False))
        loon = attrs.get("minimumloon_of_meer", getattr(self.instance, "minimumloon_of_meer", False))
        if proef and loon:
            raise serializers.ValidationError(
                {"proefplaatsing": "Een proefplaatsing is onbetaald: minimumloonOfMeer kan dan niet waar zijn."}
            )
        start = attrs.get("startdatum", getattr(self.instance, "startdatum", None))
        end = attrs.get("einddatum", getattr(self.instance, "einddatum", None))
        if start and end and end < start:
            raise serializers.ValidationError({"einddatum": "De einddatum ligt vóór de startdatum."})
        return attrs


class VerlengingSerializer(ModelSerializer):
    aangevraagd_door = serializers.CharField(source="aangevraagd_door.username", read_only=True)
    besluit_door = serializers.CharField(source="besluit_door.username", read_only=True, allow_null=True)

    class Meta:
        model = Verlenging
        fields = [
            "uuid",
            "maanden",
            "toelichting",
            "bedrag",
            "status",
            "aangevraagd_door",
            "aangevraagd_op",
            "besluit_door",
            "besluit_op",
            "besluit_toelichting",
        ]
        read_only_fields = ["uuid", "bedrag", "status", "aangevraagd_op", "besluit_op", "besluit_toelichting"]
        extra_kwargs = {"maanden": {"min_value": 1, "max_value": 36}}


class StopberichtSerializer(ModelSerializer):
    class Meta:
        model = Stopbericht
        fields = ["uuid", "einddatum", "reden", "toelichting", "op"]
        read_only_fields = ["uuid", "op"]
        extra_kwargs = {"reden": {"choices": StopberichtReden.choices}}


class EindverslagSerializer(ModelSerializer):
    class Meta:
        model = Eindverslag
        fields = ["uuid", "uitkomst", "toelichting", "uren_besteed", "vrijgevallen_bedrag", "op"]
        read_only_fields = ["uuid", "vrijgevallen_bedrag", "op"]
        extra_kwargs = {"uitkomst": {"choices": EindverslagUitkomst.choices}, "uren_besteed": {"max_value": 10000}}


class TrajectSerializer(PersonalDataMixin, ModelSerializer):
    aanvraag = serializers.UUIDField(source="aanvraag.uuid", read_only=True)
    deelnemer = serializers.UUIDField(
        source="deelnemer.uuid", read_only=True, allow_null=True, help_text="null: de persoon is voor u afgeschermd"
    )
    aanbieder = serializers.UUIDField(source="aanbieder.uuid", read_only=True)
    uitvoerder = serializers.UUIDField(source="uitvoerder.uuid", read_only=True, allow_null=True)
    perceel = serializers.CharField(source="perceel.code", read_only=True)
    regeling = serializers.CharField(source="regeling.code", read_only=True)
    gemeente = serializers.CharField(source="gemeente.code", read_only=True)
    trajectbegeleider = serializers.UUIDField(source="trajectbegeleider.uuid", read_only=True, allow_null=True)
    maximaal_bedrag = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True)
    plaatsingen = PlaatsingSerializer(many=True, read_only=True)
    verlengingen = VerlengingSerializer(many=True, read_only=True)
    aangemaakt_op = UtcDateTimeField(read_only=True)

    class Meta:
        model = Traject
        fields = [
            "uuid",
            "toewijzing_nummer",
            "status",
            "startdatum",
            "einddatum_gepland",
            "einddatum",
            "verlengd_maanden",
            "aanvraag",
            "deelnemer",
            "aanbieder",
            "uitvoerder",
            "regeling",
            "perceel",
            "route",
            "gemeente",
            "trajectbegeleider",
            "trajectprijs",
            "verlenging_bedrag",
            "maximaal_bedrag",
            "gedeclareerd",
            "betaald",
            "plaatsingen",
            "verlengingen",
            "aangemaakt_op",
        ]


class TrajectFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=TrajectStatus.choices)
    perceel = django_filters.CharFilter(field_name="perceel__code")
    aanbieder = django_filters.UUIDFilter(field_name="aanbieder__uuid")
    gemeente = django_filters.CharFilter(field_name="gemeente__code")
    route = django_filters.ChoiceFilter(choices=Route.choices)
    eindigtVoor = django_filters.DateFilter(field_name="einddatum_gepland", lookup_expr="lt")
    toewijzingNummer = IntegerFilter(field_name="toewijzing_nummer", min_value=1)

    class Meta:
        model = Traject
        fields = ["status", "perceel", "aanbieder", "gemeente", "route"]


class TrajectList(ListView):
    serializer_class = TrajectSerializer
    filterset_class = TrajectFilter
    required_roles = CASE_ROLES

    def get_queryset(self):
        return (
            selectors.trajecten_for(self.request.user)
            .select_related("aanvraag", "deelnemer")
            .order_by("toewijzing_nummer")
        )


class TrajectDetail(RetrieveView):
    serializer_class = TrajectSerializer
    required_roles = CASE_ROLES

    def get_queryset(self):
        return selectors.trajecten_for(self.request.user).select_related("aanvraag", "deelnemer")


class _TrajectChild(BaseView):
    required_roles = CASE_ROLES

    def traject(self, uuid) -> Traject:
        return get_object_or_404(selectors.trajecten_for(self.request.user), uuid=uuid)


class _ProviderCreate(_TrajectChild):
    """POST of something the provider registers on its trajectory, through ``create``, a service
    called as ``create(by=user, traject=traject, **validated_data)``."""

    create = None

    def post(self, request, uuid):
        roles.require_role(request.user, roles.AANBIEDER)
        traject = self.traject(uuid)
        write = self.get_serializer(data=request.data)
        write.is_valid(raise_exception=True)
        created = type(self).create(by=request.user, traject=traject, **write.validated_data)
        return Response(self.get_serializer(created).data, status=status.HTTP_201_CREATED)


class _TrajectChildList(mixins.ListModelMixin, _ProviderCreate):
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


class VerlengingList(_TrajectChildList):
    serializer_class = VerlengingSerializer
    create = staticmethod(services.verlenging_request)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Verlenging.objects.none()
        traject = self.traject(self.kwargs["uuid"])
        return traject.verlengingen.select_related("aangevraagd_door", "besluit_door").order_by("id")


class VerlengingBeoordeling(_TrajectChild):
    serializer_class = VerlengingSerializer
    required_roles = (roles.GEMEENTE, roles.UWV_BEOORDELAAR)

    @extend_schema(request=BeoordelingWriteSerializer, responses={201: VerlengingSerializer})
    def post(self, request, uuid, verlenging_uuid):
        traject = self.traject(uuid)
        verlenging = get_object_or_404(traject.verlengingen.all(), uuid=verlenging_uuid)
        write = BeoordelingWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        verlenging = services.verlenging_decide(by=request.user, verlenging=verlenging, **write.validated_data)
        return Response(self.get_serializer(verlenging).data, status=status.HTTP_201_CREATED)


class PlaatsingList(_TrajectChildList):
    serializer_class = PlaatsingSerializer
    create = staticmethod(services.plaatsing_create)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Plaatsing.objects.none()
        return self.traject(self.kwargs["uuid"]).plaatsingen.order_by("startdatum", "id")


class PlaatsingDetail(_TrajectChild):
    serializer_class = PlaatsingSerializer

    def get(self, request, uuid, plaatsing_uuid):
        return Response(
            self.get_serializer(get_object_or_404(self.traject(uuid).plaatsingen, uuid=plaatsing_uuid)).data
        )

    def patch(self, request, uuid, plaatsing_uuid):
        roles.require_role(request.user, roles.AANBIEDER)
        plaatsing = get_object_or_404(self.traject(uuid).plaatsingen, uuid=plaatsing_uuid)
        write = self.get_serializer(plaatsing, data=request.data, partial=True)
        write.is_valid(raise_exception=True)
        plaatsing = services.plaatsing_update(by=request.user, plaatsing=plaatsing, **write.validated_data)
        return Response(self.get_serializer(plaatsing).data)


class StopberichtCreate(_ProviderCreate):
    serializer_class = StopberichtSerializer
    create = staticmethod(services.traject_stop)


def personal_fields_optional(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOKS entry (after camelizing): a participant's personal
    fields are left out for a role that may not see them (docs/privacy.md), so the answer's
    schema must not call them required."""
    personal = {re.sub(r"_([a-z])", lambda m: m.group(1).upper(), name) for name in selectors.PERSOONSVELDEN}
    component = result.get("components", {}).get("schemas", {}).get("Deelnemer")
    if component and "required" in component:
        component["required"] = [name for name in component["required"] if name not in personal]
        component["description"] = (
            "Persoonsgegevens (naam, BSN gemaskeerd, geboortedatum, diagnose, kenmerken) staan er alleen in "
            "voor wie ze voor zijn taak mag zien (docs/privacy.md)."
        )
    return result
