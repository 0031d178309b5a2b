import re

from django.core.exceptions import ValidationError
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import bsn as stdnum_bsn


def clean_bsn(value: str) -> str:
    """A BSN of 9 digits that passes the eleven-test (python-stdnum), or ValidationError."""
    text = str(value).strip()
    if not re.fullmatch(r"\d{9}", text):
        raise ValidationError("Een BSN bestaat uit precies 9 cijfers.", code="ongeldig-bsn")
    try:
        return stdnum_bsn.validate(text)
    except StdnumError as exc:
        raise ValidationError("Dit BSN is ongeldig: het voldoet niet aan de elfproef.", code="ongeldig-bsn") from exc
