"""The hub's accounts: users and roles, login, API tokens, and who may see which municipality."""
