"""Staff on a test client, with the improvement-action routes reachable (ISO 10002 8.7)."""

from __future__ import annotations

from tests.backoffice.workspace.conftest import staff_client, unit  # noqa: F401 (fixtures)
