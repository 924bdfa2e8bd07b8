"""Governance records (ISO 10002 clauses 5, 6 and 8): one module per subject."""

from sori.governance.models.actions import (
    ActionKind,
    ActionSource,
    ActionStatus,
    ImprovementAction,
)
from sori.governance.models.audits import (
    AuditFinding,
    AuditProgramme,
    AuditSample,
    AuditStatus,
    ChecklistItem,
    ChecklistResult,
    FindingKind,
    InternalAudit,
)
from sori.governance.models.objectives import Cadence, Objective, TargetSide
from sori.governance.models.policy import PolicyAcknowledgement, PolicyStatus, PolicyVersion
from sori.governance.models.reviews import (
    DecisionKind,
    ManagementReview,
    ReviewDecision,
    ReviewStatus,
)
from sori.governance.models.roles import Appointment, Duty
from sori.governance.models.training import (
    Course,
    Enforcement,
    TrainingRecord,
    TrainingRequirement,
)

__all__ = [
    "ActionKind",
    "ActionSource",
    "ActionStatus",
    "Appointment",
    "AuditFinding",
    "AuditProgramme",
    "AuditSample",
    "AuditStatus",
    "Cadence",
    "ChecklistItem",
    "ChecklistResult",
    "Course",
    "DecisionKind",
    "Duty",
    "Enforcement",
    "FindingKind",
    "ImprovementAction",
    "InternalAudit",
    "ManagementReview",
    "Objective",
    "PolicyAcknowledgement",
    "PolicyStatus",
    "PolicyVersion",
    "ReviewDecision",
    "ReviewStatus",
    "TargetSide",
    "TrainingRecord",
    "TrainingRequirement",
]
