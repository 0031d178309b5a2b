"""Load the reference data every installation needs: gemeenten, roles, settings, the seeded schemes
with their lots, prices and payment plans, and the fidelity scales with their bands.

Idempotent: a second run changes nothing. Rows are found by their code. Existing schemes, lots,
scale items and bands are left as an administrator may have changed them, unless ``--bijwerken`` is
given; a lot's price and payment plan are only set when it has none, also with ``--bijwerken``.
The data itself lives in ``financiering/data/`` (CSV and JSON), not in this file.
"""

import csv
import json
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from backoffice import roles
from backoffice.models import Instellingen
from financiering import services
from financiering.models import Band, Gemeente, Perceel, Regeling, SchaalItem, Schaalversie

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
GEMEENTEN_CSV = DATA_DIR / "gemeenten-2025.csv"
REGELINGEN_JSON = DATA_DIR / "regelingen.json"
SCHALEN_JSON = DATA_DIR / "modeltrouwschalen.json"
GEMEENTEN_ACTIEF_VAN = date(2025, 1, 1)

NIEUW, BIJGEWERKT, ONGEWIJZIGD = "nieuw", "bijgewerkt", "ongewijzigd"

# What a beheerder maintains in the admin (domain.md section 2: schemes, lots, tariffs, organisations,
# users). Case data is read-only in the admin for everyone; the beheerder sees no personal data there.
BEHEERDER_BEWERKT = {
    "financiering": [
        "regeling",
        "perceel",
        "product",
        "trajectprijs",
        "gemeente",
        "aanbieder",
        "raamovereenkomst",
        "trajectbegeleider",
        "schaalversie",
        "schaalitem",
        "band",
        "medewerker",
        "samenwerkingsverband",  # domain.md 6: a joint body decides for its member gemeenten
        "mandaat",
    ],
    # roltoekenning: requesting and deciding a role, four eyes (docs/security.md "Vier ogen op rollen")
    "backoffice": ["instellingen", "user", "roltoekenning"],
}
BEHEERDER_ACTIES = ("view", "add", "change")
BEHEERDER_BEKIJKT = {
    "financiering": ["modeltrouwmeting", "budget", "budgetmutatie"],
    # who looked up a BSN (docs/security.md); the signals about roles (only those: SignaalAdmin)
    "backoffice": ["bsnraadpleging", "signaal"],
    "auth": ["group"],  # the roles; which rights a role carries is a superuser's decision
    # API tokens and lockouts (docs/security.md "Tokens en blokkering"): seen, and revoked or lifted
    "knox": ["authtoken"],
    "axes": ["accessattempt", "accesslog", "accessfailurelog"],
}
# What the beheerder may see and delete: revoke a token, lift a lockout; for a lost phone, remove a
# user's authenticator app and recovery codes (docs/security.md).
BEHEERDER_VERWIJDERT = {
    "knox": ["authtoken"],
    "axes": ["accessattempt"],
    "otp_totp": ["totpdevice"],
    "otp_static": ["staticdevice"],
    "backoffice": ["oidckoppeling"],
}


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _sync(model, lookup: dict, values: dict, *, bijwerken: bool):
    """Create the row if missing; with ``bijwerken`` also set changed fields (and only those, so
    an unchanged row gets no history record). Returns (object, what happened)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), NIEUW
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if changed and bijwerken:
        for field in changed:
            setattr(obj, field, values[field])
        obj.save(update_fields=changed)
        return obj, BIJGEWERKT
    return obj, ONGEWIJZIGD


def roles_count() -> int:
    return Group.objects.filter(name__in=roles.ROLES).count()


def beheerder_permissions() -> list[Permission]:
    wanted = [
        (app, f"{action}_{model}")
        for app, models in BEHEERDER_BEWERKT.items()
        for model in models
        for action in BEHEERDER_ACTIES
    ] + [(app, f"view_{model}") for app, models in BEHEERDER_BEKIJKT.items() for model in models]
    wanted += [
        (app, f"{action}_{model}")
        for app, models in BEHEERDER_VERWIJDERT.items()
        for model in models
        for action in ("view", "delete")
    ]
    found = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.filter(codename__in=[c for _, c in wanted]).select_related("content_type")
    }
    missing = [f"{app}.{code}" for app, code in wanted if (app, code) not in found]
    if missing:
        raise CommandError(f"Rechten ontbreken (is migrate gedraaid?): {', '.join(missing)}")
    return [found[key] for key in wanted]


def load_roles() -> Counter:
    """The role groups, and the admin rights of the beheerder role (added, never taken away)."""
    before = roles_count()
    roles.ensure_groups()
    counts = Counter({NIEUW: roles_count() - before, ONGEWIJZIGD: before})
    beheerder = Group.objects.get(name=roles.BEHEERDER)
    wanted = beheerder_permissions()
    has = set(beheerder.permissions.values_list("pk", flat=True))
    new = [p for p in wanted if p.pk not in has]
    if new:
        beheerder.permissions.add(*new)
    counts["rechten beheerder toegevoegd"] = len(new)
    return counts


def load_gemeenten() -> Counter:
    """All gemeenten from the CBS list, in a handful of queries. Name and province follow the
    list; ``actief_tot`` (set when gemeenten merge) is the administrator's."""
    with GEMEENTEN_CSV.open(encoding="utf-8", newline="") as f:
        rows = [{k: v.strip() for k, v in row.items()} for row in csv.DictReader(f)]
    existing = {g.code: g for g in Gemeente.objects.all()}
    new, changed, counts = [], [], Counter()
    for row in rows:
        code = row["code"].zfill(4)
        gemeente = existing.get(code)
        if gemeente is None:
            new.append(
                Gemeente(code=code, naam=row["naam"], provincie=row["provincie"], actief_van=GEMEENTEN_ACTIEF_VAN)
            )
            counts[NIEUW] += 1
        elif (gemeente.naam, gemeente.provincie) != (row["naam"], row["provincie"]):
            gemeente.naam, gemeente.provincie = row["naam"], row["provincie"]
            changed.append(gemeente)
            counts[BIJGEWERKT] += 1
        else:
            counts[ONGEWIJZIGD] += 1
    Gemeente.objects.bulk_create(new)
    Gemeente.objects.bulk_update(changed, ["naam", "provincie"])
    return counts


