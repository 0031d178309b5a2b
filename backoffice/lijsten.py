"""One machinery for every list page (docs/architecture.md, "Lijsten"): search, sorting by column,
filters that are remembered, CSV/XLSX export of the list as shown and the empty state.

A list page declares a :class:`Lijst` (its columns, which of them sort, which GET parameters are
its filters, how it searches) and asks :func:`staat` for the state of this request:

    lijst = Lijst(naam="aanvragen", titel="Aanvragen", url_name="web-aanvragen", kolommen=(...),
                  sortering="-ingediend_op", filters=("status", "route"), zoeken=Zoeken(...))

    def aanvraag_list(request):
        st = lijsten.staat(request, lijst)
        if st.antwoord:                      # the POST of a search: redirect (PRG)
            return st.antwoord
        form = FilterForm(st.filters)        # the remembered filters, as a QueryDict
        qs = st.toepassen(selectors.x_for(request.user).filter(...))  # search + sort
        if st.export:                        # ?export=csv|xlsx: the same rows, all pages
            return st.export_response(qs)
        page = Paginator(qs, 25).get_page(request.GET.get("pagina"))
        return render(request, "...", {..., **st.context(page)})

Rules of the machinery:

- **Search** is a POST to the list's own URL (field ``zoekterm``), never a GET: a BSN typed there
  never appears in a URL, a server log or the browser history. The term is classified: a valid BSN
  (eleven-test; alone or as a word among others) searches the participant through the app's logged search (``Zoeken.bsn``: throttled,
  recorded in the BSN log and in the processing log, see ``trajecten.lijsten``); digits search a
  toewijzingNummer or a declaration number; text a participant's name (only where the role may see
  it) or a number. The session keeps the search per list, the BSN only as its keyed hash with the
  masked form ``*****2333`` to show; never the BSN itself. ``zoeken_wissen`` clears it.
- **Sorting**: ``?sorteer=<key>`` or ``-<key>``, only the keys of columns with ``sorteer`` (a
  whitelist: any other value is ignored); the header links carry ``aria-sort``.
- **Filters**: the GET parameters named in ``Lijst.filters`` (and ``sorteer``). A GET that names
  one of them is the new state and is remembered in the session per list; a GET without them shows
  the remembered state. ``?wissen=1`` forgets filters, sort and search ("Filters wissen").
- **Export**: ``?export=csv`` or ``?export=xlsx`` with the same state: all rows (at most
  :data:`MAX_EXPORT`), the columns' Dutch headers, money as numbers in XLSX and as ``1.234,56`` in
  the semicolon CSV, dates as dates. Built in memory within the request, so that the processing log
  (one bulk insert at the end of the request) records the participants exported.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.contrib import messages
from django.db.models import F, Q, QuerySet
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from . import spreadsheet
from .errors import BusinessRuleError

MAX_EXPORT = 10_000
ZOEKTERM_MAX = 100
SESSIE = "lijsten"
_BSN = re.compile(r"\d{9}")


@dataclass(frozen=True)
class Kolom:
    """A column: ``key`` (the sort key in the URL), the Dutch ``label``, ``sorteer`` (the ORM path
    it sorts by, or ``sorteer(user) -> expression`` for a sort that depends on what the user may
    see; None: not sortable), ``waarde(obj, user)`` (its value in the export, typed: a
    Decimal, a date, text; None: not exported), ``klasse`` (the cell's CSS class, ``getal``) and
    ``oplopend``/``aflopend`` (the words of the two directions in the sort menu)."""

    key: str
    label: str
    sorteer: str | Callable | None = None
    waarde: Callable | None = None
    klasse: str = ""
    oplopend: str = "oplopend"
    aflopend: str = "aflopend"
    tonen: bool = True  # a header cell on the page (False: in the export only)


DATUM_RICHTING = {"oplopend": "oudste eerst", "aflopend": "nieuwste eerst"}
BEDRAG_RICHTING = {"oplopend": "laagste eerst", "aflopend": "hoogste eerst"}
TEKST_RICHTING = {"oplopend": "A-Z", "aflopend": "Z-A"}


@dataclass(frozen=True)
class Zoeken:
    """How a list searches. Each entry turns a term into a ``Q`` on the list's queryset, or is None
    when the list cannot search that way:

    - ``naam(user, term) -> Q``: a participant's name, only on cases where ``user`` may see it;
    - ``bsn(user, bsn) -> Q``: the logged search (raises ``BusinessRuleError`` ``te-veel-bsn``) at the
      POST; ``bsn_hash(user, hash) -> Q`` rebuilds the filter from the session's hash later;
    - ``toewijzing``: the ORM path of a toewijzingNummer (exact); ``declaratie``: of a declaration
      number (contains); ``tekst``: ORM paths searched for the term as text (contains)."""

    naam: Callable[..., Q] | None = None
    bsn: Callable[..., Q] | None = None
    bsn_hash: Callable[..., Q] | None = None
    toewijzing: str | None = None
    declaratie: str | None = None
    tekst: Sequence[str] = ()
    distinct: bool = False  # a search through a to-many relation
    label: str = ""  # what the search box says it searches ("naam of gebruikersnaam"); empty: derived

    def uitleg(self) -> str:
        if self.label:
            return self.label
        delen = []
        if self.naam:
            delen.append("naam")
        if self.bsn:
            delen.append("BSN")
        if self.toewijzing:
            delen.append("toewijzingnummer")
        if self.declaratie:
            delen.append("declaratienummer")
        if self.tekst and not delen:
            delen.append("tekst")
        if len(delen) > 1:
            return ", ".join(delen[:-1]) + " of " + delen[-1]
        return delen[0] if delen else ""


@dataclass(frozen=True)
class Lijst:
    naam: str  # the key in the session, and the export's file name
    titel: str  # the export's sheet title
    url_name: str
    kolommen: tuple[Kolom, ...]
    sortering: str  # the default sort key, "-key" for descending
    filters: tuple[str, ...] = ()
    zoeken: Zoeken | None = None
    standaard: dict = field(default_factory=dict)  # the filters when nothing is remembered
    tiebreak: str = "-id"
    # the order when the user chose none (an expression list, e.g. open ones first); empty: ``sortering``
    volgorde: tuple = ()
    # ``voorbereiden(rijen, user)``: decorates the rows with what the columns' values read (computed
    # per row in Python, as the page does), for the page and the export alike; None: nothing to add
    voorbereiden: Callable | None = None

    def kolom(self, key: str) -> Kolom | None:
        for k in self.kolommen:
            if k.key == key and k.sorteer:
                return k
        return None

    def sorteerbaar(self) -> list[Kolom]:
        return [k for k in self.kolommen if k.sorteer]


def _classificeer(term: str) -> tuple[str, str]:
    """('bsn', digits) for a valid BSN, ('nummer', digits) for other digits, ('tekst', term)."""
    from stdnum.nl import bsn as stdnum_bsn

    compact = re.sub(r"[\s.\-]", "", term)
    if _BSN.fullmatch(compact) and stdnum_bsn.is_valid(compact):
        return "bsn", compact
    # a BSN as a word among others ("bsn 123456782"; not inside a number like "D-123456782"):
    # searched as the BSN, so that it is never kept in the session or shown in clear as a text search
    for kandidaat in re.findall(r"(?<![\w-])\d{9}(?![\w-])", term):
        if stdnum_bsn.is_valid(kandidaat):
            return "bsn", kandidaat
    if compact.isdigit():
        return "nummer", compact
    return "tekst", term


def zoek_q(zoeken: Zoeken, user, zoek: dict) -> Q | None:
    """The filter of a remembered search (see :func:`staat`); None when the list cannot search so."""
    soort, term = zoek.get("soort"), zoek.get("term", "")
    if soort == "bsn":
        return zoeken.bsn_hash(user, zoek["hash"]) if zoeken.bsn_hash else Q(pk__in=[])
    q = Q(pk__in=[])
    if soort == "nummer":
        if zoeken.toewijzing and len(term) <= 9:
            q |= Q(**{zoeken.toewijzing: int(term)})
        if zoeken.declaratie:
            q |= Q(**{f"{zoeken.declaratie}__icontains": term})
    if zoeken.naam and soort == "tekst":
        q |= zoeken.naam(user, term)
    if zoeken.declaratie and soort == "tekst":
        q |= Q(**{f"{zoeken.declaratie}__icontains": term})
    for pad in zoeken.tekst:
        q |= Q(**{f"{pad}__icontains": term})
    return q


class Staat:
    """The state of one list for this request: remembered filters, sort, search, export."""

    def __init__(self, request, lijst: Lijst):
        self.request = request
        self.lijst = lijst
        self.antwoord = None
        bewaard = request.session.get(SESSIE, {}).get(lijst.naam, {})
        self.zoek: dict = bewaard.get("zoek") or {}
        self.zoekfout: str = ""
        get = request.GET
        namen = (*lijst.filters, "sorteer")
        if get.get("wissen"):
            self._bewaar(filters=None, zoek={})
            self.zoek = {}
            self.antwoord = redirect(reverse(lijst.url_name))
            return
        if any(n in get for n in namen):
            self.filters = QueryDict(mutable=True)
            for n in namen:
                if n in get:
                    self.filters.setlist(n, get.getlist(n))
            self._bewaar(filters={n: self.filters.getlist(n) for n in self.filters})
        else:
            self.filters = QueryDict(mutable=True)
            opgeslagen = bewaard.get("filters")
            if opgeslagen is None:
                opgeslagen = {k: [v] for k, v in lijst.standaard.items()}
            for n, values in opgeslagen.items():
                if n in namen:
                    self.filters.setlist(n, values)
        self.sorteer_key = self._sortering(self.filters.get("sorteer", ""))
        self.gekozen = bool(self.filters.get("sorteer")) and self.sorteer_key == self.filters.get("sorteer")
        self.export = get.get("export") if get.get("export") in spreadsheet.FORMATS else None
        if request.method == "POST":
            self._zoek_post()

    # --- session ---

    def _bewaar(self, **delen) -> None:
        alles = dict(self.request.session.get(SESSIE, {}))
        eigen = dict(alles.get(self.lijst.naam, {}))
        eigen.update(delen)
        alles[self.lijst.naam] = eigen
        self.request.session[SESSIE] = alles

    def _zoek_post(self) -> None:
        post = self.request.POST
        self.antwoord = redirect(self.url())
        if post.get("zoeken_wissen") or not post.get("zoekterm", "").strip():
            self._bewaar(zoek={})
            self.zoek = {}
            return
        zoeken = self.lijst.zoeken
        if zoeken is None:
            return
        term = post["zoekterm"].strip()[:ZOEKTERM_MAX]
        soort, waarde = _classificeer(term)
        if soort == "bsn":
            if not zoeken.bsn:
                messages.error(self.request, "In deze lijst kunt u niet op BSN zoeken. (code: ongeldige-invoer)")
                return
            try:
                zoeken.bsn(self.request.user, waarde)
            except BusinessRuleError as exc:
                messages.error(self.request, f"{exc.message} (code: {exc.code})")
                return
            from .crypto import bsn_hash, mask_bsn

            zoek = {"soort": "bsn", "hash": bsn_hash(waarde), "getoond": mask_bsn(waarde)}
        else:
            zoek = {"soort": soort, "term": waarde, "getoond": waarde}
        self._bewaar(zoek=zoek)
        self.zoek = zoek

    # --- sort and search ---

    def _sortering(self, waarde: str) -> str:
        key = waarde.lstrip("-")
        if key and self.lijst.kolom(key):
            return waarde
        return self.lijst.sortering

    @property
    def gefilterd(self) -> bool:
        """Whether the user narrowed the list (a search or a filter other than the default)."""
        if self.zoek or self.gekozen:
            return True
        for n in self.lijst.filters:
            values = [v for v in self.filters.getlist(n) if v]
            standaard = [self.lijst.standaard[n]] if n in self.lijst.standaard else []
            if values != standaard:
                return True
        return False

    def zoeken(self, qs: QuerySet) -> QuerySet:
        if not self.zoek or self.lijst.zoeken is None:
            return qs
        q = zoek_q(self.lijst.zoeken, self.request.user, self.zoek)
        qs = qs.filter(q)
        return qs.distinct() if self.lijst.zoeken.distinct else qs

    def sorteren(self, qs: QuerySet) -> QuerySet:
        if self.lijst.volgorde and not self.gekozen:
            return qs.order_by(*self.lijst.volgorde)
        key = self.sorteer_key
        kolom = self.lijst.kolom(key.lstrip("-"))
        pad = kolom.sorteer if kolom else key.lstrip("-")
        # a callable gives the user's own sort expression (a name only where the user may see it,
        # NULL elsewhere: those rows stay together at the end, in either direction)
        expr = pad(self.request.user) if callable(pad) else F(pad)
        order = expr.desc(nulls_last=True) if key.startswith("-") else expr.asc(nulls_last=True)
        return qs.order_by(order, self.lijst.tiebreak)

    def toepassen(self, qs: QuerySet) -> QuerySet:
        return self.sorteren(self.zoeken(qs))

    # --- links ---

    def query(self, **extra) -> str:
        q = self.filters.copy()
        q.pop("sorteer", None)
        if self.gekozen or "sorteer" in extra:
            q["sorteer"] = extra.pop("sorteer", self.sorteer_key)
        for k, v in extra.items():
            q[k] = v
        return q.urlencode()

    def url(self, **extra) -> str:
        query = self.query(**extra)
        return reverse(self.lijst.url_name) + (f"?{query}" if query else "")

    def kop(self) -> list[dict]:
        """The header cells: label, class, and for a sortable column its link and aria-sort."""
        huidig = self.sorteer_key.lstrip("-") if (self.gekozen or not self.lijst.volgorde) else None
        aflopend = self.sorteer_key.startswith("-")
        cellen = []
        for k in self.lijst.kolommen:
            if not k.tonen:
                continue
            cel = {"label": k.label, "klasse": k.klasse, "url": None, "aria_sort": None}
            if k.sorteer:
                actief = k.key == huidig
                volgende = k.key if (not actief or aflopend) else f"-{k.key}"
                cel["url"] = "?" + self.query(sorteer=volgende)
                cel["aria_sort"] = ("descending" if aflopend else "ascending") if actief else "none"
                cel["uitleg"] = (
                    f"Sorteer op {k.label.lower()}, {k.aflopend if volgende.startswith('-') else k.oplopend}"
                )
            cellen.append(cel)
        return cellen

    def sorteer_keuzes(self) -> list[dict]:
        keuzes = []
        for k in self.lijst.sorteerbaar():
            for waarde, woorden in ((k.key, k.oplopend), (f"-{k.key}", k.aflopend)):
                gekozen = waarde == self.sorteer_key and (self.gekozen or not self.lijst.volgorde)
                keuzes.append({"waarde": waarde, "label": f"{k.label} ({woorden})", "gekozen": gekozen})
        if self.lijst.volgorde:
            keuzes.insert(0, {"waarde": "", "label": "Standaard (open eerst)", "gekozen": not self.gekozen})
        return keuzes

    def context(self, page=None) -> dict:
        return {
            "lijst": {
                "url": reverse(self.lijst.url_name),
                "kop": self.kop(),
                "sorteer_keuzes": self.sorteer_keuzes(),
                "zoek": self.zoek,
                "kan_zoeken": self.lijst.zoeken is not None,
                "zoek_uitleg": self.lijst.zoeken.uitleg() if self.lijst.zoeken else "",
                "gefilterd": self.gefilterd,
                "wissen_url": reverse(self.lijst.url_name) + "?wissen=1",
                "export_csv": "?" + self.query(export="csv"),
                "export_xlsx": "?" + self.query(export="xlsx"),
                "titel": self.lijst.titel,
            },
            # the paging keeps the state explicit, so that a link opened elsewhere shows the same
            "query": self.query(),
        }

    # --- export ---

    def export_response(self, qs: QuerySet):
        rijen = list(qs[: MAX_EXPORT + 1])
        if len(rijen) > MAX_EXPORT:
            messages.error(
                self.request,
                f"De lijst heeft meer dan {MAX_EXPORT:_} regels; verfijn uw zoekopdracht of filters en exporteer "
                "opnieuw. (code: export-te-groot)".replace("_", "."),
            )
            return redirect(self.url())
        return export(self.lijst, rijen, self.request.user, self.export)


def _lokaal(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return value


def export(lijst: Lijst, rijen, user, formaat: str):
    if lijst.voorbereiden is not None:
        lijst.voorbereiden(rijen, user)
    kolommen = [k for k in lijst.kolommen if k.waarde is not None]
    header = [k.label for k in kolommen]
    data = [[_lokaal(k.waarde(obj, user)) for k in kolommen] for obj in rijen]
    vandaag = timezone.localdate().isoformat()
    naam = f"{lijst.naam}-{vandaag}"
    if formaat == "xlsx":
        return spreadsheet.xlsx_response([(lijst.titel, header, data)], f"{naam}.xlsx")
    body = "".join(spreadsheet.iter_csv(header, data, nl=True)).encode("utf-8")
    from django.http import HttpResponse

    return spreadsheet.attachment(HttpResponse(body, content_type=spreadsheet.CSV_TYPE), f"{naam}.csv")


def staat(request, lijst: Lijst) -> Staat:
    return Staat(request, lijst)


def bedrag(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def dag(value) -> date | None:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value
