"""Residents' self-service: joining, asking and offering help, one's own page and one's own data."""
