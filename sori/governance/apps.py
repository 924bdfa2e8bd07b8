from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "sori.governance"
    label = "governance"
    verbose_name = _("Governance")

    def ready(self) -> None:
        from django.core.checks import register

        from sori.governance.checks import TAG, check_roles

        # ISO 10002 5.4: warn when a required duty (representative, handler, ...) is empty.
        register(check_roles, TAG)
