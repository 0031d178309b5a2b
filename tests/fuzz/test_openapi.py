"""Issue 6, part 5: the API against its own OpenAPI document, with schemathesis, as every role.

For each role (and without login) every operation gets generated requests: valid ones (positive)
and broken ones (negative: wrong types, missing fields, out of range, odd strings). Every answer
must be no 5xx, a documented status code, a documented content type, and a body and headers that
fit the document (problem+json for every refusal; backoffice/openapi.py documents those).

Bounded in the suite (``FUZZ_EXAMPLES``, default 1 per operation per mode and role); ``make fuzz``
runs the same with many more examples, and the schemathesis CLI with all its checks against a
running server (docs/reliability.md)."""

import os
from functools import cache

import pytest
import schemathesis
from django.db import connection
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = [pytest.mark.django_db]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
ROLES = ["uwv", "uwv_fin", "gem_amsterdam", "ggz_noord", "auditor", "beheer", None]


@cache
def api_schema():
    from backoffice.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


def _headers(user) -> dict:
    return {"Authorization": f"Token {AuthToken.objects.create(user=user)[1]}"} if user else {}


@cache
def cases(mode: GenerationMode) -> list[tuple[str, list]]:
    """Per operation its ``EXAMPLES`` generated requests, drawn once for every role: derandomized,
    each role would draw the same ones (drawing costs more than sending)."""
    drawn_per_operation = []
    for result in api_schema().get_all_operations():
        operation = result.ok()
        drawn: list = []

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def draw(case):
            drawn.append(case)  # noqa: B023 - called right below, in this same iteration

        try:
            draw()
        except Unsatisfiable:  # nothing to break: an operation without parameters or body
            continue
        drawn_per_operation.append((operation.label, drawn))
    return drawn_per_operation


def fuzz(user, mode: GenerationMode) -> tuple[int, list[str]]:
    """Every operation's generated requests (``cases``), as ``user`` (None: without login);
    answers (requests, failures). ``DELETE /auth/token`` revokes the token it is sent, so each of
    its requests gets a token of its own."""
    sent = 0
    shared = _headers(user)
    failures: list[str] = []
    for label, drawn in cases(mode):
        for case in drawn:
            sent += 1
            revokes = case.operation.method.upper() == "DELETE" and case.operation.path == "/api/v1/auth/token"
            try:
                case.call_and_validate(headers=_headers(user) if revokes else shared, checks=CHECKS)
            except Exception as exc:  # noqa: BLE001 - collected, all reported at once
                failures.append(f"{label} ({mode}): {str(exc)[:1500]}")
    return sent, failures


@pytest.fixture
def one_connection():
    """The requests run in the test's transaction (the shared world of docs/testing.md): the WSGI
    application must not close the connection at each request's end, as Django's test client
    arranges for its own requests."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ROLES, ids=[r or "anoniem" for r in ROLES])
def test_every_answer_fits_the_document(role, one_connection, world):
    if connection.vendor != "postgresql":
        pytest.fail("Deze test vraagt PostgreSQL (DATABASE_URL).")
    user = getattr(world, role) if role else None
    sent, failures = 0, []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        n, found = fuzz(user, mode)
        sent += n
        failures += found
    print(f"schemathesis {role or 'anoniem'}: {sent} verzoeken, {len(failures)} bevindingen")
    assert not failures, "\n\n".join(failures)
