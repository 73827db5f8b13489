"""How long sessions last: idle and absolute limits, the warning, and sign out everywhere."""
