"""The BSN at rest: encrypted (Fernet, keys rotate with MultiFernet), found by a keyed hash,
masked when shown, and masked by a logging filter should it ever reach a log line."""

import hashlib
import hmac
import logging
import re
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in settings.BSN_ENCRYPTION_KEYS])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def bsn_hash(bsn: str) -> str:
    return hmac.new(settings.BSN_HASH_KEY.encode(), bsn.encode(), hashlib.sha256).hexdigest()


def mask_bsn(bsn: str) -> str:
    return "*****" + bsn[-4:] if bsn else ""


_NINE_DIGITS = re.compile(r"(?<!\d)\d{5}(\d{4})(?!\d)")


def mask_digits(text: str) -> str:
    """Every free-standing run of 9 digits masked as ``*****1234``: a valid BSN or not (a typo
    is one digit off a real one)."""
    return _NINE_DIGITS.sub(r"*****\1", text)


class MaskBsnFilter(logging.Filter):
    """Masks every free-standing 9-digit number in a log record: the message (with its arguments
    filled in) and a traceback. On every handler (settings.LOGGING, gunicorn.conf.py)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the handler's own error path
            return True
        masked = mask_digits(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_digits(record.exc_text)
        return True
