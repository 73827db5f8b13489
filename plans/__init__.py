"""Plans: goals, steps and strategies; check-ins, progress and reminders, one package each."""