def load_regelingen(*, bijwerken: bool) -> dict[str, Counter]:
    data = json.loads(REGELINGEN_JSON.read_text(encoding="utf-8"))
    counts = {"regelingen": Counter(), "percelen": Counter(), "prijzen": Counter(), "betaalplannen": Counter()}
    for item in data["regelingen"]:
        regeling, what = _sync(
            Regeling,
            {"code": item["code"]},
            {
                "naam": item["naam"],
                "route_uwv": "uwv" in item["routes"],
                "route_gemeente": "gemeente" in item["routes"],
                "raamovereenkomst_vereist": item["raamovereenkomst_vereist"],
                "aanvraag_vanaf": _date(item["aanvraag_vanaf"]),
                "aanvraag_tot": _date(item["aanvraag_tot"]),
                "quotum_uwv": item["quotum_uwv"],
                "quotum_gemeente": item["quotum_gemeente"],
                "max_per_gemeente": item["max_per_gemeente"],
                "cofinanciering_aandeel": Decimal(item["cofinanciering_aandeel"]),
            },
            bijwerken=bijwerken,
        )
        counts["regelingen"][what] += 1
        for lot in item["percelen"]:
            perceel, what = _sync(
                Perceel,
                {"code": lot["code"]},
                {
                    "regeling": regeling,
                    "naam": lot["naam"],
                    "doelgroep": lot["doelgroep"],
                    "basisduur_maanden": lot["basisduur_maanden"],
                    "max_verlenging_maanden": lot["max_verlenging_maanden"],
                    "toegestane_aanbiedertypen": lot["toegestane_aanbiedertypen"],
                },
                bijwerken=bijwerken,
            )
            counts["percelen"][what] += 1
            counts["prijzen"][ensure_price(perceel, Decimal(lot["trajectprijs"]), regeling.aanvraag_vanaf)] += 1
            counts["betaalplannen"][ensure_payment_plan(perceel)] += 1
    return counts


