from django.core.exceptions import ValidationError
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException


def validate_iban(value: str) -> None:
    try:
        IBAN(value)
    except SchwiftyException as exc:
        raise ValidationError("Dit is geen geldig IBAN.", code="ongeldig-iban") from exc


def normalize_iban(value: str) -> str:
    return IBAN(value).compact
