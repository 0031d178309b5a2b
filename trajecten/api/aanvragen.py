"""API for applications and their decisions (api.md): submit, list, read, decide, withdraw."""

import django_filters
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from backoffice import limieten, roles
from backoffice.api import (
    BaseView,
    CodeField,
    ListView,
    ModelSerializer,
    RetrieveView,
    ScopedUuidField,
    UtcDateTimeField,
)
from backoffice.paginering import KeysetPaginering
from backoffice.rules import weigeren
from financiering import selectors as fin_selectors
from financiering.models import Perceel, Route

from .. import permissions, rules, selectors, services
from ..models import (
    Aanvraag,
    AanvraagStatus,
    Besluit,
)
from ..rules_datums import startdatum_problem
from .base import CASE_ROLES, BeoordelingWriteSerializer, PersonalDataMixin, ZaakVelden
from .trajecten import TrajectSerializer


class BesluitSerializer(ModelSerializer):
    door = serializers.CharField(source="door.username", read_only=True)
    mandaat = serializers.SerializerMethodField(
        help_text="Het mandaatbesluit waarop de beschikking van de gemeente rust (naam en vindplaats); null bij "
        "UWV en bij beschikkingen van vóór de registratie van mandaten."
    )
    ondertekening = serializers.CharField(
        read_only=True, help_text="Namens wie, krachtens welk mandaat en door wie besloten is (domain.md 6)."
    )

    class Meta:
        model = Besluit
        fields = [
            "uuid",
            "stap",
            "besluit",
            "toelichting",
            "cofinanciering_bevestigd",
            "door",
            "mandaat",
            "ondertekening",
            "op",
        ]

    def get_mandaat(self, besluit) -> str | None:
        return besluit.mandaat.verwijzing if besluit.mandaat_id else None


class AanvraagSerializer(PersonalDataMixin, ZaakVelden, ModelSerializer):
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
        return rules.wachttijd_dagen(aanvraag.ingediend_op, aanvraag.afgehandeld_op)


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
        # the service's rule (trajecten.rules_datums), here too for one 400 with every field
        if problem := startdatum_problem(value, timezone.localdate()):
            raise serializers.ValidationError(problem[1])
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
    pagination_class = KeysetPaginering
    serializer_class = AanvraagSerializer
    filterset_class = AanvraagFilter
    required_roles = CASE_ROLES

    def get_queryset(self):
        return _aanvragen(self.request.user).order_by("-id")

    @extend_schema(request=AanvraagWriteSerializer, responses={201: AanvraagSerializer})
    def post(self, request):
        weigeren(permissions.aanbieder_weigering(request.user))
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


class AanvraagBeoordeling(BaseView):
    serializer_class = BesluitSerializer
    required_roles = (roles.GEMEENTE, roles.UWV_BEOORDELAAR)

    @extend_schema(request=BeoordelingWriteSerializer, responses={201: BesluitSerializer})
    def post(self, request, uuid):
        aanvraag = get_object_or_404(selectors.aanvragen_for(request.user), uuid=uuid)
        write = BeoordelingWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        aanvraag, traject = services.aanvraag_decide(by=request.user, aanvraag=aanvraag, **write.validated_data)
        besluit = (
            aanvraag.besluiten.select_related("door", "mandaat__samenwerkingsverband", "aanvraag__gemeente")
            .order_by("-id")
            .first()
        )
        body = BesluitSerializer(besluit).data
        context = self.get_serializer_context()
        body["aanvraag"] = AanvraagSerializer(_aanvragen(request.user).get(pk=aanvraag.pk), context=context).data
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
