"""Intake of signed messages from the nodes, every rule of the spec in the spec's order."""
