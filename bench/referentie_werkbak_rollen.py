"""The sections of the hand-written werkbak (``bench/referentie_werkbak.py``) per role, as
``backoffice/werkbak.py`` and the apps' ``werkbak.py`` make them: the same titles, counts and first
eight rows, the same scope per organisation. Per section a count and the first rows: two plain
queries, as one would write them. psycopg rows and string formatting, no Django."""

import datetime as dt
from zoneinfo import ZoneInfo

MAX_RIJEN = 8
TZ = ZoneInfo("Europe/Amsterdam")
MAANDEN = ("januari februari maart april mei juni juli augustus september oktober november december").split()
ROLNAMEN = {
    "uwv_beoordelaar": "UWV beoordelaar",
    "uwv_financieel": "UWV financieel",
    "gemeente_medewerker": "Gemeente medewerker",
    "aanbieder_medewerker": "Aanbieder medewerker",
}
AANVRAAG_STATUS = {"ingediend": "Ingediend", "gemeente_akkoord": "Beschikking gemeente, wacht op UWV"}
VORDERING_STATUS = {
    "verzonden": "Verzonden",
    "deels_betaald": "Deels betaald",
    "betwist": "Betwist",
    "concept": "Concept",
    "betaald": "Betaald",
}
PRODUCTEN = {"start": "Start", "periode": "Periode (per maand)", "plaatsing": "Plaatsing in regulier betaald werk"}
SIGNAALSOORTEN = {
    "caseload_te_hoog": "Caseload trajectbegeleider te hoog",
    "modeltrouw_verlopen": "Modeltrouwmeting verlopen of onvoldoende",
    "traject_eindigt_30": "Traject eindigt binnen 30 dagen",
}
TAAKRUN_STATUS = {"bezig": "Bezig", "geslaagd": "Geslaagd"}


def datum(d: dt.date) -> str:
    return f"{d.day} {MAANDEN[d.month - 1]} {d.year}"


def maand(d: dt.date) -> str:
    return f"{MAANDEN[d.month - 1]} {d.year}"


def product(code: str) -> str:
    return PRODUCTEN.get(code) or code.replace("-", " ").replace("_", " ").capitalize()


def rij(label, url="", deadline=None, toelichting="", verlopen=False) -> dict:
    return {"label": label, "url": url, "deadline": deadline, "toelichting": toelichting, "verlopen": verlopen}


