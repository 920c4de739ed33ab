"""Schemas of the federation protocol's payloads and answers (spec sections 4-8)."""
