"""The real SMTP server of the messaging tests, for the mail pages."""

from tests.integration.messaging.conftest import inbox, smtp

__all__ = ["inbox", "smtp"]