def ensure_price(perceel: Perceel, bedrag: Decimal, geldig_van: date) -> str:
    """Set the lot's first price; a lot that has prices keeps them (an administrator's change)."""
    if perceel.prijzen.exists():
        return ONGEWIJZIGD
    services.perceel_set_price(perceel=perceel, bedrag=bedrag, geldig_van=geldig_van)
    return NIEUW


def ensure_payment_plan(perceel: Perceel) -> str:
    """Give the lot the default payment plan unless it has a plan already."""
    if perceel.producten.exists():
        return ONGEWIJZIGD
    services.perceel_set_payment_plan(perceel=perceel, producten=None)
    return NIEUW


def load_schalen(*, bijwerken: bool) -> dict[str, Counter]:
    data = json.loads(SCHALEN_JSON.read_text(encoding="utf-8"))
    counts = {"schaalversies": Counter(), "schaalitems": Counter(), "banden": Counter()}
    for item in data["schaalversies"]:
        versie, what = _sync(Schaalversie, {"code": item["code"]}, {"naam": item["naam"]}, bijwerken=bijwerken)
        counts["schaalversies"][what] += 1
        for row in item["items"]:
            _, what = _sync(
                SchaalItem,
                {"versie": versie, "nummer": row["nummer"]},
                {"domein": row["domein"], "omschrijving": row["omschrijving"]},
                bijwerken=bijwerken,
            )
            counts["schaalitems"][what] += 1
        for row in item["banden"]:
            _, what = _sync(
                Band,
                {"versie": versie, "code": row["code"]},
                {"naam": row["naam"], "ondergrens": row["ondergrens"], "bovengrens": row["bovengrens"]},
                bijwerken=bijwerken,
            )
            counts["banden"][what] += 1
    return counts


class Command(BaseCommand):
    help = (
        "Laadt de referentiegegevens: gemeenten, rollen, instellingen, de vaste regelingen met percelen, "
        "prijzen en betaalplannen, en de modeltrouwschalen met banden. Veilig om vaker te draaien."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--bijwerken",
            action="store_true",
            help="Zet bestaande regelingen, percelen, schaalitems en banden terug op de meegeleverde waarden "
            "(prijzen en betaalplannen blijven zoals ze zijn).",
        )

    @transaction.atomic
    def handle(self, *args, bijwerken: bool = False, **options):
        counts: dict[str, Counter] = {"gemeenten": load_gemeenten()}
        counts["rollen"] = load_roles()
        instellingen_bestond = Instellingen.objects.filter(pk=1).exists()
        Instellingen.get()
        counts["instellingen"] = Counter({ONGEWIJZIGD if instellingen_bestond else NIEUW: 1})
        counts.update(load_regelingen(bijwerken=bijwerken))
        counts.update(load_schalen(bijwerken=bijwerken))

        for name, counter in counts.items():
            order = [NIEUW, BIJGEWERKT, ONGEWIJZIGD] + [k for k in counter if k not in (NIEUW, BIJGEWERKT, ONGEWIJZIGD)]
            parts = ", ".join(f"{counter[k]} {k}" for k in order if counter[k])
            self.stdout.write(f"{name.capitalize()}: {parts or 'geen'}")
        total = sum(n for c in counts.values() for k, n in c.items() if k != ONGEWIJZIGD)
        if total:
            self.stdout.write(self.style.SUCCESS(f"Referentiegegevens geladen: {total} toegevoegd of bijgewerkt."))
        else:
            self.stdout.write(self.style.SUCCESS("Referentiegegevens waren al volledig; niets gewijzigd."))
