"""The werkbak (the start page ``/``) written by hand, for ``bench/lijsten.py`` (issue 13): psycopg,
string formatting and ``html.escape``, no Django. The session cookie is checked by
``bench.referentie.sessie_gebruiker`` (the ``django_session`` row, its signature, the password hash);
here the role decides the sections, the organisation their scope, as ``backoffice/werkbak.py`` and
the apps' ``werkbak.py`` do: the same titles, counts and first eight rows (label, link, deadline,
"verlopen", explanation), most urgent first, and the processing log of the participants the page
loads (the applications' participants, as ``VerwerkingslogMiddleware``). Per section a count and
the first rows: two plain queries (``bench/referentie_werkbak_rollen.py``).

Covers UWV beoordelaar, UWV financieel, a gemeente and a provider (the roles in
:data:`VERGELIJKINGEN`; their users come from ``bench.load._users``). The page around it is lean:
the header with name, roles and organisation, no menu, no stylesheet."""

import re
import uuid
from html import escape, unescape

from bench.referentie_werkbak_rollen import ANDERE_ROLLEN, ROLLEN, ROLNAMEN, Pagina, datum

# --- the page ---------------------------------------------------------------------------------------


def _sectie_html(i: int, s: dict) -> str:
    out = [
        f'<section class="kaart werkbak__sectie" aria-labelledby="wb-{i}">',
        f'<h2 id="wb-{i}">{escape(s["titel"])} <span class="teller" aria-label="{s["aantal"]} items">'
        f"{s['aantal']}</span></h2>",
    ]
    if s["rijen"]:
        out.append('<ul class="werkbak__lijst">')
        for r in s["rijen"]:
            label = escape(r["label"])
            out.append("<li" + (' class="verlopen"' if r["verlopen"] else "") + ">")
            out.append(f'<a href="{escape(r["url"])}">{label}</a>' if r["url"] else label)
            if r["deadline"]:
                woord = "verlopen sinds" if r["verlopen"] else "uiterlijk"
                out.append(f'<span class="deadline">{woord} {datum(r["deadline"])}</span>')
            if r["toelichting"]:
                out.append(f'<span class="toelichting">{escape(r["toelichting"])}</span>')
            out.append("</li>")
        out.append("</ul>")
        if s["aantal"] > len(s["rijen"]):
            out.append(f'<p class="meer">De eerste {len(s["rijen"])} van {s["aantal"]}.</p>')
    else:
        out.append(f"<p>{escape(s['leeg'])}</p>")
    if s["link"]:
        out.append(
            f'<p><a href="{escape(s["link"])}">Alles bekijken'
            f'<span class="visually-hidden">: {escape(s["titel"])}</span></a></p>'
        )
    out.append("</section>")
    return "\n".join(out)


def _kop(cursor, user: dict) -> tuple[str, str]:
    """The header's name and organisation (``backoffice.web.organisatie_naam``): one query."""
    cursor.execute(
        "SELECT u.first_name, u.last_name, ARRAY(SELECT g.naam FROM financiering_medewerker m "
        "JOIN financiering_medewerker_gemeenten mg ON mg.medewerker_id = m.id "
        "JOIN financiering_gemeente g ON g.id = mg.gemeente_id WHERE m.user_id = u.id ORDER BY g.code), "
        "ARRAY(SELECT l.gemeente_id FROM financiering_medewerker m "
        "JOIN financiering_samenwerkingsverband_medewerkers sm ON sm.medewerker_id = m.id "
        "JOIN financiering_samenwerkingsverband_leden l ON l.samenwerkingsverband_id = sm.samenwerkingsverband_id "
        "WHERE m.user_id = u.id) FROM backoffice_user u WHERE u.id = %s",
        [user["id"]],
    )
    voornaam, achternaam, namen, via_verband = cursor.fetchone()
    user["gemeente_ids"] = sorted(set(user["gemeente_ids"]) | set(via_verband))
    naam = f"{voornaam} {achternaam}".strip() or user["username"]
    if user["rollen"] & {"uwv_beoordelaar", "uwv_financieel"}:
        return naam, "UWV"
    if user["organisatie"]:
        return naam, user["organisatie"]
    return naam, "Gemeente " + ", ".join(namen) if namen else ""


