"""Area reference data: CBS municipality, wijk and buurt codes with names and population, and their import."""
