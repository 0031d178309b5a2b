"""The web pages of the scheduled jobs (docs/jobs.md, "Op het web"): every role's job runs
(``/taken/``, scoped by ``selectors.taakruns_for``), one run's status and result
(``/taken/runs/<uuid>/``, refreshing while it is busy), and for UWV financieel the weekly payment
run and the monthly claims: a preview computed by the selections the jobs themselves use
(``declaraties.jobs``), a confirmation, and the start through the one code path
(``schedule.run_job`` via the Celery task, at most once per period)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from . import lijsten, registry, roles, schedule, selectors
from .forms import BevestigForm
from .models import SignaalSoort, Taakrun, TaakrunStatus

# The jobs UWV financieel starts from the web, with their words.
STARTBAAR = {
    "weekly": {
        "titel": "Betaalrun",
        "wat": "betaalopdrachten uit de toegekende declaratieregels, één per aanbieder",
        "periode": "week",
    },
    "monthly": {
        "titel": "Vorderingen cofinanciering",
        "wat": "de vorderingen cofinanciering over de vorige maand, één per gemeente, en de herinneringen",
        "periode": "maand",
    },
}
TAAK_NAMEN = {
    "nightly": "Nachtelijke taak",
    "weekly": "Betaalrun (wekelijks)",
    "monthly": "Vorderingen (maandelijks)",
    "quarterly": "Werkmonitor (per kwartaal)",
}
# Every ``Taakrun.bron`` the code writes (schedule.run_job's callers), in words; anything else
# (an older row, an empty one) reads "anders gestart", never the raw code.
BRON = {
    "planner": "volgens schema",
    "celery": "volgens schema",
    "beat": "volgens schema",
    "web": "gestart op het web",
    "run_job": "met de hand",
    "demo_data": "door de demo aangemaakt",
    "bench": "bij een meting van de snelheid",
}
AANTALLEN = {
    "betaalopdrachten": "Betaalopdrachten aangemaakt",
    "regels": "Regels opgenomen",
    "vorderingen": "Vorderingen aangemaakt",
    "herinneringen": "Herinneringen verstuurd",
    "trajecten_looptijd_verstreken": "Trajecten over hun einddatum",
    "notificaties": "E-mails verstuurd",
    "werkmonitor.trajecten": "Werkmonitor: trajecten",
    "werkmonitor.rijen": "Werkmonitor: rijen",
    "werkmonitor.groepen_onderdrukt": "Werkmonitor: kleine groepen onderdrukt",
    "bewaartermijn.deelnemers_geanonimiseerd": "Deelnemers geanonimiseerd (bewaartermijn)",
    "documenten_gerenderd": "Documenten opgemaakt",
}
SIGNAAL_WOORD = {"nieuw": "nieuw", "afgehandeld": "vervallen"}
# The steps of the jobs (registry.register_job_step), in words: a failed step is named on the page.
STAPPEN = {
    "trajecten_expire": "trajecten over hun einddatum",
    "notificaties": "e-mails",
    "documenten_renderen": "documenten opmaken",
    "bewaartermijn": "bewaartermijn",
    "verwerkingslog_opschonen": "verwerkingslog opschonen",
    "betaalopdrachten": "betaalopdrachten",
    "vorderingen": "vorderingen",
    "vorderingen_herinneren": "herinneringen vorderingen",
    "werkmonitor": "werkmonitor",
}


def stap_label(stap: str) -> str:
    if not stap:
        return "de taak"
    if stap.startswith("signalen."):
        soort = stap.split(".", 1)[1]
        try:
            return f"signalen '{SignaalSoort(soort).label}'"
        except ValueError:
            return f"signalen '{soort.replace('_', ' ')}'"
    return STAPPEN.get(stap, stap.replace("_", " "))


def aantal_label(key: str) -> str:
    if key in AANTALLEN:
        return AANTALLEN[key]
    if key.startswith("signalen."):
        _, soort, *rest = key.split(".")
        try:
            naam = SignaalSoort(soort).label
        except ValueError:
            naam = soort.replace("_", " ")
        woord = SIGNAAL_WOORD.get(rest[0], rest[0].replace("_", " ")) if rest else ""
        return f"Signalen '{naam}': {woord}".rstrip(": ")
    return key.replace("_", " ").replace(".", ": ").capitalize()


def _aantallen(run: Taakrun) -> list[tuple[str, int]]:
    return [(aantal_label(k), v) for k, v in sorted(run.counts.items()) if v]


def _versier(run: Taakrun, user) -> Taakrun:
    run.naam = TAAK_NAMEN.get(run.taak, run.get_taak_display())
    run.bron_tekst = BRON.get(run.bron, "anders gestart")
    # the counts are totals over every organisation: UWV and the beheerder read them, a provider, a
    # gemeente or the FG only whether the run went well (each sees its own results on its own pages)
    run.aantallen_zichtbaar = roles.has_role(user, *roles.UWV_ROLES, roles.BEHEERDER)
    run.aantallen = _aantallen(run) if run.aantallen_zichtbaar else []
    run.foutstappen = [stap_label(f.get("stap") or "") for f in run.fouten]
    run.foutregels = [
        {"stap": stap_label(f["stap"]) if f.get("stap") else "", "fout": f.get("fout", "")} for f in run.fouten
    ]
    run.fouttekst = roles.has_role(user, roles.BEHEERDER)
    return run


def _vereist_zicht(user) -> None:
    if not selectors.taken_zichtbaar(user):
        raise PermissionDenied("Voor uw rol zijn er geen taakruns om te zien.")


def _startbaar(taak: str) -> dict:
    if taak not in STARTBAAR:
        raise Http404("Deze taak start u niet op het web.")
    return STARTBAAR[taak]


def _voorbeeld(taak: str, datum):
    return registry.taak_voorbeeld(taak, datum)  # declaraties/apps.py registers the payment run and the claims


def _taak_context(taak: str) -> dict:
    vandaag = timezone.localdate()
    start, eind = schedule.periode(taak, vandaag)
    return {
        "taak": taak,
        "info": STARTBAAR[taak],
        "vandaag": vandaag,
        "periode_start": start,
        "periode_eind": eind,
        "eerder": schedule.run_in_periode(taak, vandaag),
        "voorbeeld": _voorbeeld(taak, vandaag),
        "volgende": timezone.localtime(schedule.volgend_moment(schedule.crontab_for(taak), timezone.now())),
    }


def _runs_versieren(runs, user) -> None:
    for run in runs:
        _versier(run, user)


def _resultaat(run, _user) -> str:
    delen = [f"{label}: {n}" for label, n in run.aantallen]
    if run.foutstappen:
        delen.append("Mislukt: " + ", ".join(run.foutstappen))
    return "; ".join(delen)


TAAKRUNS = lijsten.Lijst(
    naam="taken",
    titel="Taakruns",
    url_name="web-taken",
    kolommen=(
        lijsten.Kolom("taak", "Taak", "taak", lambda r, _: r.naam, **lijsten.TEKST_RICHTING),
        lijsten.Kolom("bron", "Hoe gestart", None, lambda r, _: r.bron_tekst, tonen=False),
        lijsten.Kolom("datum", "Voor", "datum", lambda r, _: r.datum, **lijsten.DATUM_RICHTING),
        lijsten.Kolom("status", "Status", "status", lambda r, _: r.get_status_display()),
        lijsten.Kolom("gestart", "Gestart", "gestart", lambda r, _: r.gestart, **lijsten.DATUM_RICHTING),
        lijsten.Kolom("klaar", "Klaar", "klaar", lambda r, _: r.klaar, **lijsten.DATUM_RICHTING),
        lijsten.Kolom("resultaat", "Resultaat", None, _resultaat),
    ),
    sortering="-gestart",
    filters=("taak", "status"),
    voorbereiden=_runs_versieren,
)


@login_required
@require_GET
def taken(request):
    """Every role's job runs (TAAKRUN_ZICHT), newest first; UWV financieel also gets the two starts.
    The list machinery (``backoffice.lijsten``): sort, the remembered filters (job, status), export.
    A run has no name or number to search by: the filters narrow it."""
    _vereist_zicht(request.user)
    st = lijsten.staat(request, TAAKRUNS)
    if st.antwoord:
        return st.antwoord
    qs = selectors.taakruns_for(request.user)
    taak = st.filters.get("taak", "")
    if taak in selectors.taken_zichtbaar(request.user):
        qs = qs.filter(taak=taak)
    else:
        taak = ""
    status = st.filters.get("status", "")
    if status in TaakrunStatus.values:
        qs = qs.filter(status=status)
    else:
        status = ""
    qs = st.toepassen(qs)
    if st.export:
        return st.export_response(qs)
    page = Paginator(qs, 25).get_page(request.GET.get("pagina"))
    _runs_versieren(page.object_list, request.user)
    financieel = roles.has_role(request.user, roles.UWV_FINANCIEEL)
    keuzes = [(t, TAAK_NAMEN[t]) for t in schedule.JOBS if t in selectors.taken_zichtbaar(request.user)]
    return render(
        request,
        "backoffice/taken.html",
        {
            "page_obj": page,
            "gekozen": taak,
            "keuzes": keuzes,
            "status": status,
            "statussen": TaakrunStatus.choices,
            "startbaar": [(t, STARTBAAR[t]) for t in STARTBAAR] if financieel else [],
            "volgende": [
                (TAAK_NAMEN[t], timezone.localtime(schedule.volgend_moment(schedule.crontab_for(t), timezone.now())))
                for t, _ in keuzes
            ],
            **st.context(page),
        },
    )


@login_required
@require_GET
def taak_voorbeeld(request, taak):
    """What the run would do now, by the job's own selections; a button to the confirmation."""
    _financieel(request.user)
    _startbaar(taak)
    return render(request, "backoffice/taken_voorbeeld.html", _taak_context(taak))


