"""Build the demo world (docs/demo.md): every step through the services the API and the pages
use, on its own day under the demo clock (``klok``), in date order, with the scheduled jobs run
for the past periods (monthly: claims and reminders; weekly: payment runs; nightly: expiry and
signals) the way the scheduler would have run them. PDFs are not rendered here: the first
download (``backoffice.documenten.pdf_van``) or the nightly step renders a document that has none."""

import heapq
import itertools
import logging
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test.utils import override_settings

from backoffice.errors import BusinessRuleError
from backoffice.models import Instellingen
from backoffice.services import instellingen_wijzigen
from declaraties import services as decl
from financiering import services as fin
from financiering.models import Budget, Gemeente, Perceel, Regeling, Schaalversie, Trajectbegeleider
from trajecten import services as zaak
from trajecten.models import Aanvraag, Traject, Verlenging

from .. import services as bezwaren
from . import bureaus, geld, klok
from .plan import AANBIEDERS, ACHTERNAMEN, GEMEENTEN, JAREN_TERUG, VOORLETTERS, Geval, bsn, gevallen

logger = logging.getLogger(__name__)
User = get_user_model()

PERCEEL = {
    ("uwv-ips", "epa"): "uwv-ips-epa",
    ("uwv-ips", "cmd"): "uwv-ips-cmd",
    ("nah-pilot", "nah"): "nah-pilot-nah",
    ("gemeente-ips-2023", "epa"): "gemeente-ips-2023-epa",
    ("gemeente-ips-2023", "cmd"): "gemeente-ips-2023-cmd",
    ("demo-gemeente-cofinanciering", "epa"): "demo-gemeente-cofinanciering-epa",
    ("demo-gemeente-cofinanciering", "cmd"): "demo-gemeente-cofinanciering-cmd",
}
UITKERING_UWV = ("wga_80_100", "wajong_nieuw", "ww", "wga_35_80")
WERKGEVERS = ("Bakkerij Demo", "Demo Logistiek", "Zorggroep Demo", "Demo Techniek", "Tuincentrum Demo", "Demo Retail")
BUDGET_GEMEENTE_IPS = Decimal("250000.00")
VIER_OGEN_DEMO = Decimal("1000.00")
GEMEENTE_JAAR_TOT = 2025  # gemeente-ips-2023 takes applications until 19 November 2025


def al_gebouwd() -> bool:
    """The world is there when a demo provider has filed an application: a second run builds nothing."""
    return Aanvraag.objects.filter(aanbieder__kvk_nummer__in=("90000011", "90000022", "90000033")).exists()


