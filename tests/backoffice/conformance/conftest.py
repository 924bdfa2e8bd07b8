"""Staff on a test client for the conformance pages."""

from __future__ import annotations

from tests.backoffice.workspace.conftest import staff_client, unit  # noqa: F401 (fixtures)
