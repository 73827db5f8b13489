"""People, organizations, roles, caseloads, invitations, sign-in and the access log."""
