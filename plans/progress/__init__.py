"""Progress: statistics, achievement states and charts from a client's check-ins."""
