"""Covering for a colleague (break-glass): a reason, 4 hours of access, logged and reviewed."""