class Pagina:
    """One request: the cursor, the user, today, and the participants the page loaded."""

    def __init__(self, cursor, user: dict):
        self.cursor, self.user = cursor, user
        self.nu = dt.datetime.now(dt.UTC)
        self.vandaag = self.nu.astimezone(TZ).date()
        self.deelnemers: dict = {}

    def sectie(self, titel, van_waar: str, args: list, kolommen: str, order: str, maak, *, link="", leeg=""):
        self.cursor.execute(f"SELECT count(*) {van_waar}", args)
        aantal = self.cursor.fetchone()[0]
        rijen = []
        if aantal:
            self.cursor.execute(f"SELECT {kolommen} {van_waar} ORDER BY {order} LIMIT {MAX_RIJEN}", args)
            rijen = [maak(*r) for r in self.cursor.fetchall()]
        return {"titel": titel, "aantal": aantal, "rijen": rijen, "link": link, "leeg": leeg}

    # --- applications and extensions (trajecten/werkbak.py) ---

    def aanvragen(self, waar: str, args: list, leeg: str) -> dict:
        gemeenten = self.user["gemeente_ids"]

        def maak(
            a_uuid, route, gemeente_id, status, deadline, voorletters, achternaam, d_uuid, bsn_hash, perceel, aanb
        ):
            self.deelnemers[d_uuid] = bsn_hash
            zichtbaar = (route == "uwv" and self.user["rollen"] & {"uwv_beoordelaar", "uwv_financieel"}) or (
                route == "gemeente" and "gemeente_medewerker" in self.user["rollen"] and gemeente_id in gemeenten
            )
            naam = f"{voorletters} {achternaam}" if zichtbaar else "Afgeschermd"
            verlopen = deadline is not None and deadline < self.vandaag
            return rij(
                f"{naam} · {perceel} · {aanb}", f"/aanvragen/{a_uuid}/", deadline, AANVRAAG_STATUS[status], verlopen
            )

        return self.sectie(
            "Aanvragen om te beslissen",
            "FROM trajecten_aanvraag a JOIN trajecten_deelnemer d ON d.id = a.deelnemer_id "
            "JOIN financiering_perceel p ON p.id = a.perceel_id JOIN financiering_aanbieder ab ON ab.id = a.aanbieder_id "
            f"WHERE {waar}",
            args,
            "a.uuid, a.route, a.gemeente_id, a.status, a.beslis_deadline, d.voorletters, d.achternaam, d.uuid, "
            "d.bsn_hash, p.naam, ab.naam",
            "a.beslis_deadline ASC NULLS LAST, a.ingediend_op, a.id",
            maak,
            link="/aanvragen/",
            leeg=leeg,
        )

    def verlengingen(self, waar: str, args: list) -> dict:
        def maak(t_uuid, v_uuid, nummer, maanden, op):
            return rij(
                f"Toewijzing {nummer} · {maanden} maanden",
                f"/trajecten/{t_uuid}/verlengingen/{v_uuid}/beoordeling/",
                toelichting=f"aangevraagd {datum(op.astimezone(TZ).date())}",
            )

        return self.sectie(
            "Verlengingen om te beslissen",
            f"FROM trajecten_verlenging v JOIN trajecten_traject t ON t.id = v.traject_id "
            f"WHERE v.status = 'aangevraagd' AND {waar}",
            args,
            "t.uuid, v.uuid, t.toewijzing_nummer, v.maanden, v.aangevraagd_op",
            "v.aangevraagd_op, v.id",
            maak,
            leeg="Er wachten geen verzoeken om verlenging.",
        )

    # --- objections (bezwaren/werkbak.py) ---

    def bezwaren(self, orgaan: str, te_laat: bool) -> list:
        waar, args = "b.status IN ('ingediend', 'verdaagd') AND b.beslisorgaan = %s", [orgaan]
        if orgaan == "gemeente":
            waar += " AND b.gemeente_id = ANY(%s)"
            args.append(self.user["gemeente_ids"])
        if te_laat:
            waar += " AND b.beslistermijn < %s"
            args.append(self.vandaag)

        def maak(
            b_uuid,
            nummer,
            soort,
            termijn,
            ingediend,
            aanb,
            a_perceel,
            a_aanb,
            v_maanden,
            v_nummer,
            p_ref,
            p_code,
            p_nummer,
            p_bedrag,
            t_nummer,
        ):
            titel = {
                "aanvraag": f"Aanvraag {a_perceel} van {a_aanb}",
                "verlenging": f"Verlenging met {v_maanden} maanden van traject {v_nummer}",
                "prestatie": f"Declaratieregel {p_ref} ({p_code}, traject {p_nummer}, {euro(p_bedrag)})",
            }.get(soort, f"Vaststelling (eindafrekening) van traject {t_nummer}")
            toelichting = f"{aanb}, ingediend {ingediend.astimezone(TZ):%d-%m-%Y}"
            return rij(f"{nummer} · {titel}", f"/bezwaren/{b_uuid}/", termijn, toelichting, termijn < self.vandaag)

        return self.sectie(
            "Bezwaren over de beslistermijn" if te_laat else "Bezwaren om te beslissen",
            "FROM bezwaren_bezwaarschrift b JOIN financiering_aanbieder ab ON ab.id = b.aanbieder_id "
            "LEFT JOIN trajecten_aanvraag a ON a.id = b.aanvraag_id LEFT JOIN financiering_perceel ap ON ap.id = a.perceel_id "
            "LEFT JOIN financiering_aanbieder aa ON aa.id = a.aanbieder_id "
            "LEFT JOIN trajecten_verlenging v ON v.id = b.verlenging_id LEFT JOIN trajecten_traject vt ON vt.id = v.traject_id "
            "LEFT JOIN declaraties_prestatie p ON p.id = b.prestatie_id LEFT JOIN trajecten_traject t ON t.id = b.traject_id "
            f"WHERE {waar}",
            args,
            "b.uuid, b.nummer, b.besluit_soort, b.beslistermijn, b.ingediend_op, ab.naam, ap.naam, aa.naam, v.maanden, "
            "vt.toewijzing_nummer, p.product_referentie, p.product_code, p.toewijzing_nummer, p.ingediend_bedrag, "
            "t.toewijzing_nummer",
            "b.beslistermijn, b.ingediend_op, b.id",
            maak,
            link="/bezwaren/",
            leeg="Geen bezwaar is over zijn beslistermijn." if te_laat else "Er wachten geen bezwaren op uw besluit.",
        )

    # --- claims (declaraties/werkbak.py) ---

    def vordering(self, v_uuid, gemeente, periode, vervaldatum, status, verlopen) -> dict:
        return rij(
            f"{gemeente} · {maand(periode)}", f"/vorderingen/{v_uuid}/", vervaldatum, VORDERING_STATUS[status], verlopen
        )


