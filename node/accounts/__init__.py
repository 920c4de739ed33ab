"""Accounts, login, API tokens and who may do what."""
