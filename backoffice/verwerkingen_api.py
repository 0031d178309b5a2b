"""API of the processing log, for the privacy officer (FG) only (docs/privacy.md, "Verwerkingslog"):
``GET /verwerkingen?deelnemer=<uuid>&gebruiker=<username>&van=&tot=&doel=`` and the search by BSN in
a POST body, ``POST /verwerkingen/_zoek``. Every search is itself logged: the FG's read of the
entries about a participant (purpose ``toezicht``), and the BSN lookup in ``BsnRaadpleging``."""

import re

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from stdnum.nl import bsn as stdnum_bsn

from . import crypto, roles, selectors, verwerkingslog
from .api import BaseView, ListView, ModelSerializer
from .models import Verwerking, VerwerkingDoel, VerwerkingHandeling, VerwerkingKanaal
from .services import bsn_raadpleging_log


class VerwerkingSerializer(ModelSerializer):
    gebruiker = serializers.CharField(source="gebruikersnaam", read_only=True)
    deelnemer = serializers.UUIDField(source="deelnemer_uuid", read_only=True)
    object = serializers.UUIDField(source="object_uuid", read_only=True, allow_null=True)

    class Meta:
        model = Verwerking
        fields = [
            "uuid",
            "op",
            "verzoek",
            "gebruiker",
            "organisatie",
            "rollen",
            "deelnemer",
            "handeling",
            "doel",
            "kanaal",
            "object_type",
            "object",
            "route",
        ]
        extra_kwargs = {
            "handeling": {"choices": VerwerkingHandeling.choices},
            "doel": {"choices": VerwerkingDoel.choices},
            "kanaal": {"choices": VerwerkingKanaal.choices},
        }


class VerwerkingFilter(django_filters.FilterSet):
    deelnemer = django_filters.UUIDFilter(field_name="deelnemer_uuid")
    gebruiker = django_filters.CharFilter(field_name="gebruikersnaam", max_length=150)
    van = django_filters.DateFilter(field_name="op", lookup_expr="date__gte")
    tot = django_filters.DateFilter(field_name="op", lookup_expr="date__lte")
    doel = django_filters.ChoiceFilter(choices=VerwerkingDoel.choices)
    handeling = django_filters.ChoiceFilter(choices=VerwerkingHandeling.choices)
    kanaal = django_filters.ChoiceFilter(choices=VerwerkingKanaal.choices)

    class Meta:
        model = Verwerking
        fields = ["deelnemer", "gebruiker", "van", "tot", "doel", "handeling", "kanaal"]


def _log_gelezen(rows) -> None:
    """The FG read these entries: each participant on the page once (one insert at the end)."""
    for row in rows:
        verwerkingslog.noteer_referentie(row.deelnemer_uuid, row.bsn_hash)


class _LogboekView:
    serializer_class = VerwerkingSerializer
    filterset_class = VerwerkingFilter
    required_roles = (roles.PRIVACY_OFFICER,)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        _log_gelezen(page if page is not None else [])
        return page


class VerwerkingList(_LogboekView, ListView):
    """The processing log, newest first; filter per participant (uuid), per user, per period and
    per purpose."""

    def get_queryset(self):
        return selectors.verwerkingen_zoeken(self.request.user)


class BsnField(serializers.CharField):
    def to_internal_value(self, data):
        text = str(super().to_internal_value(data)).strip()
        if not re.fullmatch(r"\d{9}", text):
            raise serializers.ValidationError("Een BSN bestaat uit precies 9 cijfers.", code="ongeldig-bsn")
        if not stdnum_bsn.is_valid(text):
            raise serializers.ValidationError(
                "Dit BSN is ongeldig: het voldoet niet aan de elfproef.", code="ongeldig-bsn"
            )
        return text


class VerwerkingZoekSerializer(serializers.Serializer):
    bsn = BsnField(max_length=11)


class VerwerkingZoek(_LogboekView, BaseView):
    """Search the log by BSN, in the body (a BSN never travels in a URL). The other filters
    (``van``, ``tot``, ``doel``, ...) and ``page`` may go in the query string."""

    queryset = Verwerking.objects.none()  # for the schema; the search scopes itself

    @extend_schema(request=VerwerkingZoekSerializer, responses={200: VerwerkingSerializer(many=True)})
    def post(self, request):
        query = VerwerkingZoekSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        bsn = query.validated_data["bsn"]
        found = selectors.verwerkingen_zoeken(request.user, bsn_hash=crypto.bsn_hash(bsn))
        response = self.paginated(found)
        deelnemers = found.order_by().values("deelnemer_uuid").distinct().count()
        bsn_raadpleging_log(by=request.user, bsn=bsn, kanaal="api", aantal_gevonden=deelnemers)
        return response
