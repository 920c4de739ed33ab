"""Alembic environment for the hub's database (run through Flask-Migrate)."""

from wijknet.web.migrations_env import run

run()
