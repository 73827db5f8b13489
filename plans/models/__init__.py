"""The shared domain models of plans: plans, goals, steps, check-ins, reminders."""

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
from .reminders import (
    PAUSED_INDEFINITELY,
    Channel,
    DeliveryStatus,
    ReminderDelivery,
    ReminderSchedule,
    ReviewDigest,
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
]
