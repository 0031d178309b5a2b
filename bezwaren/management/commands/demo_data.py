"""Demo accounts and organisations (api.md, "Demo accounts"), only where the settings allow it,
and the demo world: two years of cases with their history (``bezwaren.demo``, docs/demo.md).

Idempotent: every row is found by a fixed key (username, KvK number, code, name) and only created
when missing; the world is built once (a second run finds the demo providers' applications and
builds nothing). ``--zonder-geschiedenis`` (or the setting ``IPS_DEMO_WERELD = False``, as in the
test suite): the accounts and organisations only. The command lives in ``bezwaren``, the top app,
because the world uses the services of every app (tests/test_bouw.py).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from backoffice import roles
from financiering import services as fin_services
from financiering.models import (
    Aanbieder,
    Budget,
    Gemeente,
    Mandaat,
    Medewerker,
    Modeltrouwmeting,
    Perceel,
    Raamovereenkomst,
    Regeling,
    Schaalversie,
    Trajectbegeleider,
)

WACHTWOORD = "demo"
UWV_REGELING = "uwv-ips"
RAAMOVEREENKOMST_VAN = date(2024, 1, 1)
SCHAAL = "ips-26"  # IPS-25 has no bands (domain.md 3): the demo audits are on the 26-item scale
DEMO_REGELING = "demo-gemeente-cofinanciering"
DEMO_BUDGET = Decimal("100000.00")
DEMO_GEMEENTEN = ("0363", "0344", "0599", "0518")
DEMO_MANDAAT = "Mandaatbesluit Participatiewet (demo)"


@dataclass(frozen=True)
class DemoAanbieder:
    naam: str
    type: str
    kvk_nummer: str
    agb_code: str
    bank: str
    rekening: str  # passes the Dutch eleven-test, like a real account number
    scores: tuple[int, ...]  # 26 consensus item scores on IPS-26; their total falls in the band "goed" (100-114)
    begeleiders: tuple[tuple[str, str], ...]


AANBIEDERS = {
    "ggz-noord": DemoAanbieder(
        naam="GGZ Noord (demo)",
        type="ggz",
        kvk_nummer="90000011",
        agb_code="22000011",
        bank="ABNA",
        rekening="0417164300",
        scores=(5, 5, 5) + (4,) * 8 + (4,) * 15,  # 107
        begeleiders=(("Sanne de Vries", "0.80"), ("Mohamed el Amrani", "1.00")),
    ),
    "ggz-zuid": DemoAanbieder(
        naam="GGZ Zuid (demo)",
        type="ggz",
        kvk_nummer="90000022",
        agb_code="22000022",
        bank="RABO",
        rekening="0123456789",
        scores=(5, 5, 5) + (5, 4, 4, 4, 4, 5, 4, 4) + (5, 5, 4, 4, 5, 4, 4, 4, 4, 4, 4, 5, 4, 4, 4),  # 113
        begeleiders=(("Lotte Jansen", "0.80"), ("Daan Bakker", "1.00")),
    ),
    "ribw-oost": DemoAanbieder(
        naam="RIBW Oost (demo)",
        type="ribw",
        kvk_nummer="90000033",
        agb_code="22000033",
        bank="ABNA",
        rekening="0531248909",
        scores=(4, 5, 4) + (4,) * 8 + (4,) * 15,  # 105
        begeleiders=(("Fatma Yilmaz", "0.80"), ("Bram Visser", "1.00")),
    ),
}

# username: (role, first name, last name, gemeente codes)
ACCOUNTS = {
    "uwv": (roles.UWV_BEOORDELAAR, "Demo", "UWV beoordelaar", ()),
    # a second beoordelaar: an objection against a decision of `uwv` is decided by someone else (Awb 7:5)
    "uwv-2": (roles.UWV_BEOORDELAAR, "Demo", "UWV beoordelaar (bezwaren)", ()),
    "uwv-financieel": (roles.UWV_FINANCIEEL, "Demo", "UWV financieel", ()),
    "uwv-financieel-2": (roles.UWV_FINANCIEEL, "Demo", "UWV financieel (tweede)", ()),
    "gemeente-amsterdam": (roles.GEMEENTE, "Demo", "Gemeente Amsterdam", ("0363",)),
    "gemeente-amsterdam-2": (roles.GEMEENTE, "Demo", "Gemeente Amsterdam (bezwaren)", ("0363",)),
    "gemeente-utrecht": (roles.GEMEENTE, "Demo", "Gemeente Utrecht", ("0344",)),
    "gemeente-rotterdam": (roles.GEMEENTE, "Demo", "Gemeente Rotterdam", ("0599",)),
    "gemeente-den-haag": (roles.GEMEENTE, "Demo", "Gemeente Den Haag", ("0518",)),
    "ggz-noord": (roles.AANBIEDER, "Demo", "GGZ Noord", ()),
    "ggz-zuid": (roles.AANBIEDER, "Demo", "GGZ Zuid", ()),
    "ribw-oost": (roles.AANBIEDER, "Demo", "RIBW Oost", ()),
    "auditor": (roles.AUDITOR, "Demo", "Auditor Kenniscentrum Phrenos", ()),
    "beheer": (roles.BEHEERDER, "Demo", "Beheerder", ()),
    # a second beheerder: a role asked by one is granted by the other (four eyes on roles)
    "beheer-2": (roles.BEHEERDER, "Demo", "Beheerder (tweede)", ()),
    "privacy": (roles.PRIVACY_OFFICER, "Demo", "Functionaris gegevensbescherming", ()),
}


def demo_regeling_data(today: date) -> dict:
    return {
        "code": DEMO_REGELING,
        "naam": "Demo: gemeentelijke IPS-regeling met cofinanciering",
        "routes": ["gemeente"],
        "raamovereenkomst_vereist": False,
        "aanvraag_vanaf": date(today.year, 1, 1),
        "aanvraag_tot": None,
        "max_per_gemeente": 5,
        "cofinanciering_aandeel": Decimal("0.50"),
        "percelen": [
            {
                "code": f"{DEMO_REGELING}-epa",
                "naam": "Demo cofinanciering: EPA",
                "doelgroep": "epa",
                "basisduur_maanden": 36,
                "max_verlenging_maanden": 0,
                "toegestane_aanbiedertypen": ["ggz", "ribw"],
                "trajectprijs": Decimal("8000.00"),
            },
            {
                "code": f"{DEMO_REGELING}-cmd",
                "naam": "Demo cofinanciering: CMD",
                "doelgroep": "cmd",
                "basisduur_maanden": 24,
                "max_verlenging_maanden": 12,
                "toegestane_aanbiedertypen": ["ggz"],
                "trajectprijs": Decimal("8000.00"),
            },
        ],
    }


class Command(BaseCommand):
    help = "Maakt demo-accounts (wachtwoord 'demo'), demo-aanbieders en een demoregeling aan. Alleen buiten productie."

    def add_arguments(self, parser):
        parser.add_argument(
            "--zonder-geschiedenis",
            action="store_true",
            help="Alleen accounts, organisaties en regelingen; geen trajecten en geen geschiedenis.",
        )

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "Demogegevens zijn in deze omgeving niet toegestaan (IPS_DEMO_DATA staat uit). Er is niets aangemaakt."
            )
        if not self._reference_data_present():
            self.stdout.write("Referentiegegevens ontbreken; eerst load_reference_data.")
            call_command("load_reference_data", stdout=self.stdout)
        self.created: list[str] = []
        # No PDFs while building (hundreds of documents, ~75 ms each): each is rendered on its first
        # download or by the nightly step (backoffice/documenten.py). The setting must hold until the
        # commit, where the documents' render callbacks run.
        with override_settings(IPS_DOCUMENT_RENDEREN="uit"), transaction.atomic():
            today = timezone.localdate()
            users = {username: self._user(username, *spec) for username, spec in ACCOUNTS.items()}
            for username, spec in AANBIEDERS.items():
                aanbieder = self._aanbieder(spec)
                self._medewerker(users[username], aanbieder=aanbieder)
                self._contracts(aanbieder)
                self._audit(aanbieder, spec, by=users["auditor"], today=today)
                self._begeleiders(aanbieder, spec)
            self._demo_regeling(by=users["beheer"], today=today)
            self._mandaten(users, today=today)
            # the world in the same transaction: one commit (not one per step), all or nothing; it
            # sets this year's budgets of the demo scheme on 1 January, before its beschikkingen
            if not options.get("zonder_geschiedenis") and getattr(settings, "IPS_DEMO_WERELD", True):
                self._wereld(users, today=today)
            self._budgets(by=users["uwv-financieel"], year=today.year)  # without the world: today
        if self.created:
            self.stdout.write("Aangemaakt: " + "; ".join(self.created) + ".")
        else:
            self.stdout.write("Demogegevens waren al aanwezig; niets gewijzigd.")
        self._print_accounts(users)

    # -- reference data ------------------------------------------------------------------------

    def _reference_data_present(self) -> bool:
        return (
            Gemeente.objects.filter(code__in=DEMO_GEMEENTEN).count() == len(DEMO_GEMEENTEN)
            and Regeling.objects.filter(code=UWV_REGELING).exists()
            and Schaalversie.objects.filter(code=SCHAAL).exists()
            and Group.objects.filter(name__in=roles.ROLES).count() == len(roles.ROLES)
        )

    # -- accounts ------------------------------------------------------------------------------

    def _user(self, username: str, role: str, first_name: str, last_name: str, gemeente_codes: tuple[str, ...]):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@demo.ips-loket.example",
                "is_staff": role == roles.BEHEERDER,
            },
        )
        if created:
            self.created.append(f"gebruiker {username}")
        changed = []
        if created or not self._wachtwoord_klopt(user):
            user.password = self._demo_hash()
            changed.append("password")
        if role == roles.BEHEERDER and not user.is_staff:
            user.is_staff = True
            changed.append("is_staff")
        if changed:
            user.save(update_fields=changed)
        group = Group.objects.get(name=role)
        if set(user.groups.values_list("name", flat=True)) != {role}:
            user.groups.set([group])
        if gemeente_codes:
            medewerker = self._medewerker(user, aanbieder=None)
            gemeenten = list(Gemeente.objects.filter(code__in=gemeente_codes))
            if {g.code for g in medewerker.gemeenten.all()} != set(gemeente_codes):
                medewerker.gemeenten.set(gemeenten)
        return user

    def _demo_hash(self) -> str:
        """One hash of the demo password for every account: hashing is slow on purpose (PBKDF2,
        ~0.3 s a time), and these sixteen accounts share a published password anyway."""
        if getattr(self, "_hash", None) is None:
            self._hash = make_password(WACHTWOORD)
        return self._hash

    def _wachtwoord_klopt(self, user) -> bool:
        """Whether the account still has the demo password; a hash already checked is not hashed again."""
        bekend = getattr(self, "_bekend", None)
        if bekend is None:
            bekend = self._bekend = set()
        if user.password in bekend:
            return True
        if user.check_password(WACHTWOORD):
            bekend.add(user.password)
            return True
        return False

    def _medewerker(self, user, *, aanbieder: Aanbieder | None) -> Medewerker:
        medewerker, created = Medewerker.objects.get_or_create(user=user, defaults={"aanbieder": aanbieder})
        if not created and medewerker.aanbieder_id != (aanbieder.pk if aanbieder else None):
            medewerker.aanbieder = aanbieder
            medewerker.save(update_fields=["aanbieder"])
        return medewerker

    # -- providers -----------------------------------------------------------------------------

    def _aanbieder(self, spec: DemoAanbieder) -> Aanbieder:
        from bezwaren.demo.bureaus import demo_aanbieder

        aanbieder, created = demo_aanbieder(spec)
        if created:
            self.created.append(f"aanbieder {spec.naam}")
        return aanbieder

    def _contracts(self, aanbieder: Aanbieder) -> None:
        """A framework contract for every lot of the Inkoopkader that the provider's type may contract."""
        for perceel in Perceel.objects.filter(regeling__code=UWV_REGELING).order_by("code"):
            if aanbieder.type not in perceel.toegestane_aanbiedertypen:
                continue
            if not Raamovereenkomst.objects.filter(aanbieder=aanbieder, perceel=perceel).exists():
                Raamovereenkomst.objects.create(
                    aanbieder=aanbieder, perceel=perceel, van=RAAMOVEREENKOMST_VAN, status="actief"
                )
                self.created.append(f"raamovereenkomst {aanbieder.naam} {perceel.code}")

    def _audit(self, aanbieder: Aanbieder, spec: DemoAanbieder, *, by, today: date) -> None:
        """A fidelity audit of this year, about two months ago, registered the way an auditor does."""
        if Modeltrouwmeting.objects.filter(aanbieder=aanbieder, datum__year=today.year).exists():
            return
        versie = Schaalversie.objects.get(code=SCHAAL)
        datum = max(today - timedelta(days=61), date(today.year, 1, 1))
        scores = {str(n): s for n, s in enumerate(spec.scores, start=1)}
        # Two auditors score separately (the second one point lower on item 1) and agree the consensus.
        tweede = {**scores, "1": max(1, scores["1"] - 1)}
        meting = fin_services.modeltrouwmeting_register(
            by=by,
            aanbieder=aanbieder,
            datum=datum,
            versie=versie,
            consensus_scores=scores,
            auditor_1=by.get_full_name() or by.get_username(),
            auditor_2="J. Smit (Phrenos)",
            scores_auditor_1=scores,
            scores_auditor_2=tweede,
        )
        self.created.append(f"modeltrouwmeting {aanbieder.naam} ({meting.totaal}, {meting.band})")

    def _begeleiders(self, aanbieder: Aanbieder, spec: DemoAanbieder) -> None:
        for naam, fte in spec.begeleiders:
            _, created = Trajectbegeleider.objects.get_or_create(
                aanbieder=aanbieder, naam=naam, defaults={"fte": Decimal(fte)}
            )
            if created:
                self.created.append(f"trajectbegeleider {naam}")

    # -- demo scheme and budgets ---------------------------------------------------------------

    def _demo_regeling(self, *, by, today: date) -> None:
        if not Regeling.objects.filter(code=DEMO_REGELING).exists():
            fin_services.regeling_create(by=by, data=demo_regeling_data(today))
            self.created.append(f"regeling {DEMO_REGELING}")

    def _budgets(self, *, by, year: int) -> None:
        regeling = Regeling.objects.get(code=DEMO_REGELING)
        for gemeente in Gemeente.objects.filter(code__in=DEMO_GEMEENTEN):
            if not Budget.objects.filter(gemeente=gemeente, regeling=regeling, jaar=year).exists():
                fin_services.budget_create(
                    by=by, gemeente=gemeente, regeling=regeling, jaar=year, toegekend=DEMO_BUDGET
                )
                self.created.append(f"budget {gemeente.naam} {year}")

    def _wereld(self, users: dict, *, today: date) -> None:
        from bezwaren.demo import bouwen

        if bouwen.al_gebouwd():
            return
        wereld = bouwen.Wereld(today=today, users=users)
        wereld.bouwen()
        self.created.append(f"demowereld ({wereld.samenvatting()})")

    # -- output --------------------------------------------------------------------------------

    def _mandaten(self, users: dict, *, today: date) -> None:
        """Each demo gemeente account decides under its gemeente's mandate (domain.md 6): without
        one a beschikking is refused (``geen-mandaat``). Found by gemeente and name."""
        for username, (role, _first, _last, codes) in ACCOUNTS.items():
            if role != roles.GEMEENTE:
                continue
            for gemeente in Gemeente.objects.filter(code__in=codes):
                mandaat = Mandaat.objects.filter(gemeente=gemeente, naam=DEMO_MANDAAT).first()
                if mandaat is None:
                    mandaat = Mandaat.objects.create(
                        gemeente=gemeente,
                        naam=DEMO_MANDAAT,
                        vindplaats=f"Gemeenteblad {today.year - 2} nr. {gemeente.code}01",
                        geldig_van=date(today.year - 2, 1, 1),  # before the demo world's first decision
                    )
                    self.created.append(f"mandaat {gemeente.naam}")
                if not mandaat.gemandateerden.filter(pk=users[username].pk).exists():
                    mandaat.gemandateerden.add(users[username])

    def _print_accounts(self, users: dict) -> None:
        rows = [("gebruikersnaam", "rol", "organisatie")]
        for username, (role, *_rest) in ACCOUNTS.items():
            medewerker = Medewerker.objects.filter(user=users[username]).select_related("aanbieder").first()
            if medewerker and medewerker.aanbieder:
                organisatie = medewerker.aanbieder.naam
            elif medewerker and medewerker.gemeenten.exists():
                organisatie = ", ".join(str(g) for g in medewerker.gemeenten.order_by("code"))
            elif role in roles.UWV_ROLES:
                organisatie = "UWV"
            elif role == roles.AUDITOR:
                organisatie = "Kenniscentrum Phrenos"
            else:
                organisatie = "-"
            rows.append((username, roles.ROLES[role], organisatie))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        self.stdout.write("")
        for index, row in enumerate(rows):
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
        self.stdout.write(f"\nWachtwoord van alle demo-accounts: {WACHTWOORD}")