def euro(bedrag) -> str:
    """``€ 8.000,00`` (``backoffice.opmaak.euro``)."""
    heel, _, cent = f"{abs(bedrag):.2f}".partition(".")
    return f"€\u00a0{'-' if bedrag < 0 else ''}{int(heel):,}".replace(",", ".") + f",{cent}"


# --- per role: the sections in the order of backoffice/werkbak.py (ROLVOLGORDE, registry order) ----

UWV_AANVRAAG = (
    "(a.route = 'uwv' OR EXISTS (SELECT 1 FROM trajecten_besluit b WHERE b.aanvraag_id = a.id AND b.stap = 'gemeente' "
    "AND b.besluit = 'akkoord')) AND a.status IN ('ingediend', 'gemeente_akkoord') "
    "AND NOT (a.route = 'gemeente' AND a.status = 'ingediend')"
)


def uwv_beoordelaar(p: Pagina) -> list:
    return [
        p.aanvragen(UWV_AANVRAAG, [], "Er wachten geen aanvragen op een besluit."),
        p.verlengingen("t.route = 'uwv'", []),
        p.sectie(
            "Declaratieregels in behandeling",
            "FROM declaraties_prestatie r JOIN declaraties_declaratie d ON d.id = r.declaratie_id "
            "JOIN financiering_aanbieder ab ON ab.id = r.aanbieder_id WHERE r.status = 'in_behandeling'",
            [],
            "ab.naam, r.product_code, r.begindatum, d.uuid",
            "r.begindatum, r.id",
            lambda naam, code, begin, d_uuid: rij(
                f"{naam} · {product(code)} · {begin:%d-%m-%Y}", f"/declaraties/{d_uuid}/"
            ),
            link="/declaraties/werkvoorraad/",
            leeg="Er wachten geen declaratieregels.",
        ),
        p.bezwaren("uwv", True),
        p.bezwaren("uwv", False),
    ]


def _taken(p: Pagina) -> dict:
    """The payment run (weekly, Monday 03:00) and the claims (monthly, the 1st 04:00): did they run in
    this period (``backoffice.schedule.run_in_periode``), and when next."""
    nu = p.nu.astimezone(TZ)
    maandag = p.vandaag - dt.timedelta(days=p.vandaag.weekday())
    eerste = p.vandaag.replace(day=1)
    volgende_maand = (eerste + dt.timedelta(days=32)).replace(day=1)
    rijen = []
    for taak, titel, periode, van, tot, moment in (
        ("weekly", "Betaalrun", "week", maandag, maandag + dt.timedelta(days=6), dt.time(3)),
        ("monthly", "Vorderingen cofinanciering", "maand", eerste, volgende_maand - dt.timedelta(days=1), dt.time(4)),
    ):
        p.cursor.execute(
            "SELECT uuid, datum, status FROM backoffice_taakrun WHERE taak = %s AND datum BETWEEN %s AND %s "
            "AND status IN ('bezig', 'geslaagd') ORDER BY gestart DESC, id DESC LIMIT 1",
            [taak, van, tot],
        )
        eerder = p.cursor.fetchone()
        volgende = dt.datetime.combine(van, moment, TZ)
        if volgende <= nu:
            volgende = dt.datetime.combine(tot + dt.timedelta(days=1), moment, TZ)
        rijen.append(
            rij(
                f"{titel}: " + (f"deze {periode} gedraaid" if eerder else "bekijk en start"),
                f"/taken/runs/{eerder[0]}/" if eerder else f"/taken/{taak}/",
                toelichting=f"vanzelf op {volgende:%d-%m-%Y %H:%M}",
            )
        )
    aantal = sum(1 for r in rijen if r["label"].endswith("bekijk en start"))
    return {"titel": "Betaalrun en vorderingen", "aantal": aantal, "rijen": rijen, "link": "/taken/", "leeg": ""}


