"""Benchmark: judge one declaration of 10,000 lines (issue 3 item 2) and print the wall time and the
number of queries. The judgement must cost a fixed number of queries, whatever the size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ips_bench_decl python -m bench.declaratie [--regels 10000]

The database named in DATABASE_URL is created when it does not exist and migrated; the script then
sets up one provider with 5,000 approved trajectories (bulk inserts, not through the API) and
declares, for each, the `start` and one month of `periode`: 10,000 lines, all to be accepted. It
runs the service (``declaratie_submit``) and, separately, the whole API request (parsing,
validation, judgement and the answer) for a second provider of the same size. The request body is
encoded before the clock starts, as a real client sends bytes; ``--client-codeert`` gives the old
figure, in which the APIClient's own JSON encoding of the body is inside the timed part."""

import argparse
import json
import os
import secrets
import sys
import time
from datetime import date, datetime
from decimal import Decimal


def _ensure_database(url: str) -> None:
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def bulk_trajecten(*, aanbieder, perceel, gemeente, door, n: int, start: date) -> list:
    """``n`` active trajectories of ``aanbieder`` on ``perceel`` that started on ``start``, made with
    bulk inserts (a handful of queries): for benchmarks and query-count tests, not for behaviour."""
    from backoffice import crypto
    from financiering import rules as fin
    from trajecten.models import Aanvraag, Deelnemer, Toewijzingsnummer, Traject

    prijs = perceel.prijzen.order_by("-geldig_van").first().bedrag
    base = Traject.objects.count() + Deelnemer.objects.count() + 1
    bsns = [f"{900000000 + base + i:09d}" for i in range(n)]
    deelnemers = Deelnemer.objects.bulk_create(
        Deelnemer(
            aanbieder=aanbieder,
            bsn_versleuteld=crypto.encrypt(bsn),
            bsn_hash=crypto.bsn_hash(bsn),
            voorletters="B.",
            achternaam=f"Bench {i}",
            geboortedatum=date(1980, 1, 1),
            gemeente=gemeente,
            uitkering="wga_80_100",
            doelgroep=perceel.doelgroep,
        )
        for i, bsn in enumerate(bsns)
    )
    now = datetime.now().astimezone()
    aanvragen = Aanvraag.objects.bulk_create(
        Aanvraag(
            deelnemer=d,
            bsn_hash=d.bsn_hash,
            aanbieder=aanbieder,
            regeling=perceel.regeling,
            perceel=perceel,
            route="uwv",
            gemeente=gemeente,
            regiebehandelaar="Bench",
            in_behandeling_sggz=True,
            wens_betaald_werk=True,
            geen_of_klein_dienstverband=True,
            bedrag=prijs,
            status="goedgekeurd",
            ingediend_op=now,
            toestemming_op=now.date(),
            toestemming_geregistreerd_door=door,
            toestemming_geregistreerd_op=now,
            afgehandeld_op=now,
        )
        for d in deelnemers
    )
    nummers = Toewijzingsnummer.objects.bulk_create(Toewijzingsnummer() for _ in range(n))
    return Traject.objects.bulk_create(
        Traject(
            toewijzing_nummer=nummer.pk,
            aanvraag=a,
            deelnemer=a.deelnemer,
            bsn_hash=a.bsn_hash,
            aanbieder=aanbieder,
            regeling=perceel.regeling,
            perceel=perceel,
            route="uwv",
            gemeente=gemeente,
            startdatum=start,
            einddatum_gepland=fin.planned_end(start, perceel.basisduur_maanden),
            trajectprijs=prijs,
            goedgekeurd_door=door,
        )
        for a, nummer in zip(aanvragen, nummers, strict=True)
    )


