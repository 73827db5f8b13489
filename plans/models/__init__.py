"""The shared domain models of plans: plans, goals, steps, check-ins, reminders, services
given in session."""

from .checkin import FEELINGS, CheckIn, CheckInEntry, CheckInReceipt
from .plan import (
    AuthorRole,
    Direction,
    Goal,
    GoalStrategy,
    Lifecycle,
    Period,
    Plan,
    Review,
    Revision,
    Step,
    TargetKind,
    TrustedContact,
    Unit,
)
from .records import (
    AccountClosure,
    Consent,
    Disclosure,
    Method,
    PrivacyChoice,
    RecordsPolicy,
    Shares,
)
from .reminders import (
    PAUSED_INDEFINITELY,
    Channel,
    DeliveryStatus,
    ReminderDelivery,
    ReminderSchedule,
    ReviewDigest,
)
from .services_given import (
    COUNTED_KINDS,
    ReferralOutcome,
    ServiceGiven,
    ServiceKind,
)

__all__ = [
    "AuthorRole",
    "Direction",
    "Goal",
    "GoalStrategy",
    "Lifecycle",
    "Period",
    "Plan",
    "Revision",
    "Review",
    "Step",
    "TargetKind",
    "Unit",
    "PAUSED_INDEFINITELY",
    "Channel",
    "DeliveryStatus",
    "ReminderDelivery",
    "ReminderSchedule",
    "ReviewDigest",
    "FEELINGS",
    "CheckIn",
    "CheckInEntry",
    "CheckInReceipt",
    "TrustedContact",
    "COUNTED_KINDS",
    "ReferralOutcome",
    "ServiceGiven",
    "ServiceKind",
    "AccountClosure",
    "Consent",
    "Disclosure",
    "Method",
    "PrivacyChoice",
    "RecordsPolicy",
    "Shares",
]
