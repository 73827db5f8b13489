"""Services given in session, and the program's de-identified report."""
