"""The client's records: download everything, print the plan, share with consent, keep notes
from the care team, close the account."""