class Wereld:
    def __init__(self, *, today: date, users: dict, out=None):
        self.today = today
        self.begin = today - timedelta(days=JAREN_TERUG)
        self.users = users
        self.out = out
        self.agenda: list = []
        self.volgnr = itertools.count()
        self.overgeslagen: list[str] = []
        self.percelen = {p.code: p for p in Perceel.objects.select_related("regeling")}
        self.percelen_by_pk = {p.pk: p for p in self.percelen.values()}
        self.gemeenten = {g.code: g for g in Gemeente.objects.filter(code__in=GEMEENTEN)}
        self.aanbieders = {u: users[u].medewerker.aanbieder for u in AANBIEDERS}
        self.begeleiders = {
            a.pk: list(Trajectbegeleider.objects.filter(aanbieder=a).order_by("id")) for a in self.aanbieders.values()
        }
        self.geld = geld.Geld(self)
        self.bureaus = bureaus.Bureaus(self)

    # -- the agenda ---------------------------------------------------------------------------

    def op(self, dag: date, uur: int, stap, *args) -> None:
        """Plan ``stap(*args)`` at ``uur`` o'clock on ``dag`` (only what lies before today's evening)."""
        if dag > self.today:
            return
        heapq.heappush(self.agenda, (datetime.combine(dag, time(uur)), next(self.volgnr), stap, args))

    def bouwen(self) -> None:
        with (
            override_settings(
                IPS_DOCUMENT_RENDEREN="uit", EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
            ),
            mock.patch("backoffice.documenten.documenten_renderen", lambda **kw: {"documenten_gerenderd": 0}),
            klok.aan(),
        ):
            self._voorbereiden()
            for geval in gevallen(self.today):
                self.op(geval.ingediend, 9, self.indienen, geval)
            self.geld.plannen()
            self.bureaus.plannen()
            while self.agenda:
                moment, _nr, stap, args = heapq.heappop(self.agenda)
                klok.zet(moment + timedelta(minutes=next(self.volgnr) % 50))
                try:
                    with transaction.atomic():  # a refused step leaves nothing half-written
                        stap(*args)
                except BusinessRuleError as exc:  # a rule said no: the world goes on without this step
                    self.overgeslagen.append(f"{moment:%d-%m-%Y} {getattr(stap, '__name__', stap)}: {exc.code}")
            self.geld.afronden()
        if self.overgeslagen:
            logger.info("Demo: %d stappen overgeslagen: %s", len(self.overgeslagen), "; ".join(self.overgeslagen))

    def samenvatting(self) -> str:
        from collections import Counter

        trajecten = Counter(Traject.objects.values_list("status", flat=True))
        return f"{Aanvraag.objects.count()} aanvragen, " + ", ".join(
            f"{n} {status}" for status, n in sorted(trajecten.items())
        )

    # -- before the first case: audits of two years ago, budgets, four eyes ----------------------

    def _demo_budgetten(self) -> None:
        from bezwaren.management.commands.demo_data import DEMO_BUDGET, DEMO_REGELING

        regeling = Regeling.objects.get(code=DEMO_REGELING)
        for gemeente in self.gemeenten.values():
            if not Budget.objects.filter(gemeente=gemeente, regeling=regeling, jaar=self.today.year).exists():
                fin.budget_create(
                    by=self.users["uwv-financieel"],
                    gemeente=gemeente,
                    regeling=regeling,
                    jaar=self.today.year,
                    toegekend=DEMO_BUDGET,
                )

    def _voorbereiden(self) -> None:
        klok.zet(datetime.combine(self.begin - timedelta(days=40), time(10)))
        versie = Schaalversie.objects.get(code="ips-26")
        auditor = self.users["auditor"]
        for aanbieder in self.aanbieders.values():
            scores = {str(n): 4 for n in range(1, 27)}
            scores.update({"1": 5, "2": 5, "3": 5})  # 107: goed
            fin.modeltrouwmeting_register(
                by=auditor,
                aanbieder=aanbieder,
                datum=self.begin - timedelta(days=40),
                versie=versie,
                consensus_scores=scores,
                auditor_1=auditor.get_full_name(),
                auditor_2="J. Smit (Phrenos)",
                scores_auditor_1=scores,
                scores_auditor_2={**scores, "1": 4},
            )
        instellingen_wijzigen(by=self.users["beheer"], data={"vier_ogen_drempel": VIER_OGEN_DEMO})
        regeling = Regeling.objects.get(code="gemeente-ips-2023")
        for jaar in range(self.begin.year, GEMEENTE_JAAR_TOT + 1):
            for gemeente in self.gemeenten.values():
                if not Budget.objects.filter(gemeente=gemeente, regeling=regeling, jaar=jaar).exists():
                    fin.budget_create(
                        by=self.users["uwv-financieel"],
                        gemeente=gemeente,
                        regeling=regeling,
                        jaar=jaar,
                        toegekend=BUDGET_GEMEENTE_IPS,
                    )
        # The demo scheme's budgets of this year, set on its first day: before any beschikking of
        # this year commits money (the ledger never runs below zero)
        self.op(date(self.today.year, 1, 1), 8, self._demo_budgetten)
        # Two days ago someone at GGZ Zuid looked up more BSNs within an hour than allowed: the
        # privacy officer's and the beheerder's signal (the lookups are refused from then on).
        self.op(self.today - timedelta(days=2), 16, self.veel_zoeken)
        # RIBW Oost's audit of last week: 'geen IPS' (the auditor's and the provider's signal).
        self.op(self.today - timedelta(days=8), 11, self.slechte_meting)

    def veel_zoeken(self) -> None:
        grens = Instellingen.get().bsn_per_uur
        for k in range(grens + 1):
            try:
                zaak.deelnemer_search(by=self.users["ggz-zuid"], bsn=bsn(1000 + k), kanaal="web")
            except BusinessRuleError:  # te-veel-bsn: refused, signalled (kept: no savepoint around it)
                break

    def slechte_meting(self) -> None:
        auditor = self.users["auditor"]
        scores = {str(n): 2 for n in range(1, 27)}
        fin.modeltrouwmeting_register(
            by=auditor,
            aanbieder=self.aanbieders["ribw-oost"],
            datum=klok._demo_nu().date(),
            versie=Schaalversie.objects.get(code="ips-26"),
            consensus_scores=scores,
            auditor_1=auditor.get_full_name(),
            auditor_2="J. Smit (Phrenos)",
            scores_auditor_1=scores,
            scores_auditor_2={**scores, "2": 1},
        )

    # -- the case's own steps -------------------------------------------------------------------

    def _beslisser(self, geval: Geval):
        return self.users["uwv" if geval.route == "uwv" else GEMEENTEN[geval.gemeente]]

    def indienen(self, geval: Geval) -> None:
        aanbieder = self.aanbieders[geval.aanbieder]
        by = self.users[geval.aanbieder]
        uitkering = "participatiewet" if geval.route == "gemeente" else UITKERING_UWV[geval.nr % len(UITKERING_UWV)]
        geboren = date(1966 + geval.nr % 34, 1 + geval.nr % 12, 1 + geval.nr % 27)
        _deelnemer, aanvraag = zaak.aanvraag_met_deelnemer_submit(
            by=by,
            bsn=bsn(geval.nr),
            deelnemer_fields={
                "voorletters": VOORLETTERS[geval.nr % len(VOORLETTERS)],
                "achternaam": ACHTERNAMEN[geval.nr % len(ACHTERNAMEN)],
                "geboortedatum": geboren,
                "gemeente": self.gemeenten[geval.gemeente],
                "uitkering": uitkering,
                "doelgroep": geval.doelgroep,
                "geslacht": ("vrouw", "man", "man", "vrouw", "anders")[geval.nr % 5],
            },
            perceel=self.percelen[PERCEEL[(geval.regeling, geval.doelgroep)]],
            regiebehandelaar=f"Dr. {VOORLETTERS[(geval.nr + 3) % len(VOORLETTERS)]} Demo-Behandelaar",
            in_behandeling_sggz=True,
            wens_betaald_werk=True,
            geen_of_klein_dienstverband=True,
            toestemming_op=geval.ingediend,
            behandelduur_maanden=10 if geval.doelgroep == "cmd" else None,
            trajectbegeleider=self.begeleiders[aanbieder.pk][geval.nr % 2],
        )
        geval.extra["aanvraag"] = aanvraag.pk
        if geval.lot == "intrekken":
            self.op(geval.beslist, 14, self.intrekken, geval)
        elif geval.lot in ("afwijzen", "goedkeuren"):
            self.op(geval.beslist, 11, self.beslissen, geval, "akkoord" if geval.lot == "goedkeuren" else "afgewezen")

    def intrekken(self, geval: Geval) -> None:
        zaak.aanvraag_withdraw(
            by=self.users[geval.aanbieder],
            aanvraag=Aanvraag.objects.get(pk=geval.extra["aanvraag"]),
            toelichting="De deelnemer ziet af van het traject.",
        )

    def beslissen(self, geval: Geval, besluit: str) -> None:
        aanvraag, traject = zaak.aanvraag_decide(
            by=self._beslisser(geval),
            aanvraag=Aanvraag.objects.get(pk=geval.extra["aanvraag"]),
            besluit=besluit,
            toelichting="De deelnemer heeft al een dienstverband van meer dan 12 uur." if besluit != "akkoord" else "",
        )
        if traject is None:
            if geval.bezwaar and geval.bezwaar != "herroepen":
                self.op(geval.beslist + timedelta(days=12), 10, self.bezwaar_indienen, geval, "aanvraag")
            return
        geval.extra["traject"] = traject.pk
        if geval.plaatsing:
            self.op(geval.plaatsing, 13, self.plaatsen, geval)
        if geval.stop:
            self.op(geval.stop, 15, self.stoppen, geval)
        if geval.eindverslag:
            einde = geval.stop or traject.einddatum_gepland
            self.op(einde + timedelta(days=9), 10, self.eindverslag, geval)
        for i, _uitkomst in enumerate(geval.verlengingen):
            self.op(geval.beslist + timedelta(days=60 + 90 * i), 10, self.verlenging, geval, i)
        if geval.bezwaar == "herroepen":
            self.op(geval.beslist + timedelta(days=20), 10, self.bezwaar_indienen, geval, "aanvraag")
        self.geld.nieuw_traject(geval, traject)

    def plaatsen(self, geval: Geval) -> None:
        traject = Traject.objects.get(pk=geval.extra["traject"])
        if traject.status != "actief" or geval.plaatsing > (traject.einddatum or traject.einddatum_gepland):
            return  # stopped or ended before the job came
        regulier = geval.plaatsing_regulier
        zaak.plaatsing_create(
            by=self.users[geval.aanbieder],
            traject=traject,
            werkgever=WERKGEVERS[geval.nr % len(WERKGEVERS)],
            startdatum=geval.plaatsing,
            uren_per_week=Decimal(12 + 4 * (geval.nr % 6)),
            contractsoort="arbeidsovereenkomst" if regulier else "anders",
            minimumloon_of_meer=regulier,
            open_voor_iedereen=regulier,
            aandoening_bekend_bij_werkgever=geval.nr % 2 == 0,
        )
        geval.extra["plaatsing"] = regulier

    def stoppen(self, geval: Geval) -> None:
        traject = Traject.objects.get(pk=geval.extra["traject"])
        if traject.status != "actief":
            return
        zaak.traject_stop(
            by=self.users[geval.aanbieder],
            traject=traject,
            einddatum=geval.stop,
            reden=geval.stop_reden,
            toelichting="",
        )

    def eindverslag(self, geval: Geval) -> None:
        traject = Traject.objects.get(pk=geval.extra["traject"])
        if traject.status not in ("beeindigd", "looptijd_verstreken"):
            return
        werk = geval.extra.get("plaatsing") is True
        decl.eindverslag_submit(
            by=self.users[geval.aanbieder],
            traject=traject,
            uitkomst="werk" if werk else ("geen_werk" if geval.nr % 3 else "opleiding"),
            toelichting="Betaald werk gevonden en behouden." if werk else "Traject afgerond zonder plaatsing.",
            uren_besteed=60 + geval.nr % 90,
        )

    def verlenging(self, geval: Geval, i: int) -> None:
        traject = Traject.objects.get(pk=geval.extra["traject"])
        verlenging = zaak.verlenging_request(
            by=self.users[geval.aanbieder],
            traject=traject,
            maanden=6,
            toelichting="De deelnemer werkt sinds kort; begeleiding op de werkplek is nog nodig.",
        )
        uitkomst = geval.verlengingen[i]
        if uitkomst != "open":
            self.op(klok._demo_nu().date() + timedelta(days=6), 11, self.verlenging_beslissen, geval, verlenging.pk)

    def verlenging_beslissen(self, geval: Geval, pk: int) -> None:
        verlenging = Verlenging.objects.get(pk=pk)
        i = list(Verlenging.objects.filter(traject_id=verlenging.traject_id).order_by("id")).index(verlenging)
        besluit = geval.verlengingen[i]
        zaak.verlenging_decide(
            by=self._beslisser(geval),
            verlenging=verlenging,
            besluit=besluit,
            toelichting="" if besluit == "akkoord" else "De plaatsing is stabiel; verlenging is niet nodig.",
        )

    def bezwaar_indienen(self, geval: Geval, soort: str) -> None:
        aanvraag = Aanvraag.objects.get(pk=geval.extra["aanvraag"])
        bezwaar = bezwaren.bezwaar_indienen(
            by=self.users[geval.aanbieder],
            besluit_soort=soort,
            object=aanvraag,
            gronden="De deelnemer werkt minder dan 12 uur; het besluit gaat uit van onjuiste feiten."
            if geval.bezwaar != "herroepen"
            else "De deelnemer woonde bij de aanvraag in een andere gemeente; het besluit berust op onjuiste gegevens.",
        )
        geval.extra["bezwaar"] = bezwaar.pk
        if geval.bezwaar == "ingetrokken":
            self.op(klok._demo_nu().date() + timedelta(days=10), 10, self.bezwaar_intrekken, geval)
        elif geval.bezwaar in ("gegrond", "ongegrond", "herroepen"):
            self.op(klok._demo_nu().date() + timedelta(days=21), 10, self.bezwaar_beslissen, geval)

    def bezwaar_intrekken(self, geval: Geval) -> None:
        bezwaren.bezwaar_intrekken(
            by=self.users[geval.aanbieder],
            bezwaar=bezwaren.Bezwaarschrift.objects.get(pk=geval.extra["bezwaar"]),
            toelichting="Na het gesprek met de gemeente ingetrokken.",
        )

    def bezwaar_beslissen(self, geval: Geval) -> None:
        bezwaar = bezwaren.Bezwaarschrift.objects.get(pk=geval.extra["bezwaar"])
        beslisser = self.users["uwv-2"] if geval.route == "uwv" else self.users["gemeente-amsterdam-2"]
        if geval.route == "gemeente" and geval.gemeente != "0363":
            beslisser = self._beslisser(geval)
        uitkomst = "ongegrond" if geval.bezwaar == "ongegrond" else "gegrond"
        bezwaren.bezwaar_beslissen(
            by=beslisser,
            bezwaar=bezwaar,
            uitkomst=uitkomst,
            toelichting="De gronden zijn juist: het besluit wordt herroepen."
            if uitkomst == "gegrond"
            else "De feiten in het besluit zijn juist; het besluit blijft in stand.",
        )