def _financieel(user) -> None:
    allowed, reason = roles.check_role(user, roles.UWV_FINANCIEEL)
    if not allowed:
        raise PermissionDenied(reason)


@login_required
@require_http_methods(["GET", "POST"])
def taak_starten(request, taak):
    """The confirmation (backoffice/_bevestig.html) and the start. A second start in the same
    period is refused, in words, with a link to the run that did it (checked again under the lock)."""
    _financieel(request.user)
    _startbaar(taak)
    context = _taak_context(taak)
    form = BevestigForm(request.POST if request.method == "POST" else None)
    if context["eerder"] is not None:
        return render(request, "backoffice/taken_starten.html", {**context, "form": form}, status=409)
    if request.method == "POST" and form.is_valid():
        run = Taakrun.objects.create(
            taak=taak, datum=context["vandaag"], gestart=timezone.now(), status="bezig", bron="web"
        )
        from .tasks import run_job_task

        args = (taak, context["vandaag"].isoformat(), str(run.uuid))
        if settings.CELERY_TASK_ALWAYS_EAGER:
            # No broker (make run): run it now, in this request; the run page then shows the result.
            run_job_task.apply(args=args)
        else:
            transaction.on_commit(lambda: run_job_task.delay(*args))
        return redirect("web-taakrun", uuid=run.uuid)
    status = 400 if request.method == "POST" else 200
    return render(request, "backoffice/taken_starten.html", {**context, "form": form}, status=status)


@login_required
@require_GET
def taakrun(request, uuid):
    """One run: status, when, what it did; refreshes itself (meta refresh) while it is busy."""
    _vereist_zicht(request.user)
    run = _versier(get_object_or_404(selectors.taakruns_for(request.user), uuid=uuid), request.user)
    eerder = None
    if run.status == "overgeslagen" and run.bron == "web" and run.taak in STARTBAAR:
        eerder = schedule.run_in_periode(run.taak, run.datum)
    return render(
        request,
        "backoffice/taken_run.html",
        {
            "run": run,
            "eerder": eerder,
            "ververs": run.status == "bezig",
            "startbaar": run.taak in STARTBAAR and roles.has_role(request.user, roles.UWV_FINANCIEEL),
        },
    )


web_urlpatterns = [
    path("taken/", taken, name="web-taken"),
    path("taken/runs/<uuid:uuid>/", taakrun, name="web-taakrun"),
    path("taken/<str:taak>/", taak_voorbeeld, name="web-taak-voorbeeld"),
    path("taken/<str:taak>/starten", taak_starten, name="web-taak-starten"),
]
