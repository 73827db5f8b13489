"""Check-in reminders: schedule math, dispatch, sending, links and the calendar feed."""
