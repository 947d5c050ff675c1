"""Typed SQLAlchemy 2 models of SIKOMO, one module per area; import them from here."""

from sikomo.models.accounts import AccountLink, LinkPurpose
from sikomo.models.assessments import Assessment, IndicatorFact
from sikomo.models.assignments import Assignment
from sikomo.models.base import (
    COUNTED_REPORT_STATUSES,
    JENIS_LABELS,
    ROLE_LABELS,
    AssessmentStatus,
    Jenis,
    JSONType,
    Method,
    Predikat,
    ReportStatus,
    Role,
    str_enum,
    utcnow,
)
from sikomo.models.findings import (
    CriterionKind,
    Finding,
    FindingEvidence,
    FindingStatus,
    FindingStep,
    Severity,
    StepKind,
)
from sikomo.models.indicator_cache import IndicatorMoved, IndicatorSeries
from sikomo.models.letters import Letter, LetterKind, LetterTemplate
from sikomo.models.messages import Notification, OutboxMessage, OutboxStatus
from sikomo.models.office import (
    AuditEvent,
    AuditHead,
    IndicatorDefinition,
    IndicatorDirection,
    OfficeLogo,
    Pdrb,
    Setting,
    Target,
)
from sikomo.models.receipts import Receipt
from sikomo.models.register import Cooperative, Region, User
from sikomo.models.reports import (
    COUNTED_LATEST_INPUTS,
    REPORT_FIGURE_COLUMNS,
    ApiToken,
    Attachment,
    Report,
    Review,
    counted,
    counted_latest_value,
    parse_date,
    parse_int,
    refresh_counted_latest,
)
from sikomo.models.scores import ReportResult, ReportScore
from sikomo.models.session import UserSession
from sikomo.models.throttle import LoginFailure

__all__ = [
    "CriterionKind",
    "Finding",
    "FindingEvidence",
    "FindingStatus",
    "FindingStep",
    "Letter",
    "LetterKind",
    "LetterTemplate",
    "Severity",
    "StepKind",
    "AccountLink",
    "LinkPurpose",
    "Notification",
    "OutboxMessage",
    "OutboxStatus",
    "Receipt",
    "COUNTED_LATEST_INPUTS",
    "COUNTED_REPORT_STATUSES",
    "JENIS_LABELS",
    "REPORT_FIGURE_COLUMNS",
    "ROLE_LABELS",
    "ApiToken",
    "Assessment",
    "Assignment",
    "AssessmentStatus",
    "Attachment",
    "AuditEvent",
    "AuditHead",
    "Cooperative",
    "IndicatorDefinition",
    "IndicatorDirection",
    "IndicatorFact",
    "IndicatorMoved",
    "IndicatorSeries",
    "Jenis",
    "JSONType",
    "Method",
    "Pdrb",
    "Predikat",
    "Region",
    "Report",
    "ReportResult",
    "ReportScore",
    "ReportStatus",
    "Review",
    "Role",
    "OfficeLogo",
    "Setting",
    "Target",
    "User",
    "UserSession",
    "LoginFailure",
    "counted",
    "counted_latest_value",
    "parse_date",
    "parse_int",
    "refresh_counted_latest",
    "str_enum",
    "utcnow",
]
