"""`wijknet demo`: example cooperatives on this machine."""
