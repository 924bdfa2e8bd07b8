"""Sampling complaint files for an internal audit (ISO 10002 8.5): a random draw from the
audit's scope, a complaint added by hand, and the auditor's note on each file.

Independence: complaints the auditor handled (``sori.governance.audits.handled_by``) are never
drawn and cannot be added by hand.
"""

from __future__ import annotations

import random
import secrets

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sori.complaints.models import Complaint
from sori.core import clock
from sori.core.actors import Actor
from sori.core.errors import InvalidInput, NotFound
from sori.governance.audits import MAX_SAMPLE, handled_by, in_audit_scope
from sori.governance.models import AuditSample
from sori.governance.services.audits import WORKING, audit_entry, clean_text, locked_audit


def draw_sample(
    *, actor: Actor, reference: str, size: int, seed: int | None = None
) -> list[AuditSample]:
    """Add ``size`` complaints drawn at random from the audit's scope (8.5).

    The draw picks from the ids of the eligible complaints, in id order, with ``random.Random(seed)``:
    the seed, size and population are in the audit entry, so the draw can be repeated and
    shown. Complaints the auditor handled, and complaints already sampled, are not eligible.
    """
    if not 1 <= size <= MAX_SAMPLE:
        raise InvalidInput(
            _("Draw between 1 and %(limit)d complaints.") % {"limit": MAX_SAMPLE},
            code="invalid_size",
            field="size",
        )
    seed = seed if seed is not None else secrets.randbelow(2**31)
    with transaction.atomic():
        audit = locked_audit(actor, reference, statuses=WORKING)
        eligible = list(
            in_audit_scope(audit)
            .exclude(handled_by(audit.auditor_id))
            .exclude(pk__in=AuditSample.objects.filter(audit=audit).values("complaint_id"))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        picked = sorted(random.Random(seed).sample(eligible, min(size, len(eligible))))
        now = clock.now()
        samples = AuditSample.objects.bulk_create(
            AuditSample(audit=audit, complaint_id=pk, drawn_at=now) for pk in picked
        )
        drawn = list(
            Complaint.objects.filter(pk__in=picked)
            .order_by("pk")
            .values_list("reference", flat=True)
        )
        audit_entry(
            actor,
            audit,
            "sample_drawn",
            {
                "seed": seed,
                "size": size,
                "population": len(eligible),
                "drawn": drawn,
                "excluded": "handled by the auditor; already sampled",
            },
        )
    return samples


def add_sample(*, actor: Actor, reference: str, complaint_reference: str) -> AuditSample:
    """Add one complaint by hand; refused when the auditor handled it (independence, 8.5)."""
    complaint_reference = complaint_reference.strip().upper()
    with transaction.atomic():
        audit = locked_audit(actor, reference, statuses=WORKING)
        complaint = Complaint.objects.filter(reference=complaint_reference).first()
        if complaint is None:
            raise InvalidInput(
                _("No complaint with this reference."), code="unknown_complaint", field="complaint"
            )
        if Complaint.objects.filter(handled_by(audit.auditor_id), pk=complaint.pk).exists():
            raise InvalidInput(
                _(
                    "The auditor took part in handling this complaint, so cannot audit it "
                    "independently (ISO 10002 8.5)."
                ),
                code="not_independent",
                field="complaint",
            )
        if not in_audit_scope(audit).filter(pk=complaint.pk).exists():
            raise InvalidInput(
                _("This complaint is outside the audit's scope."),
                code="out_of_scope",
                field="complaint",
            )
        try:
            with transaction.atomic():
                sample = AuditSample.objects.create(
                    audit=audit, complaint=complaint, drawn_at=clock.now()
                )
        except IntegrityError:
            raise InvalidInput(
                _("This complaint is already in the sample."),
                code="already_sampled",
                field="complaint",
            ) from None
        audit_entry(actor, audit, "sample_added", {"complaint": complaint.reference})
    return sample


def review_sample(
    *, actor: Actor, reference: str, complaint_reference: str, note: str
) -> AuditSample:
    """The auditor's note on a sampled case file, read end to end."""
    note = clean_text(note, field="note", required=_("Write what you found in this case file."))
    with transaction.atomic():
        audit = locked_audit(actor, reference, statuses=WORKING)
        sample = AuditSample.objects.filter(
            audit=audit, complaint__reference=complaint_reference
        ).first()
        if sample is None:
            raise NotFound(_("This complaint is not in the audit's sample."))
        sample.note = note
        sample.reviewed_at = clock.now()
        sample.save(update_fields=["note", "reviewed_at"])
        audit_entry(
            actor, audit, "sample_reviewed", {"complaint": complaint_reference, "note": note}
        )
    return sample
