"""API for Awb objections (docs/api-aanvullingen.md): file, list, read, decide, withdraw.
Views read through ``selectors`` and write through ``services``; no business logic here."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from backoffice import limieten, roles
from backoffice.api import BaseView, ListView, ModelSerializer, RetrieveView
from backoffice.rules import weigeren

from . import permissions, rules, selectors, services, weergave
from .models import Beslisorgaan, BesluitSoort, Bezwaarschrift, BezwaarschriftStatus

ROLLEN = (*roles.UWV_ROLES, roles.GEMEENTE, roles.AANBIEDER)


class BezwaarschriftSerializer(ModelSerializer):
    nummer = serializers.CharField(read_only=True)
    object = serializers.UUIDField(source="object_uuid", read_only=True)
    traject = serializers.UUIDField(source="traject.uuid", read_only=True, allow_null=True)
    aanbieder = serializers.UUIDField(source="aanbieder.uuid", read_only=True)
    gemeente = serializers.CharField(source="gemeente.code", read_only=True, allow_null=True)
    indiener = serializers.CharField(source="indiener.username", read_only=True)
    beslist_door = serializers.CharField(source="beslist_door.username", read_only=True, allow_null=True)
    besluit = serializers.CharField(source="besluit_omschrijving", read_only=True)
    uitkomst = serializers.SerializerMethodField()
    gevolgen = serializers.SerializerMethodField()

    class Meta:
        model = Bezwaarschrift
        fields = [
            "uuid",
            "nummer",
            "besluit_soort",
            "object",
            "besluit",
            "traject",
            "aanbieder",
            "gemeente",
            "beslisorgaan",
            "datum_besluit",
            "termijn_einde",
            "indiener",
            "ingediend_op",
            "te_laat",
            "reden_termijnoverschrijding",
            "gronden",
            "beslistermijn",
            "verdaagd_op",
            "verdaging_reden",
            "status",
            "uitkomst",
            "beslissing_toelichting",
            "beslist_door",
            "beslist_op",
            "ingetrokken_op",
            "gevolgen",
            "terug_te_vorderen",
        ]
        read_only_fields = fields

    def get_uitkomst(self, obj) -> str | None:
        """``gegrond``, ``ongegrond`` or ``niet_ontvankelijk`` once decided, else null."""
        return obj.status if obj.status in rules.UITKOMSTEN else None

    def get_gevolgen(self, obj) -> list[str]:
        """What a gegrond decision changed, in Dutch sentences (empty otherwise)."""
        return weergave.gevolgen_tekst(obj)


class BezwaarIndienenSerializer(serializers.Serializer):
    besluit_soort = serializers.ChoiceField(choices=BesluitSoort.choices)
    object = serializers.UUIDField(
        help_text="uuid van de aanvraag, verlenging, declaratieregel of (vaststelling) het traject"
    )
    gronden = serializers.CharField(
        max_length=limieten.TOELICHTING, help_text="Waarom het besluit onjuist is (Awb 6:5)"
    )
    reden_termijnoverschrijding = serializers.CharField(
        max_length=limieten.TOELICHTING,
        required=False,
        allow_blank=True,
        default="",
        help_text="Verplicht na het einde van de bezwaartermijn (6 weken na het besluit, Awb 6:7, 6:11)",
    )

    def validate(self, attrs):
        user = self.context["request"].user
        attrs["object"] = permissions.eigen_besluit_object(user, attrs["besluit_soort"], attrs["object"])
        if attrs["object"] is None:  # a reference in the body, as ScopedUuidField: unknown or another's
            raise serializers.ValidationError({"object": "Onbekend, of niet van uw organisatie."})
        return attrs


class BeslissingSerializer(serializers.Serializer):
    uitkomst = serializers.ChoiceField(choices=[(u, rules.UITKOMST_TEKST[u]) for u in rules.UITKOMSTEN])
    toelichting = serializers.CharField(max_length=limieten.TOELICHTING, help_text="De motivering (Awb 7:12)")


class IntrekkingSerializer(serializers.Serializer):
    toelichting = serializers.CharField(max_length=limieten.TOELICHTING, required=False, allow_blank=True, default="")


class VerdagingSerializer(serializers.Serializer):
    reden = serializers.CharField(max_length=limieten.TOELICHTING, help_text="Waarom verdaagd wordt (Awb 7:10 lid 3)")


class BezwaarFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=BezwaarschriftStatus.choices)
    object = django_filters.UUIDFilter(field_name="object_uuid")
    besluit_soort = django_filters.ChoiceFilter(field_name="besluit_soort", choices=BesluitSoort.choices)
    beslisorgaan = django_filters.ChoiceFilter(choices=Beslisorgaan.choices)

    class Meta:
        model = Bezwaarschrift
        fields = ["status", "object", "besluit_soort", "beslisorgaan"]


class BezwaarList(ListView):
    serializer_class = BezwaarschriftSerializer
    filterset_class = BezwaarFilter
    required_roles = ROLLEN

    def get_queryset(self):
        return selectors.bezwaren_voor(self.request.user).order_by("-id")

    @extend_schema(request=BezwaarIndienenSerializer, responses={201: BezwaarschriftSerializer})
    def post(self, request):
        weigeren(permissions.aanbieder_weigering(request.user))  # 403 before the body is judged
        write = BezwaarIndienenSerializer(data=request.data, context=self.get_serializer_context())
        write.is_valid(raise_exception=True)
        data = write.validated_data
        bezwaar = services.bezwaar_indienen(
            by=request.user,
            besluit_soort=data["besluit_soort"],
            object=data["object"],
            gronden=data["gronden"],
            reden_termijnoverschrijding=data["reden_termijnoverschrijding"],
        )
        return Response(self.get_serializer(bezwaar).data, status=status.HTTP_201_CREATED)


class BezwaarDetail(RetrieveView):
    serializer_class = BezwaarschriftSerializer
    required_roles = ROLLEN

    def get_queryset(self):
        return selectors.bezwaren_voor(self.request.user)


class _BezwaarActie(BaseView):
    """One action on an objection: its body (``write_serializer``) to its service (``dienst``)."""

    serializer_class = BezwaarschriftSerializer
    required_roles = ROLLEN
    write_serializer = None
    dienst = None

    def uitvoeren(self, request, uuid) -> Response:
        bezwaar = selectors.bezwaar_get(request.user, uuid)
        write = self.write_serializer(data=request.data)
        write.is_valid(raise_exception=True)
        bezwaar = type(self).dienst(by=request.user, bezwaar=bezwaar, **write.validated_data)
        bezwaar = selectors.bezwaren_voor(request.user).get(pk=bezwaar.pk)
        return Response(self.get_serializer(bezwaar).data, status=status.HTTP_201_CREATED)


class BezwaarBeslissing(_BezwaarActie):
    required_roles = (roles.UWV_BEOORDELAAR, roles.GEMEENTE)
    write_serializer = BeslissingSerializer
    dienst = services.bezwaar_beslissen

    @extend_schema(request=BeslissingSerializer, responses={201: BezwaarschriftSerializer})
    def post(self, request, uuid):
        return self.uitvoeren(request, uuid)


class BezwaarVerdaging(_BezwaarActie):
    required_roles = (roles.UWV_BEOORDELAAR, roles.GEMEENTE)
    write_serializer = VerdagingSerializer
    dienst = services.bezwaar_verdagen

    @extend_schema(request=VerdagingSerializer, responses={201: BezwaarschriftSerializer})
    def post(self, request, uuid):
        return self.uitvoeren(request, uuid)


class BezwaarIntrekking(_BezwaarActie):
    required_roles = (roles.AANBIEDER,)
    write_serializer = IntrekkingSerializer
    dienst = services.bezwaar_intrekken

    @extend_schema(request=IntrekkingSerializer, responses={201: BezwaarschriftSerializer})
    def post(self, request, uuid):
        return self.uitvoeren(request, uuid)


__all__ = ["BezwaarBeslissing", "BezwaarDetail", "BezwaarIntrekking", "BezwaarList", "BezwaarVerdaging"]
