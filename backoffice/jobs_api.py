"""API for what the jobs did: signals (``/signalen``), job runs (``/taakruns``) and the e-mails a
user received (``/notificaties``). Read-only; every list scoped through ``selectors``."""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import roles, selectors
from .api import ListView, ModelSerializer, RetrieveView
from .models import Notificatie, Signaal, SignaalObject, SignaalSoort, TaakNaam, Taakrun


def _object_field(object_type: str):
    @extend_schema_field(OpenApiTypes.UUID)
    class _Field(serializers.Field):
        def __init__(self, **kwargs):
            kwargs.update(source="*", read_only=True, allow_null=True)
            super().__init__(**kwargs)

        def to_representation(self, signaal):
            return str(signaal.object_uuid) if signaal.object_type == object_type else None

    return _Field()


class SignaalSerializer(ModelSerializer):
    traject = _object_field(SignaalObject.TRAJECT)
    aanvraag = _object_field(SignaalObject.AANVRAAG)
    aanbieder = _object_field(SignaalObject.AANBIEDER)
    trajectbegeleider = _object_field(SignaalObject.TRAJECTBEGELEIDER)
    budget = _object_field(SignaalObject.BUDGET)
    vordering = _object_field(SignaalObject.VORDERING)

    class Meta:
        model = Signaal
        fields = [
            "uuid",
            "soort",
            "traject",
            "aanvraag",
            "aanbieder",
            "trajectbegeleider",
            "budget",
            "vordering",
            "omschrijving",
            "deadline",
            "afgehandeld",
            "afgehandeld_op",
            "gesignaleerd_op",
            "aangemaakt_op",
        ]


class SignaalFilter(django_filters.FilterSet):
    soort = django_filters.ChoiceFilter(choices=SignaalSoort.choices)
    afgehandeld = django_filters.BooleanFilter()

    class Meta:
        model = Signaal
        fields = ["soort", "afgehandeld"]


class SignaalList(ListView):
    serializer_class = SignaalSerializer
    filterset_class = SignaalFilter
    required_roles = (*roles.CASE_ROLES, roles.BEHEERDER)

    def get_queryset(self):
        return selectors.signalen_for(self.request.user)


class SignaalDetail(RetrieveView):
    serializer_class = SignaalSerializer
    required_roles = (*roles.CASE_ROLES, roles.BEHEERDER)

    def get_queryset(self):
        return selectors.signalen_for(self.request.user)


class TaakrunSerializer(ModelSerializer):
    class Meta:
        model = Taakrun
        fields = ["uuid", "taak", "datum", "gestart", "klaar", "status", "counts", "fouten", "bron"]


class TaakrunFilter(django_filters.FilterSet):
    taak = django_filters.ChoiceFilter(choices=TaakNaam.choices)
    datum = django_filters.DateFilter()
    status = django_filters.CharFilter()

    class Meta:
        model = Taakrun
        fields = ["taak", "datum", "status"]


# Every role with job runs that concern it (selectors.TAAKRUN_ZICHT); each sees only those.
TAAKRUN_ROLES = tuple(selectors.TAAKRUN_ZICHT)


class TaakrunList(ListView):
    serializer_class = TaakrunSerializer
    filterset_class = TaakrunFilter
    required_roles = TAAKRUN_ROLES

    def get_queryset(self):
        return selectors.taakruns_for(self.request.user)


class TaakrunDetail(RetrieveView):
    serializer_class = TaakrunSerializer
    required_roles = TAAKRUN_ROLES

    def get_queryset(self):
        return selectors.taakruns_for(self.request.user)


class NotificatieSerializer(ModelSerializer):
    signalen = serializers.SlugRelatedField(slug_field="uuid", many=True, read_only=True)

    class Meta:
        model = Notificatie
        fields = [
            "uuid",
            "datum",
            "aan",
            "onderwerp",
            "tekst",
            "aantal_signalen",
            "signalen",
            "status",
            "verzonden_op",
        ]


class NotificatieList(ListView):
    """The digests sent to the requesting user (own only, whatever the role)."""

    serializer_class = NotificatieSerializer

    def get_queryset(self):
        return selectors.notificaties_for(self.request.user)


class NotificatieDetail(RetrieveView):
    serializer_class = NotificatieSerializer

    def get_queryset(self):
        return selectors.notificaties_for(self.request.user)
