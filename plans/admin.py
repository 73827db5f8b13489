from plans.reminders import admin as reminders_admin  # noqa: F401  (registers the reminder admin)
