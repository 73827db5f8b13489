from plans.records import admin as records_admin  # noqa: F401  (registers the records admin)
from plans.reminders import admin as reminders_admin  # noqa: F401  (registers the reminder admin)