def regels_voor(trajecten: list, *, maand: date, prefix: str, aantal: int) -> list[dict]:
    """JSON lines (api.md shape): `start` on the first day and the whole month of `periode` for
    trajectories that started on the first of ``maand``, until ``aantal`` lines."""
    import calendar

    from financiering.rules import money

    days = calendar.monthrange(maand.year, maand.month)[1]
    einde = maand.replace(day=days)
    out: list[dict] = []
    for t in trajecten:
        if len(out) >= aantal:
            break
        periode = money(t.trajectprijs * Decimal("0.40") / t.perceel.basisduur_maanden)
        out.append(
            {
                "productReferentie": f"{prefix}S{t.toewijzing_nummer}",
                "toewijzingNummer": t.toewijzing_nummer,
                "productCode": "start",
                "productPeriode": {"begindatum": maand.isoformat(), "einddatum": maand.isoformat()},
                "geleverdVolume": "1.00",
                "ingediendBedrag": f"{money(t.trajectprijs * Decimal('0.40')):.2f}",
            }
        )
        if len(out) >= aantal:
            break
        out.append(
            {
                "productReferentie": f"{prefix}P{t.toewijzing_nummer}",
                "toewijzingNummer": t.toewijzing_nummer,
                "productCode": "periode",
                "productPeriode": {"begindatum": maand.isoformat(), "einddatum": einde.isoformat()},
                "geleverdVolume": f"{days}.00",
                "ingediendBedrag": f"{periode:.2f}",
            }
        )
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regels", type=int, default=10_000)
    parser.add_argument(
        "--terugdraaien",
        action="store_true",
        help="alles in een transactie die wordt teruggedraaid (zo blijft bv. ips_bench_nl ongewijzigd)",
    )
    parser.add_argument(
        "--client-codeert",
        action="store_true",
        help="de oude meting: de APIClient codeert de body van 10.000 regels binnen de gemeten tijd",
    )
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("Zet DATABASE_URL op een PostgreSQL-database, bijvoorbeeld .../ips_bench_decl.", file=sys.stderr)
        return 2
    _ensure_database(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
    import django

    django.setup()
    from django.core.management import call_command

    if args.terugdraaien:
        from django.db import transaction

        class _Terug(Exception):
            pass

        try:
            with transaction.atomic():
                # a database shared with others stays as it was, its migrations included
                call_command("migrate", verbosity=0)
                _measure(args)
                raise _Terug
        except _Terug:
            print("(teruggedraaid)")
        return 0
    call_command("migrate", verbosity=0)
    _measure(args)
    return 0


def _measure(args) -> None:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from backoffice import roles
    from backoffice.models import User
    from declaraties import services
    from declaraties.api.declaraties import invoer_uit_json
    from financiering import services as fin_services
    from financiering.models import Aanbieder, Gemeente, Medewerker, Perceel, Regeling

    roles.ensure_groups()
    stamp = f"{int(time.time())}"
    maand = date(2025, 1, 1)
    regeling, _ = Regeling.objects.get_or_create(
        code="bench-decl",
        defaults={"naam": "Bench declaraties", "route_uwv": True, "aanvraag_vanaf": date(2020, 1, 1)},
    )
    perceel, created = Perceel.objects.get_or_create(
        code="bench-decl-epa",
        defaults={
            "regeling": regeling,
            "naam": "Bench EPA",
            "doelgroep": "epa",
            "basisduur_maanden": 36,
            "toegestane_aanbiedertypen": ["ggz"],
        },
    )
    if created:
        fin_services.perceel_set_payment_plan(perceel=perceel, producten=None)
        fin_services.perceel_set_price(perceel=perceel, bedrag=Decimal("8000.00"), geldig_van=date(2019, 1, 1))
    gemeente, _ = Gemeente.objects.get_or_create(code="0999", defaults={"naam": "Benchdorp", "provincie": "Utrecht"})
    uwv, _ = User.objects.get_or_create(username="bench-uwv")

    def provider(tag: str):
        aanbieder = Aanbieder.objects.create(
            naam=f"Bench {tag} {stamp}",
            type="ggz",
            kvk_nummer=f"{secrets.randbelow(10**8):08d}",
            agb_code=f"{secrets.randbelow(10**8):08d}",
            iban="NL91ABNA0417164300",
        )
        user = User.objects.create(username=f"bench-{tag}-{stamp}")
        user.groups.add(roles_group(roles.AANBIEDER))
        Medewerker.objects.create(user=user, aanbieder=aanbieder)
        n = (args.regels + 1) // 2
        started = time.perf_counter()
        trajecten = bulk_trajecten(aanbieder=aanbieder, perceel=perceel, gemeente=gemeente, door=uwv, n=n, start=maand)
        for t in trajecten:
            t.perceel = perceel
        print(f"opzet: {n} trajecten in {time.perf_counter() - started:.1f} s")
        return User.objects.get(pk=user.pk), trajecten

    def roles_group(name):
        from django.contrib.auth.models import Group

        return Group.objects.get(name=name)

    periode = {"begindatum": maand.isoformat(), "einddatum": "2025-01-31"}

    # 1. the service alone: judging and storing
    user, trajecten = provider("service")
    body = {
        "declaratieNummer": f"B{stamp}S",
        "declaratiePeriode": periode,
        "prestaties": regels_voor(trajecten, maand=maand, prefix="s", aantal=args.regels),
    }
    from djangorestframework_camel_case.util import underscoreize

    invoer = invoer_uit_json(underscoreize(body, no_underscore_before_number=True))
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        declaratie, _ = services.declaratie_submit(by=user, invoer=invoer)
        elapsed = time.perf_counter() - started
    toegekend = declaratie.prestaties.filter(status="toegekend").count()
    print(
        f"service: {len(invoer.regels)} regels beoordeeld en opgeslagen in {elapsed:.2f} s, "
        f"{len(ctx.captured_queries)} queries; toegekend: {toegekend}"
    )

    # 2. the whole API request: JSON parsing, validation, judgement, the answer with every line
    user, trajecten = provider("api")
    body = {
        "declaratieNummer": f"B{stamp}A",
        "declaratiePeriode": periode,
        "prestaties": regels_voor(trajecten, maand=maand, prefix="a", aantal=args.regels),
    }
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = APIClient()
    client.force_authenticate(user)
    if args.client_codeert:
        # the old figure: the APIClient encodes the 10,000-line body itself, inside the timed part
        verzoek = {"data": body, "format": "json"}
        soort = "API (APIClient codeert de body binnen de meting)"
    else:
        # as a real client: the body is bytes before the clock starts, so the time is the server's
        verzoek = {"data": json.dumps(body).encode(), "content_type": "application/json"}
        soort = "API (body vooraf gecodeerd: alleen de server)"
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        response = client.post("/api/v1/declaraties", **verzoek)
        elapsed = time.perf_counter() - started
    answer = response.json()
    print(
        f"{soort}: HTTP {response.status_code}, {len(body['prestaties'])} regels in {elapsed:.2f} s, "
        f"{len(ctx.captured_queries)} queries; status {answer.get('status')}, "
        f"toegekend EUR {answer.get('totaalToegekendBedrag')}"
    )


if __name__ == "__main__":
    sys.exit(main())
