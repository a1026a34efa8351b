"""One secret masking for every message and log line: passwords in URLs and connection strings become ***.

Errors from libraries quote what they were given (psycopg quotes a malformed URL whole, password included,
before any connection exists), so masking only the messages we write is not enough: `install_secret_masking`
masks every log record of the process (message, arguments and traceback text); an error we raise about a
connection string quotes it through `mask_secrets`, and is raised `from None` so the original is not printed.
"""

from __future__ import annotations

import logging
import re

MASK = "***"
# scheme://user:password@host (the password may hold anything but '@' and whitespace)
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*:)(?P<secret>[^@\s]*)(?P<tail>@)")
# password=secret, password: secret, "password": "secret" (conninfo strings, JSON, query parameters)
_KEY_VALUE = re.compile(
    r"(?P<head>\b(?:password|passwd|pwd|secret|token|api_key|apikey)[\"']?\s*[=:]\s*[\"']?)(?P<secret>[^\s\"'&,;}]+)",
    re.IGNORECASE,
)


def mask_secrets(text: str) -> str:
    """`text` with every password it quotes replaced by ***."""
    text = _URL_PASSWORD.sub(lambda m: f"{m['head']}{MASK}{m['tail']}", text)
    return _KEY_VALUE.sub(lambda m: f"{m['head']}{MASK}", text)


class SecretMaskingFilter(logging.Filter):
    """Masks a record's message, once formatted with its arguments, and its exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_secrets(record.exc_text)
        return True


_FILTER = SecretMaskingFilter()


def install_secret_masking(logger: logging.Logger | None = None) -> None:
    """Mask every record that reaches the handlers of `logger` (the root logger by default), including the
    handlers added later by Scrapy or Airflow: the filter is also put on the logger itself, and on each
    handler present now. Safe to call more than once."""
    target = logger or logging.getLogger()
    if _FILTER not in target.filters:
        target.addFilter(_FILTER)
    for handler in target.handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "masks_secrets", False):

        def masking_factory(*args: object, **kwargs: object) -> logging.LogRecord:
            record = factory(*args, **kwargs)
            _FILTER.filter(record)
            return record

        masking_factory.masks_secrets = True  # type: ignore[attr-defined]
        logging.setLogRecordFactory(masking_factory)
