"""Inzage persoonsgegevens (AVG art. 15): everything the desk holds about one participant, for the
participant's own provider, as JSON (``GET /api/v1/deelnemers/{uuid}/inzage``) and as a printable
Dutch page (``/deelnemers/<uuid>/inzage/``): the person's data, applications and decisions,
trajectories with placements, extensions, stop notice and end report, the declaration lines about
them (amounts), and who processed their data (organisation and purpose, from the processing log).

It lives in declaraties because it reads every app (declaraties is the top of the import order).
A fixed number of queries whatever the size of the dossier. The export itself is logged
(``exporteren``, purpose ``inzage``) by the processing log's middleware, which sees the participant
loaded here."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from backoffice import roles
from backoffice import selectors as bo_selectors
from backoffice.api import BaseView
from backoffice.models import Document
from financiering.selectors import user_aanbieder_id
from trajecten import selectors as traj_selectors
from trajecten.models import Deelnemer

from .models import Prestatie


def _deelnemer(user, uuid) -> Deelnemer:
    """Only the participant's own provider (the one that registered them): others 403 (no role) or
    404 (not theirs, whether or not it exists)."""
    allowed, reason = roles.check_role(user, roles.AANBIEDER)
    if not allowed:
        raise PermissionDenied(reason)
    qs = traj_selectors.deelnemers_for(user).filter(aanbieder_id=user_aanbieder_id(user))
    return get_object_or_404(qs, uuid=uuid)


def _keuze(obj, field: str) -> dict:
    return {"code": getattr(obj, field), "omschrijving": getattr(obj, f"get_{field}_display")()}


def _naam(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def inzage_gegevens(user, deelnemer: Deelnemer) -> dict:
    """The whole dossier as plain data (snake_case; the API camelizes it)."""
    aanvragen = list(traj_selectors.aanvragen_for(user).filter(deelnemer=deelnemer).order_by("ingediend_op", "id"))
    trajecten = list(
        traj_selectors.trajecten_for(user)
        .filter(deelnemer=deelnemer)
        .select_related("stopbericht", "eindverslag")  # placements and extensions: prefetched, in date order
        .order_by("startdatum", "id")
    )
    regels: dict[int, list] = {}
    for p in (
        Prestatie.objects.filter(traject__in=[t.pk for t in trajecten])
        .select_related("declaratie")
        .order_by("begindatum", "id")
    ):
        regels.setdefault(p.traject_id, []).append(p)

    def traject(t) -> dict:
        stop = getattr(t, "stopbericht", None)
        verslag = getattr(t, "eindverslag", None)
        return {
            "uuid": str(t.uuid),
            "toewijzing_nummer": t.toewijzing_nummer,
            "status": _keuze(t, "status"),
            "regeling": t.regeling.naam,
            "perceel": t.perceel.naam,
            "route": t.route,
            "gemeente": t.gemeente.naam,
            "aanbieder": t.aanbieder.naam,
            "trajectbegeleider": t.trajectbegeleider.naam if t.trajectbegeleider else None,
            "startdatum": t.startdatum,
            "einddatum_gepland": t.einddatum_gepland,
            "einddatum": t.einddatum,
            "verlengd_maanden": t.verlengd_maanden,
            "trajectprijs": t.trajectprijs,
            "gedeclareerd": t.gedeclareerd,
            "betaald": t.betaald,
            "plaatsingen": [
                {
                    "werkgever": p.werkgever,
                    "startdatum": p.startdatum,
                    "einddatum": p.einddatum,
                    "uren_per_week": p.uren_per_week,
                    "contractsoort": _keuze(p, "contractsoort"),
                    "vast": p.vast,
                    "minimumloon_of_meer": p.minimumloon_of_meer,
                    "proefplaatsing": p.proefplaatsing,
                    "open_voor_iedereen": p.open_voor_iedereen,
                    "loonondersteuning": p.loonondersteuning,
                }
                for p in t.plaatsingen.all()
            ],
            "verlengingen": [
                {
                    "maanden": v.maanden,
                    "toelichting": v.toelichting,
                    "status": _keuze(v, "status"),
                    "aangevraagd_op": v.aangevraagd_op,
                    "besluit_op": v.besluit_op,
                    "besluit_toelichting": v.besluit_toelichting,
                }
                for v in t.verlengingen.all()
            ],
            "stopbericht": (
                {
                    "einddatum": stop.einddatum,
                    "reden": _keuze(stop, "reden"),
                    "toelichting": stop.toelichting,
                    "op": stop.op,
                }
                if stop
                else None
            ),
            "eindverslag": (
                {"uitkomst": _keuze(verslag, "uitkomst"), "toelichting": verslag.toelichting, "op": verslag.op}
                if verslag
                else None
            ),
            "declaratieregels": [
                {
                    "declaratie_nummer": p.declaratie.declaratie_nummer,
                    "product_code": p.product_code,
                    "begindatum": p.begindatum,
                    "einddatum": p.einddatum,
                    "debet_credit": p.debet_credit,
                    "ingediend_bedrag": p.ingediend_bedrag,
                    "toegekend_bedrag": p.toegekend_bedrag,
                    "status": _keuze(p, "status"),
                    "betaald_op": p.betaald_op,
                }
                for p in regels.get(t.pk, [])
            ],
        }

    return {
        "opgesteld_op": timezone.now(),
        "opgesteld_door": user.get_full_name() or user.get_username(),
        "verwerkingsverantwoordelijke": deelnemer.aanbieder.naam,
        "deelnemer": {
            "uuid": str(deelnemer.uuid),
            "bsn_gemaskeerd": deelnemer.bsn_gemaskeerd,
            "voorletters": deelnemer.voorletters,
            "achternaam": deelnemer.achternaam,
            "geboortedatum": deelnemer.geboortedatum,
            "gemeente": deelnemer.gemeente.naam,
            "uitkering": _keuze(deelnemer, "uitkering"),
            "doelgroep": _keuze(deelnemer, "doelgroep"),
            "hoofddiagnosegroep": _keuze(deelnemer, "hoofddiagnosegroep"),
            "opleiding": _keuze(deelnemer, "opleiding"),
            "werkervaring_jaren": deelnemer.werkervaring_jaren,
            "geslacht": _keuze(deelnemer, "geslacht"),
            "burgerlijke_staat": _keuze(deelnemer, "burgerlijke_staat"),
            "geregistreerd_door": deelnemer.aanbieder.naam,
            "geregistreerd_op": deelnemer.aangemaakt_op,
        },
        "aanvragen": [
            {
                "uuid": str(a.uuid),
                "status": _keuze(a, "status"),
                "route": a.route,
                "regeling": a.regeling.naam,
                "perceel": a.perceel.naam,
                "gemeente": a.gemeente.naam,
                "regiebehandelaar": a.regiebehandelaar,
                "gewenste_startdatum": a.gewenste_startdatum,
                "in_behandeling_sggz": a.in_behandeling_sggz,
                "wens_betaald_werk": a.wens_betaald_werk,
                "geen_of_klein_dienstverband": a.geen_of_klein_dienstverband,
                "behandelduur_maanden": a.behandelduur_maanden,
                "bedrag": a.bedrag,
                "ingediend_op": a.ingediend_op,
                "afgehandeld_op": a.afgehandeld_op,
                "besluiten": [
                    {
                        "stap": _keuze(b, "stap"),
                        "besluit": _keuze(b, "besluit"),
                        "toelichting": b.toelichting,
                        "op": b.op,
                    }
                    for b in a.besluiten.all()
                ],
            }
            for a in aanvragen
        ],
        "trajecten": [traject(t) for t in trajecten],
        # the generated documents about the person (docs/documenten.md): what they are, not their content
        "documenten": [
            {
                "uuid": str(doc.uuid),
                "soort": _keuze(doc, "soort"),
                "titel": doc.titel,
                "aangemaakt_op": doc.aangemaakt_op,
                "sha256": doc.sha256,
                "inhoud_verwijderd_op": doc.inhoud_verwijderd_op,
            }
            for doc in Document.objects.filter(deelnemer_uuid=deelnemer.uuid)
            .only("uuid", "soort", "titel", "aangemaakt_op", "sha256", "inhoud_verwijderd_op")
            .order_by("aangemaakt_op", "id")
        ],
        "verwerkingen": [
            {
                "dag": row["dag"],
                "organisatie": row["organisatie"],
                "doel": {"code": row["doel"], "omschrijving": row["doel_omschrijving"]},
                "handeling": {"code": row["handeling"], "omschrijving": row["handeling_omschrijving"]},
                "kanaal": {"code": row["kanaal"], "omschrijving": row["kanaal_omschrijving"]},
                "aantal": row["aantal"],
            }
            for row in bo_selectors.verwerkingen_over(deelnemer.uuid)
        ],
    }


def _json(value):
    """Amounts as decimal strings (api.md), everything else as DRF's encoder writes it."""
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


class DeelnemerInzage(BaseView):
    """AVG art. 15: everything the desk holds about this participant, for its own provider."""

    required_roles = (roles.AANBIEDER,)
    queryset = Deelnemer.objects.none()  # for the schema; the view scopes itself

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, uuid):
        return Response(_json(inzage_gegevens(request.user, _deelnemer(request.user, uuid))))


@never_cache
@require_GET
def inzage_pagina(request, uuid):
    deelnemer = _deelnemer(request.user, uuid)
    return render(request, "declaraties/inzage.html", {"inzage": inzage_gegevens(request.user, deelnemer)})


web_urlpatterns = [path("deelnemers/<uuid:uuid>/inzage/", inzage_pagina, name="web-deelnemer-inzage")]
