"""One exception type for every broken business rule: a stable code and a Dutch message."""


class BusinessRuleError(Exception):
    """A refused action. ``status`` is 409 for a broken rule, 403 for a missing role, 429 for too many
    (then ``retry_after`` seconds go into the Retry-After header)."""

    def __init__(
        self,
        *,
        code: str,
        message: str,
        status: int = 409,
        field: str | None = None,
        rules: list[dict] | None = None,
        retry_after: int | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.field = field
        self.rules = rules or []  # every broken rule when there are several: [{"code", "reden"}]
        self.retry_after = retry_after


class RoleError(BusinessRuleError):
    def __init__(self, message: str = "U heeft niet de rol die voor deze handeling nodig is."):
        super().__init__(code="geen-rol", message=message, status=403)
