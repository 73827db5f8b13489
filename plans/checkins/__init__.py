"""Check-ins: one per client and local day, the check-in pages and the CSV download."""
