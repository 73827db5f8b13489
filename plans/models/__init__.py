from .reminders import (
    PAUSED_INDEFINITELY,
    Channel,
    DeliveryStatus,
    ReminderDelivery,
    ReminderSchedule,
)

__all__ = [
    "PAUSED_INDEFINITELY",
    "Channel",
    "DeliveryStatus",
    "ReminderDelivery",
    "ReminderSchedule",
]