def uwv_financieel(p: Pagina) -> list:
    return [
        _taken(p),
        p.sectie(
            "Betaalopdrachten te accorderen",
            "FROM declaraties_betaalopdracht o JOIN financiering_aanbieder ab ON ab.id = o.aanbieder_id "
            "WHERE o.status = 'te_accorderen'",
            [],
            "o.uuid, ab.naam, o.datum, o.eerste_akkoord_door_id",
            "o.datum, o.id",
            lambda o_uuid, naam, d, eerste: rij(
                f"{naam} · {d:%d-%m-%Y}",
                f"/betaalopdrachten/{o_uuid}/",
                toelichting="eerste akkoord gegeven" if eerste else "",
            ),
            link="/betaalopdrachten/",
            leeg="Geen betaalopdrachten om te accorderen.",
        ),
        p.sectie(
            "Vorderingen over de vervaldatum",
            "FROM declaraties_vordering v JOIN financiering_gemeente g ON g.id = v.gemeente_id "
            "WHERE v.vervaldatum < %s AND v.bedrag > v.ontvangen AND v.status NOT IN ('concept', 'betaald')",
            [p.vandaag],
            "v.uuid, g.naam, v.periode, v.vervaldatum, v.status",
            "v.vervaldatum, v.id",
            lambda *v: p.vordering(*v, True),
            link="/vorderingen/",
            leeg="Geen vorderingen over de vervaldatum.",
        ),
        p.sectie(
            "Bezwaren van gemeenten op vorderingsregels",
            "FROM declaraties_vorderingregel r JOIN declaraties_vordering v ON v.id = r.vordering_id "
            "JOIN financiering_gemeente g ON g.id = v.gemeente_id JOIN declaraties_prestatie p ON p.id = r.prestatie_id "
            "WHERE r.bezwaar = 'ingediend'",
            [],
            "v.uuid, g.naam, v.periode, p.product_referentie, r.bezwaar_op",
            "r.bezwaar_op, r.id",
            lambda v_uuid, g, periode, ref, op: rij(
                f"{g} · {maand(periode)} · regel {ref}",
                f"/vorderingen/{v_uuid}/",
                toelichting=f"bezwaar ingediend {op.astimezone(TZ):%d-%m-%Y}, beoordelen" if op else "beoordelen",
            ),
            link="/vorderingen/",
            leeg="Geen bezwaren om te beoordelen.",
        ),
    ]


def gemeente(p: Pagina) -> list:
    ids = p.user["gemeente_ids"]
    return [
        p.aanvragen(
            "a.route = 'gemeente' AND a.gemeente_id = ANY(%s) AND a.status = 'ingediend'",
            [ids],
            "Er wachten geen aanvragen op uw beschikking.",
        ),
        p.verlengingen("t.route = 'gemeente' AND t.gemeente_id = ANY(%s)", [ids]),
        p.sectie(
            "Vorderingen om te betalen",
            "FROM declaraties_vordering v JOIN financiering_gemeente g ON g.id = v.gemeente_id "
            "WHERE v.gemeente_id = ANY(%s) AND v.status NOT IN ('betaald', 'concept')",
            [ids],
            "v.uuid, g.naam, v.periode, v.vervaldatum, v.status, v.bedrag > v.ontvangen",
            "v.vervaldatum ASC NULLS LAST, v.periode, v.id",
            lambda u, g, periode, verval, status, open_: p.vordering(
                u, g, periode, verval, status, verval is not None and verval < p.vandaag and open_
            ),
            link="/vorderingen/",
            leeg="Er staan geen vorderingen open.",
        ),
        p.bezwaren("gemeente", True),
        p.bezwaren("gemeente", False),
    ]


# The return codes of the bench data (bench.national rejects with 9346); declaraties/rules.py has them all.
RETOURCODES = {"9346": "Het ingediende bedrag is niet gelijk aan volume × tarief."}


