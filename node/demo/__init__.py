"""Example data for one node: members, help, work and activities over months, for demos."""
