from tests.backoffice.workspace.conftest import staff_client, unit

__all__ = ["staff_client", "unit"]