def _afwijzing(op: dt.datetime, codes) -> str:
    tekst = f"afgewezen {op.astimezone(TZ):%d-%m-%Y}"
    delen = [f"{c} {RETOURCODES.get(c, '')}".strip() for c in codes or () if c != "8001"]
    return f"{tekst}: {'; '.join(delen)}" if delen else f"{tekst} door UWV"


def aanbieder(p: Pagina) -> list:
    a = p.user["aanbieder_id"]
    eigen = "(t.aanbieder_id = %s OR t.uitvoerder_id = %s)"
    tot = p.vandaag + dt.timedelta(days=90)

    def traject(t_uuid, nummer, perceel, einde, toelichting, verlopen):
        return rij(f"Toewijzing {nummer} · {perceel}", f"/trajecten/{t_uuid}/", einde, toelichting, verlopen)

    return [
        p.sectie(
            "Trajecten die binnen 90 dagen eindigen",
            f"FROM trajecten_traject t JOIN financiering_perceel p ON p.id = t.perceel_id WHERE {eigen} "
            "AND t.status = 'actief' AND t.einddatum_gepland BETWEEN %s AND %s",
            [a, a, p.vandaag, tot],
            "t.uuid, t.toewijzing_nummer, p.naam, t.einddatum_gepland",
            "t.einddatum_gepland, t.id",
            lambda *t: traject(*t, "verlenging aanvragen of eindverslag voorbereiden", False),
            link=f"/trajecten/?eindigt_voor={tot.isoformat()}",
            leeg="Geen trajecten die binnenkort eindigen.",
        ),
        p.sectie(
            "Eindverslag ontbreekt",
            f"FROM trajecten_traject t JOIN financiering_perceel p ON p.id = t.perceel_id WHERE {eigen} "
            "AND t.status IN ('looptijd_verstreken', 'beeindigd') "
            "AND NOT EXISTS (SELECT 1 FROM trajecten_eindverslag e WHERE e.traject_id = t.id)",
            [a, a],
            "t.uuid, t.toewijzing_nummer, p.naam, t.einddatum_gepland",
            "t.einddatum_gepland, t.id",
            lambda *t: traject(*t, "stuur het eindverslag", t[3] < p.vandaag),
            leeg="Er ontbreken geen eindverslagen.",
        ),
        p.sectie(
            "Afgewezen declaratieregels (laatste 60 dagen)",
            "FROM declaraties_prestatie r JOIN declaraties_declaratie d ON d.id = r.declaratie_id "
            "WHERE r.aanbieder_id = %s AND r.status = 'afgewezen' "
            "AND COALESCE(r.beoordeeld_op, d.ingediend_op) >= %s",
            [a, p.nu - dt.timedelta(days=60)],
            "r.product_referentie, r.product_code, r.begindatum, d.uuid, COALESCE(r.beoordeeld_op, d.ingediend_op), "
            "r.retourcodes",
            "COALESCE(r.beoordeeld_op, d.ingediend_op) DESC, r.id DESC",
            lambda ref, code, begin, d_uuid, op, codes: rij(
                f"{ref} · {product(code)} · {begin:%d-%m-%Y}",
                f"/declaraties/{d_uuid}/",
                toelichting=_afwijzing(op, codes),
            ),
            link="/declaraties/",
            leeg="Geen afgewezen regels.",
        ),
        p.sectie(
            "Open signalen",
            "FROM backoffice_signaal s WHERE s.aanbieder_id = %s AND NOT s.afgehandeld "
            "AND s.soort IN ('caseload_te_hoog', 'modeltrouw_verlopen', 'traject_eindigt_30')",
            [a],
            "s.omschrijving, s.deadline, s.soort",
            "s.deadline ASC NULLS LAST, s.id DESC",
            lambda omschrijving, deadline, soort: rij(omschrijving, "", deadline, SIGNAALSOORTEN[soort]),
            link="/signalen/",
            leeg="Geen open signalen.",
        ),
    ]


ROLLEN = (
    ("uwv_beoordelaar", uwv_beoordelaar),
    ("uwv_financieel", uwv_financieel),
    ("gemeente_medewerker", gemeente),
    ("aanbieder_medewerker", aanbieder),
)
ANDERE_ROLLEN = {"auditor", "beheerder", "privacy_officer"}  # their sections are not written here
