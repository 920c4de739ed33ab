"""The node administrator's pages: an overview, accounts and roles, API tokens, settings and backups."""
