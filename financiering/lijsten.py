"""The beheerder's list of schemes for ``backoffice.lijsten`` (financiering/views_beheer.py shows it):
columns, sort, search, the route filter, and the rows' configuration state for page and export."""

from django.utils import timezone

from backoffice import lijsten

from . import rules


def _regelingen_versieren(regelingen, user) -> None:
    today = timezone.localdate()
    for r in regelingen:
        r.ips_ontbreekt = rules.regeling_inrichting_ontbreekt(r, op=rules.eerste_aanvraagdag(r, today))
        r.ips_percelen = len(r.percelen.all())


def _routes(r, _user) -> str:
    return ", ".join(naam for aan, naam in ((r.route_uwv, "UWV"), (r.route_gemeente, "gemeente")) if aan) or "geen"


REGELINGEN = lijsten.Lijst(
    naam="regelingen",
    titel="Regelingen",
    url_name="web-beheer-regelingen",
    kolommen=(
        lijsten.Kolom("regeling", "Regeling", "naam", lambda r, _: r.naam, **lijsten.TEKST_RICHTING),
        lijsten.Kolom("code", "Code", None, lambda r, _: r.code, tonen=False),
        lijsten.Kolom("routes", "Routes", None, _routes, tonen=False),
        lijsten.Kolom(
            "vanaf", "Aanvragen vanaf", "aanvraag_vanaf", lambda r, _: r.aanvraag_vanaf, **lijsten.DATUM_RICHTING
        ),
        lijsten.Kolom("tot", "Aanvragen tot en met", None, lambda r, _: r.aanvraag_tot, tonen=False),
        lijsten.Kolom("percelen", "Percelen", None, lambda r, _: r.ips_percelen, klasse="getal"),
        lijsten.Kolom(
            "ingericht",
            "Ingericht",
            None,
            lambda r, _: f"nog niet: {'; '.join(r.ips_ontbreekt)}" if r.ips_ontbreekt else "volledig",
        ),  # fmt: skip
    ),
    sortering="regeling",
    filters=("route",),
    zoeken=lijsten.Zoeken(tekst=("naam", "code"), label="naam of code"),
    voorbereiden=_regelingen_versieren,
)
ROUTES = {"": "Alle routes", "uwv": "Route UWV", "gemeente": "Route gemeente"}