def _log(cursor, user: dict, deelnemers: dict, organisatie: str) -> None:
    """The processing log as ``VerwerkingslogMiddleware`` writes it for this page: one INSERT."""
    if not deelnemers:
        return
    doel = "betalen" if user["rollen"] == {"uwv_financieel"} else "aanvraag_beoordelen"
    if "aanbieder_medewerker" in user["rollen"]:
        doel = "aanvraag_indienen"
    cursor.execute(
        "INSERT INTO backoffice_verwerking (uuid, op, verzoek, gebruiker_id, gebruikersnaam, organisatie, rollen, "
        "deelnemer_uuid, bsn_hash, handeling, doel, kanaal, object_type, object_uuid, route) "
        "SELECT gen_random_uuid(), now(), %s, %s, %s, %s, %s, d.uuid, d.bsn_hash, 'raadplegen', %s, 'web', 'start', "
        "NULL, 'GET' FROM unnest(%s::uuid[], %s::text[]) AS d(uuid, bsn_hash)",
        [
            uuid.uuid4(),
            user["id"],
            user["username"],
            organisatie,
            ", ".join(sorted(user["rollen"])),
            doel,
            list(deelnemers),
            list(deelnemers.values()),
        ],
    )


def werkbak(environ, cursor, user):
    if user["rollen"] & ANDERE_ROLLEN:
        return "501 Not Implemented", [("Content-Type", "text/plain")], b"niet nagebouwd voor deze rol"
    naam, organisatie = _kop(cursor, user)
    p = Pagina(cursor, user)
    secties = [s for rol, maker in ROLLEN if rol in user["rollen"] for s in maker(p)]
    _log(cursor, user, p.deelnemers, organisatie)
    rollen = ", ".join(ROLNAMEN[r] for r in sorted(user["rollen"]) if r in ROLNAMEN)
    inhoud = "\n".join(_sectie_html(i, s) for i, s in enumerate(secties, 1))
    body = (
        '<!doctype html>\n<html lang="nl">\n<head><meta charset="utf-8"><title>Werkbak · IPS-loket</title></head>\n'
        f'<body>\n<header class="kop"><span class="kop__naam">{escape(naam)}</span> '
        f'<span class="kop__rol">{escape(rollen)}{" · " + escape(organisatie) if organisatie else ""}</span></header>\n'
        '<main id="inhoud">\n<h1>Werkbak</h1>\n<p class="inleiding">Wat op u wacht, het dringendste eerst.</p>\n'
        + (f'<div class="werkbak">\n{inhoud}\n</div>' if secties else "<p>Voor uw rol staat hier niets klaar.</p>")
        + "\n</main>\n</body>\n</html>\n"
    )
    return "200 OK", [("Content-Type", "text/html; charset=utf-8")], body.encode()


ROUTES = {"/": werkbak}
VERGELIJKINGEN = [
    ("werkbak (UWV beoordelaar)", "uwv", "/"),
    ("werkbak (UWV financieel)", "financieel", "/"),
    ("werkbak (gemeente)", "gemeente", "/"),
    ("werkbak (aanbieder)", "aanbieder", "/"),
]


# --- the same page? -----------------------------------------------------------------------------------

_SECTIE = re.compile(r"<section class=\"kaart werkbak__sectie\".*?</section>", re.S)
_TITEL = re.compile(r"<h2[^>]*>(.*?) <span class=\"teller\"[^>]*>(\d+)</span>", re.S)
_RIJ = re.compile(r"<li( class=\"verlopen\")?>(.*?)</li>", re.S)


def _tekst(fragment: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def secties(page: str) -> list[tuple]:
    """The werkbak of an HTML page as data: per section its title, count, and rows (verlopen, the
    row's text, its link), whoever rendered it."""
    out = []
    for sectie in _SECTIE.findall(page):
        titel, aantal = _TITEL.search(sectie).groups()
        rijen = [(bool(v), _tekst(li), re.findall(r'href="([^"]*)"', li)) for v, li in _RIJ.findall(sectie)]
        out.append((_tekst(titel), int(aantal), rijen, _tekst(sectie.rsplit("</ul>", 1)[-1])))
    return out


def html_gelijk(service: str, referentie: str) -> str:
    """'ja' when both pages show the same sections, counts and rows, else the first difference."""
    a, b = secties(service), secties(referentie)
    if a == b:
        return f"ja ({len(a)} secties, {sum(s[1] for s in a)} items)"
    if len(a) != len(b):
        return f"nee: {len(a)} tegen {len(b)} secties"
    for x, y in zip(a, b, strict=True):
        if x != y:
            return f"nee: {x!r} tegen {y!r}"[:400]
    return "nee"
