"""The OpenAPI document tells the whole truth about answers: besides the success of each operation
also the problem+json refusals it can give (docs/errors.md). A drf-spectacular post-processing
hook, so no view has to repeat them. Found by fuzzing the API against its document (issue 6,
docs/reliability.md): before this, every 400/401/403/404/409/429/503 was undocumented."""

PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details; `code` is stabiel (docs/errors.md).",
    "required": ["status", "title", "detail", "code"],
    "properties": {
        "type": {"type": "string"},
        "status": {"type": "integer"},
        "title": {"type": "string"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "invalidParams": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "code", "reason"],
                "properties": {"name": {"type": "string"}, "code": {"type": "string"}, "reason": {"type": "string"}},
            },
        },
        "regels": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"code": {"type": "string"}, "reden": {"type": "string"}},
            },
        },
    },
}

DESCRIPTIONS = {
    "400": "Ongeldige invoer (`ongeldige-invoer` met `invalidParams`, of een andere invoercode)",
    "401": "Niet ingelogd (`niet-ingelogd`)",
    "403": "Geen toegang (`geen-rol`, `geen-organisatie`, `vier-ogen`)",
    "404": "Bestaat niet of is niet van uw organisatie (`niet-gevonden`)",
    "409": "Bedrijfsregel niet voldaan (docs/errors.md)",
    "415": "Formaat niet ondersteund (`formaat-niet-ondersteund`)",
    "429": "Te veel verzoeken (`te-veel-verzoeken`) of inloggen geblokkeerd (`account-geblokkeerd`), met `Retry-After`",
    "503": "Database of Redis tijdelijk onbereikbaar (`database-onbereikbaar`, `cache-onbereikbaar`, met `Retry-After`)",
}
WRITES = {"post", "put", "patch", "delete"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BINARY = {"schema": {"type": "string", "format": "binary"}}
THROTTLED = {"/api/v1/auth/token"}


def _codes(path: str, method: str, operation: dict) -> list[str]:
    params = operation.get("parameters", [])
    security = operation.get("security")
    needs_login = bool(security) and {} not in security
    codes = ["503"]
    if operation.get("requestBody") or any(p.get("in") == "query" for p in params):
        codes.append("400")
    if needs_login:
        codes += ["401", "403"]
    if "{" in path or any(p.get("name") == "page" for p in params):
        codes.append("404")
    if method in WRITES:
        codes.append("409")
    if operation.get("requestBody"):
        codes.append("415")
    if path in THROTTLED:
        codes.append("429")
    return codes


def _downloads(operation: dict) -> None:
    """A list with ``?formaat=csv|xlsx`` answers a file as well as JSON (found by fuzzing:
    ``/vorderingen/overzicht?formaat=csv`` gave text/csv where the document said JSON only)."""
    for param in operation.get("parameters", []):
        if param.get("name") != "formaat" or param.get("in") != "query":
            continue
        enum = param.get("schema", {}).get("enum", [])
        ok = operation.get("responses", {}).get("200")
        if ok is None:
            return
        content = ok.setdefault("content", {})
        if "csv" in enum:
            content.setdefault("text/csv", BINARY)
        if "xlsx" in enum:
            content.setdefault(XLSX, BINARY)


def problem_responses(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOKS entry: add the Problem schema and the refusals."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    ref = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, methods in result.get("paths", {}).items():
        for method, operation in methods.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            _downloads(operation)
            responses = operation.setdefault("responses", {})
            for code in _codes(path, method, operation):
                responses.setdefault(code, {"description": DESCRIPTIONS[code], "content": ref})
    return result
