"""Work: hours logged (inzet) and the wijkbedrijf's assignments from partners."""
