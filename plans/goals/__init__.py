"""Plan page, goals, question pages, steps, strategies, conflicts, reviews and caseload."""
