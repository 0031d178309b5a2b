"""The demo's work for the desks beside the case flow (docs/demo.md): the auditor's fidelity audits
(expired, expiring, corrected, a starting provider with an approved implementation plan), the
budget ledgers' raises and a lowering, a role request waiting for the second beheerder and a
scheme not yet fully configured. Every step through the services, on its own day (``Wereld.op``).

The three extra providers have no account (the README's sixteen accounts stay): they are there
for the auditor's desk, never deliver a trajectory, and are made the way ``demo_data`` makes its
organisations (found by KvK number)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from schwifty import IBAN

from backoffice import roles
from backoffice import services as backoffice_services
from financiering import rules as fin_rules
from financiering import services as fin
from financiering.models import Aanbieder, Budget, Modeltrouwmeting, Regeling, Schaalversie, Trajectbegeleider
from financiering.validators import validate_iban

from . import klok

User = get_user_model()
SCHAAL = "ips-26"
TWEEDE_AUDITOR = "J. Smit (Phrenos)"


@dataclass(frozen=True)
class ExtraAanbieder:
    naam: str
    type: str
    kvk_nummer: str
    agb_code: str
    bank: str
    rekening: str  # passes the Dutch eleven-test
    begeleiders: tuple[tuple[str, str], ...]


VERLOPEN = ExtraAanbieder(
    "GGZ West (demo)", "ggz", "90000044", "22000044", "INGB", "0001234579", (("Noor Hendriks", "0.80"),)
)
VERLOOPT = ExtraAanbieder(
    "GGZ Midden (demo)", "ggz", "90000055", "22000055", "RABO", "0300000006", (("Ruben Mulder", "1.00"),)
)
STARTER = ExtraAanbieder(
    "Werkplaats Delta (demo)", "reintegratie", "90000066", "22000066", "ABNA", "0417164319", (("Iris Smits", "0.60"),)
)
EXTRA_AANBIEDERS = (VERLOPEN, VERLOOPT, STARTER)


def _scores(**afwijkend: int) -> dict[str, int]:
    """26 item scores on IPS-26: 4 each, items 1-3 a 5 (107, band 'goed'), ``n<item>=score`` aside."""
    scores = {str(n): 4 for n in range(1, 27)}
    scores.update({"1": 5, "2": 5, "3": 5})
    scores.update({k.removeprefix("n"): v for k, v in afwijkend.items()})
    return scores


def demo_aanbieder(spec) -> tuple[Aanbieder, bool]:
    """A demo provider by its KvK number, created once (reference data: no service makes providers),
    with an IBAN that passes the eleven-test; ``(aanbieder, created)``. Also for demo_data's own three."""
    aanbieder = Aanbieder.objects.filter(kvk_nummer=spec.kvk_nummer).first()
    if aanbieder is not None:
        return aanbieder, False
    iban = IBAN.generate("NL", bank_code=spec.bank, account_code=spec.rekening).compact
    validate_iban(iban)
    aanbieder = Aanbieder.objects.create(
        naam=spec.naam, type=spec.type, kvk_nummer=spec.kvk_nummer, agb_code=spec.agb_code, iban=iban
    )
    return aanbieder, True


