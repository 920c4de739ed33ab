"""Alembic environment for the node's database (run through Flask-Migrate)."""

from wijknet.web.migrations_env import run

run()
