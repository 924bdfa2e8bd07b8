"""The ``sori`` command: Django's management utility with Sori's settings.

``sori migrate``, ``sori check`` and ``sori createsuperuser`` come from Django; Sori's own commands
(``serve``, ``worker``, ``demo``, ``createuser``, ``token``, ``keys``, ``audit``) are management
commands in the apps, each a thin shell around one service or selector.
"""

from __future__ import annotations

import os
import sys

from sori.core.actors import Actor, ActorKind

# Who the audit trail names for changes made from the command line (ISO 10002 4.12).
CLI_ACTOR = Actor(kind=ActorKind.SYSTEM, label="cli")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sori.config.settings")
    from django.core.management import execute_from_command_line

    from sori.config.env import ConfigurationError

    try:
        execute_from_command_line(["sori", *sys.argv[1:]])
    except ConfigurationError as exc:
        # A missing or malformed setting: say which, without a traceback (see README, Configuration).
        sys.stderr.write(f"sori: configuration error: {exc}\n")
        sys.exit(2)
    except KeyboardInterrupt:
        # Ctrl-C before ``serve`` has started its processes (during migrate or the demo load).
        sys.exit(130)


if __name__ == "__main__":
    main()