class Bureaus:
    def __init__(self, wereld):
        self.w = wereld
        self.versie = Schaalversie.objects.get(code=SCHAAL)

    # -- the calendar ---------------------------------------------------------------------------

    def plannen(self) -> None:
        w, today = self.w, self.w.today
        # The auditor: GGZ West's only audit is of two years and 40 days ago (expired about 40 days
        # ago: the nightly job's 'modeltrouw_verlopen' signal); GGZ Midden's expires in about 50 days,
        # registered with a mistake and corrected a week later; Werkplaats Delta is starting: its
        # implementation plan was approved 100 days ago, the implementation started 70 days ago.
        w.op(w.begin - timedelta(days=40), 10, self.verlopen)
        midden = fin_rules.add_months(today, -24) + timedelta(days=50)
        w.op(midden, 11, self.verloopt)
        w.op(midden + timedelta(days=7), 10, self.corrigeren)
        w.op(today - timedelta(days=100), 14, self.implementatieplan)
        w.op(today - timedelta(days=70), 9, self.begeleiders, STARTER)
        # Budgets: a raise and a redistribution (lowering one gemeente, raising another).
        jaar = w.begin.year + 1  # a year of the gemeente-ips-2023 budgets, inside the history
        voorjaar, najaar = max(date(jaar, 5, 12), w.begin), max(date(jaar, 9, 15), w.begin + timedelta(days=30))
        w.op(voorjaar, 11, self.budget, "0518", jaar, Decimal("300000.00"), "uwv-financieel",
             f"Extra middelen uit de voorjaarsnota {jaar}")  # fmt: skip
        w.op(najaar, 11, self.budget, "0363", jaar, Decimal("225000.00"), "beheer",
             "Herverdeling: € 25.000,00 naar Rotterdam (minder aanvragen dan verwacht)")  # fmt: skip
        w.op(najaar, 12, self.budget, "0599", jaar, Decimal("275000.00"), "beheer",
             "Herverdeling: € 25.000,00 van Amsterdam (wachtlijst)")  # fmt: skip
        # The beheerders: next year's scheme without a price yet, and a role waiting for beheer-2.
        w.op(today - timedelta(days=3), 14, self.regeling_in_voorbereiding)
        w.op(today - timedelta(days=1), 16, self.rol_aanvragen)

    # -- providers and audits -------------------------------------------------------------------

    def _aanbieder(self, spec: ExtraAanbieder) -> Aanbieder:
        return demo_aanbieder(spec)[0]

    def begeleiders(self, spec: ExtraAanbieder) -> None:
        """Employment specialists: the provider delivers IPS (the nightly fidelity check counts it)."""
        aanbieder = self._aanbieder(spec)
        for naam, fte in spec.begeleiders:
            Trajectbegeleider.objects.get_or_create(aanbieder=aanbieder, naam=naam, defaults={"fte": Decimal(fte)})

    def _meting(self, aanbieder: Aanbieder, consensus: dict, eerste: dict, tweede: dict) -> Modeltrouwmeting:
        auditor = self.w.users["auditor"]
        return fin.modeltrouwmeting_register(
            by=auditor,
            aanbieder=aanbieder,
            datum=klok._demo_nu().date(),
            versie=self.versie,
            consensus_scores=consensus,
            auditor_1=auditor.get_full_name(),
            auditor_2=TWEEDE_AUDITOR,
            scores_auditor_1=eerste,
            scores_auditor_2=tweede,
        )

    def verlopen(self) -> None:
        aanbieder = self._aanbieder(VERLOPEN)
        self.begeleiders(VERLOPEN)
        scores = _scores(n7=3)  # 106: goed, but two years ago
        self._meting(aanbieder, scores, scores, {**scores, "7": 4})

    def verloopt(self) -> None:
        """Registered with auditor 2's scores as the consensus by mistake (98: 'redelijk')."""
        aanbieder = self._aanbieder(VERLOOPT)
        self.begeleiders(VERLOOPT)
        eerste = _scores(n12=5)  # 108
        tweede = _scores(n1=4, n2=4, n3=4, n9=3, n10=3, n11=3, n12=3, n13=3, n14=3)  # 98: redelijk
        self._meting(aanbieder, tweede, eerste, tweede)

    def corrigeren(self) -> None:
        meting = Modeltrouwmeting.objects.filter(aanbieder__kvk_nummer=VERLOOPT.kvk_nummer).get()
        consensus = _scores()  # 107: goed
        fin.modeltrouwmeting_corrigeren(
            by=self.w.users["auditor"],
            meting=meting,
            toelichting="Scores van auditor 2 stonden als consensus ingevoerd; consensus uit het verslag overgenomen.",
            datum=meting.datum,
            versie=meting.versie,
            consensus_scores=consensus,
            auditor_1=meting.auditor_1,
            auditor_2=meting.auditor_2,
            scores_auditor_1=meting.scores_auditor_1,
            scores_auditor_2=meting.scores_auditor_2,
        )

    def implementatieplan(self) -> None:
        """No audit yet: in its run-up (twelve months from the start) nothing blocks or signals."""
        vandaag = klok._demo_nu().date()
        fin.implementatieplan_registreren(
            by=self.w.users["auditor"],
            aanbieder=self._aanbieder(STARTER),
            goedgekeurd_op=vandaag,
            implementatie_start=vandaag + timedelta(days=30),
        )

    # -- budgets, schemes, roles ----------------------------------------------------------------

    def budget(self, code: str, jaar: int, toegekend: Decimal, username: str, omschrijving: str) -> None:
        budget = Budget.objects.filter(
            gemeente=self.w.gemeenten[code], regeling__code="gemeente-ips-2023", jaar=jaar
        ).first()
        if budget is None:  # the demo started after that year: nothing to change
            return
        fin.budget_create(
            by=self.w.users[username],
            gemeente=budget.gemeente,
            regeling=budget.regeling,
            jaar=jaar,
            toegekend=toegekend,
            omschrijving=omschrijving,
        )

    def regeling_in_voorbereiding(self) -> None:
        """Next year's scheme with a lot but no price: on the beheerder's werkbak, offered to no
        provider (``financiering.rules.regeling_inrichting_ontbreekt`` keeps it out of the forms)."""
        jaar = self.w.today.year + 1
        code = f"demo-gemeente-{jaar}"
        if Regeling.objects.filter(code=code).exists():
            return
        beheer = self.w.users["beheer"]
        regeling = fin.regeling_create(
            by=beheer,
            data={
                "code": code,
                "naam": f"Demo: gemeentelijke IPS-regeling {jaar} (in voorbereiding)",
                "routes": ["gemeente"],
                "raamovereenkomst_vereist": False,
                "aanvraag_vanaf": date(jaar, 1, 1),
                "aanvraag_tot": None,
                "max_per_gemeente": 10,
                "cofinanciering_aandeel": Decimal("0.50"),
            },
        )
        fin.perceel_aanmaken(
            by=beheer,
            regeling=regeling,
            data={
                "code": f"{code}-epa",
                "naam": f"Gemeentelijk IPS {jaar}: EPA",
                "doelgroep": "epa",
                "basisduur_maanden": 24,
                "max_verlenging_maanden": 6,
                "toegestane_aanbiedertypen": ["ggz", "ribw"],
            },
        )

    def rol_aanvragen(self) -> None:
        backoffice_services.rol_aanvragen(
            by=self.w.users["beheer"],
            gebruiker=self.w.users["uwv-2"],
            rol=roles.UWV_FINANCIEEL,
            toelichting="Vervangt in december de tweede financieel medewerker bij het akkoord op betaalopdrachten.",
        )
