"""The evidence pack: one zip an auditor takes away, with the conformance map and the records
behind it for a period (ISO 10002 4.1, 8.5; R-4.1.1; requirements §6).

Members (text formats, so anyone can read them and a search can check them):

- ``index.html`` and ``conformance.json``: the map, clause by clause;
- ``policy/``: every version with its approval, publication and acknowledgement share;
- ``roles.json``: the role matrix; ``kpis.csv``: each KPI month by month; ``objectives.csv``;
- ``audits/``: programmes, audits with checklists, samples and findings; ``reviews/``: the
  reviews held, with their inputs as reviewed and decisions;
- ``case-files/``: the case files the period's audits sampled (or a few closed complaints),
  masked; ``audit-verify.txt``: the result of ``sori audit verify``.

No complainant personal data: see ``conformance_pack_parts`` for what is left out, and
``mask_text`` for the last pass over every text member.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import IO

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from sori.audit.models import AuditEntry
from sori.audit.selectors import verify_trail
from sori.core.actors import Actor
from sori.governance import conformance_pack_parts as parts
from sori.governance.conformance import ConformanceMap, conformance_map
from sori.governance.conformance_base import Context
from sori.governance.conformance_masking import mask_text


def verify_text() -> str:
    """What ``sori audit verify`` prints for the trail as it is now."""
    problems = verify_trail()
    if not problems:
        count = AuditEntry.objects.count()
        return _("audit trail intact: %(count)d entries") % {"count": count} + "\n"
    lines = [problem.line() for problem in problems]
    lines.append(_("audit trail broken: %(count)d problem(s) found") % {"count": len(problems)})
    return "\n".join(lines) + "\n"


def _index(found: ConformanceMap, names: list[str]) -> str:
    return render_to_string("governance/pack/index.html", {"map": found, "members": names})


def write_evidence_pack(
    *,
    viewer: Actor,
    period_from: dt.date | None,
    period_to: dt.date | None,
    path_or_file: str | Path | IO[bytes],
) -> ConformanceMap:
    """Write the pack for the period (default: the last 12 months) and answer its map."""
    found = conformance_map(viewer=viewer, period_from=period_from, period_to=period_to)
    ctx = Context(viewer=viewer, period_from=found.period_from, period_to=found.period_to)
    members: list[parts.Member] = [
        ("conformance.json", parts._json(found.as_dict())),
        *parts.policy_members(),
        parts.roles_member(ctx.reader, found.period_to),
        parts.kpi_history(viewer, found.period_from, found.period_to),
        parts.objectives_member(ctx),
        *parts.audit_members(ctx),
        *parts.review_members(ctx),
        *parts.case_file_members(ctx),
        ("audit-verify.txt", verify_text()),
    ]
    names = ["index.html", *(name for name, _content in members)]
    members.insert(0, ("index.html", _index(found, names)))
    with zipfile.ZipFile(path_or_file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            data = mask_text(content).encode() if isinstance(content, str) else content
            archive.writestr(name, data)
    return found
