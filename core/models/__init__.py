"""All tables, imported together so that metadata knows every one of them."""

from core.models.accounts import (
    ConsumptionPlace,
    Contract,
    ContractStatus,
    Customer,
    CustomerKind,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    LineKind,
    NumberSequence,
    Payment,
)
from core.models.cases import (
    AuditEvent,
    AuditHead,
    AuditVerification,
    Case,
    CaseComment,
    CaseDocument,
    DocumentContent,
    DocumentStatus,
    SlaStatus,
)
from core.models.common import clock_at, utcnow
from core.models.efactura import EfacturaSubmission
from core.models.ledger import CreditNote, PaymentAllocation
from core.models.messaging import OutboxMessage, OutboxStatus, WorkerHeartbeat
from core.models.online import (
    AccessToken,
    DeliveryChannel,
    DeliveryConsent,
    IntentStatus,
    LookupAttempt,
    LookupChallenge,
    PaymentIntent,
    TokenPurpose,
)
from core.models.payment_days import PaymentDay
from core.models.previews import DocumentPreview
from core.models.refunds import Refund, RefundExport
from core.models.staff_access import SignInAttempt, StaffSession
from core.models.timed import CaseReminder, Compensation
from core.models.users import STAFF_ROLES, Role, User

__all__ = [
    "AccessToken", "DeliveryChannel", "DeliveryConsent", "IntentStatus", "LookupAttempt", "LookupChallenge",
    "PaymentIntent", "TokenPurpose", "AuditEvent", "AuditHead", "AuditVerification", "Case", "CaseComment",
    "CaseReminder", "Compensation",
    "CaseDocument", "ConsumptionPlace", "Contract", "CreditNote", "ContractStatus", "Customer", "CustomerKind",
    "DocumentContent", "DocumentPreview", "DocumentStatus", "EfacturaSubmission", "Invoice",
    "InvoiceKind", "InvoiceLine", "LineKind", "NumberSequence",
    "OutboxMessage", "OutboxStatus", "WorkerHeartbeat", "Payment", "PaymentAllocation", "PaymentDay", "Refund",
    "RefundExport", "Role",
    "STAFF_ROLES", "SignInAttempt", "SlaStatus", "StaffSession", "User", "clock_at", "utcnow",
]
