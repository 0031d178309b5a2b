"""API for fidelity audits and employment specialists (api.md; docs/api-aanvullingen.md): split from
``financiering.api``, which passes the views on to ``backoffice/urls.py``."""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from backoffice import roles
from backoffice.api import CodeField, ListView, ModelSerializer, RetrieveView, ScopedUuidField
from backoffice.rules import weigeren

from . import permissions, rules, selectors, services
from .models import Modeltrouwmeting, Schaalversie, Trajectbegeleider

# --- a starting provider's implementation plan ---------------------------------------------------


class ImplementatieplanSerializer(serializers.Serializer):
    aanbieder = serializers.UUIDField(source="uuid", read_only=True)
    implementatieplan_goedgekeurd_op = serializers.DateField(allow_null=True)
    implementatie_start = serializers.DateField(allow_null=True)


class ImplementatieplanDetail(RetrieveView):
    """Not in api.md: Phrenos records the approval of a provider's implementation plan and the start
    of its implementation; everyone reads it (organisations, no personal data)."""

    serializer_class = ImplementatieplanSerializer

    def get_queryset(self):
        return selectors.aanbieders_list()

    @extend_schema(request=ImplementatieplanSerializer, responses={200: ImplementatieplanSerializer})
    def put(self, request, uuid):
        weigeren(permissions.implementatieplan_weigering(request.user))
        aanbieder = get_object_or_404(self.get_queryset(), uuid=uuid)
        write = ImplementatieplanSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        aanbieder = services.implementatieplan_registreren(
            by=request.user,
            aanbieder=aanbieder,
            goedgekeurd_op=write.validated_data["implementatieplan_goedgekeurd_op"],
            implementatie_start=write.validated_data["implementatie_start"],
        )
        return Response(ImplementatieplanSerializer(aanbieder).data)


# --- employment specialists ---------------------------------------------------------------------


class TrajectbegeleiderSerializer(ModelSerializer):
    aanbieder = serializers.UUIDField(source="aanbieder.uuid", read_only=True)

    class Meta:
        model = Trajectbegeleider
        fields = ["uuid", "aanbieder", "naam", "fte", "actief", "clienten_elders"]


class TrajectbegeleiderWriteSerializer(serializers.Serializer):
    clienten_elders = serializers.IntegerField(min_value=0, max_value=32767)


class TrajectbegeleiderList(ListView):
    """Not in api.md: providers need the uuids of their employment specialists to apply."""

    serializer_class = TrajectbegeleiderSerializer
    required_roles = (*roles.UWV_ROLES, roles.AANBIEDER, roles.BEHEERDER)

    def get_queryset(self):
        return selectors.trajectbegeleiders_for(self.request.user)


class TrajectbegeleiderDetail(RetrieveView):
    """Not in api.md: one employment specialist; its provider sets ``clientenElders`` (IPS clients
    funded elsewhere, counted in the caseload norm, domain.md 3)."""

    serializer_class = TrajectbegeleiderSerializer
    required_roles = TrajectbegeleiderList.required_roles

    def get_queryset(self):
        return selectors.trajectbegeleiders_for(self.request.user)

    @extend_schema(request=TrajectbegeleiderWriteSerializer, responses={200: TrajectbegeleiderSerializer})
    def patch(self, request, uuid):
        weigeren(permissions.trajectbegeleider_wijzigen_weigering(request.user))
        begeleider = get_object_or_404(self.get_queryset(), uuid=uuid)
        write = TrajectbegeleiderWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        begeleider = services.trajectbegeleider_clienten_elders(
            by=request.user, begeleider=begeleider, aantal=write.validated_data["clienten_elders"]
        )
        return Response(TrajectbegeleiderSerializer(begeleider).data)


# --- fidelity audits ----------------------------------------------------------------------------


class ModeltrouwmetingSerializer(ModelSerializer):
    aanbieder = serializers.UUIDField(source="aanbieder.uuid", read_only=True)
    versie = serializers.CharField(source="versie.code", read_only=True)
    band = serializers.SerializerMethodField()
    indeling = serializers.SerializerMethodField()
    consensus_scores = serializers.JSONField(source="scores", read_only=True)

    class Meta:
        model = Modeltrouwmeting
        fields = [
            "uuid",
            "aanbieder",
            "datum",
            "versie",
            "auditor_1",
            "auditor_2",
            "scores_auditor_1",
            "scores_auditor_2",
            "consensus_scores",
            "scores",
            "totaal",
            "band",
            "indeling",
            "geregistreerd_op",
        ]

    def get_band(self, meting) -> str | None:
        """The band's code; null for a scale version without bands (not banded, never valid)."""
        return meting.band or None

    def get_indeling(self, meting) -> str:
        """The band in words, or that the audit is not banded."""
        return meting.band.replace("_", " ") if meting.band else rules.NIET_INGEDEELD


class ScoresField(serializers.DictField):
    child = serializers.IntegerField(min_value=1, max_value=5)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        # isascii: "²".isdigit() is True but int("²") fails (a 500, found after fuzzing)
        if not all(str(k).isascii() and str(k).isdigit() for k in value):
            raise serializers.ValidationError("De sleutels zijn itemnummers (1, 2, ...).")
        return value


class ModeltrouwmetingWriteSerializer(serializers.Serializer):
    """``consensusScores`` (or, as before, ``scores``) give total and band; the two auditors and
    their own item scores are optional for older clients (docs/api-aanvullingen.md)."""

    aanbieder = ScopedUuidField(scope=lambda user: selectors.aanbieders_list())
    datum = serializers.DateField()
    versie = CodeField(queryset=Schaalversie.objects.all())
    scores = ScoresField(allow_empty=False, required=False)
    consensus_scores = ScoresField(allow_empty=False, required=False)
    # ``auditor1``: the API keeps no underscore before a number (JSON_UNDERSCOREIZE)
    auditor1 = serializers.CharField(source="auditor_1", max_length=200, required=False, allow_blank=True)
    auditor2 = serializers.CharField(source="auditor_2", max_length=200, required=False, allow_blank=True)
    scores_auditor1 = ScoresField(source="scores_auditor_1", allow_empty=False, required=False)
    scores_auditor2 = ScoresField(source="scores_auditor_2", allow_empty=False, required=False)

    def validate(self, attrs):
        if "scores" not in attrs and "consensus_scores" not in attrs:
            raise serializers.ValidationError({"consensus_scores": "De consensusscores zijn verplicht."})
        return attrs


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
