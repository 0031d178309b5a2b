"""The app registry: what the domain apps contribute to the shared core, so that the core runs and
shows it without naming an app (the core sits at the bottom of the import order; see
docs/architecture.md, "Het register").

Each app fills it in its ``AppConfig.ready()`` (``trajecten/apps.py``, ...):

- ``register_job_step(job, name, func, order=, doel=)``: a step ``func(datum) -> counts`` of a
  scheduled job (``backoffice.schedule`` runs the steps of a job in ``order``), with the purpose
  under which it reads participants (the processing log; default ``signalering``);
- ``register_job_steps(job, factory, order=)``: a group of steps only known on the day
  (``factory(datum) -> [(name, func), ...]``), such as one step per kind of signal;
- ``register_signaal_oorzaken(factory, order=)``: the causes of signals an app knows
  (``factory(datum=, instellingen=) -> [Oorzaken, ...]``), made into the nightly signal steps;
- ``register_werkbak_sectie(role, factory, order=)``: a section ``factory(user) -> dict`` of the
  start page's work queue for a role (``backoffice.werkbak.voor``);
- ``register_pagina_blok(plek, factory, order=)``: a block ``factory(request, obj) -> str`` (HTML,
  rendered by the app's own template; ``""`` for nothing) on a page of a lower app, shown where its
  template says ``{% blokken "<plek>" obj %}`` (``{% load ips %}``): a higher app adds its actions to
  a lower app's page (the objection on a decision, ``bezwaren``) without the lower app naming it;
- ``register_document_object(object_soort, resolver)``: who may see the documents of an object
  (``resolver(user, uuid) -> bool``, through the app's own scoped selector; ``backoffice.documenten``).

Equal orders keep the order of registration. Registering the same function at the same order again replaces it, so
a second ``ready()`` (some test runners) adds nothing twice."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

Step = tuple[str, Callable[[date], dict[str, int]]]


class NietBeschikbaar(Exception):
    """A step whose code is not there yet: recorded honestly as an error, never as a success."""


@dataclass(frozen=True)
class _Entry:
    order: int
    key: str
    value: object


_job_steps: dict[str, list[_Entry]] = {}
_signaal_oorzaken: list[_Entry] = []
_werkbak: dict[str, list[_Entry]] = {}
_doelen: dict[str, str] = {}
_blokken: dict[str, list[_Entry]] = {}


def _key(func, order: int) -> str:
    return f"{getattr(func, '__module__', '')}.{getattr(func, '__qualname__', repr(func))}@{order}"


def _add(entries: list[_Entry], entry: _Entry) -> None:
    entries[:] = [e for e in entries if e.key != entry.key]
    entries.append(entry)
    entries.sort(key=lambda e: e.order)  # stable: equal orders keep the order of registration


def register_job_steps(job: str, factory: Callable[[date], list[Step]], *, order: int) -> None:
    _add(_job_steps.setdefault(job, []), _Entry(order, _key(factory, order), factory))


def register_job_step(
    job: str, name: str, func: Callable[[date], dict[str, int]], *, order: int, doel: str = "signalering"
) -> None:
    """``doel``: the purpose under which the step's reads of participants enter the processing log."""
    _doelen[name] = doel
    _add(_job_steps.setdefault(job, []), _Entry(order, f"step:{name}", lambda datum: [(name, func)]))


def job_steps(job: str, datum: date) -> list[Step]:
    """The steps of ``job`` on ``datum``, in order."""
    return [step for entry in _job_steps.get(job, ()) for step in entry.value(datum)]


def stap_doel(name: str) -> str:
    """The registered purpose of step ``name``; any other step (the signals): ``signalering``."""
    return _doelen.get(name, "signalering")


def register_signaal_oorzaken(factory: Callable, *, order: int) -> None:
    _add(_signaal_oorzaken, _Entry(order, _key(factory, order), factory))


def signaal_oorzaken(*, datum: date, instellingen) -> list:
    """Every app's causes of signals on ``datum``, in order (``backoffice.signalering.Oorzaken``)."""
    return [o for entry in _signaal_oorzaken for o in entry.value(datum=datum, instellingen=instellingen)]


def register_werkbak_sectie(role: str, factory: Callable, *, order: int) -> None:
    _add(_werkbak.setdefault(role, []), _Entry(order, _key(factory, order), factory))


def werkbak_secties(role: str) -> list[Callable]:
    """The section makers of ``role``'s work queue, most urgent first."""
    return [entry.value for entry in _werkbak.get(role, ())]


def register_pagina_blok(plek: str, factory: Callable, *, order: int) -> None:
    _add(_blokken.setdefault(plek, []), _Entry(order, _key(factory, order), factory))


def pagina_blokken(plek: str) -> list[Callable]:
    """The block makers of the place ``plek`` on a page (``{% blokken plek obj %}``), in order."""
    return [entry.value for entry in _blokken.get(plek, ())]


_document_objecten: dict[str, Callable] = {}


def register_document_object(object_soort: str, resolver: Callable) -> None:
    """The documents of an ``object_soort`` (``Document.Object``: aanvraag, traject, vordering,
    betaalopdracht, bezwaar) are visible to ``user`` when ``resolver(user, uuid)`` is true: scoped
    like the object. Registering the same soort again replaces the resolver."""
    _document_objecten[object_soort] = resolver


def document_object_zichtbaar(user, object_soort: str, object_uuid) -> bool:
    """Whether ``user`` may see the object (and so its documents); an unregistered soort: nobody."""
    resolver = _document_objecten.get(object_soort)
    return bool(resolver is not None and resolver(user, object_uuid))


_budget_links: list[_Entry] = []


def register_budget_links(factory: Callable, *, order: int) -> None:
    """Links from a budget's ledger lines to what caused them: ``factory(user, uuids) ->
    {uuid: (label, url)}`` for the uuids among ``uuids`` that are the app's objects *and* that
    ``user`` may open (through the app's scoped selector; one or two queries whatever the number)."""
    _add(_budget_links, _Entry(order, _key(factory, order), factory))


def budget_links(user, uuids: set) -> dict:
    """Every app's links for the ledger's ``object_uuid``s; a uuid no app shows has no link."""
    found: dict = {}
    if not uuids:
        return found
    for entry in _budget_links:
        found.update({k: v for k, v in entry.value(user, uuids).items() if k not in found})
    return found


_taak_voorbeelden: dict[str, Callable] = {}


def register_taak_voorbeeld(job: str, factory: Callable[[date], dict]) -> None:
    """What a job would do on a day, for its preview on ``/taken/<job>/`` (backoffice/views_taken.py):
    ``factory(datum) -> dict``, computed with the same selections the job's own step uses."""
    _taak_voorbeelden[job] = factory


def taak_voorbeeld(job: str, datum: date) -> dict:
    return _taak_voorbeelden[job](datum)


_cofinanciering_gezet: list[Callable[[int], None]] = []


def register_cofinanciering_gezet(func: Callable[[int], None]) -> None:
    """Called with a scheme's id when its co-financing share goes from 0 to more (financiering's
    ``regeling_update`` and the admin): the monthly claims run must look at its paid lines again."""
    _cofinanciering_gezet.append(func)


def cofinanciering_gezet(regeling_id: int) -> None:
    for func in _cofinanciering_gezet:
        func(regeling_id)
