"""The demo's money and jobs: monthly declarations per provider, the weekly payment runs with their
approvals and bank confirmations, the monthly claims with receipts, a dispute and an overdue one,
the nightly job on the first of each month, and UWV's hand assessment of the last rounds."""

from datetime import date, timedelta
from decimal import Decimal

from backoffice import schedule
from backoffice.services import instellingen_wijzigen
from declaraties import rules as decl_rules
from declaraties import services as decl
from declaraties.models import Betaalopdracht, Declaratie, Vordering
from trajecten.models import Traject

from . import klok
from .plan import AANBIEDERS

PERIODE = decl_rules.ProductInfo("per_maand", Decimal("0.40"), None)
KORT = {"ggz-noord": "GN", "ggz-zuid": "GZ", "ribw-oost": "RO"}
BRON = {"ribw-oost": "web"}  # RIBW Oost enters its declarations on the web form; the others by the API


def _maanden(begin: date, eind: date):
    dag = begin.replace(day=1)
    while dag <= eind:
        yield dag
        dag = (dag + timedelta(days=32)).replace(day=1)


class Geld:
    def __init__(self, wereld):
        self.w = wereld
        self.gevallen: dict[str, list] = {a: [] for a in AANBIEDERS}
        self.gedaan: dict[int, set] = {}  # trajectory pk: products accepted or waiting (start, plaatsing)
        self.fout_gedaan: set[int] = set()
        vorige = (self.w.today.replace(day=1) - timedelta(days=1)).replace(day=1)
        self.handmatig_vanaf = (vorige - timedelta(days=1)).replace(day=1)  # the last two rounds by hand
        self.deze_maandag = self.w.today - timedelta(days=self.w.today.weekday())
        self.vorige_maandag = self.deze_maandag - timedelta(days=7)  # the last payment run

    def nieuw_traject(self, geval, traject: Traject) -> None:
        self.gevallen[geval.aanbieder].append(geval)

    # -- the calendar -----------------------------------------------------------------------------

    def plannen(self) -> None:
        w = self.w
        for eerste in _maanden(w.begin + timedelta(days=31), w.today):
            w.op(eerste, 2, self.nachtelijk, eerste)
            w.op(eerste, 6, self.maandelijks, eerste)
            for aanbieder in AANBIEDERS:
                w.op(eerste, 8, self.declareren, aanbieder, eerste)
        # Every Monday's payment run except this week's: UWV financieel finds it to preview and
        # start on /taken/weekly/, with the lines accepted since last week's run.
        maandag = w.begin + timedelta(days=(7 - w.begin.weekday()) % 7)
        while maandag < self.deze_maandag:
            w.op(maandag, 7, self.wekelijks, maandag)
            maandag += timedelta(days=7)

    def afronden(self) -> None:
        """Today's nightly job, after everything (the open signals as a user finds them now)."""
        klok.zet(klok._echt())
        schedule.run_job("nightly", self.w.today, bron="demo_data")

    def nachtelijk(self, dag: date) -> None:
        schedule.run_job("nightly", dag, bron="demo_data")

    # -- declarations ---------------------------------------------------------------------------

    def declareren(self, aanbieder: str, eerste: date) -> None:
        """On the first of the month, the provider declares the month before."""
        maand_eind = eerste - timedelta(days=1)
        maand_begin = maand_eind.replace(day=1)
        handmatig = maand_begin >= self.handmatig_vanaf
        gevallen = [g for g in self.gevallen[aanbieder] if "traject" in g.extra]
        trajecten = Traject.objects.in_bulk([g.extra["traject"] for g in gevallen])
        regels = []
        for geval in gevallen:
            traject = trajecten[geval.extra["traject"]]
            regels += self._regels(geval, traject, maand_begin, maand_eind)
        if not regels:
            return
        # the beheerder's switch, through the settings page's service (a history row names who)
        instellingen_wijzigen(by=self.w.users["beheer"], data={"declaratie_automatisch_toekennen": not handmatig})
        declaratie, _ = decl.declaratie_submit(
            by=self.w.users[aanbieder],
            invoer=decl.DeclaratieInvoer(
                declaratie_nummer=f"DEMO-{KORT[aanbieder]}-{maand_begin:%Y%m}",
                begindatum=maand_begin,
                einddatum=maand_eind,
                regels=regels,
                bron=BRON.get(aanbieder, "api"),
            ),
        )
        for prestatie in declaratie.prestaties.all():
            if prestatie.status != "afgewezen" and prestatie.product_code in ("start", "plaatsing"):
                self.gedaan.setdefault(prestatie.traject_id, set()).add(prestatie.product_code)
        if handmatig:
            if maand_begin == self.handmatig_vanaf:  # the round before: UWV judges half early, half late
                # the first half just before last week's payment run (its orders wait for approval),
                # the rest after it: accepted and not yet paid (this week's run takes them)
                self.w.op(self.vorige_maandag - timedelta(days=6), 10, self.beoordelen, declaratie.pk, 0)
                self.w.op(self.vorige_maandag + timedelta(days=1), 10, self.beoordelen, declaratie.pk, 1)
            else:
                instellingen_wijzigen(  # back to the default
                    by=self.w.users["beheer"], data={"declaratie_automatisch_toekennen": True}
                )

    def _regels(self, geval, traject: Traject, begin: date, eind: date) -> list:
        if traject.status in ("afgesloten", "herroepen") or traject.startdatum > eind:
            return []
        einde = traject.einddatum or traject.einddatum_gepland
        if einde < begin:
            return []
        gedaan = self.gedaan.get(traject.pk, set())
        nummer = traject.toewijzing_nummer
        regels = []
        dag = max(begin, traject.startdatum)
        if "start" not in gedaan:
            bedrag = (traject.trajectprijs * Decimal("0.40")).quantize(Decimal("0.01"))
            if geval.foute_regel and traject.pk not in self.fout_gedaan:
                self.fout_gedaan.add(traject.pk)
                bedrag += Decimal("100.00")  # 9346: not volume x tariff (the provider corrects it next month)
            regels.append(self._regel(f"DEMO-{nummer}-S-{begin:%Y%m}", nummer, "start", dag, dag, 1, bedrag))
        tot = min(eind, einde)
        dagen = (tot - dag).days + 1
        basisduur = self.w.percelen_by_pk[traject.perceel_id].basisduur_maanden
        bedrag = decl_rules.expected_amount(
            product=PERIODE, trajectprijs=traject.trajectprijs, basisduur=basisduur, begin=dag, volume=Decimal(dagen)
        )
        regels.append(self._regel(f"DEMO-{nummer}-P-{begin:%Y%m}", nummer, "periode", dag, tot, dagen, bedrag))
        if geval.plaatsing and geval.plaatsing <= tot and "plaatsing" not in gedaan and "plaatsing" in geval.extra:
            pdag = max(dag, geval.plaatsing)
            bedrag = (traject.trajectprijs * Decimal("0.20")).quantize(Decimal("0.01"))
            # Not regular paid work: rejected automatically (IPS01), the other lines 0233.
            regels.append(self._regel(f"DEMO-{nummer}-W-{begin:%Y%m}", nummer, "plaatsing", pdag, pdag, 1, bedrag))
            if not geval.extra["plaatsing"]:
                gedaan = self.gedaan.setdefault(traject.pk, set())
                gedaan.add("plaatsing")  # not declared again
        return regels

    @staticmethod
    def _regel(ref, nummer, product, begin, eind, volume, bedrag):
        return decl_rules.Regel(
            product_referentie=ref,
            toewijzing_nummer=nummer,
            product_code=product,
            begindatum=begin,
            einddatum=eind,
            geleverd_volume=Decimal(volume),
            ingediend_bedrag=bedrag,
        )

    def beoordelen(self, declaratie_pk: int, helft: int) -> None:
        """UWV judges a round by hand: most lines granted, every seventh refused with a reason."""
        declaratie = Declaratie.objects.get(pk=declaratie_pk)
        wachtend = list(declaratie.prestaties.filter(status="in_behandeling").order_by("id"))
        wachtend = wachtend[: len(wachtend) // 2] if helft == 0 else wachtend
        if not wachtend:
            return
        besluiten = []
        for i, p in enumerate(wachtend):
            if i % 7 == 3:
                besluiten.append(
                    {
                        "product_referentie": p.product_referentie,
                        "besluit": "afgewezen",
                        "toelichting": "Geen verslag van de begeleiding in deze maand ontvangen.",
                    }
                )
            else:
                besluiten.append({"product_referentie": p.product_referentie, "besluit": "toegekend"})
        decl.prestaties_beoordelen(by=self.w.users["uwv"], declaratie=declaratie, besluiten=besluiten)

    # -- payments -------------------------------------------------------------------------------

    def wekelijks(self, maandag: date) -> None:
        voor = set(Betaalopdracht.objects.values_list("pk", flat=True))
        schedule.run_job("weekly", maandag, bron="demo_data")
        nieuw = list(Betaalopdracht.objects.exclude(pk__in=voor).order_by("id").values_list("pk", flat=True))
        if not nieuw:
            return
        if maandag == self.vorige_maandag:
            # the last run: its largest order has the first approval and waits for the second (above
            # the four-eyes threshold), the others wait for the first
            grootste = max(nieuw, key=lambda pk: Betaalopdracht.objects.get(pk=pk).bedrag)
            self.w.op(maandag + timedelta(days=1), 10, self.accorderen, grootste, "uwv-financieel")
            return
        for pk in nieuw:
            self.w.op(maandag + timedelta(days=1), 10, self.accorderen, pk, "uwv-financieel")
            self.w.op(maandag + timedelta(days=2), 10, self.accorderen, pk, "uwv-financieel-2")
            self.w.op(maandag + timedelta(days=3), 9, self.bevestigen, pk, maandag + timedelta(days=3))

    def accorderen(self, pk: int, username: str) -> None:
        opdracht = Betaalopdracht.objects.get(pk=pk)
        if opdracht.status != "te_accorderen":
            return
        decl.betaalopdracht_accorderen(by=self.w.users[username], opdracht=opdracht)

    def bevestigen(self, pk: int, datum: date) -> None:
        opdracht = Betaalopdracht.objects.get(pk=pk)
        if opdracht.status == "geaccordeerd":
            decl.betaalopdracht_bevestigen(by=self.w.users["uwv-financieel"], opdracht=opdracht, datum=datum)

    # -- claims ---------------------------------------------------------------------------------

    def maandelijks(self, eerste: date) -> None:
        voor = set(Vordering.objects.values_list("pk", flat=True))
        schedule.run_job("monthly", eerste, bron="demo_data")
        nieuw = list(Vordering.objects.exclude(pk__in=voor).select_related("gemeente").order_by("id"))
        maanden_geleden = (self.w.today.year - eerste.year) * 12 + self.w.today.month - eerste.month
        for vordering in nieuw:
            if vordering.status == "concept":
                vordering = decl.vordering_verzenden(by=self.w.users["uwv-financieel"], vordering=vordering)
            code = vordering.gemeente.code
            if maanden_geleden == 2 and code == "0599":
                continue  # Rotterdam has not paid: overdue, with a reminder and a signal
            if maanden_geleden == 1 and code == "0344":
                self.w.op(eerste + timedelta(days=9), 11, self.betwisten, vordering.pk)
                continue
            self.w.op(eerste + timedelta(days=18), 12, self.ontvangen, vordering.pk)

    def ontvangen(self, pk: int) -> None:
        vordering = Vordering.objects.get(pk=pk)
        open_ = vordering.bedrag - vordering.ontvangen
        if open_ > 0:
            decl.ontvangst_registreren(
                by=self.w.users["uwv-financieel"], vordering=vordering, bedrag=open_, datum=klok._demo_nu().date()
            )

    def betwisten(self, pk: int) -> None:
        vordering = Vordering.objects.get(pk=pk)
        regel = vordering.regels.order_by("id").first()
        if regel is not None:
            decl.bezwaar_indienen(
                by=self.w.users["gemeente-utrecht"],
                vordering=vordering,
                regel=regel,
                toelichting="Deze deelnemer woont sinds de zomer niet meer in Utrecht.",
            )
