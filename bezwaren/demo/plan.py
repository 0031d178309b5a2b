"""The demo's cases, decided before anything is written: who applies for whom, when, on which
route and what becomes of it. Deterministic: one ``random.Random(SEED)``, names from a fixed list
(clearly invented), BSNs that pass the eleven-test, every date relative to today."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

SEED = 20261201
AANTAL = 150
JAREN_TERUG = 730  # days of history
GEMEENTE_IPS_TOT = date(2025, 11, 19)  # gemeente-ips-2023: aanvragen tot en met deze dag
MAX_DEMO_PER_GEMEENTE = 5  # demo-gemeente-cofinanciering: max_per_gemeente

# The demo gemeenten (CBS code: username); Amsterdam and Utrecht were there before.
GEMEENTEN = {
    "0363": "gemeente-amsterdam",
    "0344": "gemeente-utrecht",
    "0599": "gemeente-rotterdam",
    "0518": "gemeente-den-haag",
}
AANBIEDERS = ("ggz-noord", "ggz-zuid", "ribw-oost")

ACHTERNAMEN = (
    "Demo-Aalbers", "Demo-Bakkum", "Demo-Claessen", "Demo-Dijkgraaf", "Demo-Everts", "Demo-Fennema",
    "Demo-Geerdink", "Demo-Hoekstra", "Demo-Idema", "Demo-Jorritsma", "Demo-Kuipers", "Demo-Lammers",
    "Demo-Meulenbelt", "Demo-Nijhuis", "Demo-Oosterhof", "Demo-Postma", "Demo-Quist", "Demo-Reitsma",
    "Demo-Scholten", "Demo-Tuinstra", "Demo-Uiterwijk", "Demo-Veenstra", "Demo-Wessels", "Demo-IJzerman",
    "Demo-Zwart", "Demo-Brouwer", "Demo-El Idrissi", "Demo-Öztürk", "Demo-Pinas", "Demo-Tjon",
)  # fmt: skip
VOORLETTERS = ("A.", "B.J.", "C.", "D.M.", "E.", "F.K.", "G.", "H.P.", "I.", "J.A.", "K.", "L.S.", "M.", "N.R.")


_BSNS: list[str] = []


def bsn(n: int) -> str:
    """The n-th nine-digit number from 900000000 that passes the eleven-test (a range that real
    BSNs do not use up yet; the demo's people are invented). Found once and kept: the demo asks
    for them in order, a thousand and more."""
    candidate = int(_BSNS[-1]) + 1 if _BSNS else 900000000
    while len(_BSNS) <= n:
        digits = [int(d) for d in str(candidate)]
        if (sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]) % 11 == 0:
            _BSNS.append(str(candidate))
        candidate += 1
    return _BSNS[n]


@dataclass
class Geval:
    """One participant and their application, and what becomes of it (``lot``)."""

    nr: int
    aanbieder: str
    gemeente: str  # CBS code
    route: str
    regeling: str
    doelgroep: str
    ingediend: date
    lot: str  # open | intrekken | afwijzen | goedkeuren
    beslist: date | None = None
    plaatsing: date | None = None
    plaatsing_regulier: bool = True
    stop: date | None = None
    stop_reden: str = "uitval"
    eindverslag: bool = True
    bezwaar: str = ""  # against a refusal: open | gegrond | ongegrond | ingetrokken; "herroepen": the grant
    verlengingen: tuple[str, ...] = ()
    foute_regel: bool = False  # one line declared with the wrong amount (9346, the others 0233)
    extra: dict = field(default_factory=dict)


def _regeling(route: str, dag: date, today: date, demo_bezet: dict, gemeente: str) -> str | None:
    if route == "uwv":
        return "uwv-ips"
    if dag <= GEMEENTE_IPS_TOT:
        return "gemeente-ips-2023"
    # one place per gemeente is kept for the last month: an application waiting for the gemeente
    plaatsen = MAX_DEMO_PER_GEMEENTE if dag > today - timedelta(days=30) else MAX_DEMO_PER_GEMEENTE - 1
    if dag >= date(today.year, 1, 1) and demo_bezet.get(gemeente, 0) < plaatsen:
        demo_bezet[gemeente] = demo_bezet.get(gemeente, 0) + 1
        return "demo-gemeente-cofinanciering"
    return None


def gevallen(today: date) -> list[Geval]:
    rng = random.Random(SEED)
    begin = today - timedelta(days=JAREN_TERUG)
    codes = list(GEMEENTEN)
    demo_bezet: dict[str, int] = {}
    laatste_maand = 0
    result = []
    for nr in range(AANTAL):
        aanbieder = AANBIEDERS[nr % 3]
        gemeente = codes[(nr // 3) % 4]
        ingediend = begin + timedelta(days=10 + nr * (JAREN_TERUG - 14) // AANTAL + rng.randint(0, 2))
        if aanbieder == "ribw-oost" and ingediend > today - timedelta(days=25):
            ingediend = today - timedelta(days=25 + nr % 5)  # its audit of last week is 'geen IPS'
        route = "gemeente" if rng.random() < (0.55 if ingediend.year == today.year else 0.35) else "uwv"
        if ingediend > today - timedelta(days=30):
            # the last month's applications go to the gemeenten in turn: each has one to decide
            route, gemeente = "gemeente", codes[laatste_maand % 4]
            laatste_maand += 1
        regeling = _regeling(route, ingediend, today, demo_bezet, gemeente)
        if regeling is None:
            route, regeling = "uwv", "uwv-ips"
        if aanbieder == "ribw-oost":
            doelgroep = "epa"
        elif route == "uwv":
            doelgroep = rng.choice(("epa", "epa", "cmd", "cmd", "nah"))
        else:
            doelgroep = rng.choice(("epa", "cmd"))
        if doelgroep == "nah":
            regeling = "nah-pilot"
        leeftijd = (today - ingediend).days
        r = rng.random()
        if leeftijd <= 12 or (nr % 23 == 5 and leeftijd < 120) or (route == "gemeente" and leeftijd <= 30):
            lot = "open"  # waiting; the second kind is past its decision term (signal besluit_te_laat)
        elif r < 0.05:
            lot = "intrekken"
        elif r < 0.15:
            lot = "afwijzen"
        else:
            lot = "goedkeuren"
        geval = Geval(nr, aanbieder, gemeente, route, regeling, doelgroep, ingediend, lot)
        if lot != "open":
            geval.beslist = min(ingediend + timedelta(days=rng.randint(2, 9)), today - timedelta(days=1))
        if lot == "goedkeuren":
            if rng.random() < 0.6:
                geval.plaatsing = geval.beslist + timedelta(days=rng.randint(25, 150))
                geval.plaatsing_regulier = rng.random() < 0.8
            if rng.random() < 0.16:
                geval.stop = geval.beslist + timedelta(days=rng.randint(60, 420))
                geval.stop_reden = rng.choice(("uitval", "uitval", "verhuisd", "werk_duurzaam"))
            geval.eindverslag = rng.random() < 0.7
            geval.foute_regel = rng.random() < 0.08
        result.append(geval)
    _extra_lotgevallen(result, today)
    return result


def _extra_lotgevallen(result: list[Geval], today: date) -> None:
    """Objections and extensions on chosen cases, so that each kind occurs (deterministic picks)."""
    # the five latest refusals decided at least 45 days ago (each kind occurs in a smaller world too)
    afgewezen = [g for g in result if g.lot == "afwijzen" and g.beslist and g.beslist < today - timedelta(days=45)]
    afgewezen = afgewezen[-5:]
    for geval, soort in zip(afgewezen, ("open", "gegrond", "ongegrond", "ingetrokken", "open"), strict=False):
        geval.bezwaar = soort
    goed = [g for g in result if g.lot == "goedkeuren" and g.stop is None and g.route == "uwv"]
    goed = [g for g in goed if g.beslist and today - timedelta(days=150) < g.beslist < today - timedelta(days=40)]
    for geval in goed[:2]:
        geval.bezwaar = "herroepen"
    demo_cmd = [g for g in result if g.regeling == "demo-gemeente-cofinanciering" and g.doelgroep == "cmd"]
    demo_cmd = [g for g in demo_cmd if g.lot == "goedkeuren" and g.stop is None]
    for geval, verlengingen in zip(
        demo_cmd, (("akkoord",), ("afgewezen",), ("open",), ("akkoord", "open"), ("open",)), strict=False
    ):
        geval.verlengingen = verlengingen
