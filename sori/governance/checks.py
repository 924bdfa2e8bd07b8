"""A Django system check that warns when a duty the process needs has nobody (ISO 10002 5.3
responsibility and authority; 2018: 5.4).

``manage.py check`` (and every ``sori`` command that runs the checks) then says, for example,
that no complaints-management representative is appointed. It reads the database, so before
``migrate`` (no tables yet) or without a reachable database it says nothing rather than fail.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Warning
from django.db import DatabaseError
from django.utils.translation import gettext as _

TAG = "sori"


def check_roles(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    """One warning per empty required duty (``sori.governance.roles.role_gaps``)."""
    # Django runs database checks only when asked for them (``databases``); this one reads data
    # but does not need a migrated schema, so it runs always and skips quietly without one.
    from sori.governance.roles import role_gaps

    try:
        gaps = role_gaps()
    except DatabaseError:  # OperationalError and ProgrammingError are DatabaseErrors.
        return []
    return [
        Warning(
            str(gap.message),
            hint=_("See who holds each duty on /staff/roles/ (ISO 10002 5.4)."),
            id=f"sori.governance.W00{index}",
            obj="roles",
        )
        for index, gap in _numbered(gaps)
    ]


# Stable ids per duty, so an installation can silence one (SILENCED_SYSTEM_CHECKS).
_IDS = {"representative": 1, "top_management": 2, "handler": 3, "approver": 4, "auditor": 5}


def _numbered(gaps: list[Any]) -> list[tuple[int, Any]]:
    return [(_IDS.get(gap.key, 9), gap) for gap in gaps]
