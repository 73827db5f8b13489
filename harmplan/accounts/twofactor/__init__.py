"""Two-step sign-in (django-otp): authenticator app, recovery codes, the pages and the gate."""
