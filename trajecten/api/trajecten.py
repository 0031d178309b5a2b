"""API for trajectories (api.md): list, read, and the stop message; the end report's serializer
(its view is in declaraties.api.eindverslagen: the end report settles the money)."""

import django_filters
from rest_framework import serializers

from backoffice.api import (
    IntegerFilter,
    ListView,
    ModelSerializer,
    RetrieveView,
    UtcDateTimeField,
)
from backoffice.paginering import RijenLijst
from financiering.models import Route

from .. import selectors, services
from ..models import (
    Eindverslag,
    EindverslagUitkomst,
    Stopbericht,
    StopberichtReden,
    Traject,
    TrajectStatus,
)
from . import lijstrijen
from .base import CASE_ROLES, PersonalDataMixin, ZaakVelden, _ProviderCreate
from .plaatsingen import PlaatsingSerializer
from .verlengingen import VerlengingSerializer


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


class TrajectSerializer(PersonalDataMixin, ZaakVelden, ModelSerializer):
    aanvraag = serializers.UUIDField(source="aanvraag.uuid", read_only=True)
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


class TrajectList(RijenLijst, ListView):
    serializer_class = TrajectSerializer
    filterset_class = TrajectFilter
    required_roles = CASE_ROLES
    lezer = staticmethod(lijstrijen.rijen_voor)  # the page in one SQL query (issue 13)

    def get_queryset(self):
        return (
            selectors.trajecten_for(self.request.user)
            .select_related("aanvraag", "deelnemer")
            .order_by("toewijzing_nummer")
        )

    def pagina(self, rows):
        return lijstrijen.pagina(rows, self.request.user)


class TrajectDetail(RetrieveView):
    serializer_class = TrajectSerializer
    required_roles = CASE_ROLES

    def get_queryset(self):
        return selectors.trajecten_for(self.request.user).select_related("aanvraag", "deelnemer")


class StopberichtCreate(_ProviderCreate):
    serializer_class = StopberichtSerializer
    create = staticmethod(services.traject_stop)
