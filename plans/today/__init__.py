"""Today: the client's home. One card per active goal with this step in plain words, one big
"Check in" button (or a calm "Done for today"), kind feedback from their own numbers, and what
the counselor changed since the client last agreed, with "I agree" beside it."""
