"""Schemas of the node's REST API (`/api/v1`)."""
