"""Brokering: matches between requests and volunteers, and ranked suggestions."""
