"""Tenders of the municipality, their lots, and the capacity nodes commit to them."""
